"""nn.CrossMapLRN2d against PyTorch: values, gradients, the node's name, the 4-D check."""
import numpy as np
import pytest

import pyautograd as P

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("size", [2, 3, 4, 5])  # size 1: PyTorch's backward raises (its buffer is one short)
def test_values_and_gradients_match_pytorch(size):
    x = np.random.default_rng(size).standard_normal((2, 7, 3, 4))
    g = np.random.default_rng(size + 10).standard_normal((2, 7, 3, 4))
    results = []
    for lib in (P, torch):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.CrossMapLRN2d(size, alpha=1e-2, beta=0.75, k=1.5)(t)
        y.backward(lib.tensor(g))
        results.append((y.detach().numpy(), t.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)
    assert results[0][2] == results[1][2]


def test_repr_and_input_check():
    m = P.nn.CrossMapLRN2d(5, alpha=0.01, beta=0.75, k=1.5)
    assert repr(m) == repr(torch.nn.CrossMapLRN2d(5, alpha=0.01, beta=0.75, k=1.5))
    assert P.nn.modules.normalization.CrossMapLRN2d is P.nn.CrossMapLRN2d
    with pytest.raises(ValueError, match="Expected input to be 4D, got 3D"):
        m(P.ones(2, 3, 4))

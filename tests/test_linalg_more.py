"""torch.linalg additions outside the op database: the norms (compositions of vector_norm),
LinAlgError on singular / not positive-definite input, left=False solves, methods."""
import numpy as np
import pytest

import pyautograd as P


def test_norms_as_torch(torch):
    a = np.random.default_rng(0).normal(size=(2, 3, 4))
    for call in (lambda lib, x: lib.linalg.matrix_norm(x), lambda lib, x: lib.linalg.norm(x),
                 lambda lib, x: lib.linalg.norm(x, dim=1), lambda lib, x: lib.linalg.norm(x[0], "fro")):
        xo, xt = P.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        o, t = call(P, xo), call(torch, xt)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
        assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
        o.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-10)


def test_singular_and_not_positive_definite_raise_linalg_error(torch):
    for fn in ("inv", "cholesky"):
        with pytest.raises(torch.linalg.LinAlgError):
            getattr(torch.linalg, fn)(torch.zeros(2, 2))
        with pytest.raises(P.linalg.LinAlgError, match=f"linalg.{fn}"):
            getattr(P.linalg, fn)(P.zeros(2, 2))
    assert issubclass(P.linalg.LinAlgError, RuntimeError)
    with pytest.raises(RuntimeError, match="square"):
        P.linalg.inv(P.ones(2, 3))


def test_solve_right_and_methods_as_torch(torch):
    a = np.random.default_rng(1).normal(size=(3, 3)) + 3 * np.eye(3)
    b = np.random.default_rng(2).normal(size=(2, 3))
    np.testing.assert_allclose(P.linalg.solve(P.tensor(a), P.tensor(b), left=False).numpy(),
                               torch.linalg.solve(torch.tensor(a), torch.tensor(b), left=False).numpy(), rtol=1e-12)
    x = P.tensor(a)
    assert np.isclose(x.det().item(), np.linalg.det(a))
    np.testing.assert_allclose(x.inverse().numpy(), np.linalg.inv(a), rtol=1e-12)
    sign, logabs = x.slogdet()
    assert sign.item() == np.sign(np.linalg.det(a)) and np.isclose(logabs.item(), np.log(abs(np.linalg.det(a))))
    assert repr(P.linalg.slogdet(x)).startswith("torch.return_types.linalg_slogdet(")

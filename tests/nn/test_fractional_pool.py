"""nn.FractionalMaxPool2d/3d and F.fractional_max_pool2d/3d against PyTorch: with the same
_random_samples the same values, indices and gradients; output_ratio, unbatched input, the
module's checks, and the errors of both. Values and gradients of the ops are also in the op
database (tests/opdb/pooling_fractional.py)."""
import numpy as np
import pytest

import pyautograd as P

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("nd, shape, kernel, kw", [
    (2, (2, 3, 11, 9), (3, 2), dict(output_size=(5, 4))),
    (2, (2, 3, 10, 10), 2, dict(output_ratio=(0.5, 0.7))),
    (2, (3, 10, 8), 3, dict(output_size=4)),
    (3, (2, 2, 7, 9, 8), (2, 3, 2), dict(output_size=(4, 5, 4))),
    (3, (2, 6, 6, 6), 2, dict(output_ratio=(0.5, 0.5, 0.6))),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_indices_and_gradients_as_torch(nd, shape, kernel, kw, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    planes = shape[-nd - 1]
    batch = shape[0] if len(shape) == nd + 2 else 1
    u = rng.random((batch, planes, nd)).astype(dtype)
    results = []
    for lib in (P, torch):
        xt = lib.tensor(x, requires_grad=True)
        fn = getattr(lib.nn.functional, f"fractional_max_pool{nd}d")
        out, idx = fn(xt, kernel, return_indices=True, _random_samples=lib.tensor(u), **kw)
        (out * lib.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
        results.append((out.detach().numpy(), idx.numpy(), xt.grad.numpy(), type(out.grad_fn).__name__))
    (o1, i1, g1, n1), (o2, i2, g2, n2) = results
    np.testing.assert_array_equal(o1, o2)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(g1, g2)
    assert n1 == n2


def test_modules_draw_samples_and_reprs():
    P.manual_seed(0)
    pool = P.nn.FractionalMaxPool2d(3, output_ratio=0.5, return_indices=True)
    out, idx = pool(P.randn(2, 3, 12, 12))
    assert tuple(out.shape) == (2, 3, 6, 6) and idx.dtype == P.int64
    assert repr(pool) == repr(torch.nn.FractionalMaxPool2d(3, output_ratio=0.5, return_indices=True))
    pool3 = P.nn.FractionalMaxPool3d(2, output_size=3)
    assert tuple(pool3(P.randn(1, 2, 6, 6, 6)).shape) == (1, 2, 3, 3, 3)
    fixed = P.nn.FractionalMaxPool2d(2, output_size=3, _random_samples=P.full((1, 1, 2), 0.5))
    x = P.randn(1, 1, 6, 6)
    assert P.equal(fixed(x), fixed(x))


def _errors(lib):
    F, x = lib.nn.functional, lib.randn(2, 3, 10, 10)
    return [
        lambda: F.fractional_max_pool2d(x, 3),
        lambda: F.fractional_max_pool2d(x, 3, output_size=9),
        lambda: F.fractional_max_pool2d(x, 11, output_size=2),
        lambda: F.fractional_max_pool2d(x, 3, output_size=5, _random_samples=lib.rand(1, 3, 2)),
        lambda: F.fractional_max_pool2d(x, (3, 3, 3), output_size=5),
        lambda: F.fractional_max_pool2d(x, 3, output_size=(5, 5, 5)),
        lambda: F.fractional_max_pool2d(x.long(), 3, output_size=5),
        lambda: F.fractional_max_pool2d(lib.randn(2, 0, 6, 6), 2, output_size=3),
        lambda: F.fractional_max_pool3d(lib.randn(2, 3, 6, 6, 6), 4, output_size=4),
        lambda: lib.nn.FractionalMaxPool2d(3, output_ratio=1.5),
        lambda: lib.nn.FractionalMaxPool2d(3),
        lambda: lib.nn.FractionalMaxPool2d(3, output_size=4, output_ratio=0.5),
    ]


def test_errors_as_torch():
    for ours, theirs in zip(_errors(P), _errors(torch)):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type) as got:
            ours()
        if expected.type is not NotImplementedError:
            assert str(got.value)[:30] == str(expected.value).replace("_out(", "(")[:30], (got.value, expected.value)


def test_gradcheck_and_gradgradcheck():
    x = P.randn(1, 2, 7, 6, dtype=P.float64, requires_grad=True)
    u = P.rand(1, 2, 2, dtype=P.float64)
    f = lambda t: P.nn.functional.fractional_max_pool2d(t, 2, output_size=(4, 3), _random_samples=u)  # noqa: E731
    assert P.autograd.gradcheck(f, (x,)) and P.autograd.gradgradcheck(f, (x,))

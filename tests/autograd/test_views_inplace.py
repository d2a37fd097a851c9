"""In-place writes through views (the CopySlices mechanism) against PyTorch: base, view and the
written value all get PyTorch's gradients, including views of views, transposed views, stale
views after the base changed, and assignment through boolean masks."""
import numpy as np
import pytest


def story5_fix(lib, x):
    gamma_x = lib.ones_like(x)
    mask = x < 0.003
    gamma_x[mask] = 12.9 * x[mask]
    mask = x >= 0.003
    gamma_x[mask] = x[mask] ** 0.5
    return lib.mean((x - gamma_x) ** 2)


def slice_mul(lib, x):
    y = x * 2
    y[1:3] *= 3
    return (y * y).sum()


def view_of_view(lib, x):
    y = x * 2  # (x.exp() would save its output, and both engines would then refuse the write)
    z = y.view(5, 1)[1:4]
    z[0, 0] = 7.0
    return (y * 3).sum() + z.sum()


def setitem_value(lib, x):
    y = x * 1
    y[0] = x[4] * 5
    y[2:4] = x[0:2] ** 2
    return (y * y).sum()


def transposed(lib, x):
    y = x.view(5, 1) * x.view(1, 5)
    y.t()[0].mul_(2)
    return y.sum()


def copy_into_slice(lib, x):
    y = lib.zeros(5, dtype=x.dtype)
    y[1:3].copy_(x[:2] * 4)
    return (y * y).sum()


def stale_view(lib, x):
    y = x * 1
    v = y[1:3]
    y.mul_(x)
    return (v * 2).sum()


def step_slice(lib, x):
    y = x.sin()
    y[::2].add_(x[1:4] * 2)  # x[1:4] has 3 elements, y[::2] too
    return (y * x).sum()


CASES = [story5_fix, slice_mul, view_of_view, setitem_value, transposed, copy_into_slice, stale_view,
         step_slice]


def _grads(lib, fn):
    x = lib.tensor([0, 0.0025, 0.5, 0.8, 1], dtype=lib.float64, requires_grad=True)
    loss = fn(lib, x)
    loss.backward()
    return float(loss.item()), np.array(x.grad.tolist())


@pytest.mark.parametrize("fn", CASES, ids=lambda f: f.__name__)
def test_matches_pytorch(fn, torch):
    import pyautograd as P
    ours, theirs = _grads(P, fn), _grads(torch, fn)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)


def test_story5_fix_values_without_torch():
    import pyautograd as P
    loss, grad = _grads(P, story5_fix)
    np.testing.assert_allclose(grad, [0.0, 0.14161, -0.0242641, -0.0166563, 0.0], atol=1e-5)


def test_base_and_view_share_the_version_counter():
    import pyautograd as P
    a = P.ones(4)
    v = a[1:3]
    w = v.view(2, 1)
    w.add_(1)
    assert a._version == v._version == w._version == 1 and w._base is a and v._is_view()
    assert a.tolist() == [1.0, 2.0, 2.0, 1.0]

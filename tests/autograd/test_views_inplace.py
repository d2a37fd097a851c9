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


# -- keys mixing ints, slices, None and index tensors -------------------------------------------
# PyTorch applies ints, slices and None first (a view), then the index tensors: an int is not an
# index array (x[0, :, idx] is (x[0])[:, idx], shape (4, 3, 6), where NumPy gives (3, 4, 6)), and
# the indexed dims move to the front only when index tensors are separated by a slice.
MIXED_KEYS = ["[0, :, idx]", "[:, 0, idx]", "[idx, :, 0]", "[0, idx]", "[..., idx, 0]", "[0, :, :, idx]",
              "[:, 0, :, idx]", "[idx, :, idx2]", "[:, idx, :, idx2]", "[0, idx, :, idx2]", "[None, 0, :, idx]",
              "[0, ..., idx]", "[:, idx, 1:3, 0]", "[1:, 0, idx]", "[0, :, [0, 1]]", "[0, mask4]",
              "[:, 0, mask5]"]


def _mixed_key_run(lib, key):
    """getitem (values, gradient) and setitem on a non-leaf with a value that requires grad
    (result, gradients of the base's history and of the value, the base's grad_fn)."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((3, 4, 5, 6))
    names = {"idx": lib.tensor([0, 2, 1]), "idx2": lib.tensor([1, 1, 0]), "lib": lib,
             "mask4": lib.tensor([True, False, True, True]), "mask5": lib.tensor([True, False, True, False, True])}
    x = lib.tensor(data, requires_grad=True)
    y = eval("x" + key, names, {"x": x})  # noqa: S307 -- the test's own keys
    weights = lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))
    (y * weights).sum().backward()
    got = [tuple(y.shape), y.detach().numpy().copy(), x.grad.numpy().copy()]
    x.grad = None
    z = x * 1
    v = (weights + 100).requires_grad_()
    exec("z" + key + " = v", names, {"z": z, "v": v})  # noqa: S102 -- the test's own keys
    node = type(z.grad_fn).__name__
    (z * z).sum().backward()
    return got + [z.detach().numpy().copy(), x.grad.numpy().copy(), v.grad.numpy().copy(), node]


@pytest.mark.parametrize("key", MIXED_KEYS)
def test_mixed_keys_match_pytorch(key, torch):
    import pyautograd as P
    ours, theirs = _mixed_key_run(P, key), _mixed_key_run(torch, key)
    assert ours[0] == theirs[0], "getitem shape"
    assert ours[-1] == theirs[-1], "the base's grad_fn after setitem"
    for what, a, b in zip(("getitem", "getitem grad", "setitem", "base grad", "value grad"), ours[1:-1],
                          theirs[1:-1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=what)


def test_setitem_with_an_int_between_keeps_pytorchs_dim_order():
    import pyautograd as P
    x = P.zeros(2, 3, 4)
    x[0, :, P.tensor([1, 3])] = P.arange(6.0).reshape(3, 2)  # (x[0])[:, idx] has shape (3, 2)
    np.testing.assert_array_equal(x[0].numpy()[:, [1, 3]], np.arange(6.0).reshape(3, 2))
    assert not x[1].numpy().any()


def _squeeze_view_inplace(lib):
    x = lib.tensor(np.arange(6.0).reshape(3, 1, 2), requires_grad=True)
    y = x * 2
    v = y[1:]
    v.squeeze_(1)  # a shape change in place, on a view
    w = v.unsqueeze_(0) * 3
    y.mul_(2)  # the base changes afterwards: v's history follows it
    ((w * w).sum() + (v * v).sum() + y.sum()).backward()
    return tuple(v.shape), type(w.grad_fn.next_functions[0][0]).__name__, x.grad.numpy().copy(), y._version


def test_squeeze_and_unsqueeze_in_place_on_a_view_match_pytorch(torch):
    import pyautograd as P
    ours, theirs = _squeeze_view_inplace(P), _squeeze_view_inplace(torch)
    assert ours[0] == tuple(theirs[0]) and ours[1] == theirs[1] and ours[3] == theirs[3]
    np.testing.assert_allclose(ours[2], theirs[2])


def test_squeeze_in_place_on_a_leaf_that_requires_grad_is_refused():
    import pyautograd as P
    x = P.zeros(3, 1, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.squeeze_()
    with P.no_grad():
        x.squeeze_()
    assert x.shape == (3,) and x._version == 1


def _basic_writes(lib):
    """Writes through basic keys and through a 0-d select; returns values, grad_fn names, grads."""
    x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=lib.float64, requires_grad=True)
    v = lib.tensor([7.0, 8.0], dtype=lib.float64, requires_grad=True)
    y = x * 2
    y[0] = 5.0                  # a row from a number
    names = [type(y.grad_fn).__name__]
    y[1, ::2] = v * 3           # a strided slice from a tensor that requires grad
    names.append(type(y.grad_fn).__name__)
    y[1, 1].mul_(10.0)          # a 0-d select is a view: the write reaches y
    names.append(type(y.grad_fn).__name__)
    (y * y).sum().backward()
    return y.tolist(), names, x.grad.tolist(), v.grad.tolist()


def test_basic_key_writes_match_pytorch(torch):
    import pyautograd as P
    assert _basic_writes(P) == _basic_writes(torch)


def test_writes_through_a_0d_select_reach_the_base():
    import pyautograd as P
    z = P.zeros(2, 3)
    z[0, 1].fill_(7.0)
    w = z[1, 2]
    w.add_(3.0)
    assert z.tolist() == [[0.0, 7.0, 0.0], [0.0, 0.0, 3.0]] and w._base is z

"""torch._foreach_* and torch._assert/_check against PyTorch 2.13: values, dtypes, return types,
in-place updates, gradients through the out-of-place forms, and the errors of bad lists."""
import numpy as np
import pytest

import pyautograd as P
from pyautograd import _foreach

SHAPES = [(3,), (2, 4), ()]


def _lists(lib, seed=0, positive=False, dtype="float64"):
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(0.2, 0.9, s) if positive else rng.uniform(-0.9, 0.9, s) for s in SHAPES]
    return [lib.tensor(a, dtype=getattr(lib, dtype)) for a in arrays]


def _same(ours, theirs):
    assert type(ours) is type(theirs), (type(ours), type(theirs))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype.__repr__() == t.dtype.__repr__() and tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)


def _call(lib, name, args, kwargs):
    return getattr(lib, name)(*args, **kwargs)


@pytest.mark.parametrize("name", _foreach.UNARY)
@pytest.mark.parametrize("inplace", [False, True])
def test_unary_as_torch(name, inplace, torch, backend):
    fn = f"_foreach_{name}{'_' if inplace else ''}"
    positive = name in ("log", "log10", "log2", "rsqrt", "sqrt", "acos", "asin", "lgamma")
    ours, theirs = _lists(P, positive=positive), _lists(torch, positive=positive)
    got, want = getattr(P, fn)(ours), getattr(torch, fn)(theirs)
    _same(got, want)
    if inplace:
        assert all(g is o for g, o in zip(got, ours))
        _same(ours, theirs)


def _second(lib, form):
    """The second operand in each of its forms."""
    if form == "number":
        return 0.7
    if form == "numbers":
        return [0.5, 1.5, -0.25]
    if form == "tensors":
        return _lists(lib, seed=1, positive=True)
    return lib.tensor(0.6, dtype=lib.float64)  # one tensor for all


@pytest.mark.parametrize("name", _foreach.BINARY)
@pytest.mark.parametrize("form", ["number", "numbers", "tensors", "tensor"])
@pytest.mark.parametrize("inplace", [False, True])
def test_binary_as_torch(name, form, inplace, torch, backend):
    fn = f"_foreach_{name}{'_' if inplace else ''}"
    ours, theirs = _lists(P, positive=True), _lists(torch, positive=True)
    try:
        want = getattr(torch, fn)(theirs, _second(torch, form))
    except (TypeError, RuntimeError) as e:  # a form PyTorch does not take for this op
        with pytest.raises(type(e)):
            getattr(P, fn)(ours, _second(P, form))
        return
    got = getattr(P, fn)(ours, _second(P, form))
    _same(got, want)
    if inplace:
        _same(ours, theirs)


@pytest.mark.parametrize("name", _foreach.WITH_ALPHA)
def test_alpha_scales_a_tensor_operand(name, torch):
    ours, theirs = _lists(P), _lists(torch)
    _same(getattr(P, f"_foreach_{name}")(ours, _lists(P, 1), alpha=-2.5),
          getattr(torch, f"_foreach_{name}")(theirs, _lists(torch, 1), alpha=-2.5))
    with pytest.raises(TypeError):
        P._foreach_mul(ours, 2.0, alpha=2)  # as PyTorch: mul takes no alpha


@pytest.mark.parametrize("name", _foreach.POINTWISE3)
@pytest.mark.parametrize("value", [1, -0.5, [0.5, 2.0, -1.0]])
@pytest.mark.parametrize("inplace", [False, True])
def test_addcmul_addcdiv_as_torch(name, value, inplace, torch):
    fn = f"_foreach_{name}{'_' if inplace else ''}"
    ours, theirs = _lists(P), _lists(torch)
    got = getattr(P, fn)(ours, _lists(P, 1), _lists(P, 2, positive=True), value)
    want = getattr(torch, fn)(theirs, _lists(torch, 1), _lists(torch, 2, positive=True), value)
    _same(got, want)
    _same(ours, theirs)


@pytest.mark.parametrize("weight", ["number", "tensors"])
@pytest.mark.parametrize("inplace", [False, True])
def test_lerp_as_torch(weight, inplace, torch):
    fn = f"_foreach_lerp{'_' if inplace else ''}"
    ours, theirs = _lists(P), _lists(torch)
    got = getattr(P, fn)(ours, _lists(P, 1), 0.3 if weight == "number" else _lists(P, 2, positive=True))
    want = getattr(torch, fn)(theirs, _lists(torch, 1), 0.3 if weight == "number" else _lists(torch, 2, positive=True))
    _same(got, want)
    _same(ours, theirs)


def test_the_others_as_torch(torch):
    for ord in (2, 1, float("inf")):
        _same(P._foreach_norm(_lists(P), ord), torch._foreach_norm(_lists(torch), ord))
    _same(P._foreach_norm(_lists(P, dtype="float32"), 2, dtype=P.float64),
          torch._foreach_norm(_lists(torch, dtype="float32"), 2, dtype=torch.float64))
    _same(P._foreach_max(_lists(P)), torch._foreach_max(_lists(torch)))
    for ord in (2, 1, 3, 0.5, 0, float("inf")):
        _same(P._foreach_powsum(_lists(P), ord), torch._foreach_powsum(_lists(torch), ord))
    _same(P._foreach_powsum(_lists(P, dtype="float32"), 2, dtype=P.float64),
          torch._foreach_powsum(_lists(torch, dtype="float32"), 2, dtype=torch.float64))
    _same(P._foreach_clone(_lists(P)), torch._foreach_clone(_lists(torch)))
    ours, theirs = _lists(P), _lists(torch)
    _same(P._foreach_zero_(ours), torch._foreach_zero_(theirs))
    _same(P._foreach_copy_(ours, _lists(P, 3)), torch._foreach_copy_(theirs, _lists(torch, 3)))
    _same(ours, theirs)
    mats = [np.arange(6.0).reshape(2, 3), np.ones((1, 2))]
    rights = [np.arange(12.0).reshape(3, 4), np.ones((2, 5))]
    _same(P._foreach_mm([P.tensor(m) for m in mats], [P.tensor(r) for r in rights]),
          torch._foreach_mm([torch.tensor(m) for m in mats], [torch.tensor(r) for r in rights]))
    _same(P._foreach_pow(2.0, _lists(P)), torch._foreach_pow(2.0, _lists(torch)))


def test_integer_lists_promote_as_torch(torch):
    ints = [[1, 2], [3]]
    for name, arg in (("_foreach_mul", 0.5), ("_foreach_div", 2), ("_foreach_sqrt", None), ("_foreach_add", 1.5),
                      ("_foreach_neg", None)):
        args = () if arg is None else (arg,)
        _same(getattr(P, name)([P.tensor(i) for i in ints], *args),
              getattr(torch, name)([torch.tensor(i) for i in ints], *args))
    with pytest.raises(RuntimeError, match="can't be cast"):
        P._foreach_mul_([P.tensor(i) for i in ints], 0.5)


def test_gradients_flow_through_the_out_of_place_forms(torch):
    ours = [t.requires_grad_() for t in _lists(P)]
    theirs = [t.requires_grad_() for t in _lists(torch)]
    for lib, xs in ((P, ours), (torch, theirs)):
        ys = lib._foreach_mul(lib._foreach_exp(xs), _lists(lib, 1))
        sum(n for n in lib._foreach_norm(ys)).backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_an_ema_update_under_no_grad(torch):
    # the EMA idiom: shadow = decay * shadow + (1 - decay) * live, on parameters that require grad
    outs = []
    for lib in (P, torch):
        live = [t.requires_grad_() for t in _lists(lib)]
        shadow = [t.detach().clone() for t in _lists(lib, 1)]
        with lib.no_grad():
            lib._foreach_mul_(shadow, 0.99)
            lib._foreach_add_(shadow, live, alpha=0.01)
            lib._foreach_lerp_(shadow, live, 0.5)
        outs.append(shadow)
    _same(*outs)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        P._foreach_mul_([t.requires_grad_() for t in _lists(P)], 0.5)


def test_bad_lists_raise_as_torch(torch):
    for lib in (P, torch):
        xs = _lists(lib)
        with pytest.raises(RuntimeError, match="at least one tensor"):
            lib._foreach_add([], 1)
        with pytest.raises(RuntimeError, match="same number of tensors, got 3 and 1"):
            lib._foreach_add(xs, [lib.ones(3)])
        with pytest.raises(RuntimeError, match="same number of elements as scalar list"):
            lib._foreach_add(xs, [1.0])
        with pytest.raises(RuntimeError, match="must match the size"):
            lib._foreach_add(xs, [lib.ones(5), lib.ones(2, 4), lib.ones(())])
        with pytest.raises(TypeError):
            lib._foreach_add(xs, "x")
        with pytest.raises(TypeError):
            lib._foreach_exp(5)


def test_assert_and_check_as_torch(torch):
    for lib in (P, torch):
        lib._assert(True, "fine")
        with pytest.raises(AssertionError, match="image size"):
            lib._assert(3 == 4, "Wrong image size")
        lib._check(True)
        for check, error in (("_check", RuntimeError), ("_check_value", ValueError), ("_check_type", TypeError),
                             ("_check_index", IndexError), ("_check_not_implemented", NotImplementedError)):
            with pytest.raises(error, match="^n is 3$"):
                getattr(lib, check)(False, lambda: "n is 3")
        with pytest.raises(RuntimeError, match="Expected cond to be True"):
            lib._check(False)
        with pytest.raises(TypeError, match="cond must be a bool, but got a Tensor"):
            lib._check(lib.tensor(True))

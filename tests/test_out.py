"""The out= forms (torch.add(a, b, out=c)): the result written into out, out returned, its
version bumped, resized as PyTorch resizes it, and PyTorch's errors for a result that cannot
be cast into out or for arguments that require grad. A generic test runs every op-database
entry whose public function has an out= form, against the plain call and against PyTorch."""
import warnings

import numpy as np
import pytest

import pyautograd
from op_calls import bind, bind_torch, outputs, samples
from opdb import op_db


def _out_like(result, lib):
    """Empty outs (size 0) of the result's dtypes: out= resizes them without a warning."""
    def empty(r):
        return lib.empty(0, dtype=getattr(lib, r.dtype.__str__().split(".")[-1]))
    return tuple(empty(r) for r in result) if isinstance(result, tuple) else empty(result)


def _unwrapped(fn):
    return getattr(fn, "__wrapped__", fn)


def _has_out(info):
    public = getattr(pyautograd, info.name, None)
    return (getattr(public, "out_policy", None) is not None
            and _unwrapped(info.op) is _unwrapped(public))


OUT_ENTRIES = [pytest.param(info, id=info.full_name) for info in op_db if _has_out(info)]


def test_the_generic_test_sees_the_families():
    names = {p.values[0].name for p in OUT_ENTRIES}
    assert {"add", "exp", "amax", "matmul", "cat", "stack", "where", "clamp"} <= names, sorted(names)


def _torch_takes_out(torch, info, sample):
    """Whether PyTorch's function has an out= overload for this sample's arguments (sum(x) has
    none, sum(x, 1) has; where(c, x, 1.5) has none)."""
    tbound = bind_torch(torch, sample)
    tfn = getattr(torch, info.name)
    try:
        tfn(*tbound.args, **tbound.kwargs, out=_out_like(tfn(*tbound.args, **tbound.kwargs), torch))
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("info", OUT_ENTRIES)
def test_out_matches_the_plain_call(info):
    public = getattr(pyautograd, info.name)
    for sample in samples(info, info.dtypes[0]):
        bound = bind(sample)
        want = bound.call(info.op)
        out = _out_like(want, pyautograd)
        try:
            got = public(*bound.args, **bound.kwargs, out=out)
        except TypeError:
            continue  # an overload without out= (checked against PyTorch below)
        if isinstance(out, tuple):
            assert all(g is o for g, o in zip(got, out)), sample.desc
        else:
            assert got is out, sample.desc
        for g, w in zip(outputs(got), outputs(want)):
            assert g.dtype is w.dtype and g.shape == w.shape, sample.desc
            np.testing.assert_array_equal(g._data, w._data, err_msg=sample.desc)
            assert g._version == 1, sample.desc


@pytest.mark.parametrize("info", OUT_ENTRIES)
def test_out_exists_in_torch_and_agrees(info, torch):
    """out= is accepted for exactly the samples PyTorch accepts it for, with PyTorch's values."""
    public = getattr(pyautograd, info.name)
    accepted = 0
    for sample in samples(info, info.dtypes[0]):
        bound, tbound = bind(sample), bind_torch(torch, sample)
        if not _torch_takes_out(torch, info, sample):
            if "where" != info.name:  # where(c, x, 1.5, out=) is ours alone: a harmless extension
                with pytest.raises(TypeError):
                    public(*bound.args, **bound.kwargs, out=_out_like(bound.call(info.op), pyautograd))
            continue
        accepted += 1
        got = public(*bound.args, **bound.kwargs, out=_out_like(bound.call(info.op), pyautograd))
        tfn = getattr(torch, info.name)
        want = tfn(*tbound.args, **tbound.kwargs, out=_out_like(tfn(*tbound.args, **tbound.kwargs), torch))
        for g, w in zip(outputs(got), outputs(want)):
            np.testing.assert_allclose(g._data, w.numpy(), rtol=1e-5, atol=1e-6, err_msg=sample.desc)
    assert accepted, "PyTorch takes out= for none of the samples"


# -- the rules, against PyTorch --------------------------------------------------------------


def _both(torch, fn):
    """fn(lib) for pyautograd and torch: (ours, theirs), or the exceptions they raised."""
    results = []
    for lib in (pyautograd, torch):
        try:
            results.append(fn(lib))
        except Exception as exc:  # noqa: BLE001 -- compared below
            results.append(exc)
    return results


def _same_error(torch, fn):
    ours, theirs = _both(torch, fn)
    assert isinstance(theirs, Exception), "PyTorch accepts this call"
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours}"
    assert str(ours) == str(theirs).split("\n")[0]


def _ab(lib):
    a = lib.tensor([[1.5, -2.0, 0.25], [3.0, 0.5, -1.0]])
    b = lib.tensor([[0.5, 1.0, -2.0], [1.0, 2.0, 4.0]])
    return a, b


CALLS = {
    "add": lambda lib, a, b, out: lib.add(a, b, alpha=2, out=out),
    "exp": lambda lib, a, b, out: lib.exp(a, out=out),
    "sum dim": lambda lib, a, b, out: lib.sum(a, 1, out=out),
    "mean keepdim": lambda lib, a, b, out: lib.mean(a, 0, keepdim=True, out=out),
    "matmul": lambda lib, a, b, out: lib.matmul(a, b.t(), out=out),
    "mm": lambda lib, a, b, out: lib.mm(a.t(), b, out=out),
    "cat": lambda lib, a, b, out: lib.cat([a, b], 1, out=out),
    "stack": lambda lib, a, b, out: lib.stack([a, b], out=out),
    "where": lambda lib, a, b, out: lib.where(a > b, a, b, out=out),
    "clamp": lambda lib, a, b, out: lib.clamp(a, min=-1.0, max=1.0, out=out),
    "clamp tensors": lambda lib, a, b, out: lib.clamp(a, min=b - 1, max=b, out=out),
    "pow": lambda lib, a, b, out: lib.pow(a, 2, out=out),
}


@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_out_values_identity_and_version(torch, call):
    fn = CALLS[call]
    results = []
    for lib in (pyautograd, torch):
        a, b = _ab(lib)
        out = lib.empty(0)
        r = fn(lib, a, b, out)
        assert r is out and out._version == 1
        results.append(out)
    assert results[0].shape == tuple(results[1].shape)
    np.testing.assert_allclose(results[0].numpy(), results[1].numpy(), rtol=1e-6)


def test_out_of_the_right_shape_is_written_in_place(torch):
    a, b = _ab(pyautograd)
    out = pyautograd.zeros(2, 3)
    storage = out._data
    pyautograd.mul(a, b, out=out)
    assert out._data is storage
    np.testing.assert_allclose(out.numpy(), (a * b).numpy())


def test_out_into_a_view_writes_the_base():
    a, b = _ab(pyautograd)
    base = pyautograd.zeros(2, 2, 3)
    pyautograd.add(a, b, out=base[1])
    np.testing.assert_allclose(base[1].numpy(), (a + b).numpy())
    assert base._version == 1 and not base[0].numpy().any()


def test_out_with_elements_is_resized_with_pytorchs_warning(torch):
    messages = []
    for lib in (pyautograd, torch):
        a, b = _ab(lib)
        out = lib.empty(5)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.add(a, b, out=out)
        assert tuple(out.shape) == (2, 3)
        messages.append(str(caught[0].message).split(" (Triggered")[0])
    assert messages[0] == messages[1]


def test_out_is_the_argument_it_overwrites():
    a, b = _ab(pyautograd)
    expected = (a * b + a).numpy()
    pyautograd.add(a * b, a, out=a)
    np.testing.assert_allclose(a.numpy(), expected)


def test_max_along_a_dim_fills_both_outs(torch):
    got = []
    for lib in (pyautograd, torch):
        a, _ = _ab(lib)
        values, indices = lib.empty(0), lib.empty(0, dtype=lib.long)
        r = lib.max(a, 1, out=(values, indices))
        assert r.values is values and r.indices is indices
        got.append((values.numpy(), indices.numpy()))
    np.testing.assert_array_equal(got[0][0], got[1][0])
    np.testing.assert_array_equal(got[0][1], got[1][1])


@pytest.mark.parametrize("call", [
    lambda lib: lib.add(*_ab(lib), out=lib.empty(2, 3, dtype=lib.long)),
    lambda lib: lib.exp(_ab(lib)[0], out=lib.empty(2, 3, dtype=lib.bool)),
    lambda lib: lib.mean(_ab(lib)[0], 0, out=lib.empty(0, dtype=lib.long)),
    lambda lib: lib.matmul(_ab(lib)[0], _ab(lib)[1].t(), out=lib.empty(0, dtype=lib.float64)),
    lambda lib: lib.mm(_ab(lib)[0], _ab(lib)[1].t(), out=lib.empty(0, dtype=lib.long)),
    lambda lib: lib.cat(list(_ab(lib)), out=lib.empty(0, dtype=lib.long)),
    lambda lib: lib.add(*_ab(lib), out=lib.empty(2, 3, requires_grad=True)),
    lambda lib: lib.exp(_ab(lib)[0].requires_grad_(), out=lib.empty(0)),
    lambda lib: lib.sum(_ab(lib)[0].requires_grad_(), 0, out=lib.empty(0)),
    lambda lib: lib.cat([_ab(lib)[0].requires_grad_(), _ab(lib)[1]], out=lib.empty(0)),
], ids=["float into long", "float into bool", "mean into long", "matmul exact dtype", "mm into long",
        "cat into long", "out requires grad", "input requires grad", "sum input requires grad",
        "cat input requires grad"])
def test_out_errors_match_pytorch(torch, call):
    _same_error(torch, call)


@pytest.mark.parametrize("call", [lambda lib: lib.sum(_ab(lib)[0], out=lib.empty(0)),
                                  lambda lib: lib.var(_ab(lib)[0], True, out=lib.empty(0))],
                         ids=["sum without dim", "var(x, unbiased)"])
def test_overloads_without_out_refuse_it(torch, call):
    ours, theirs = _both(torch, call)
    assert isinstance(ours, TypeError) and isinstance(theirs, TypeError)


def test_out_under_no_grad_is_allowed(torch):
    for lib in (pyautograd, torch):
        a, b = _ab(lib)
        out = lib.empty(0, requires_grad=True)
        with lib.no_grad():
            r = lib.sum(a.requires_grad_(), 0, out=out)
        assert r is out and out.grad_fn is None and out.requires_grad


def test_sum_into_an_integer_out_sums_in_that_dtype(torch):
    got = []
    for lib in (pyautograd, torch):
        a = lib.tensor([[0.6, 0.6, -0.6], [1.6, 0.6, -2.6]])
        got.append(lib.sum(a, 1, out=lib.empty(0, dtype=lib.long)).numpy())
    np.testing.assert_array_equal(got[0], got[1])


def test_a_stale_saved_out_is_caught():
    x = pyautograd.randn(3, requires_grad=True)
    y = x * 1
    z = y.exp()  # saves its result
    with pyautograd.no_grad():
        pyautograd.add(z, 1, out=z)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()

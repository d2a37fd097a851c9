"""finfo/iinfo, LazyLinear (and UninitializedParameter), ParameterList and ParameterDict against
torch 2.13; the module paths scripts import from (issue 12)."""
import collections
import importlib
import subprocess
import sys

import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn.modules.linear
import pyautograd.nn.modules.utils
import pyautograd.nn.parameter
import pyautograd.random
import pyautograd.types
import pyautograd.utils.data._utils.collate


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_finfo_as_torch(dtype, torch):
    ours, theirs = P.finfo(getattr(P, dtype)), torch.finfo(getattr(torch, dtype))
    assert repr(ours) == repr(theirs)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_as_torch(dtype, torch):
    ours, theirs = P.iinfo(getattr(P, dtype)), torch.iinfo(getattr(torch, dtype))
    assert repr(ours) == repr(theirs) and (ours.min, ours.max, ours.bits) == (theirs.min, theirs.max, theirs.bits)


def test_info_errors_and_default(torch):
    assert repr(P.finfo()) == repr(torch.finfo())
    with pytest.raises(TypeError, match="floating point"):
        P.finfo(P.int32)
    with pytest.raises(TypeError, match="integer"):
        P.iinfo(P.float32)


def test_lazy_linear_materializes_in_place_and_becomes_linear(torch):
    m = P.nn.LazyLinear(3)
    assert repr(m) == repr(torch.nn.LazyLinear(3)) and repr(m.weight) == "<UninitializedParameter>"
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        _ = m.weight.shape
    params = list(m.parameters())
    opt = P.optim.SGD(params, lr=0.5)  # built before the first forward, as scripts do
    y = m(P.ones(2, 5))
    assert type(m) is P.nn.Linear and repr(m) == "Linear(in_features=5, out_features=3, bias=True)"
    assert params[0] is m.weight and m.weight.shape == (3, 5) and m.bias.shape == (3,)
    bound = 1 / np.sqrt(5)
    assert np.abs(m.weight.detach().numpy()).max() <= bound and np.abs(m.bias.detach().numpy()).max() <= bound
    before = m.bias.detach().clone()
    y.sum().backward()
    opt.step()
    np.testing.assert_allclose(m.bias.detach().numpy(), (before - 0.5 * 2).numpy())


def test_lazy_linear_without_bias_and_state_dict():
    m = P.nn.LazyLinear(2, bias=False)
    m(P.ones(4, 3))
    assert m.bias is None and list(m.state_dict()) == ["weight"] and m.weight.shape == (2, 3)


def test_parameter_list_as_torch(torch):
    ours = P.nn.ParameterList([P.nn.Parameter(P.ones(2)), P.ones(3)])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.ones(3)])
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours[1], P.nn.Parameter) and ours[1].requires_grad
    ours.append(P.zeros(1))
    assert len(ours) == 3 and len(list(ours.parameters())) == 3 and ours[-1].shape == (1,)
    (ours[0].sum() + ours[1].sum()).backward()
    assert ours[1].grad.tolist() == [1.0, 1.0, 1.0]


def test_parameter_dict_as_torch(torch):
    ours = P.nn.ParameterDict({"a": P.nn.Parameter(P.ones(2)), "b": P.zeros(1)})
    theirs = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2)), "b": torch.zeros(1)})
    assert list(ours.state_dict()) == list(theirs.state_dict()) and list(ours.keys()) == ["a", "b"]
    assert repr(P.nn.ParameterDict({"a": P.nn.Parameter(P.ones(2))})) == \
        repr(torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2))}))
    assert "a" in ours and isinstance(ours["b"], P.nn.Parameter)
    ours.pop("a")
    assert list(ours.keys()) == ["b"] and len(list(ours.parameters())) == 1


def test_memory_formats_and_complex_as_torch(torch):
    for name in ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format"):
        assert repr(getattr(P, name)) == repr(getattr(torch, name))
    x = P.arange(4.0)
    assert P.equal(x.clone(memory_format=P.preserve_format), x)
    assert P.zeros_like(x, memory_format=P.preserve_format).shape == (4,)
    assert P.is_complex(x) == torch.is_complex(torch.arange(4.0)) and x.is_complex() is False


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 1, 4, 5), (2, 3, 1, 1), (2, 3, 4), (2, 3, 4, 5, 6)])
@pytest.mark.parametrize("fmt", ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"])
def test_contiguous_memory_format_as_torch(shape, fmt, torch):
    # contiguous(memory_format=) checks the rank as PyTorch does and returns the same values;
    # is_contiguous(memory_format=) reads the strides by PyTorch's rule, so a tensor permuted
    # into NHWC storage is channels_last-contiguous here too.
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    ours, theirs = P.tensor(a), torch.tensor(a)
    ours_fmt, theirs_fmt = getattr(P, fmt), getattr(torch, fmt)
    try:
        expected = theirs.contiguous(memory_format=theirs_fmt)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=str(e).split(" format")[0]):
            ours.contiguous(memory_format=ours_fmt)
    else:
        assert np.array_equal(ours.contiguous(memory_format=ours_fmt).numpy(), expected.numpy())
    assert ours.is_contiguous(memory_format=ours_fmt) == theirs.is_contiguous(memory_format=theirs_fmt)
    if len(shape) == 4:  # NHWC storage, seen as NCHW
        nhwc = (0, 2, 3, 1), (0, 3, 1, 2)
        ours_cl = P.tensor(a.transpose(nhwc[0]).copy()).permute(*nhwc[1])
        theirs_cl = torch.tensor(a.transpose(nhwc[0]).copy()).permute(*nhwc[1])
        assert ours_cl.is_contiguous(memory_format=ours_fmt) == theirs_cl.is_contiguous(memory_format=theirs_fmt)
    with pytest.raises(TypeError):
        ours.contiguous(ours_fmt)  # keyword-only, as in PyTorch
    with pytest.raises(TypeError):
        ours.contiguous(memory_format=fmt)  # a name is not a memory format


def test_random_fills():
    P.manual_seed(0)
    x = P.empty(4000)
    v = x.random_(3, 7).numpy()
    assert set(np.unique(v)) == {3.0, 4.0, 5.0, 6.0}
    assert x.random_(5).max().item() <= 4
    assert x.random_().max().item() > 2 ** 20  # PyTorch's range for float32: [0, 2**24]
    i = P.zeros(1000, dtype=P.int64).random_(0, 2)
    assert set(np.unique(i.numpy())) == {0, 1}
    e = P.empty(20000).exponential_(4.0)
    assert e.min().item() >= 0 and abs(e.mean().item() - 0.25) < 0.01


def test_set_default_tensor_type_as_torch(torch):
    try:
        with pytest.warns(UserWarning, match="deprecated"):
            P.set_default_tensor_type("torch.DoubleTensor")
        assert P.tensor([1.0]).dtype is P.float64 and P.get_default_dtype() is P.float64
        with pytest.raises(TypeError, match="not available"):
            P.set_default_tensor_type("torch.cuda.FloatTensor")
    finally:
        P.set_default_dtype(P.float32)


@pytest.mark.parametrize("name", ["normal", "uniform", "constant", "kaiming_normal", "xavier_uniform", "orthogonal"])
def test_deprecated_init_spellings_warn_and_fill(name, torch):
    args = (0.5,) if name == "constant" else ()
    w = P.empty(3, 4)
    with pytest.warns(FutureWarning, match=f"nn.init.{name}` is now deprecated"):
        getattr(P.nn.init, name)(w, *args)
    with pytest.warns(FutureWarning):
        getattr(torch.nn.init, name)(torch.empty(3, 4), *args)
    if name == "constant":
        assert P.equal(w, P.full((3, 4), 0.5))


# (module path, name): the object at the path is pyautograd's own, and the path holds it in torch too.
SAME_OBJECTS = {
    ("nn.modules.linear", "LazyLinear"): "nn.LazyLinear",
    ("nn.parameter", "UninitializedParameter"): "nn.UninitializedParameter",
    ("random", "manual_seed"): "manual_seed", ("random", "seed"): "seed", ("random", "initial_seed"): "initial_seed",
    ("random", "get_rng_state"): "get_rng_state", ("random", "set_rng_state"): "set_rng_state",
    ("random", "default_generator"): "default_generator",
    ("utils.data._utils.collate", "default_collate"): "utils.data.default_collate",
    ("utils.data._utils.collate", "default_convert"): "utils.data.default_convert",
    ("types", "Size"): "Size", ("types", "Tensor"): "Tensor", ("types", "_device"): "device",
    ("types", "_dtype"): "dtype",
}


def _at(root, dotted):
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


@pytest.mark.parametrize("path", sorted(SAME_OBJECTS), ids=".".join)
def test_module_paths_hold_the_same_objects_as_torch(path, torch):
    module, name = path
    ours = getattr(importlib.import_module(f"{P.__name__}.{module}"), name)
    assert ours is _at(P, SAME_OBJECTS[path])
    # torch's side checks the table itself. Its objects are compared by identity, or by where they
    # were defined when a module of torch's was executed again in this process (the suite saw
    # torch.random re-imported once, so its functions were equal copies, not the same objects).
    theirs = getattr(importlib.import_module(f"torch.{module}"), name)
    expected = _at(torch, SAME_OBJECTS[path])
    assert theirs is expected or (getattr(theirs, "__module__", None), getattr(theirs, "__qualname__", None)) == (
        getattr(expected, "__module__", None), getattr(expected, "__qualname__", 0))


@pytest.mark.parametrize("fn", ["_single", "_pair", "_triple", "_quadruple"])
@pytest.mark.parametrize("arg", [3, 2.5, None, [1, 2], (4,), "ab", range(3)])
def test_ntuple_helpers_as_torch(fn, arg, torch):
    ours, theirs = getattr(P.nn.modules.utils, fn), getattr(torch.nn.modules.utils, fn)
    assert ours(arg) == theirs(arg) and ours.__name__ == theirs.__name__
    assert P.nn.modules.utils._ntuple(5)(arg) == torch.nn.modules.utils._ntuple(5)(arg)


def test_module_utils_helpers_as_torch(torch):
    ours, theirs = P.nn.modules.utils, torch.nn.modules.utils
    assert ours._reverse_repeat_tuple((1, 2, 3), 2) == theirs._reverse_repeat_tuple((1, 2, 3), 2)
    assert ours._list_with_default([None, 4], [1, 2, 7, 8]) == theirs._list_with_default([None, 4], [1, 2, 7, 8])
    assert ours._list_with_default(5, [1, 2]) == theirs._list_with_default(5, [1, 2]) == 5
    with pytest.raises(ValueError, match="at least 3"):
        ours._list_with_default([None, 4], [1, 2])
    results = []
    for lib in (ours, theirs):
        sd = collections.OrderedDict([("module.w", 1), ("module.b", 2), ("other", 3)])
        sd._metadata = collections.OrderedDict([("", {}), ("module", {"v": 1}), ("module.sub", {"v": 2})])
        lib.consume_prefix_in_state_dict_if_present(sd, "module.")
        results.append((list(sd.items()), list(sd._metadata.items())))
    assert results[0] == results[1]
    assert ours.__all__ == theirs.__all__


def test_types_aliases_as_torch(torch):
    for name in ("_bool", "_bytes", "_complex", "_float", "_int", "_str", "_Number"):
        assert getattr(P.types, name) == getattr(torch.types, name), name
    assert P.types.Number == torch.types.Number == int | float | bool
    assert P.types._size == P.Size | list[int] | tuple[int, ...]
    assert P.types.Device == P.device | str | int | None
    assert P.types.__all__ == [n for n in torch.types.__all__ if n != "Storage"]


def test_lazy_linear_module_path_has_no_cycle():
    # A fresh interpreter importing the deep paths first must not hit a partially initialised module.
    code = ("from pyautograd.nn.parameter import UninitializedParameter\n"
            "from pyautograd.nn.modules.linear import LazyLinear\n"
            "m = LazyLinear(2); assert isinstance(m.weight, UninitializedParameter)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr

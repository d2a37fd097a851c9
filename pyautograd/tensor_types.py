"""The legacy tensor API still in tutorials: typed tensor classes (``torch.FloatTensor``...),
``torch.Tensor(*sizes)`` / ``torch.Tensor(data)``, ``Tensor.type()`` and ``autograd.Variable``.

As in PyTorch, ``torch.FloatTensor`` is not a subclass of Tensor but a type whose
``isinstance`` check asks for a CPU tensor of its dtype, and whose call constructs one:
``FloatTensor(2, 3)`` (uninitialized, of that size), ``FloatTensor([1, 2])`` (from data),
``FloatTensor()`` (empty). ``torch.cuda.FloatTensor`` and friends exist for isinstance
checks (never true here); constructing one raises, as in PyTorch's CPU build.
"""
import numbers
import warnings

import numpy as np

from . import _creation, _dtype
from ._device import NO_CUDA, check_available
from ._size import Size
from ._tensor import Tensor

# Legacy class name -> dtype name, in PyTorch's order.
TYPE_NAMES = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16", "BFloat16Tensor": "bfloat16",
              "LongTensor": "int64", "IntTensor": "int32", "ShortTensor": "int16", "CharTensor": "int8",
              "ByteTensor": "uint8", "BoolTensor": "bool"}
_BY_DTYPE = {dtype: name for name, dtype in TYPE_NAMES.items()}
# Complex tensors' type names: PyTorch has no classes of these names (torch.ComplexFloatTensor is
# absent), only the strings of x.type().
_COMPLEX_TYPE_NAMES = {"ComplexFloatTensor": "complex64", "ComplexDoubleTensor": "complex128"}
_BY_DTYPE.update({dtype: name for name, dtype in _COMPLEX_TYPE_NAMES.items()})


def _all_ints(args):
    return all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args)


def construct(dtype, args, alias_tensors=False):
    """A tensor of `dtype` from the legacy constructor's arguments (sizes, data, or nothing)."""
    dtype = _dtype.to_dtype(dtype)
    if not args:
        return _creation.empty(0, dtype=dtype)
    if _all_ints(args) or (len(args) == 1 and isinstance(args[0], Size)):
        return _creation.empty(*args, dtype=dtype)
    if len(args) > 1:
        raise TypeError(f"new(): expected sizes (ints) or one sequence of data, got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    (data,) = args
    if isinstance(data, Tensor):
        if alias_tensors:
            return data.detach()
        if data.dtype is not dtype:
            raise TypeError(f"expected a tensor of dtype {dtype} (got one of dtype {data.dtype}); convert it "
                            f"with .to({dtype})")
        return data.detach()
    if isinstance(data, numbers.Number):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return _creation.tensor(np.asarray(data) if not isinstance(data, np.ndarray) else data, dtype=dtype)


class _TensorTypeMeta(type):
    """The metaclass of the legacy typed classes: isinstance asks for the dtype, a call constructs."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and not cls.is_cuda and obj.dtype is cls.dtype

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __call__(cls, *args, device=None):
        if cls.is_cuda:
            raise TypeError(f"type {cls.__module__}.{cls.__name__} not available. {NO_CUDA}.")
        check_available(device)
        return construct(cls.dtype, args)

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def _make_type(name, dtype_name, module, is_cuda):
    doc = (f"Legacy {'CUDA ' if is_cuda else ''}tensor type of dtype {dtype_name}: "
           + ("no tensor is an instance (there is no CUDA device); calling it raises."
              if is_cuda else f"isinstance(t, {name}) is t.dtype == {dtype_name}; {name}(2, 3) or {name}(data) "
                              f"constructs one."))
    return _TensorTypeMeta(name, (), {"dtype": _dtype._BY_NAME[dtype_name], "is_cuda": is_cuda,
                                      "__module__": module, "__doc__": doc, "__slots__": ()})


CPU_TYPES = {name: _make_type(name, d, "torch", False) for name, d in TYPE_NAMES.items()}


def cuda_tensor_types():
    """{name: type} of torch.cuda.FloatTensor and friends (never an instance's type; not constructible)."""
    return {name: _make_type(name, d, "torch.cuda", True) for name, d in TYPE_NAMES.items()}


def _tensor_new(cls, *args, **kwargs):
    """torch.Tensor(*sizes) / torch.Tensor(data): a tensor of the default dtype (a tensor argument
    is aliased, whatever its dtype, as PyTorch's legacy constructor does)."""
    if cls is not Tensor:
        return object.__new__(cls)
    check_available(kwargs.pop("device", None))
    if kwargs:
        raise TypeError(f"Tensor(): unexpected keyword arguments {sorted(kwargs)}")
    return construct(_dtype.get_default_dtype(), args, alias_tensors=True)


def _tensor_init(self, *args, **kwargs):
    """Construction happens in __new__ (see _tensor_new)."""


def _type_method(self, dtype=None, non_blocking=False, **kwargs):
    """With no argument, this tensor's legacy type name ('torch.FloatTensor'); with a dtype, a dtype
    name ('torch.DoubleTensor') or a legacy type, this tensor converted to it (itself when unchanged)."""
    if dtype is None:
        return f"torch.{_BY_DTYPE[self.dtype.name]}"
    if isinstance(dtype, _TensorTypeMeta):
        if dtype.is_cuda:
            raise RuntimeError(f"{NO_CUDA}: cannot convert to {dtype!r} (there is no CUDA device)")
        return self.to(dtype.dtype)
    if isinstance(dtype, str):
        prefix, _, name = dtype.rpartition(".")
        if prefix == "torch.cuda" and name in TYPE_NAMES:
            raise RuntimeError(f"{NO_CUDA}: cannot convert to {dtype!r} (there is no CUDA device)")
        if prefix != "torch" or (name not in TYPE_NAMES and name not in _COMPLEX_TYPE_NAMES):
            raise ValueError(f"invalid type: '{dtype}'")
        return self.to(_dtype._BY_NAME[TYPE_NAMES.get(name) or _COMPLEX_TYPE_NAMES[name]])
    if isinstance(dtype, _dtype.dtype):
        return self.to(dtype)
    if isinstance(dtype, type):  # float, np.float32...: PyTorch's ValueError, naming the type
        module = "" if dtype.__module__ == "builtins" else f"{dtype.__module__}."
        raise ValueError(f"invalid type: '{module}{dtype.__qualname__}'")
    raise TypeError(f"dtype must be a type, str, or dtype object (got {type(dtype).__name__})")


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """autograd.Variable, merged into Tensor since PyTorch 0.4: ``Variable(t, requires_grad=True)``
    is a tensor sharing t's storage (``volatile`` has no effect and warns); every tensor is an
    instance of Variable."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


def install():
    """Gives Tensor its legacy constructor and type() method."""
    Tensor.__new__ = _tensor_new
    Tensor.__init__ = _tensor_init
    Tensor.type = _type_method


def is_complex(input):
    """Whether `input`'s dtype is complex (complex64 or complex128)."""
    return input.dtype.is_complex


def is_conj(input):
    """False: no tensor has its conjugate bit set (conj of a complex tensor is computed, not a lazy view)."""
    return False


def is_neg(input):
    """False: no tensor has its negative bit set (pyautograd's tensors are real)."""
    return False


def set_default_tensor_type(t):
    """Sets the default floating dtype from a legacy type ('torch.DoubleTensor', torch.FloatTensor)
    (deprecated in PyTorch, which warns likewise); CUDA types are refused (no CUDA device)."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    name = t if isinstance(t, str) else f"{t.__module__}.{t.__name__}"
    prefix, _, short = name.rpartition(".")
    if prefix == "torch.cuda":
        raise TypeError(f"type {name} not available. {NO_CUDA}.")
    if prefix != "torch" or short not in TYPE_NAMES:
        raise TypeError(f"invalid type: '{name}'")
    _dtype.set_default_dtype(_dtype._BY_NAME[TYPE_NAMES[short]])


def is_storage(obj):
    """torch.is_storage: whether `obj` is a storage object -- always False, as pyautograd has no
    storage objects (a tensor's memory is its NumPy array; torch.UntypedStorage and the typed
    storages do not exist here)."""
    return False


def is_nonzero(input):
    """torch.is_nonzero: the truth of a one-element tensor (RuntimeError for none or several)."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())

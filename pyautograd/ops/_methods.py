"""Tensor methods and operators, bound from the op declarations.

Every method, in-place variant and operator of a public op is read from its declaration
(``_surface.SURFACE``: ``defop(..., method=True, inplace=True, dunders=...)`` or ``@public``);
this module adds only what belongs to the Tensor alone and is no op's surface: the dtype
conversions (``x.float()``), ``type_as``, iteration, unary ``+``, the fills (``fill_``,
``zero_``, ``copy_``, ``uniform_``, ``normal_``) and ``__setitem__``.
"""
import warnings as _warnings

import numpy as _np

from .. import _dtype
from .._random import rng
from .._tensor import Tensor
from . import indexing
from . import complex_real as _complex_real
from . import resize as _resize
from . import strided as _strided
from . import shape_more as _sm
from . import shape as S
from ._dims import size_args
from ._inplace import apply_inplace, check_writable, commit_raw, make_inplace
from ._surface import method_tables
from .shape import _copy_from, _fill, _zero


def _type_method(dtype_name):
    def method(self):
        return S.to(self, _dtype._BY_NAME[dtype_name])
    method.__name__ = dtype_name
    method.__doc__ = f"This tensor converted to {dtype_name} (itself if it already is)."
    return method


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(S.unbind(self, 0))  # as PyTorch: the items share one UnbindBackward0 node


def _type_as(self, other):
    """This tensor converted to `other`'s dtype."""
    return S.to(self, other.dtype)


def _pos(self):
    return self


def _fill_(self, value):
    """Fills this tensor with `value` in place."""
    value = value.item() if hasattr(value, "item") else value
    return apply_inplace(self, "fill_", _fill, (value,), {})


def _random_fill(name, draw):
    def method(self, *args, generator=None, **kwargs):
        check_writable(self, name)
        if self._data.dtype.kind == "c":  # real draws would leave the imaginary parts 0: refused
            raise NotImplementedError(f"\"{name}\" not implemented for complex tensors ({self.dtype}) in pyautograd")
        self._data[...] = draw(rng(generator), self._data.shape, *args, **kwargs)
        return commit_raw(self, name)
    method.__name__ = name
    return method


_uniform_ = _random_fill("uniform_", lambda g, shape, a=0.0, b=1.0: g.uniform(a, b, shape))
_uniform_.__doc__ = "Fills this tensor in place with samples uniform in [a, b)."
_normal_ = _random_fill("normal_", lambda g, shape, mean=0.0, std=1.0: g.normal(mean, std, shape))
_normal_.__doc__ = "Fills this tensor in place with normal samples of the given mean and std."


def _zero_(self):
    """Fills this tensor with zeros in place."""
    return apply_inplace(self, "zero_", _zero, (), {})


def _copy_(self, src, non_blocking=False):
    """Copies `src` (broadcast, cast to this dtype) into this tensor in place."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src.is_complex() and not self.is_complex():
        _warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=2)
    return apply_inplace(self, "copy_", _copy_from, (src,), {})


# Tensor-only methods (no public function behind them).
TENSOR_ONLY = {
    "type_as": _type_as, "__iter__": _iter, "__pos__": _pos,
    "float": _type_method("float32"), "double": _type_method("float64"), "half": _type_method("float16"),
    "bfloat16": _type_method("bfloat16"),
    "long": _type_method("int64"), "int": _type_method("int32"), "short": _type_method("int16"),
    "bool": _type_method("bool"), "byte": _type_method("uint8"), "char": _type_method("int8"),
    "fill_": _fill_, "zero_": _zero_, "copy_": _copy_, "uniform_": _uniform_, "normal_": _normal_,
    "__setitem__": indexing.setitem,
}

# The derived tables, filled by install() once every op is declared: {attribute: function}
# and {in-place attribute: (function, the name its version bump reports)}.
METHODS, INPLACE = {}, {}


def install(cls):
    """Binds every declared method, in-place variant and operator, and the Tensor-only
    methods, onto the Tensor class."""
    methods, inplace = method_tables()
    METHODS.update(methods)
    INPLACE.update(inplace)
    for name, fn in methods.items():
        setattr(cls, name, fn)
    for name, (fn, reported) in inplace.items():
        setattr(cls, name, make_inplace(fn, reported))
    for name, fn in TENSOR_ONLY.items():
        setattr(cls, name, fn)


# Tensor-only methods of the everyday API (issue 12): properties, the new_* factories, views
# shaped like another tensor, and the random fills.


def _bernoulli_draw(g, shape, p=0.5):
    p = p._data if hasattr(p, "_data") else p
    return g.random(shape) < p


_bernoulli_ = _random_fill("bernoulli_", _bernoulli_draw)
_bernoulli_.__doc__ = "Fills this tensor in place with 0/1 draws, 1 with probability p."

_MANTISSA_RANGE = {"float16": 2 ** 11, "bfloat16": 2 ** 8, "float32": 2 ** 24, "float64": 2 ** 53}


def _random_draw(g, shape, dtype, low, high):
    """Integers for random_: [low, high); random_(to) is [0, to); random_() is PyTorch's full range
    ([0, 2**mantissa] for floats, [0, max] for integers, {0, 1} for bool)."""
    if high is None and low:
        low, high = 0, low
    if high is not None:
        return g.integers(low, high, shape)
    if dtype.is_floating_point:
        return g.integers(0, _MANTISSA_RANGE[dtype.name], shape, endpoint=True)
    if dtype.name == "bool":
        return g.integers(0, 2, shape)
    return g.integers(0, _np.iinfo(dtype.numpy_dtype).max, shape, endpoint=True)


def _random_(self, *args, generator=None, **kwargs):
    """Fills this tensor in place with integers uniform in [from, to) (random_(to): [0, to);
    random_(): [0, 2**mantissa] for floats, [0, max] for integers)."""
    check_writable(self, "random_")
    if self._data.dtype.kind == "c":
        raise NotImplementedError(f"\"random_\" not implemented for complex tensors ({self.dtype}) in pyautograd")
    low = kwargs.get("from", args[0] if args else 0)
    high = kwargs.get("to", args[1] if len(args) > 1 else None)
    self._data[...] = _random_draw(rng(generator), self._data.shape, self.dtype, low, high)
    return commit_raw(self, "random_")


_exponential_ = _random_fill("exponential_", lambda g, shape, lambd=1.0: g.exponential(1.0 / lambd, shape))
_exponential_.__doc__ = "Fills this tensor in place with exponential samples of rate lambd."

TENSOR_ONLY.update({
    "T": property(_sm.T, doc="The tensor with its dims reversed."),
    "mT": property(_sm.mT, doc="The last two dims swapped."),
    "H": property(_sm.H, doc="The conjugate transpose of a matrix (of a real one, the transpose)."),
    "mH": property(_sm.mH, doc="The conjugate transpose of a batch of matrices."),
    "view_as": _sm.view_as, "reshape_as": _sm.reshape_as, "unfold": _sm.unfold,
    "new_zeros": _sm.new_zeros, "new_ones": _sm.new_ones, "new_empty": _sm.new_empty, "new_full": _sm.new_full,
    "new_tensor": _sm.new_tensor,
    "bernoulli_": _bernoulli_, "random_": _random_, "exponential_": _exponential_,
})

# issue 12 (tensormisc): resize_ / resize_as_ on the storage, the deprecated resize / resize_as.
TENSOR_ONLY.update(_resize.METHODS)
TENSOR_ONLY.update(_complex_real.METHODS)  # conj_physical_, is_conj, is_neg, is_complex, real, imag
TENSOR_ONLY["storage_offset"] = _strided.storage_offset  # issue 12: the offset as_strided views from


# issue 12: more Tensor-only methods PyTorch has -- dtype and shape queries, the per-element Python
# callbacks (CPU tensors only in PyTorch, as every tensor is here), sum_to_size.

def _is_signed(self):
    """Whether the dtype is signed (floats and signed integers; not uint8 or bool)."""
    return self._data.dtype.kind in "fi"


def _is_same_size(self, other):
    """Whether `other` has this tensor's shape."""
    return tuple(self._data.shape) == tuple(other._data.shape)


def _ndimension(self):
    """The number of dimensions (Tensor.dim's old name)."""
    return self._data.ndim


def _refuse_grad(self, name):
    if self.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")


def _callback_fill(self, name, fn, *others):
    # fn gets Python numbers, element by element (others broadcast to this tensor's shape); the
    # results are cast to this tensor's dtype, as PyTorch's CPU loop stores them
    _refuse_grad(self, name)
    check_writable(self, name)
    shape = self._data.shape
    columns = [self._data.ravel().tolist()] + [_np.broadcast_to(o._data, shape).ravel().tolist() for o in others]
    values = [fn(*items) for items in zip(*columns)]
    if values:
        self._data[...] = _np.asarray(values).reshape(shape).astype(self._data.dtype, copy=False)
    return commit_raw(self, name)


def _apply_(self, callable):
    """Replaces each element x with callable(x) (a Python function of a number), in place."""
    return _callback_fill(self, "apply_", callable)


def _map_(self, tensor, callable):
    """Replaces each element x with callable(x, y), y the matching element of `tensor` (broadcast)."""
    return _callback_fill(self, "map_", callable, tensor)


def _map2_(self, x, y, callable):
    """Replaces each element s with callable(s, a, b), a and b from `x` and `y` (broadcast)."""
    return _callback_fill(self, "map2_", callable, x, y)


def _sum_to_size(self, *size):
    """The sum of this tensor down to `size` (which must expand to this tensor's shape), as
    PyTorch's sum_to: the leading dims and the dims where `size` is 1 summed, then viewed."""
    size = size_args(size)
    shape = self._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = list(range(lead)) + [lead + i for i, n in enumerate(size) if n == 1 and shape[lead + i] != 1]
    out = self.sum(dims, keepdim=True) if dims else self
    return out.view(size) if lead > 0 else out


TENSOR_ONLY.update({"is_signed": _is_signed, "is_same_size": _is_same_size, "ndimension": _ndimension,
                    "apply_": _apply_, "map_": _map_, "map2_": _map2_, "sum_to_size": _sum_to_size})

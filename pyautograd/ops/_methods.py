"""Tensor methods and operators, bound from the op declarations (one table, no logic).

Each entry maps a Tensor attribute to the function that implements it; the
in-place forms (``mul_``, ``__imul__``) come from the same functions through
``_inplace.make_inplace``.
"""
import numbers

from .. import _dtype
from .._random import rng
from .._tensor import Tensor
from . import composite as C
from . import indexing
from . import pointwise as P
from ._inplace import apply_inplace, check_writable, commit_raw, make_inplace
from .shape import _copy_from, _fill, _zero


def _reflect(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _rtruediv(self, other):
    # PyTorch computes number / tensor as tensor.reciprocal() * number (MulBackward0).
    return P.reciprocal(self) * other


def _rpow(self, other):
    return P.pow_base(other, self)


def _eq(self, other):
    if not isinstance(other, (Tensor, numbers.Number)):
        return False
    return P.eq(self, other)


def _ne(self, other):
    if not isinstance(other, (Tensor, numbers.Number)):
        return True
    return P.ne(self, other)


def _bool_or(op_bool, name):
    def method(self, other):
        for x in (self, other):
            if isinstance(x, Tensor) and x.dtype.name != "bool":
                raise TypeError(f"{name} is only supported for bool tensors in pyautograd, got {x.dtype}")
        return op_bool(self, other)
    return method


def _invert(self):
    if self.dtype.name != "bool":
        raise TypeError(f"~ is only supported for bool tensors in pyautograd, got {self.dtype}")
    return P.logical_not(self)


def _type_method(dtype_name):
    def method(self):
        return C.to(self, _dtype._BY_NAME[dtype_name])
    method.__name__ = dtype_name
    method.__doc__ = f"This tensor converted to {dtype_name} (itself if it already is)."
    return method


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(C.unbind(self, 0))  # as PyTorch: the items share one UnbindBackward0 node


_UNARY = ("neg", "abs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
          "rsqrt", "reciprocal", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "erf", "floor", "ceil",
          "trunc", "isnan", "isinf", "isfinite", "logical_not")
_BINARY = ("add", "sub", "mul", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
           "logical_and", "logical_or", "logical_xor")

METHODS = {name: getattr(P, name) for name in _UNARY + _BINARY}
METHODS.update({
    "round": P.round_, "div": C.div, "true_divide": C.div, "divide": C.div, "floor_divide": C.floor_divide,
    "remainder": C.remainder, "lerp": C.lerp, "pow": C.pow, "square": C.square, "clamp": C.clamp, "clip": C.clamp,
    "where": lambda self, condition, other: P.where(condition, self, other),
    "sum": C.sum, "mean": C.mean, "prod": C.prod, "max": C.max, "min": C.min, "amax": C.amax, "amin": C.amin,
    "argmax": C.argmax, "argmin": C.argmin, "var": C.var, "std": C.std, "norm": C.norm,
    "logsumexp": C.logsumexp, "softmax": C.softmax, "log_softmax": C.log_softmax, "all": C.all, "any": C.any,
    "equal": C.equal, "isclose": C.isclose, "allclose": C.allclose, "reshape": C.reshape, "view": C.view, "flatten": C.flatten,
    "unflatten": C.unflatten, "expand": C.expand, "expand_as": C.expand_as, "broadcast_to": C.broadcast_to,
    "permute": C.permute, "transpose": C.transpose, "swapaxes": C.transpose, "swapdims": C.transpose,
    "t": C.t, "movedim": C.movedim, "moveaxis": C.movedim, "squeeze": C.squeeze, "unsqueeze": C.unsqueeze,
    "matmul": C.matmul, "mm": C.mm, "bmm": C.linalg.bmm, "mv": C.linalg.mv, "dot": C.linalg.dot,
    "contiguous": C.contiguous, "clone": lambda self, memory_format=None: C.shape_mod.clone(self),
    "to": C.to, "type_as": lambda self, other: C.to(self, other.dtype),
    "float": _type_method("float32"), "double": _type_method("float64"), "half": _type_method("float16"),
    "long": _type_method("int64"), "int": _type_method("int32"), "short": _type_method("int16"),
    "bool": _type_method("bool"), "byte": _type_method("uint8"), "char": _type_method("int8"),
    "narrow": indexing.narrow, "select": indexing.select,
    "flip": lambda self, *dims: C.flip(self, C.size_args(dims)), "roll": C.roll,
    "split": C.split, "split_with_sizes": C.split_with_sizes, "chunk": C.chunk, "unbind": C.unbind,
    "repeat": C.repeat, "tile": lambda self, *dims: C.tile(self, C.size_args(dims)),
    "diagonal": C.diagonal, "outer": C.outer, "ger": C.outer, "baddbmm": C.baddbmm,
    "cumsum": C.cumsum, "cumprod": C.cumprod, "take_along_dim": C.take_along_dim,
    "gather": indexing.gather, "scatter": indexing.scatter, "scatter_add": indexing.scatter_add,
    "index_select": indexing.index_select, "masked_fill": indexing.masked_fill,
    "masked_select": indexing.masked_select, "nonzero": indexing.nonzero, "argwhere": indexing.argwhere,
    "__getitem__": indexing.getitem, "__iter__": _iter,
    "__add__": P.add, "__radd__": P.add, "__sub__": P.sub, "__rsub__": C.rsub,
    "__mul__": P.mul, "__rmul__": P.mul, "__truediv__": C.div, "__rtruediv__": _rtruediv,
    "__floordiv__": C.floor_divide, "__rfloordiv__": _reflect(C.floor_divide),
    "__mod__": C.remainder, "__rmod__": _reflect(C.remainder),
    "__pow__": C.pow, "__rpow__": _rpow, "__matmul__": C.matmul, "__rmatmul__": _reflect(C.matmul),
    "__neg__": P.neg, "__abs__": P.abs, "__pos__": lambda self: self,
    "__eq__": _eq, "__ne__": _ne, "__lt__": P.lt, "__le__": P.le, "__gt__": P.gt, "__ge__": P.ge,
    "__and__": _bool_or(P.logical_and, "&"), "__or__": _bool_or(P.logical_or, "|"),
    "__xor__": _bool_or(P.logical_xor, "^"), "__invert__": _invert,
    "__rand__": _bool_or(P.logical_and, "&"), "__ror__": _bool_or(P.logical_or, "|"),
})

# In-place forms: name_ -> the out-of-place function it applies.
INPLACE = {f"{n}_": METHODS[n] for n in (
    "add", "sub", "mul", "div", "pow", "neg", "abs", "exp", "log", "sqrt", "sigmoid", "tanh", "relu",
    "clamp", "floor", "ceil", "trunc", "round", "sign", "sin", "cos", "reciprocal", "square", "rsqrt",
    "log1p", "expm1", "lerp", "clip")}
METHODS.update({"index_add": indexing.index_add, "index_put": indexing.index_put_op})
INPLACE.update({"index_add_": indexing.index_add, "index_put_": indexing.index_put_op})
INPLACE.update({f"{n}_": METHODS[n] for n in ("masked_fill", "scatter", "scatter_add", "cumsum", "cumprod",
                                              "baddbmm")})
INPLACE.update({"__iadd__": P.add, "__isub__": P.sub, "__imul__": P.mul, "__itruediv__": C.div,
                "__ipow__": C.pow})


_AUGMENTED_NAMES = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
                    "__ipow__": "pow_"}


def _fill_(self, value):
    """Fills this tensor with `value` in place."""
    value = value.item() if hasattr(value, "item") else value
    return apply_inplace(self, "fill_", _fill, (value,), {})


def _random_fill(name, draw):
    def method(self, *args, generator=None, **kwargs):
        check_writable(self, name)
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
    return apply_inplace(self, "copy_", _copy_from, (src,), {})


def install(cls):
    """Binds every method and operator of the table onto the Tensor class."""
    for name, fn in METHODS.items():
        setattr(cls, name, fn)
    for name, fn in INPLACE.items():
        setattr(cls, name, make_inplace(fn, _AUGMENTED_NAMES.get(name, name)))
    cls.fill_ = _fill_
    cls.zero_ = _zero_
    cls.copy_ = _copy_
    cls.squeeze_ = C.squeeze_
    cls.unsqueeze_ = C.unsqueeze_
    cls.uniform_ = _uniform_
    cls.normal_ = _normal_
    cls.__setitem__ = indexing.setitem


# surface issue 12: methods of the ops added for the everyday API (move to the declarations)
from . import matrix as _matrix  # noqa: E402
from . import sampling as _sampling  # noqa: E402
from . import selection as _selection  # noqa: E402

METHODS.update({
    "topk": _selection.topk, "sort": _selection.sort, "argsort": _selection.argsort, "msort": _selection.msort,
    "kthvalue": _selection.kthvalue, "median": _selection.median, "mode": _selection.mode,
    "tril": _matrix.tril, "triu": _matrix.triu,
    "multinomial": _sampling.multinomial, "bernoulli": _sampling.bernoulli,
})
INPLACE.update({"tril_": _matrix.tril, "triu_": _matrix.triu})


def _bernoulli_draw(g, shape, p=0.5):
    p = p._data if hasattr(p, "_data") else p
    return g.random(shape) < p


_bernoulli_ = _random_fill("bernoulli_", _bernoulli_draw)
_bernoulli_.__doc__ = "Fills this tensor in place with 0/1 draws, 1 with probability p."
METHODS["bernoulli_"] = _bernoulli_

from . import pointwise_more as _pm  # noqa: E402
from . import shape_more as _sm  # noqa: E402

_PM_NAMES = ("asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2", "hypot", "logaddexp",
             "xlogy", "fmod", "nan_to_num", "clamp_min", "clamp_max", "addcmul", "addcdiv", "erfinv")
METHODS.update({name: getattr(_pm, name) for name in _PM_NAMES})
METHODS.update({"arcsin": _pm.asin, "arccos": _pm.acos, "arctan": _pm.atan, "arcsinh": _pm.asinh,
                "arccosh": _pm.acosh, "arctanh": _pm.atanh, "arctan2": _pm.atan2})
INPLACE.update({f"{name}_": getattr(_pm, name) for name in _PM_NAMES})
METHODS.update({
    "T": property(_sm.T, doc="The tensor with its dims reversed."),
    "mT": property(_sm.mT, doc="The last two dims swapped."),
    "H": property(_sm.H, doc="The conjugate transpose of a matrix (tensors are real)."),
    "mH": property(_sm.mH, doc="The conjugate transpose of a batch of matrices."),
    "view_as": _sm.view_as, "reshape_as": _sm.reshape_as, "ravel": _sm.ravel,
    "repeat_interleave": _sm.repeat_interleave, "fliplr": _sm.fliplr, "flipud": _sm.flipud, "rot90": _sm.rot90,
    "tensor_split": _sm.tensor_split, "hsplit": _sm.hsplit, "vsplit": _sm.vsplit, "dsplit": _sm.dsplit,
    "unfold": _sm.unfold, "trace": _sm.trace, "diag": _sm.diag, "diag_embed": _sm.diag_embed,
    "diagflat": _sm.diagflat, "cross": _sm.cross,
    "new_zeros": _sm.new_zeros, "new_ones": _sm.new_ones, "new_empty": _sm.new_empty, "new_full": _sm.new_full,
    "new_tensor": _sm.new_tensor,
    "absolute": P.abs, "negative": P.neg, "multiply": P.mul, "subtract": P.sub,
})
INPLACE.update({f"{n}_": METHODS[n] for n in ("gt", "ge", "lt", "le", "eq", "ne", "absolute", "negative",
                                              "multiply", "subtract")})

import numpy as _np  # noqa: E402

from . import index_more as _im  # noqa: E402
from . import scans_moments as _scm  # noqa: E402
from . import search as _search  # noqa: E402



_MANTISSA_RANGE = {"float16": 2 ** 11, "float32": 2 ** 24, "float64": 2 ** 53}


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
    low = kwargs.get("from", args[0] if args else 0)
    high = kwargs.get("to", args[1] if len(args) > 1 else None)
    self._data[...] = _random_draw(rng(generator), self._data.shape, self.dtype, low, high)
    return commit_raw(self, "random_")


_exponential_ = _random_fill("exponential_", lambda g, shape, lambd=1.0: g.exponential(1.0 / lambd, shape))
_exponential_.__doc__ = "Fills this tensor in place with exponential samples of rate lambd."
from . import stacking as _stk  # noqa: E402

METHODS["diff"] = _stk.diff

from . import bitwise as _bw  # noqa: E402
from . import linalg_more as _la  # noqa: E402

# & | ^ ~ << >> on integer tensors too (bool-only before), as PyTorch's bitwise ops.
METHODS.update({"bitwise_and": _bw.bitwise_and, "bitwise_or": _bw.bitwise_or, "bitwise_xor": _bw.bitwise_xor,
                "bitwise_not": _bw.bitwise_not, "bitwise_left_shift": _bw.bitwise_left_shift,
                "bitwise_right_shift": _bw.bitwise_right_shift,
                "__and__": _bw.bitwise_and, "__or__": _bw.bitwise_or, "__xor__": _bw.bitwise_xor,
                "__invert__": _bw.bitwise_not, "__lshift__": _bw.bitwise_left_shift,
                "__rshift__": _bw.bitwise_right_shift, "__rand__": _bw.reflected(_bw.bitwise_and),
                "__ror__": _bw.reflected(_bw.bitwise_or), "__rxor__": _bw.reflected(_bw.bitwise_xor)})
INPLACE.update({"bitwise_and_": _bw.bitwise_and, "bitwise_or_": _bw.bitwise_or, "bitwise_xor_": _bw.bitwise_xor,
                "bitwise_not_": _bw.bitwise_not, "__iand__": _bw.bitwise_and, "__ior__": _bw.bitwise_or,
                "__ixor__": _bw.bitwise_xor})

METHODS.update({"inverse": _la.inv, "det": _la.det, "slogdet": _la.slogdet, "logdet": _la.logdet,
                "cholesky": lambda self, upper=False: _la.cholesky(self, upper=upper)})
METHODS.update({"index_copy": _im.index_copy, "index_fill": _im.index_fill})
INPLACE.update({"index_copy_": _im.index_copy, "index_fill_": _im.index_fill})
METHODS.update({"random_": _random_, "exponential_": _exponential_,
                "is_complex": lambda self: False})
METHODS.update({"cummax": _scm.cummax, "cummin": _scm.cummin, "logcumsumexp": _scm.logcumsumexp,
                "unique": _search.unique, "unique_consecutive": _search.unique_consecutive,
                "bincount": _search.bincount, "histc": _search.histc, "count_nonzero": _search.count_nonzero})
# end surface issue 12

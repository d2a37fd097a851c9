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

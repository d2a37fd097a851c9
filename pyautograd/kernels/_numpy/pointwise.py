"""NumPy reference for the pointwise kernels of csrc/kernels.def (plus where).

Inputs arrive with one common dtype (the ops layer promotes); `b` of a
binary kernel may also be a Python scalar. `out`, when given, is a
C-contiguous array of the result's shape and dtype.

This is also the family's spec for the dispatcher (``FACTS``): each kernel's arity and
parameter count are those of its table and reference below, and its cost class is
- "fused" when the reference is not one NumPy ufunc (several passes, or a Python loop:
  C wins from the smallest sizes),
- "cheap" for one memory-bound ufunc (C wins only once threaded),
- or what the entry says with ``costly(...)`` (a transcendental ufunc that C vectorizes)
  or ``numpy_faster(...)`` (NumPy's SIMD beats our libm calls: never C in auto mode).
The measured threshold of each class is in ``kernels/_registry.py``.
"""
import inspect
import math
from collections import namedtuple

import numpy as np

from .._fp import quiet, quiet_ufunc


CHEAP, COSTLY, FUSED, NUMPY_FASTER = "cheap", "costly", "fused", "numpy_faster"

# What the dispatcher needs to know of a kernel: arity (array arguments), the number of
# scalar parameters after them, the arguments whose sizes decide, and the cost class.
KernelFacts = namedtuple("KernelFacts", "arity params size_args cost")


class _Tagged:
    """A reference ufunc with a cost class other than the default (see the module notes)."""

    def __init__(self, fn, cost):
        self.fn, self.cost = fn, cost


def costly(fn):
    return _Tagged(fn, COSTLY)


def numpy_faster(fn):
    return _Tagged(fn, NUMPY_FASTER)


def _per_element(scalar):
    """A kernel applying the math-module function `scalar` to each element, in x's dtype (NumPy
    has no erf/erfc ufunc; erfc is computed directly, as 1 - erf(x) loses every digit where
    erf(x) is near 1)."""
    ufunc = np.frompyfunc(scalar, 1, 1)

    def kernel(x):
        return np.asarray(ufunc(x), dtype=x.dtype) if x.ndim else x.dtype.type(scalar(x))
    return kernel


_erf_array, _erfc_array = _per_element(math.erf), _per_element(math.erfc)


def _sigmoid(x):
    # exp(-|x|) never overflows, so both branches are finite.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _softplus(x, beta, threshold):
    bx = x * beta
    # logaddexp(0, bx) = log1p(exp(bx)) without overflow
    return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)


def _gelu(x):
    return 0.5 * x * (1 + _erf_array(x * x.dtype.type(0.7071067811865476)))


def _gelu_tanh_inner(x):
    return x.dtype.type(0.7978845608028654) * (x + x.dtype.type(0.044715) * x ** 3)


_UNARY = {
    "neg": np.negative,
    "abs": np.abs,
    "square": np.square,
    "reciprocal": np.reciprocal,
    # 0 for NaN, as PyTorch (several passes: its class is "fused")
    # (a bool's sign is itself, as PyTorch; NumPy has no sign for bool)
    "sign": lambda x: np.where(np.isnan(x), 0, np.sign(x)).astype(x.dtype, copy=False) if x.dtype.kind == "f"
    else x.copy() if x.dtype.kind == "b" else np.sign(x),
    "exp": costly(np.exp),
    "exp2": np.exp2,
    "expm1": costly(np.expm1),
    "log": costly(np.log),
    "log2": np.log2,
    "log10": np.log10,
    "log1p": costly(np.log1p),
    "sqrt": np.sqrt,
    "rsqrt": lambda x: 1 / np.sqrt(x),
    "sin": numpy_faster(np.sin),
    "cos": numpy_faster(np.cos),
    "tan": np.tan,
    "asin": np.arcsin,
    "tanh": costly(np.tanh),
    "erf": _erf_array,
    "erfc": _erfc_array,
    "floor": np.floor,
    "ceil": np.ceil,
    "trunc": np.trunc,
    "round": np.rint,
    "sigmoid": _sigmoid,
    "logsigmoid": lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
    "relu": lambda x: np.where(x > 0, x, np.where(np.isnan(x), x, 0)).astype(x.dtype, copy=False),
    "gelu": _gelu,
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(_gelu_tanh_inner(x))),
    "silu": lambda x: x * _sigmoid(x),
}

_UNARY_PARAM = {
    "leaky_relu": lambda x, slope: np.where(x > 0, x, x * slope),
    "elu": lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(x)),
    "softplus": _softplus,
    # min(max(x, lo), hi), NaN-propagating, as PyTorch: hi wins when lo > hi, a NaN bound gives NaN
    "clamp": lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
}


def _gelu_backward(g, x):
    cdf = 0.5 * (1 + _erf_array(x * x.dtype.type(0.7071067811865476)))
    pdf = x.dtype.type(0.3989422804014327) * np.exp(-0.5 * x * x)
    return g * (cdf + x * pdf)


def _gelu_tanh_backward(g, x):
    t = np.tanh(_gelu_tanh_inner(x))
    k = x.dtype.type(0.7978845608028654)
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + x.dtype.type(0.134145) * x * x))


def _trunc_divide(a, b):
    """a / b rounded towards zero; exact for integers (no detour through floats)."""
    if np.result_type(a, b).kind == "f":
        return np.trunc(np.true_divide(a, b))
    q = np.floor_divide(a, b)
    # floor and trunc differ where the division is inexact and the signs differ.
    return q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))


def _integer_division(fn):
    """fn(a, b), raising for an integer division by zero (NumPy returns 0; PyTorch raises
    RuntimeError "ZeroDivisionError")."""
    def divide(a, b):
        if np.result_type(a, b).kind in "biu" and not np.all(b):
            raise RuntimeError("ZeroDivisionError")
        return fn(a, b)
    return divide


def _silu_backward(g, x):
    s = _sigmoid(x)
    return g * s * (1 + x * (1 - s))


_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "pow": np.power,
    "maximum": np.maximum,
    "minimum": np.minimum,
    # Python's rules, as PyTorch's: the floor of the quotient and a remainder with the divisor's sign.
    "floor_divide": _integer_division(np.floor_divide),
    "remainder": _integer_division(np.remainder),
    "trunc_divide": _integer_division(_trunc_divide),
    "relu_backward": lambda g, x: np.where(x <= 0, 0, g),  # NaN passes the gradient, as PyTorch
    "sigmoid_backward": lambda g, y: g * y * (1 - y),
    "tanh_backward": lambda g, y: g * (1 - y * y),
    "gelu_backward": _gelu_backward,
    "gelu_tanh_backward": _gelu_tanh_backward,
    "silu_backward": _silu_backward,
}

# Tests and logical ops: NumPy only (bool results, no float hot path to win).
_PREDICATE = {
    "isnan": np.isnan,
    "isinf": np.isinf,
    "isfinite": np.isfinite,
    "logical_not": np.logical_not,
}
_LOGICAL = {
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_xor": np.logical_xor,
}

_COMPARE = {
    "eq": np.equal,
    "ne": np.not_equal,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
}


def _finish(result, dtype, out):
    """Casts a composed result to the input dtype and writes it to `out` if given."""
    if out is None:
        return np.asarray(result, dtype=dtype)
    out[...] = result
    return out


def _make_unary(name, fn):
    if isinstance(fn, np.ufunc):
        kernel = quiet_ufunc(fn, 1)
    else:
        def kernel(x, *, out=None):
            return _finish(quiet(fn, x), x.dtype, out)
    kernel.__name__ = name
    kernel.__doc__ = f"Pointwise {name}(x) (NumPy reference)."
    return kernel


def _make_unary_param(name, fn):
    def kernel(x, *params, out=None):
        return _finish(quiet(fn, x, *params), x.dtype, out)
    kernel.__name__ = name
    kernel.__doc__ = f"Pointwise {name}(x, *params) (NumPy reference)."
    return kernel


def _make_binary(name, fn, result_dtype=None):
    if isinstance(fn, np.ufunc):
        kernel = quiet_ufunc(fn, 2)
    else:
        def kernel(a, b, *, out=None):
            return _finish(quiet(fn, a, b), result_dtype or np.result_type(a, b), out)
    kernel.__name__ = name
    kernel.__doc__ = f"Pointwise {name}(a, b) with broadcasting (NumPy reference)."
    return kernel


def where(cond, a, b, *, out=None):
    """Elements of `a` where `cond` is true, else of `b`, broadcast together (NumPy reference)."""
    return _finish(np.where(cond, a, b), np.result_type(a, b), out)


def _facts(table, arity):
    """{name: KernelFacts} of one table, and the table with its tags removed."""
    facts, plain = {}, {}
    for name, fn in table.items():
        cost = fn.cost if isinstance(fn, _Tagged) else CHEAP if isinstance(fn, np.ufunc) else FUSED
        fn = fn.fn if isinstance(fn, _Tagged) else fn
        params = len(inspect.signature(fn).parameters) - arity if not isinstance(fn, np.ufunc) else 0
        facts[name] = KernelFacts(arity, params, (0, 1)[:arity], cost)
        plain[name] = fn
    return facts, plain


FACTS = {}
for _table, _arity in ((_UNARY, 1), (_UNARY_PARAM, 1), (_BINARY, 2), (_COMPARE, 2)):
    _f, _table_plain = _facts(_table, _arity)
    FACTS.update(_f)
    _table.update(_table_plain)
FACTS["where"] = KernelFacts(3, 0, (1, 2), CHEAP)  # (cond, a, b): a and b decide

UNARY = tuple(_UNARY)
UNARY_PARAM = tuple(_UNARY_PARAM)
BINARY = tuple(_BINARY)
COMPARE = tuple(_COMPARE)

_namespace = {}
_namespace.update({n: _make_unary(n, f) for n, f in _UNARY.items()})
_namespace.update({n: _make_unary_param(n, f) for n, f in _UNARY_PARAM.items()})
_namespace.update({n: _make_binary(n, f) for n, f in _BINARY.items()})
_namespace.update({n: _make_binary(n, f, np.bool_) for n, f in _COMPARE.items()})
_namespace.update({n: _make_unary(n, f) for n, f in _PREDICATE.items()})
_namespace.update({n: _make_binary(n, f, np.bool_) for n, f in _LOGICAL.items()})
_namespace["where"] = where
globals().update(_namespace)
__all__ = sorted(_namespace)

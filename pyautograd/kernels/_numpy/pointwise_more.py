"""NumPy kernels of the pointwise ops added for the everyday API: inverse and hyperbolic
trigonometry, atan2, hypot, logaddexp, xlogy, fmod, nan_to_num, one-sided clamps, the
ternary addcmul/addcdiv and the activations mish, hardswish, hardsigmoid, celu (NumPy only;
inputs arrive promoted to one dtype by the ops layer)."""
import math

import numpy as np

from .._fp import quiet

__all__ = ["acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2", "hypot", "logaddexp",
           "xlogy", "fmod", "nan_to_num", "clamp_min", "clamp_max", "addcmul", "addcdiv", "mish", "hardswish",
           "hardsigmoid", "celu", "erfinv"]


def _keep(result, like):
    """`result` in the dtype of `like` (NumPy may widen when a Python scalar is mixed in)."""
    dtype = like.dtype if isinstance(like, np.ndarray) else np.result_type(result)
    return np.asarray(result).astype(dtype, copy=False)


def _unary(ufunc):
    def kernel(x):
        return _keep(quiet(ufunc, x), x)
    kernel.__name__ = ufunc.__name__
    kernel.__doc__ = f"np.{ufunc.__name__} elementwise, warnings off, x's dtype kept."
    return kernel


acos, atan = _unary(np.arccos), _unary(np.arctan)
sinh, cosh = _unary(np.sinh), _unary(np.cosh)
asinh, acosh, atanh = _unary(np.arcsinh), _unary(np.arccosh), _unary(np.arctanh)


def _first_array(a, b):
    return a if isinstance(a, np.ndarray) else b


def atan2(a, b):
    """The angle of the point (b, a), elementwise."""
    return _keep(quiet(np.arctan2, a, b), _first_array(a, b))


def hypot(a, b):
    """sqrt(a**2 + b**2) without overflow, elementwise."""
    return _keep(quiet(np.hypot, a, b), _first_array(a, b))


def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow, elementwise."""
    return _keep(quiet(np.logaddexp, a, b), _first_array(a, b))


def xlogy(a, b):
    """a * log(b), 0 where a is 0 (unless b is NaN), elementwise."""
    with np.errstate(all="ignore"):
        out = np.where(np.asarray(a) == 0, 0.0, a * np.log(b))
        out = np.where(np.isnan(b), np.nan, out)
    return _keep(out, _first_array(a, b))


def fmod(a, b):
    """The C remainder a - trunc(a / b) * b (sign of a), elementwise. An integer fmod by zero
    raises PyTorch's RuntimeError "ZeroDivisionError" (NumPy would return 0)."""
    if np.result_type(a, b).kind in "biu" and not np.all(b):
        raise RuntimeError("ZeroDivisionError")
    return _keep(quiet(np.fmod, a, b), _first_array(a, b))


def nan_to_num(x, nan, posinf, neginf):
    """x with NaN, +inf and -inf replaced (None: 0, the dtype's largest, the dtype's lowest)."""
    info = np.finfo(x.dtype) if x.dtype.kind == "f" else None
    if info is None:
        return x.copy()
    return np.nan_to_num(x, nan=0.0 if nan is None else nan, posinf=info.max if posinf is None else posinf,
                         neginf=info.min if neginf is None else neginf)


def clamp_min(x, lo):
    """max(x, lo) elementwise (NaN stays NaN)."""
    return _keep(np.where(np.isnan(x), x, np.maximum(x, lo)), x)


def clamp_max(x, hi):
    """min(x, hi) elementwise (NaN stays NaN)."""
    return _keep(np.where(np.isnan(x), x, np.minimum(x, hi)), x)


def addcmul(x, a, b, value):
    """x + value * a * b, broadcast."""
    return _keep(quiet(lambda: x + value * (a * b)), x)


def addcdiv(x, a, b, value):
    """x + value * a / b, broadcast."""
    return _keep(quiet(lambda: x + value * (a / b)), x)


def _softplus(x):
    return np.logaddexp(0, x)


def mish(x):
    """x * tanh(softplus(x))."""
    return _keep(quiet(lambda: x * np.tanh(_softplus(x))), x)


def hardswish(x):
    """x * relu6(x + 3) / 6."""
    return _keep(x * np.clip(x + 3, 0, 6) / 6, x)


def hardsigmoid(x):
    """relu6(x + 3) / 6."""
    return _keep(np.clip(x + 3, 0, 6) / 6, x)


def celu(x, alpha):
    """x where x > 0, else alpha * (exp(x / alpha) - 1)."""
    return _keep(quiet(lambda: np.where(x > 0, x, alpha * np.expm1(x / alpha))), x)


_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def erfinv(x):
    """The inverse error function on (-1, 1) (+-inf at +-1, NaN outside): Giles' approximation
    refined by Newton steps on erf, to full precision."""
    xd = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - xd) * (1.0 + xd))
        central = w < 5.0
        wc, wt = w - 2.5, np.sqrt(w) - 3.0
        pc = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            pc = c + pc * wc
        pt = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            pt = c + pt * wt
        y = np.where(central, pc, pt) * xd
        for _ in range(2):  # Newton: y -= (erf(y) - x) / erf'(y)
            err = np.asarray(_erf_scalar(y), np.float64) - xd
            y = y - err / (2.0 / math.sqrt(math.pi) * np.exp(-y * y))
        y = np.where(xd == 1.0, np.inf, np.where(xd == -1.0, -np.inf, y))
        y = np.where(np.abs(xd) > 1.0, np.nan, y)
    return np.asarray(y).astype(x.dtype, copy=False)

"""OpInfos of ops/pointwise_more.py: inverse and hyperbolic trigonometry, atan2, hypot, logaddexp,
xlogy, fmod, nan_to_num, clamp_min/clamp_max, addcmul/addcdiv, and the activations mish,
hardswish, hardsigmoid, celu, selu, glu, prelu (samples inside each domain, off the kinks)."""
import numpy as np

import pyautograd as P
from pyautograd.ops import pointwise_more as PM

from .core import OpInfo, SampleInput, Skip, make_arg
from .pointwise import binary, unary

F32, F64 = np.float32, np.float64


def _torch():
    import torch
    return torch


def _t(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _f(name):
    return lambda *a, **k: getattr(_torch().nn.functional, name)(*a, **k)


def _erfinv_ref(x):
    """Bisection on math.erf: slow and obviously right (the kernel uses a rational approximation)."""
    import math
    lo, hi = np.full(x.shape, -6.0), np.full(x.shape, 6.0)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    for _ in range(80):
        mid = (lo + hi) / 2
        below = erf(mid) < x
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return ((lo + hi) / 2).astype(x.dtype)


def _ternary(dtype, rng):
    def arg(shape, low=-2.0, high=2.0):
        return make_arg(shape, dtype, rng, low=low, high=high)
    return [SampleInput((arg((2, 3)), arg((2, 3)), arg((2, 3), 0.5, 2.0)), desc="same shapes"),
            SampleInput((arg((2, 3)), arg((3,)), arg((2, 1), 0.5, 2.0)), {"value": 0.5}, "broadcast value 0.5"),
            SampleInput((arg(()), arg((2, 2)), arg((2, 2), 0.5, 2.0)), {"value": -2}, "0-d input")]


def _selu_ref(x):
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return (scale * np.where(x > 0, x, alpha * np.expm1(x))).astype(x.dtype)


def _glu_samples(dtype, rng):
    return [SampleInput((make_arg((2, 4), dtype, rng),), desc="last dim"),
            SampleInput((make_arg((4, 3), dtype, rng),), {"dim": 0}, "dim 0")]


def _glu_ref(x, dim=-1):
    a, b = np.split(x, 2, axis=dim)
    return (a / (1 + np.exp(-b))).astype(x.dtype)


def _prelu_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng, avoid=(0.0,))
    return [SampleInput((arg((2, 3, 4)), make_arg((3,), dtype, rng, low=0.05, high=0.5)), desc="per channel"),
            SampleInput((arg((5,)), make_arg((1,), dtype, rng, low=0.05, high=0.5)), desc="shared 1-d")]


def _prelu_ref(x, w):
    shape = [1, -1] + [1] * (x.ndim - 2) if x.ndim >= 2 and w.size > 1 else w.shape
    return np.where(x > 0, x, w.reshape(shape) * x).astype(x.dtype)


def _nan_to_num_samples(dtype, rng):
    x = make_arg((2, 3), dtype, rng)
    x.flat[:3] = [np.nan, np.inf, -np.inf]
    return [SampleInput((x,), desc="defaults"),
            SampleInput((x,), {"nan": 1.5, "posinf": 9.0, "neginf": -9.0}, "given")]


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    info = np.finfo(x.dtype)
    return np.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                         neginf=info.min if neginf is None else neginf)


def _xlogy_ref(a, b):
    with np.errstate(all="ignore"):
        out = np.where(np.asarray(a) == 0, 0.0, a * np.log(b))
    return np.asarray(out).astype(np.result_type(a, b) if isinstance(b, np.ndarray) else a.dtype)


def _one_sided(dtype, rng, name):
    x = make_arg((3, 4), dtype, rng, avoid=(0.25,))
    return [SampleInput((x, 0.25), desc="2d"), SampleInput((make_arg((), dtype, rng, avoid=(0.25,)), 0.25), desc="0-d")]


OPS = []
for _name, _ref, _kw in [("acos", np.arccos, dict(low=-0.9, high=0.9)),
                         ("atan", np.arctan, {}), ("sinh", np.sinh, {}), ("cosh", np.cosh, {}),
                         ("asinh", np.arcsinh, {}), ("acosh", np.arccosh, dict(low=1.1, high=4.0)),
                         ("atanh", np.arctanh, dict(low=-0.9, high=0.9)),
                         ("erfinv", None, dict(low=-0.95, high=0.95))]:
    OPS.append(OpInfo(_name, getattr(P, _name), unary(**_kw), ref=_ref or _erfinv_ref, torch_fn=_t(_name)))
OPS += [
    OpInfo("atan2", P.atan2, binary(other=(-3.0, 3.0, (0.0,)), scalar=None), ref=np.arctan2, torch_fn=_t("atan2"),
           covers=("atan2",)),
    OpInfo("hypot", P.hypot, (lambda dtype, rng: [SampleInput((make_arg((2, 3), dtype, rng, low=0.2), make_arg((2, 3), dtype, rng, low=0.2)),
                                            desc="2d"),
                                SampleInput((make_arg((2, 3), dtype, rng, low=0.2), make_arg((3,), dtype, rng, low=0.2)),
                                            desc="broadcast")]),
           ref=np.hypot, torch_fn=_t("hypot"), covers=("hypot",)),
    OpInfo("logaddexp", P.logaddexp, binary(scalar=None), ref=np.logaddexp, torch_fn=_t("logaddexp"),
           covers=("logaddexp",)),
    OpInfo("logaddexp2", P.logaddexp2, binary(scalar=None), ref=np.logaddexp2, torch_fn=_t("logaddexp2"),
           covers=("logaddexp2",)),
    OpInfo("xlogy", P.xlogy, binary(other=(0.2, 3.0, ())), ref=_xlogy_ref, torch_fn=_t("xlogy"),
           covers=("xlogy", "xlogy_scalar_other")),
    OpInfo("fmod", P.fmod, (lambda dtype, rng: [
                                SampleInput((make_arg((2, 3), dtype, rng, low=0.1, high=0.6),
                                             make_arg((2, 3), dtype, rng, low=0.7, high=2.9)), desc="2d"),
                                SampleInput((make_arg((4,), dtype, rng), 1.3), desc="scalar")]),
           ref=np.fmod, torch_fn=_t("fmod"), tolerances={"float32": (1e-5, 1e-5)}, covers=("fmod", "fmod_scalar")),
    OpInfo("nan_to_num", P.nan_to_num, _nan_to_num_samples, ref=_nan_to_num_ref, torch_fn=_t("nan_to_num"),
           covers=("nan_to_num",)),
    OpInfo("clamp_min", P.clamp_min, lambda d, r: _one_sided(d, r, "min"), ref=lambda x, v: np.maximum(x, v),
           torch_fn=_t("clamp_min")),
    OpInfo("clamp_max", P.clamp_max, lambda d, r: _one_sided(d, r, "max"), ref=lambda x, v: np.minimum(x, v),
           torch_fn=_t("clamp_max")),
    OpInfo("addcmul", P.addcmul, _ternary, ref=lambda x, a, b, value=1: x + value * a * b, torch_fn=_t("addcmul")),
    OpInfo("addcdiv", P.addcdiv, _ternary, ref=lambda x, a, b, value=1: x + value * a / b, torch_fn=_t("addcdiv")),
    OpInfo("mish", PM.mish, unary(), ref=lambda x: (x * np.tanh(np.logaddexp(0, x))).astype(x.dtype),
           torch_fn=_f("mish")),
    OpInfo("hardswish", PM.hardswish, unary(avoid=(-3.0, 3.0)), ref=lambda x: (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype),
           torch_fn=_f("hardswish")),
    OpInfo("hardsigmoid", PM.hardsigmoid, unary(low=-4.0, high=4.0, avoid=(-3.0, 3.0)),
           ref=lambda x: (np.clip(x + 3, 0, 6) / 6).astype(x.dtype), torch_fn=_f("hardsigmoid")),
    OpInfo("celu", PM.celu, unary(avoid=(0.0,), variants=({}, {"alpha": 0.5})),
           ref=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x / alpha)).astype(x.dtype),
           torch_fn=_f("celu")),
    OpInfo("selu", PM.selu, unary(avoid=(0.0,)), ref=_selu_ref, torch_fn=_f("selu")),
    OpInfo("glu", PM.glu, _glu_samples, ref=_glu_ref, torch_fn=_f("glu")),
    OpInfo("prelu", PM.prelu, _prelu_samples, ref=_prelu_ref, torch_fn=_f("prelu"), covers=("prelu_kernel",)),
]


# -- more pointwise ops (issue 12): deg2rad, rad2deg, frac, fix, sinc, logit, copysign, fmax/fmin, sgn,
# signbit, isposinf/isneginf, positive, float_power ---------------------------------------------------

def _sinc_ref(x):
    px = x * x.dtype.type(np.pi)
    with np.errstate(all="ignore"):
        return np.where(x == 0, x.dtype.type(1), np.sin(px) / np.where(x == 0, x.dtype.type(1), px)).astype(x.dtype)


def _logit_ref(x, eps=None):
    z = x if eps is None else np.clip(x, eps, 1 - eps)
    return np.log(z / (1 - z)).astype(x.dtype)


def _specials(dtype, rng):
    x = make_arg((2, 4), dtype, rng)
    if np.dtype(dtype).kind == "f":
        x.reshape(-1)[:4] = [np.inf, -np.inf, -0.0, np.nan]
    return [SampleInput((x,), desc="with inf, -inf, -0.0, nan"), SampleInput((make_arg((), dtype, rng),), desc="0-d")]


def _fminmax_samples(dtype, rng):
    a, b = make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng)
    a[0, 0], b[0, 1] = np.nan, np.nan
    return [SampleInput((a, b), desc="NaN on either side"),
            SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng)), desc="broadcast")]


OPS += [
    OpInfo("deg2rad", PM.deg2rad, unary(), ref=np.deg2rad, torch_fn=_t("deg2rad")),
    OpInfo("rad2deg", PM.rad2deg, unary(), ref=np.rad2deg, torch_fn=_t("rad2deg")),
    OpInfo("frac", PM.frac, unary(avoid=(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)), ref=lambda x: x - np.trunc(x),
           torch_fn=_t("frac")),
    OpInfo("fix", P.fix, unary(avoid=(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)), ref=np.trunc, torch_fn=_t("fix"),
           covers=("trunc",)),
    OpInfo("sinc", PM.sinc, unary(avoid=(0.0,)), ref=_sinc_ref, torch_fn=_t("sinc")),
    OpInfo("logit", PM.logit, unary(low=0.05, high=0.95, avoid=(0.25, 0.75), variants=({}, {"eps": 0.25})),
           ref=_logit_ref, torch_fn=_t("logit")),
    OpInfo("copysign", PM.copysign, binary(other=(-3.0, 3.0, (0.0,)), separate=True), ref=np.copysign,
           torch_fn=_t("copysign"), covers=("copysign", "copysign_scalar")),
    OpInfo("fmax", PM.fmax, _fminmax_samples, ref=np.fmax, torch_fn=_t("fmax")),
    OpInfo("fmin", PM.fmin, _fminmax_samples, ref=np.fmin, torch_fn=_t("fmin")),
    OpInfo("sgn", PM.sgn, unary(avoid=(0.0,)), ref=np.sign, torch_fn=_t("sgn"), dtypes=(F32, F64, np.int64),
           skips=(Skip("vs_torch_grad", "PyTorch's sgn backward of a real input is a ZeroTensor, which cannot be "
                       "read as NumPy; ours is zeros, as sign's (gradcheck checks it)"),)),
    OpInfo("signbit", PM.signbit, _specials, ref=np.signbit, torch_fn=_t("signbit"), dtypes=(F32, F64, np.int64),
           supports_autograd=False, supports_gradgrad=False),
    OpInfo("isposinf", PM.isposinf, _specials, ref=np.isposinf, torch_fn=_t("isposinf"),
           dtypes=(F32, F64, np.int64), supports_autograd=False, supports_gradgrad=False),
    OpInfo("isneginf", PM.isneginf, _specials, ref=np.isneginf, torch_fn=_t("isneginf"),
           dtypes=(F32, F64, np.int64), supports_autograd=False, supports_gradgrad=False),
    OpInfo("positive", PM.positive, unary(), ref=lambda x: x, torch_fn=_t("positive")),
    OpInfo("float_power", PM.float_power, binary(low=0.5, high=2.0, other=(0.5, 2.0, ())),
           ref=lambda a, b: np.power(np.float64(a), np.float64(b)), torch_fn=_t("float_power")),
]
OPS.append(OpInfo("float_power_", lambda x, y: x.clone().float_power_(y),
                  lambda dtype, rng: [SampleInput((make_arg((2, 3), np.float64, rng, low=0.5, high=2.0),
                                                   make_arg((2, 3), np.float64, rng, low=0.5, high=2.0)), desc="2d"),
                                      SampleInput((make_arg((2, 3), np.float64, rng, low=0.5, high=2.0), 1.5),
                                                  desc="scalar exponent")],
                  ref=lambda a, b: np.power(a, b), torch_fn=lambda x, y: x.clone().float_power_(y), dtypes=(F64,)))



def _gcd_samples(dtype, rng):
    a = rng.integers(-30, 30, (2, 3)).astype(dtype)
    b = rng.integers(-30, 30, (2, 3)).astype(dtype)
    return [SampleInput((a, b), desc="2d"), SampleInput((a, b[0]), desc="broadcast"),
            SampleInput((np.asarray(0, dtype), b), desc="0 and 2d")]


for _name, _ref in (("gcd", np.gcd), ("lcm", np.lcm)):
    OPS.append(OpInfo(_name, getattr(PM, _name), _gcd_samples, ref=_ref, torch_fn=_t(_name),
                      dtypes=(np.int64, np.int32), supports_autograd=False, supports_gradgrad=False,
                      skips=(Skip("no_autograd", "integer-only op: float64 samples are refused"),
                             Skip("grad_fn", "integer-only op: float64 samples are refused"))))


def _ldexp_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng, low=-2, high=2)), desc="2d"),
            SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng, low=-2, high=2)), desc="broadcast")]


def _heaviside_samples(dtype, rng):
    x = make_arg((2, 4), dtype, rng)
    x.reshape(-1)[:2] = 0
    return [SampleInput((x, make_arg((4,), dtype, rng)), desc="zeros take values"),
            SampleInput((x, make_arg((), dtype, rng)), desc="0-d values")]


def _nextafter_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng)), desc="2d"),
            SampleInput((make_arg((2, 3), dtype, rng), make_arg((), dtype, rng)), desc="0-d other")]


OPS += [
    OpInfo("ldexp", PM.ldexp, _ldexp_samples, ref=lambda a, b: (a * np.exp2(b)).astype(a.dtype), torch_fn=_t("ldexp")),
    OpInfo("heaviside", PM.heaviside, _heaviside_samples, ref=lambda x, v: np.heaviside(x, v).astype(x.dtype),
           torch_fn=_t("heaviside"), dtypes=(F32, F64, np.int64), supports_autograd=False, supports_gradgrad=False,
           skips=(Skip("grad_fn", "PyTorch records a node whose backward raises (no derivative); here the result "
                       "does not require grad"),)),
    OpInfo("nextafter", PM.nextafter, _nextafter_samples, ref=np.nextafter, torch_fn=_t("nextafter"),
           supports_autograd=False, supports_gradgrad=False,
           skips=(Skip("grad_fn", "PyTorch records NextafterBackward0, whose backward raises (no derivative); here "
                       "the result does not require grad"),)),
]

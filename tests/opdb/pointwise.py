"""OpInfos of the pointwise ops (ops/pointwise.py: primitives and front ends).

Samples keep every op inside its domain (logs of positives, no division by ~0) and off
its kinks (relu and abs at 0, floor at integers, ties of maximum), redrawing values
rather than loosening tolerances; the points exactly on a kink or tie are dedicated
samples marked skip_gradcheck, which the forward and PyTorch comparisons still run.
"""
import math

import numpy as np

import pyautograd as P
from pyautograd.ops import pointwise as PW

from .core import OpInfo, SampleInput, Skip, apart, make_arg, noncontiguous

F32, F64, I64, BOOL = np.float32, np.float64, np.int64, np.bool_
FLOATS = (F32, F64)
KINK = "on a kink: the gradient there is PyTorch's convention, not a limit"
TIE = "on a tie: PyTorch splits the gradient; central differences see the mean of both sides"
# -- sample generators ------------------------------------------------------------------


def unary(low=-3.0, high=3.0, avoid=(), margin=1e-2, kinks=(), variants=({},)):
    """Samples of a unary op: 2-d, 0-d, non-contiguous, empty (the 2-d one once per kwargs
    variant), and, given `kinks`, a sample with those exact values (skip_gradcheck)."""
    def gen(dtype, rng):
        def arg(shape, **kw):
            return make_arg(shape, dtype, rng, low=low, high=high, avoid=avoid, margin=margin, **kw)
        first = variants[0]
        out = [SampleInput((arg((2, 3)),), dict(kw), f"2d {kw}" if kw else "2d") for kw in variants]
        out += [SampleInput((arg(()),), dict(first), "0-d"),
                SampleInput((arg((3, 2), noncontig=True),), dict(first), "noncontig"),
                SampleInput((arg((0, 2)),), dict(first), "empty")]
        if kinks and np.dtype(dtype).kind == "f":
            x = arg((2, 3))
            x.flat[:len(kinks)] = kinks
            out.append(SampleInput((x,), dict(first), "at kinks", skip_gradcheck=KINK))
        return out
    return gen


def _scalar_for(dtype, value):
    return value if np.dtype(dtype).kind == "f" else int(round(value))


def binary(low=-3.0, high=3.0, other=None, scalar=1.5, separate=False, ties=False, variants=({},),
           scalar_first=False, broadcast=True):
    """Samples of a binary op: same shapes, broadcasting one and both sides (unless not
    `broadcast`), 0-d with 2-d, non-contiguous, with a Python scalar (and its kwargs
    `variants`). `other` = (low, high, avoid) for the second operand; `separate` keeps the
    operands apart (no ties); `ties` adds a sample with equal operands (skip_gradcheck)."""
    olow, ohigh, oavoid = other or (low, high, ())

    def gen(dtype, rng):
        def a(shape, **kw):
            return make_arg(shape, dtype, rng, low=low, high=high, **kw)

        def b(shape, first, **kw):
            y = make_arg(shape, dtype, rng, low=olow, high=ohigh, avoid=oavoid)
            if separate and np.dtype(dtype).kind == "f":
                y = apart(first, y, rng, low=olow, high=ohigh)
            return noncontiguous(y) if kw.get("noncontig") else y

        out = []
        shapes = [((2, 3), (2, 3), "same shape"), ((), (), "0-d")]
        if broadcast:
            shapes[1:] = [((2, 3), (3,), "broadcast"), ((2, 1), (1, 3), "broadcast both"), ((), (2, 2), "0-d and 2-d")]
        for shape_a, shape_b, desc in shapes:
            x = a(shape_a)
            out.append(SampleInput((x, b(shape_b, x)), dict(variants[0]), desc))
        x = a((3, 2))
        out.append(SampleInput((noncontiguous(x), b((3, 2), x, noncontig=True)), dict(variants[0]), "noncontig"))
        for kw in variants[1:]:
            x = a((2, 3))
            out.append(SampleInput((x, b((2, 3), x)), dict(kw), f"same shape {kw}"))
        if scalar is not None:
            x = a((2, 3))
            s = _scalar_for(dtype, scalar)
            out.append(SampleInput((s, x) if scalar_first else (x, s), dict(variants[0]), "python scalar"))
        if ties and np.dtype(dtype).kind == "f":
            x = a((2, 3))
            y = b((2, 3), x)
            y.flat[::2] = x.flat[::2]
            out.append(SampleInput((x, y), dict(variants[0]), "ties", skip_gradcheck=TIE))
        return out
    return gen


# -- reference helpers ---------------------------------------------------------------------


def _is_int(x):
    return isinstance(x, (int, bool, np.integer)) or (isinstance(x, np.ndarray) and x.dtype.kind in "biu")


def float_result(fn):
    """A NumPy reference made to follow PyTorch's dtype rule for float-valued ops: when
    every argument is an integer, the result is the default float dtype (float32)."""
    def ref(*args, **kwargs):
        out = np.asarray(fn(*args, **kwargs))
        if all(_is_int(a) for a in args if a is not None):
            return out.astype(np.float32)
        return out
    return ref


def keep_dtype(fn):
    """A reference computed in float64 and cast back to its first argument's float dtype."""
    def ref(x, *args, **kwargs):
        x = np.asarray(x)
        return np.asarray(fn(x.astype(np.float64), *args, **kwargs)).astype(x.dtype)
    return ref


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _np_sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def _np_gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _np_gelu_grad(g, x, approximate="none"):
    if approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        t = np.tanh(k * (x + 0.044715 * x ** 3))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x))
    return g * (0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))


def _np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.logaddexp(0, x * beta) / beta)


def _np_div(a, b, rounding_mode=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.true_divide(a, b)
    integers = _is_int(a) and _is_int(b)
    if rounding_mode is None:
        return q.astype(np.float32) if integers else q  # true division of integers: the default float
    q = np.trunc(q) if rounding_mode == "trunc" else np.floor(q)
    return q.astype(np.result_type(a, b)) if integers else q


def _np_clamp(x, min=None, max=None):
    if min is not None:
        x = np.maximum(x, min)
    if max is not None:
        x = np.minimum(x, max)
    return x


# -- the entries ---------------------------------------------------------------------------


def _t(name):
    """A torch_fn that calls torch.<name> (looked up when the torch test runs)."""
    return lambda *args, **kwargs: getattr(_torch(), name)(*args, **kwargs)


def _tf(name):
    """A torch_fn that calls torch.nn.functional.<name>."""
    return lambda *args, **kwargs: getattr(_torch().nn.functional, name)(*args, **kwargs)


def _torch():
    import torch
    return torch


def _aten(name):
    return lambda *args, **kwargs: getattr(_torch().ops.aten, name)(*args, **kwargs)


def _unary_info(name, ref, op=None, torch_fn=None, dtypes=FLOATS, **kw):
    sample_kw = {k: kw.pop(k) for k in ("low", "high", "avoid", "margin", "kinks", "variants") if k in kw}
    return OpInfo(name, op or getattr(P, name), unary(**sample_kw), ref=ref, torch_fn=torch_fn or _t(name),
                  dtypes=dtypes, **kw)


def _np_round(x, decimals=0):
    # PyTorch's: scale by 10**|decimals| (multiply, or divide when negative), round half to even, scale back
    if decimals == 0:
        return np.round(x)
    ten = x.dtype.type(10.0 ** abs(decimals))
    return np.round(x * ten) / ten if decimals > 0 else np.round(x / ten) * ten


_TRANSCENDENTAL_TOL = {"float32": (1e-6, 3e-5), "float64": (1e-12, 1e-10)}
_INTEGERS = tuple(range(-3, 4))
_HALVES = tuple(k + 0.5 for k in range(-4, 4))

OPS = [
    # arithmetic
    OpInfo("add", P.add, binary(variants=({}, {"alpha": 2})), ref=lambda a, b, alpha=1: np.add(a, b * alpha),
           torch_fn=_t("add"), dtypes=(F32, F64, I64)),
    OpInfo("sub", P.sub, binary(variants=({}, {"alpha": 2})), ref=lambda a, b, alpha=1: np.subtract(a, b * alpha),
           torch_fn=_t("sub"), dtypes=(F32, F64, I64)),
    OpInfo("rsub", P.rsub, binary(variants=({}, {"alpha": 2})), ref=lambda a, b, alpha=1: np.subtract(b, a * alpha),
           torch_fn=_t("rsub"), dtypes=(F32, F64, I64), covers=("rsub_tensor", "rsub_scalar")),
    OpInfo("mul", P.mul, binary(), ref=np.multiply, torch_fn=_t("mul"), dtypes=(F32, F64, I64)),
    OpInfo("div", PW.div, binary(other=(-3.0, 3.0, (0.0,)),
                                variants=({}, {"rounding_mode": "trunc"}, {"rounding_mode": "floor"})),
           ref=_np_div, torch_fn=_t("div"), dtypes=(F32, F64, I64), covers=("div", "div_mode")),
    OpInfo("true_divide", P.true_divide, binary(other=(-3.0, 3.0, (0.0,))), ref=_np_div,
           torch_fn=_t("true_divide"), dtypes=(F32, F64, I64), covers=("div",)),
    OpInfo("floor_divide", PW.floor_divide, binary(other=(1.0, 3.0, ()), scalar=1.5),
           ref=lambda a, b: _np_div(a, b, "floor"), torch_fn=_t("floor_divide"), dtypes=(F32, F64, I64),
           skips=(Skip("vs_torch_grad", "PyTorch implements no derivative for floor_divide (pyautograd's is 0, "
                       "as for div(rounding_mode='floor'))"),
                  Skip("grad_fn", "PyTorch implements no derivative for floor_divide (NotImplemented); "
                       "pyautograd records DivBackward2, as for div(rounding_mode='floor')"))),
    OpInfo("remainder", PW.remainder, binary(other=(1.0, 3.0, ())), ref=np.remainder, torch_fn=_t("remainder"),
           dtypes=(F32, F64, I64), covers=("remainder_tensor", "remainder_scalar")),
    _unary_info("neg", np.negative, dtypes=(F32, F64, I64)),
    OpInfo("pow", PW.pow, binary(low=0.5, high=2.0, other=(-2.0, 2.0, ())), ref=np.power, torch_fn=_t("pow"),
           covers=("pow_tensor", "pow_scalar"), tolerances=_TRANSCENDENTAL_TOL),
    OpInfo("pow", PW.pow, lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng), e), desc=f"exponent {e}") for e in (2, 3, 0)
        ] + [SampleInput((make_arg((2, 3), dtype, rng, low=0.5), e), desc=f"exponent {e}") for e in (-1.5, 0.5)
             ] + [SampleInput((make_arg((), dtype, rng, low=0.5), 2.5), desc="0-d")],
        ref=np.power, torch_fn=_t("pow"), covers=("pow_scalar",), variant="scalar_exponent",
        tolerances=_TRANSCENDENTAL_TOL),
    OpInfo("__rpow__", lambda x, base: base ** x, lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng, low=-2, high=2), 2.0), desc="base 2"),
        SampleInput((make_arg((2, 3), dtype, rng, low=-2, high=2), 0.5), desc="base 0.5"),
        SampleInput((make_arg((), dtype, rng), 3.0), desc="0-d")],
        ref=lambda x, base: np.power(np.asarray(base, x.dtype), x), torch_fn=lambda x, base: base ** x,
        covers=("pow_base",), tolerances=_TRANSCENDENTAL_TOL),
    OpInfo("__rpow__", lambda x, base: base ** x, lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng, low=0.5, high=2), 0.0), desc="base 0")],
        ref=lambda x, base: np.power(np.asarray(base, x.dtype), x), torch_fn=lambda x, base: base ** x,
        covers=("pow_base",), variant="base0",
        skips=(Skip("gradgradcheck", "0 ** x (x > 0) is 0 everywhere, but the double backward of pow_base gives "
                    "nan: the masked branch grad * result * log(0) = 0 * -inf leaks through where's backward "
                    "(PyTorch's formula does the same)"),)),
    OpInfo("square", PW.square, unary(), ref=np.square, torch_fn=_t("square"), dtypes=(F32, F64, I64)),
    # exponentials and logarithms
    _unary_info("exp", float_result(np.exp), dtypes=(F32, F64, I64), tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("exp2", np.exp2, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("expm1", np.expm1, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("log", float_result(np.log), low=0.2, avoid=(0.0,), dtypes=(F32, F64, I64),
                tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("log2", np.log2, low=0.2, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("log10", np.log10, low=0.2, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("log1p", np.log1p, low=-0.8, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("sqrt", float_result(np.sqrt), low=0.2, avoid=(0.0,), dtypes=(F32, F64, I64)),
    _unary_info("rsqrt", lambda x: 1 / np.sqrt(x), low=0.2, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("reciprocal", np.reciprocal, avoid=(0.0,), margin=0.3),
    # sign-like and rounding
    _unary_info("abs", np.abs, avoid=(0.0,), kinks=(0.0,), dtypes=(F32, F64, I64)),
    _unary_info("sign", np.sign, avoid=(0.0,), kinks=(0.0,), dtypes=(F32, F64, I64)),
    _unary_info("floor", np.floor, avoid=_INTEGERS, kinks=(1.0, -1.0)),
    _unary_info("ceil", np.ceil, avoid=_INTEGERS, kinks=(1.0, -1.0)),
    _unary_info("trunc", np.trunc, avoid=_INTEGERS, kinks=(1.0, -1.0)),
    # round: half to even, as PyTorch and NumPy
    _unary_info("round", _np_round, avoid=_HALVES, kinks=(0.5, 1.5, 2.5, -0.5, -1.5),
                variants=({}, {"decimals": 2}, {"decimals": -1}), covers=("round", "round_decimals")),
    # trigonometric and hyperbolic
    _unary_info("sin", float_result(np.sin), dtypes=(F32, F64, I64), tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("cos", np.cos, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("tan", np.tan, low=-1.2, high=1.2, tolerances=_TRANSCENDENTAL_TOL),
    # asin: the domain is [-1, 1], and the gradient grows without bound at its ends
    _unary_info("asin", np.arcsin, low=-0.9, high=0.9, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("erf", keep_dtype(_erf), tolerances=_TRANSCENDENTAL_TOL),
    # erfc: wide enough that erfc(x) underflows toward 0 where 1 - erf(x) would lose every digit
    _unary_info("erfc", keep_dtype(np.vectorize(math.erfc, otypes=[np.float64])), low=-4.0, high=6.0,
                tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("tanh", np.tanh, tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("sigmoid", keep_dtype(_np_sigmoid), tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("logsigmoid", keep_dtype(lambda x: -np.logaddexp(0, -x)), op=P.logsigmoid,
                torch_fn=_tf("logsigmoid"), tolerances=_TRANSCENDENTAL_TOL),
    # activations
    _unary_info("relu", lambda x: np.maximum(x, 0).astype(x.dtype), avoid=(0.0,), kinks=(0.0,), torch_fn=_t("relu"),
                dtypes=(F32, F64, I64), covers=("relu", "threshold_backward")),
    _unary_info("leaky_relu", lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope).astype(x.dtype),
                avoid=(0.0,), kinks=(0.0,), variants=({}, {"negative_slope": 0.2}), torch_fn=_tf("leaky_relu")),
    _unary_info("elu", keep_dtype(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x))),
                op=PW.elu, avoid=(0.0,), kinks=(0.0,), variants=({}, {"alpha": 0.5}), torch_fn=_tf("elu"),
                tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("gelu", keep_dtype(_np_gelu), variants=({}, {"approximate": "tanh"}), torch_fn=_tf("gelu"),
                covers=("gelu", "gelu_backward"), tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("silu", keep_dtype(lambda x: x * _np_sigmoid(x)), torch_fn=_tf("silu"),
                covers=("silu", "silu_backward"), tolerances=_TRANSCENDENTAL_TOL),
    _unary_info("softplus", keep_dtype(_np_softplus), avoid=(0.5,), kinks=(0.5,),
                variants=({"beta": 2.0, "threshold": 1.0}, {}), torch_fn=_tf("softplus"),
                tolerances=_TRANSCENDENTAL_TOL),
    # the fused backward kernels, which are ops themselves (double backward goes through them)
    # (PyTorch's aten backward kernels take equal shapes, as the engine passes them.)
    OpInfo("tanh_backward", PW.tanh_backward, binary(low=-1, high=1, scalar=None, broadcast=False),
           ref=lambda g, y: g * (1 - y * y), torch_fn=_aten("tanh_backward")),
    OpInfo("sigmoid_backward", PW.sigmoid_backward, binary(low=0, high=1, scalar=None, broadcast=False),
           ref=lambda g, y: g * y * (1 - y), torch_fn=_aten("sigmoid_backward")),
    OpInfo("threshold_backward", PW.threshold_backward, binary(other=(-3.0, 3.0, (0.0,)), scalar=None,
                                                               broadcast=False),
           ref=lambda g, s: np.where(s > 0, g, 0).astype(np.result_type(g, s)),
           torch_fn=lambda g, s: _torch().ops.aten.threshold_backward(g, s, 0)),
    OpInfo("gelu_backward", PW.gelu_backward, binary(scalar=None, variants=({}, {"approximate": "tanh"}),
                                                     broadcast=False),
           ref=lambda g, x, approximate="none": _np_gelu_grad(g.astype(np.float64), x, approximate).astype(
               np.result_type(g, x)),
           torch_fn=_aten("gelu_backward"), tolerances=_TRANSCENDENTAL_TOL),
    OpInfo("silu_backward", PW.silu_backward, binary(scalar=None, broadcast=False),
           ref=lambda g, x: (g * _np_sigmoid(x.astype(np.float64)) * (1 + x * (1 - _np_sigmoid(x.astype(
               np.float64))))).astype(np.result_type(g, x)),
           torch_fn=_aten("silu_backward"), tolerances=_TRANSCENDENTAL_TOL,
           skips=(Skip("vs_torch_grad", "PyTorch implements no derivative for aten::silu_backward"),
                  Skip("grad_fn", "PyTorch implements no derivative for aten::silu_backward (NotImplemented)"))),
    # clamping, maximum/minimum, where, lerp
    OpInfo("clamp", PW.clamp, lambda dtype, rng: _number_bounds(dtype, rng), ref=_np_clamp, torch_fn=_t("clamp"),
           dtypes=(F32, F64, I64), covers=("clamp_scalar",)),
    OpInfo("clamp", PW.clamp, lambda dtype, rng: _tensor_bounds(dtype, rng),
           ref=_np_clamp, torch_fn=_t("clamp"), covers=("clamp_tensor",), variant="tensor_bounds"),
    OpInfo("relu6", PW.relu6, unary(avoid=(0.0, 6.0), high=8.0, kinks=(0.0, 6.0)),
           ref=lambda x: np.clip(x, 0, 6).astype(x.dtype), torch_fn=_tf("relu6"), covers=("hardtanh",)),
    OpInfo("hardtanh", PW.hardtanh, unary(avoid=(-1.0, 1.0), kinks=(-1.0, 1.0), variants=({}, {"min_val": -0.5,
                                                                                                "max_val": 2.0})),
           ref=lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val).astype(x.dtype),
           torch_fn=_tf("hardtanh")),
    OpInfo("maximum", P.maximum, binary(separate=True, ties=True, scalar=None), ref=np.maximum,
           torch_fn=_t("maximum"), dtypes=(F32, F64, I64)),
    OpInfo("minimum", P.minimum, binary(separate=True, ties=True, scalar=None), ref=np.minimum,
           torch_fn=_t("minimum"), dtypes=(F32, F64, I64)),
    OpInfo("where", P.where, lambda dtype, rng: [
        SampleInput((make_arg((2, 3), BOOL, rng), make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng)),
                    desc="same shape"),
        SampleInput((make_arg((3,), BOOL, rng), make_arg((2, 1), dtype, rng), make_arg((2, 3), dtype, rng)),
                    desc="broadcast"),
        SampleInput((make_arg((2, 2), BOOL, rng), make_arg((), dtype, rng), make_arg((2, 2), dtype, rng)),
                    desc="0-d"),
        SampleInput((make_arg((2, 3), BOOL, rng), make_arg((2, 3), dtype, rng), _scalar_for(dtype, 1.5)),
                    desc="python scalar")],
        ref=np.where, torch_fn=_t("where"), dtypes=(F32, F64, I64)),
    OpInfo("lerp", P.lerp, lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng,
                                                                                           low=0, high=1)),
                    desc="tensor weight"),
        SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng), make_arg((), dtype, rng, low=0,
                                                                                         high=1)),
                    desc="broadcast"),
        SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng), 0.25), desc="scalar weight")],
        ref=lambda a, b, w: (a + w * (b - a)).astype(a.dtype), torch_fn=_t("lerp"),
        covers=("lerp_scalar", "lerp_tensor")),
]


def _number_bounds(dtype, rng):
    def arg(shape, avoid, **kw):
        return make_arg(shape, dtype, rng, avoid=avoid, **kw)
    one, half = _scalar_for(dtype, 1.0), _scalar_for(dtype, 0.5) if np.dtype(dtype).kind == "f" else 1
    return [SampleInput((arg((2, 3), (-one, one)),), {"min": -one, "max": one}, "both"),
            SampleInput((arg((2, 3), (-half,)),), {"min": -half}, "min"),
            SampleInput((arg((2, 3), (half,)),), {"max": half}, "max"),
            SampleInput((arg((), (0,)),), {"min": 0}, "0-d"),
            SampleInput((arg((3, 2), (-one, one), noncontig=True),), {"min": -one, "max": one}, "noncontig"),
            SampleInput((np.array([[-1, 1, 0], [-2, 2, 1]], dtype),), {"min": -one, "max": one}, "at the bounds",
                        skip_gradcheck=KINK)]


def _tensor_bounds(dtype, rng):
    lo = make_arg((2, 3), dtype, rng, low=-2.0, high=-0.5)
    hi = make_arg((3,), dtype, rng, low=0.5, high=2.0)
    x = apart(hi, apart(lo, make_arg((2, 3), dtype, rng), rng), rng)
    x = x.astype(dtype)
    at = x.copy()
    at[0], at[1, :2] = lo[0], hi[:2]
    return [SampleInput((x,), {"min": lo, "max": hi}, "tensor bounds"),
            SampleInput((x.copy(),), {"min": lo}, "tensor min"),
            SampleInput((x.copy(),), {"max": hi}, "tensor max"),
            SampleInput((at,), {"min": lo, "max": hi}, "at the bounds", skip_gradcheck=KINK),
            # min > max: the result is max, which alone gets the gradient (PyTorch's rule)
            SampleInput((x.copy(),), {"min": hi[::-1].copy() + 3, "max": lo}, "crossed bounds")]


# -- comparisons and tests: no gradient ------------------------------------------------------


def _with_specials(dtype, rng):
    x = make_arg((2, 4), dtype, rng)
    if np.dtype(dtype).kind == "f":
        x.flat[:3] = (np.nan, np.inf, -np.inf)
    return [SampleInput((x,), desc="nan and inf"), SampleInput((make_arg((), dtype, rng),), desc="0-d")]


def _comparison(dtype, rng):
    out = binary(scalar=1.0)(dtype, rng)
    x = np.round(make_arg((2, 3), dtype, rng))
    out.append(SampleInput((x, np.round(make_arg((2, 3), dtype, rng))), desc="equal elements"))
    return out


def _logical(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng, low=-1, high=1), make_arg((2, 3), dtype, rng, low=-1, high=1)),
                        desc="same shape"),
            SampleInput((make_arg((2, 3), dtype, rng, low=-1, high=1), make_arg((3,), BOOL, rng)), desc="mixed"),
            SampleInput((make_arg((), dtype, rng), make_arg((2,), dtype, rng)), desc="0-d")]


for _name, _ref in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                    ("gt", np.greater), ("ge", np.greater_equal)):
    OPS.append(OpInfo(_name, getattr(P, _name), _comparison, ref=_ref, torch_fn=_t(_name), dtypes=(F32, F64, I64),
                      supports_autograd=False, supports_gradgrad=False))
for _name, _ref in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite)):
    OPS.append(OpInfo(_name, getattr(P, _name), _with_specials, ref=_ref, torch_fn=_t(_name), dtypes=(F32, F64, I64),
                      supports_autograd=False, supports_gradgrad=False))
OPS.append(OpInfo("logical_not", P.logical_not, lambda dtype, rng: [
    SampleInput((make_arg((2, 3), dtype, rng, low=-1, high=1),), desc="2d"), SampleInput((make_arg((), dtype, rng),),
                                                                                          desc="0-d")],
    ref=np.logical_not, torch_fn=_t("logical_not"), dtypes=(F32, F64, I64, BOOL), supports_autograd=False,
    supports_gradgrad=False))
for _name, _ref in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                    ("logical_xor", np.logical_xor)):
    OPS.append(OpInfo(_name, getattr(P, _name), _logical, ref=_ref, torch_fn=_t(_name), dtypes=(F32, F64, BOOL),
                      supports_autograd=False, supports_gradgrad=False))

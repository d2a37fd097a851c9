"""Pointwise ops added for the everyday API, each a primitive with PyTorch's node and backward:
inverse and hyperbolic trigonometry, atan2, hypot, logaddexp, xlogy, fmod, nan_to_num,
clamp_min/clamp_max, addcmul/addcdiv, and the activations mish, hardswish, hardsigmoid,
celu, selu, glu and prelu (their nn.functional and nn forms live in nn/); deg2rad, rad2deg,
frac, sinc, logit, copysign, fmax/fmin, sgn, signbit, isposinf/isneginf, positive and
float_power."""
import math

import numpy as np

from .. import _creation, _dtype, kernels
from . import _apply
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import declare, public
from .shape import cat
from .pointwise import sigmoid, softplus, where

# PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32, in every dtype.
_ONE_SIXTH_F32 = float(np.float32(1.0 / 6.0))
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

acos = defop("acos", "input", kernels.acos, promote="float",
             grads={"input": lambda grad, input: -grad * (1 - input * input).rsqrt()})
atan = defop("atan", "input", kernels.atan, promote="float",
             grads={"input": lambda grad, input: grad / (input * input + 1)})
sinh = defop("sinh", "input", kernels.sinh, promote="float",
             grads={"input": lambda grad, input: grad * cosh(input)})
cosh = defop("cosh", "input", kernels.cosh, promote="float",
             grads={"input": lambda grad, input: grad * sinh(input)})
asinh = defop("asinh", "input", kernels.asinh, promote="float",
              grads={"input": lambda grad, input: grad * (input * input + 1).rsqrt()})
acosh = defop("acosh", "input", kernels.acosh, promote="float",
              grads={"input": lambda grad, input: grad * (input * input - 1).rsqrt()})
atanh = defop("atanh", "input", kernels.atanh, promote="float",
              grads={"input": lambda grad, input: grad / (1 - input * input)})

_atan2 = defop("atan2", "input, other", kernels.atan2, promote="float",
              grads={"input": lambda grad, input, other: grad * other / (input * input + other * other),
                     "other": lambda grad, input, other: -grad * input / (input * input + other * other)})
_hypot = defop("hypot", "input, other", kernels.hypot, promote="float",
              grads={"input": lambda grad, input, result: grad * input / result,
                     "other": lambda grad, other, result: grad * other / result})
_logaddexp = defop("logaddexp", "input, other", kernels.logaddexp, promote="float",
                  grads={"input": lambda grad, input, other: grad * sigmoid(input - other),
                         "other": lambda grad, input, other: grad * sigmoid(other - input)})
_logaddexp2 = defop("logaddexp2", "input, other", lambda input, other: np.logaddexp2(input, other), promote="float",
                    grads={"input": lambda grad, input, other: grad * sigmoid((input - other) * math.log(2.0)),
                           "other": lambda grad, input, other: grad * sigmoid((other - input) * math.log(2.0))})
_xlogy = defop("xlogy", "input, other", kernels.xlogy, promote="float",
               grads={"input": lambda grad, input, other: grad * _xlogy((input != 0).to(grad.dtype), other),
                      "other": lambda grad, input, other: grad * input / other})
# PyTorch's overloads with a number have their own nodes (xlogy.Scalar_Other, fmod.Scalar).
_xlogy_scalar = defop("xlogy_scalar_other", "input, other", kernels.xlogy, promote="float", tensors=("input",),
                      node_name="XlogyBackward2",
                      grads={"input": lambda grad, input, other: grad * _xlogy((input != 0).to(grad.dtype),
                                                                               _full_like(input, other))})
_fmod_tensor = defop("fmod", "input, other", kernels.fmod, node_name="FmodBackward1",
                     grads={"input": lambda grad: grad,
                            "other": lambda grad, input, other: -grad * (input / other).trunc()})
_fmod_scalar = defop("fmod_scalar", "input, other", kernels.fmod, tensors=("input",), node_name="FmodBackward0",
                     grads={"input": lambda grad: grad})


def _full_like(input, value):
    return _creation.full_like(input, value)


def xlogy(input, other):
    """input * log(other) elementwise, 0 where input is 0 (unless other is NaN)."""
    if isinstance(other, _apply.Tensor):
        return _xlogy(input, other)
    return _xlogy_scalar(input, other)


def fmod(input, other):
    """The C remainder input - trunc(input / other) * other, with input's sign."""
    if isinstance(other, _apply.Tensor):
        return _fmod_tensor(input, other)
    return _fmod_scalar(input, other)

erfinv = defop("erfinv", "input", kernels.erfinv, promote="float",
               grads={"input": lambda grad, result: grad * (math.sqrt(math.pi) / 2) * (result * result).exp()})

_nan_to_num = defop("nan_to_num", "input, nan, posinf, neginf", kernels.nan_to_num, promote=None,
                    grads={"input": lambda grad, input: where(input.isfinite(), grad, 0.0)})
clamp_min = defop("clamp_min", "input, min", kernels.clamp_min, promote=None,
                  grads={"input": lambda grad, input, min: where(input >= min, grad, 0.0)})
clamp_max = defop("clamp_max", "input, max", kernels.clamp_max, promote=None,
                  grads={"input": lambda grad, input, max: where(input <= max, grad, 0.0)})

addcmul = defop("addcmul", "input, tensor1, tensor2, *, value=1", kernels.addcmul,
                grads={"input": lambda grad: grad,
                       "tensor1": lambda grad, tensor2, value: grad * tensor2 * value,
                       "tensor2": lambda grad, tensor1, value: grad * tensor1 * value})
addcdiv = defop("addcdiv", "input, tensor1, tensor2, *, value=1", kernels.addcdiv,
                grads={"input": lambda grad: grad,
                       "tensor1": lambda grad, tensor2, value: grad * value / tensor2,
                       "tensor2": lambda grad, tensor1, tensor2, value: -grad * value * tensor1 / (tensor2 * tensor2)})


def _tensor_other(op, fn):
    def function(input, other):
        if not isinstance(other, _apply.Tensor):
            raise TypeError(f"{op}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        return fn(input, other)
    function.__name__ = op
    function.__doc__ = f"torch.{op}(input, other): elementwise, on two tensors (broadcast), as PyTorch's."
    return function


atan2 = _tensor_other("atan2", _atan2)
hypot = _tensor_other("hypot", _hypot)
logaddexp = _tensor_other("logaddexp", _logaddexp)
logaddexp2 = _tensor_other("logaddexp2", _logaddexp2)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """`input` with NaN replaced by `nan`, +inf by `posinf` and -inf by `neginf` (None: the dtype's
    largest and lowest finite values)."""
    return _nan_to_num(input, nan, posinf, neginf)


# -- activations ----------------------------------------------------------------------------------

def _mish_grad(grad, input):
    sp_tanh = softplus(input).tanh()
    return grad * (sp_tanh + input * sigmoid(input) * (1 - sp_tanh * sp_tanh))


mish = defop("mish", "input", kernels.mish, promote="float", grads={"input": _mish_grad})
hardswish = defop("hardswish", "input", kernels.hardswish, promote="float",
                  grads={"input": lambda grad, input:
                         where(input < -3, 0.0, where(input <= 3, grad * (input / 3 + 0.5), grad))})
hardsigmoid = defop("hardsigmoid", "input", kernels.hardsigmoid, promote="float",
                    grads={"input": lambda grad, input: where((input > -3) & (input < 3), grad * _ONE_SIXTH_F32, 0.0)})
celu = defop("celu", "input, alpha=1.0", kernels.celu, promote="float",
             grads={"input": lambda grad, input, alpha: where(input > 0, grad, grad * (input / alpha).exp())})
def _selu_values(x):
    with np.errstate(all="ignore"):
        return (_SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x))).astype(x.dtype, copy=False)


selu = defop("selu", "input", _selu_values, promote="float", node_name="EluBackward0",
             grads={"input": lambda grad, input: where(input > 0, grad * _SELU_SCALE,
                                                      grad * (_SELU_SCALE * _SELU_ALPHA) * input.exp())})


def _glu_grad(grad, input, dim):
    a, b = input.chunk(2, dim)
    s = sigmoid(b)
    return cat([grad * s, grad * a * s * (1 - s)], dim)


_glu = defop("glu", "input, dim", lambda input, dim: _glu_forward(input, dim), promote=None,
             grads={"input": _glu_grad})


def _glu_forward(x, dim):
    a, b = np.split(x, 2, axis=dim)
    with np.errstate(all="ignore"):
        return (a / (1 + np.exp(-b))).astype(x.dtype, copy=False)


def glu(input, dim=-1):
    """The gated linear unit: the first half of `dim` times the sigmoid of the second half."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim, "glu")
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    return _glu(input, d)


_prelu = defop("prelu_kernel", "input, weight", lambda input, weight: _prelu_forward(input, weight),
               grads={"input": lambda grad, input, weight: where(input > 0, grad, grad * weight),
                      "weight": lambda grad, input: where(input > 0, 0.0, grad * input)})


def _prelu_forward(x, w):
    return np.where(x > 0, x, w * x).astype(x.dtype, copy=False)


def prelu(input, weight):
    """x where x > 0, else weight * x, with one weight per channel (dim 1) or one shared."""
    n = weight.numel()
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else (input.shape[0] if input.ndim == 1 else 1)
        if n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
        if input.ndim >= 2:
            weight = weight.reshape([1, n] + [1] * (input.ndim - 2))
    return _prelu(input, weight)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn, _alias in (("acos", acos, "arccos"), ("atan", atan, "arctan"), ("sinh", sinh, None),
                           ("cosh", cosh, None), ("asinh", asinh, "arcsinh"), ("acosh", acosh, "arccosh"),
                           ("atanh", atanh, "arctanh"), ("atan2", atan2, "arctan2"), ("hypot", hypot, None),
                           ("logaddexp", logaddexp, None), ("xlogy", xlogy, None), ("fmod", fmod, None),
                           ("nan_to_num", nan_to_num, None), ("clamp_min", clamp_min, None),
                           ("clamp_max", clamp_max, None), ("addcmul", addcmul, None), ("addcdiv", addcdiv, None),
                           ("erfinv", erfinv, None)):
    declare(_name, _fn, aliases=(_alias,) if _alias else (), method=(_name, _alias) if _alias else True,
            inplace=(f"{_name}_", f"{_alias}_") if _alias else (f"{_name}_",), out="cast")
# PyTorch has no logaddexp2_
declare("logaddexp2", logaddexp2, method=True, out="cast")


# -- more of PyTorch's pointwise ops (issue 12): NumPy kernels, PyTorch's nodes and backward ------------

_DEG = 180.0 / math.pi


def _float_result(fn):
    # computes in the result's float dtype (integers and bools promoted), as PyTorch's kernels
    def forward(input):
        with np.errstate(all="ignore"):
            return np.asarray(fn(input), dtype=input.dtype)
    return forward


def _frac_forward(input):
    if input.dtype.kind in "biu":  # PyTorch's kernel refuses them (NotImplementedError, as there)
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{_TORCH_NAMES[input.dtype.name]}'")
    return np.asarray(input - np.trunc(input), dtype=input.dtype)


_TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long"}


def _sinc(x):
    px = x * x.dtype.type(math.pi)
    return np.where(x == 0, x.dtype.type(1), np.sin(px) / np.where(x == 0, x.dtype.type(1), px))


def _sinc_grad(grad, input):
    px = input * math.pi
    slope = (px * px.cos() - px.sin()) / (px * input)
    return grad * where(input == 0, 0.0, slope)


deg2rad = defop("deg2rad", "input", _float_result(lambda x: x * x.dtype.type(math.pi / 180.0)), promote="float",
                node_name="Deg2RadBackward0", grads={"input": lambda grad: grad * (math.pi / 180.0)})
rad2deg = defop("rad2deg", "input", _float_result(lambda x: x * x.dtype.type(_DEG)), promote="float",
                node_name="Rad2DegBackward0", grads={"input": lambda grad: grad * _DEG})
frac = defop("frac", "input", _frac_forward, promote=None, grads={"input": lambda grad: grad})
sinc = defop("sinc", "input", _float_result(_sinc), promote="float", grads={"input": _sinc_grad})


def _logit_forward(input, eps):
    with np.errstate(all="ignore"):
        z = input if eps is None else np.clip(input, eps, 1 - eps)
        return np.asarray(np.log(z / (1 - z)), dtype=input.dtype)


def _logit_grad(grad, input, eps):
    slope = grad / (input * (1 - input))
    if eps is None:
        return slope
    return where((input < eps) | (input > 1 - eps), 0.0, slope)


_logit = defop("logit", "input, eps", _logit_forward, promote="float", grads={"input": _logit_grad})


def _copysign_forward(input, other):
    with np.errstate(all="ignore"):
        return np.asarray(np.copysign(input, other), dtype=input.dtype)


def _copysign_grad(grad, input, result):
    # PyTorch's copysign_tensor_self_backward: grad * result / input, 0 where input is 0
    return grad * where(input == 0, 0.0, result / input)


_copysign = defop("copysign", "input, other", lambda input, other: _copysign_forward(input, other.astype(input.dtype)),
                  promote="float", grads={"input": _copysign_grad, "other": lambda grad: grad * 0})
_copysign_scalar = defop("copysign_scalar", "input, other", lambda input, other: _copysign_forward(
                             input, np.asarray(other, dtype=input.dtype)),
                         promote="float", tensors=("input",), node_name="CopysignBackward1",
                         grads={"input": _copysign_grad})


def _fmax_takes_input(input, other):
    return (input >= other) | other.isnan()


fmax_op = defop("fmax", "input, other", lambda input, other: np.fmax(input, other),
                grads={"input": lambda grad, input, other: where(_fmax_takes_input(input, other), grad, 0.0),
                       "other": lambda grad, input, other: where(_fmax_takes_input(input, other), 0.0, grad)})
fmin_op = defop("fmin", "input, other", lambda input, other: np.fmin(input, other),
                grads={"input": lambda grad, input, other: where((input <= other) | other.isnan(), grad, 0.0),
                       "other": lambda grad, input, other: where((input <= other) | other.isnan(), 0.0, grad)})
sgn = defop("sgn", "input", kernels.sign, grads={"input": lambda grad: grad * 0},
            export=True, method=True, inplace=True, out="cast", array_backward=True)
signbit = defop("signbit", "input", lambda input: np.signbit(input) if input.dtype.kind != "b"
                else np.zeros(input.shape, bool),
                differentiable=False, promote=None, export=True, method=True, out="cast")
isposinf = defop("isposinf", "input", lambda input: input == np.inf if _dtype.is_floating(input.dtype)
                 else np.zeros(input.shape, bool),
                 differentiable=False, promote=None, export=True, method=True, out="cast")
isneginf = defop("isneginf", "input", lambda input: input == -np.inf if _dtype.is_floating(input.dtype)
                 else np.zeros(input.shape, bool),
                 differentiable=False, promote=None, export=True, method=True, out="cast")


def logit(input, eps=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given (LogitBackward0: zero
    gradient outside that range)."""
    return _logit(input, None if eps is None else float(eps))


def copysign(input, other):
    """The magnitude of `input` with the sign of `other` (a tensor or a number), elementwise, in a
    floating dtype."""
    if isinstance(other, _apply.Tensor):
        return _copysign(input, other)
    return _copysign_scalar(input, other)


def _fmax(input, other):
    """The elementwise maximum, ignoring NaN (NaN only where both are NaN)."""
    return fmax_op(input, other)


def _fmin(input, other):
    """The elementwise minimum, ignoring NaN (NaN only where both are NaN)."""
    return fmin_op(input, other)


fmax = _tensor_other("fmax", _fmax)
fmin = _tensor_other("fmin", _fmin)
for _name, _fn in (("deg2rad", deg2rad), ("rad2deg", rad2deg), ("frac", frac), ("sinc", sinc), ("logit", logit),
                   ("copysign", copysign)):
    declare(_name, _fn, method=True, inplace=(f"{_name}_",), out="cast")
for _name, _fn in (("fmax", fmax), ("fmin", fmin)):
    declare(_name, _fn, method=True, out="cast")


@public(method=True)
def positive(input):
    """`input` itself (unary plus), as PyTorch's; a bool tensor raises as PyTorch's does."""
    if input.dtype.numpy_dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@public(method=True, out="exact")
def float_power(input, exponent):
    """input ** exponent computed in float64 (both converted first), as PyTorch's."""
    if isinstance(input, _apply.Tensor):
        input = input.double()
    if isinstance(exponent, _apply.Tensor):
        exponent = exponent.double()
    return input ** exponent if isinstance(input, _apply.Tensor) else exponent.__rpow__(input)


@public(export=False, method=True)
def float_power_(input, exponent):
    """float_power in place: `input` must already be float64 (the result's dtype), as PyTorch's."""
    if input.dtype.numpy_dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_TYPE_NAME.get(input.dtype.numpy_dtype.name)} "
                           f"but the operation's result requires dtype Double")
    return input.pow_(exponent.double() if isinstance(exponent, _apply.Tensor) else exponent)


_TYPE_NAME = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double", **_TORCH_NAMES}



def _integral_only(name, fn):
    def forward(input, other):
        for v in (input, other):
            if v.dtype.kind not in "iu":
                raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_TYPE_NAME[v.dtype.name]}'")
        return fn(input, other)
    return forward


gcd = defop("gcd", "input, other", _integral_only("gcd", np.gcd), differentiable=False,
            export=True, method=True, inplace=True, out="cast")
lcm = defop("lcm", "input, other", _integral_only("lcm", np.lcm), differentiable=False,
            export=True, method=True, inplace=True, out="cast")


# ldexp: input * 2 ** other in a floating dtype (LdexpBackward0). heaviside and nextafter have no
# derivative in PyTorch (its backward raises); here their results simply do not require grad.
def _ldexp_forward(input, other):
    with np.errstate(all="ignore"):
        return np.asarray(input * np.exp2(other.astype(input.dtype)), dtype=input.dtype)


_ldexp = defop("ldexp", "input, other", _ldexp_forward, promote="float",
               grads={"input": lambda grad, other: grad * (other * math.log(2.0)).exp(),
                      "other": lambda grad, result: grad * result * math.log(2.0)})


def _heaviside_forward(input, values):
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return np.asarray(np.where(input == 0, values, input > 0), dtype=input.dtype)


def _nextafter_forward(input, other):
    for v in (input, other):
        if v.dtype.kind not in "f":
            raise NotImplementedError(f"\"nextafter_cpu\" not implemented for '{_TYPE_NAME[v.dtype.name]}'")
    return np.nextafter(input, other.astype(input.dtype))


_heaviside = defop("heaviside", "input, values", _heaviside_forward, promote=None, differentiable=False)
_nextafter = defop("nextafter", "input, other", _nextafter_forward, differentiable=False)
ldexp = _tensor_other("ldexp", _ldexp)
nextafter = _tensor_other("nextafter", _nextafter)


def heaviside(input, values):
    """The Heaviside step of `input`: 0 below zero, 1 above, `values` (same dtype) at zero."""
    if not isinstance(values, _apply.Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    return _heaviside(input, values)


for _name, _fn in (("ldexp", ldexp), ("heaviside", heaviside), ("nextafter", nextafter)):
    declare(_name, _fn, method=True, inplace=(f"{_name}_",), out="cast")

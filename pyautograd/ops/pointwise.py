"""Pointwise ops: each declared once with its kernel and PyTorch's derivative formulas.

Formulas follow PyTorch's derivatives.yaml, including its choices at kinks
(relu'(0) = 0, abs'(0) = 0, maximum/minimum split the gradient at ties,
clamp passes it at the bounds) so gradients match PyTorch's exactly.
Fused backward kernels (tanh_backward, sigmoid_backward, threshold_backward,
gelu_backward, silu_backward) are ops themselves, with their own formulas, so
double backward works through them.

The file ends with the family's front ends (``@public``): argument checks, the choice among
PyTorch's overloads (each overload a primitive above, with its own node name) and the ops
that are compositions; a primitive sharing its public name with its front end is named
``<name>_op`` here (the op and its node keep PyTorch's name).
"""
import builtins
import math
import numbers

from .. import _dtype, kernels
from .._tensor import Tensor
from ._opdef import defop
from ._surface import public, reflected
from .complex_real import conj_value, sgn

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _scaled(other, alpha):
    if isinstance(alpha, complex):
        # (the formulas would need its conjugate: refused rather than differentiated wrongly)
        raise NotImplementedError("add/sub with a complex alpha is not supported here; multiply the operand by it")
    return other * alpha if not hasattr(other, "dtype") else kernels.mul(other, alpha)


# -- operator adapters (the `dunders=` of the declarations below) ---------------------------------

def _where_method(self, condition, other):
    """Tensor.where(condition, other): self where condition, else other."""
    return where(condition, self, other)


def _tensor_or(answer):
    """== and != with a non-number, non-tensor operand: `answer` (False for ==), as Python's
    default, instead of an error."""
    def make(fn):
        def method(self, other):
            if not isinstance(other, (Tensor, numbers.Number)):
                return answer
            return fn(self, other)
        return method
    return make


# -- arithmetic ---------------------------------------------------------------------

# alpha == 1 is tested inline: add and sub run for every `x + c`, and a call costs.
add = defop("add", "input, other, *, alpha=1",
            lambda input, other, alpha: kernels.add(input, other if alpha == 1 else _scaled(other, alpha)),
            grads={"input": lambda grad: grad,
                   "other": lambda grad, alpha: grad if alpha == 1 else grad * alpha},
            complex=True,
            export=True, method=True, inplace=True, out="cast", dunders=("__add__", "__radd__", "__iadd__"))

sub = defop("sub", "input, other, *, alpha=1",
            lambda input, other, alpha: kernels.sub(input, other if alpha == 1 else _scaled(other, alpha)),
            grads={"input": lambda grad: grad,
                   "other": lambda grad, alpha: -grad if alpha == 1 else grad * -alpha},
            complex=True,
            export=True, aliases=("subtract",), method=("sub", "subtract"), inplace=("sub_", "subtract_"), out="cast",
            dunders=("__sub__", "__isub__"))

# PyTorch's two overloads: rsub.Tensor (RsubBackward0) and rsub.Scalar (RsubBackward1, also
# `number - tensor`); rsub (a front end, below) picks one.
rsub_tensor = defop("rsub_tensor", "input, other, *, alpha=1",
                    lambda input, other, alpha: kernels.sub(other, input if alpha == 1 else _scaled(input, alpha)),
                    grads={"input": lambda grad, alpha: -grad if alpha == 1 else grad * -alpha,
                           "other": lambda grad: grad},
                    node_name="RsubBackward0", complex=True)
rsub_scalar = defop("rsub_scalar", "input, other, *, alpha=1",
                    lambda input, other, alpha: kernels.sub(other, input if alpha == 1 else _scaled(input, alpha)),
                    tensors=("other",),
                    grads={"input": lambda grad, alpha: -grad if alpha == 1 else grad * -alpha},
                    node_name="RsubBackward1", complex=True)

mul = defop("mul", "input, other", kernels.mul,
            grads={"input": lambda grad, other: grad * other,
                   "other": lambda grad, input: grad * input},
            # complex: PyTorch's conjugate Wirtinger gradients (grad * conj(other))
            complex={"input": lambda grad, other: grad * conj_value(other),
                     "other": lambda grad, input: grad * conj_value(input)},
            export=True, aliases=("multiply",), method=("mul", "multiply"), inplace=("mul_", "multiply_"), out="cast",
            dunders=("__mul__", "__rmul__", "__imul__"),
            array_backward=True)

div_op = defop("div", "input, other", kernels.div, promote="float",
               grads={"input": lambda grad, other: grad / other,
                      "other": lambda grad, input, other: -grad * input / (other * other)},
               complex={"input": lambda grad, other: grad / conj_value(other),
                        "other": lambda grad, input, other: -grad * conj_value(input / (other * other))},
               array_backward=True)

# div.Scalar (DivBackward1): a tensor divided by a number where PyTorch's C++ composites divide
# (e.g. cross_entropy's mean over samples). A Python `tensor / number` is div.Tensor (DivBackward0).
div_scalar = defop("div_scalar", "input, other", kernels.div, promote="float",
                   grads={"input": lambda grad, other: grad / other}, node_name="DivBackward1",
                   complex={"input": lambda grad, other: grad / conj_value(other)},
                   array_backward=True)

# mul.Scalar (MulBackward1): a tensor times a number where PyTorch's C++ composites multiply
# (trapezoid's `* dx`). A Python `tensor * number` is mul.Tensor (MulBackward0).
mul_scalar = defop("mul_scalar", "input, other", kernels.mul, tensors=("other",),
                   grads={"input": lambda grad, other: grad * other}, node_name="MulBackward1",
                   complex={"input": lambda grad, other: grad * conj_value(other)},
                   array_backward=True)

# div with a rounding_mode ('trunc' or 'floor'): piecewise constant, so PyTorch's gradient is 0.
div_mode = defop("div_mode", "input, other, *, rounding_mode",
                 lambda input, other, rounding_mode: (kernels.trunc_divide if rounding_mode == "trunc"
                                                      else kernels.floor_divide)(input, other),
                 grads={"input": lambda grad: grad * 0, "other": lambda grad: grad * 0},
                 node_name="DivBackward2",
                 array_backward=True)

# remainder.Scalar (RemainderBackward0) and remainder.Tensor (RemainderBackward1).
remainder_scalar = defop("remainder_scalar", "input, other", kernels.remainder, tensors=("other",),
                         grads={"input": lambda grad: grad}, node_name="RemainderBackward0")
remainder_tensor = defop("remainder_tensor", "input, other", kernels.remainder, node_name="RemainderBackward1",
                         grads={"input": lambda grad: grad,
                                "other": lambda grad, input, other:
                                -grad * div_mode(input, other, rounding_mode="floor")})

neg = defop("neg", "input", kernels.neg, grads={"input": lambda grad: -grad}, complex=True,
            export=True, aliases=("negative",), method=("neg", "negative"), inplace=("neg_", "negative_"), out="cast",
            dunders=("__neg__",),
            array_backward=True)


def _pow_forward(input, exponent):
    if exponent.__class__ is complex and input.dtype.kind != "c":
        # a complex power of a real tensor: computed in the complex dtype of its width (PyTorch's
        # promotion), never by a real kernel handed a complex number
        d = _dtype.from_numpy(input.dtype)
        input = input.astype((d.to_complex() if d.is_floating_point else _dtype.default_complex()).numpy_dtype)
    if exponent.__class__ is float:
        if input.dtype.kind in "biu":
            # an integer tensor to a float power is a float tensor of the default dtype (PyTorch's
            # promotion; pow_scalar's exponent is a parameter, so the generic promotion skips it)
            input = input.astype(_dtype.get_default_dtype().numpy_dtype)
        if exponent == 0.5:
            return kernels.sqrt(input)  # as PyTorch (and NumPy): (-inf) ** 0.5 is NaN on every backend
    return kernels.pow(input, exponent)


def _pow_scalar_grad(grad, input, exponent):
    if exponent == 0:
        return grad * 0
    return grad * (exponent * input ** (exponent - 1))


def _pow_scalar_complex_grad(grad, input, exponent):
    if exponent == 0:
        return grad * 0
    return grad * conj_value(exponent * input ** (exponent - 1))


# complex: a complex input, or a real one to a complex power (its result is complex: the real
# formula would miss the conjugate)
pow_scalar = defop("pow_scalar", "input, exponent", _pow_forward, node_name="PowBackward0",
                   grads={"input": _pow_scalar_grad}, complex={"input": _pow_scalar_complex_grad})

pow_tensor = defop(
    "pow_tensor", "input, exponent", _pow_forward, node_name="PowBackward1",
    # PyTorch masks exponent == 0, where 0 ** -1 would make 0 * inf = nan: d(x ** 0)/dx is 0
    grads={"input": lambda grad, input, exponent: where(exponent == 0, 0.0,
                                                         grad * exponent * input ** (exponent - 1)),
           # PyTorch masks 0 ** e (e >= 0) whose log is -inf, so the gradient there is 0, not nan.
           "exponent": lambda grad, input, exponent, result: where(
               (input == 0) & (exponent >= 0), 0.0, grad * result * log(input))})



def _pow_base_grad(grad, self, exponent, result):
    # d/de b**e = b**e * log(b); PyTorch makes 0 ** e (e >= 0) contribute 0, not nan.
    if self == 0:
        return where(exponent >= 0, 0.0, grad * result * -math.inf)
    return grad * result * (math.log(self) if self > 0 else math.nan)


def _pow_base_forward(self, exponent):
    if self.__class__ is float and exponent.dtype.kind in "biu":
        # a float base to an integer tensor's powers is a tensor of the default dtype (NumPy
        # would give float64 from the Python float)
        exponent = exponent.astype(_dtype.get_default_dtype().numpy_dtype)
    return kernels.pow(self, exponent)


pow_base = defop("pow_base", "self, exponent", _pow_base_forward, node_name="PowBackward2",
                 grads={"exponent": _pow_base_grad})

# -- exponentials and logarithms --------------------------------------------------------

exp = defop("exp", "input", kernels.exp, promote="float",
            grads={"input": lambda grad, result: grad * result},
            complex={"input": lambda grad, result: grad * conj_value(result)},
            export=True, method=True, inplace=True, out="cast",
            array_backward=True)
exp2 = defop("exp2", "input", kernels.exp2, promote="float",
             grads={"input": lambda grad, result: grad * result * _LN2},
             export=True, method=True, inplace=True, out="cast")
expm1 = defop("expm1", "input", kernels.expm1, promote="float",
              grads={"input": lambda grad, result: grad * (result + 1)},
              export=True, method=True, inplace=True, out="cast",
              array_backward=True)
log = defop("log", "input", kernels.log, promote="float",
            grads={"input": lambda grad, input: grad / input},
            complex={"input": lambda grad, input: grad / conj_value(input)},
            export=True, method=True, inplace=True, out="cast",
            array_backward=True)
log2 = defop("log2", "input", kernels.log2, promote="float",
             grads={"input": lambda grad, input: grad / (input * _LN2)},
             export=True, method=True, inplace=True, out="cast")
log10 = defop("log10", "input", kernels.log10, promote="float",
              grads={"input": lambda grad, input: grad / (input * _LN10)},
              export=True, method=True, inplace=True, out="cast")
log1p = defop("log1p", "input", kernels.log1p, promote="float", node_name="Log1PBackward0",
              grads={"input": lambda grad, input: grad / (input + 1)},
              export=True, method=True, inplace=True, out="cast",
              array_backward=True)
sqrt = defop("sqrt", "input", kernels.sqrt, promote="float",
             grads={"input": lambda grad, result: grad / (2 * result)},
             complex={"input": lambda grad, result: grad / (2 * conj_value(result))},
             export=True, method=True, inplace=True, out="cast",
             array_backward=True)
rsqrt = defop("rsqrt", "input", kernels.rsqrt, promote="float",
              grads={"input": lambda grad, result: -0.5 * grad * result * result * result},
              export=True, method=True, inplace=True, out="cast",
              array_backward=True)
reciprocal = defop("reciprocal", "input", kernels.reciprocal, promote="float",
                   grads={"input": lambda grad, result: -grad * result * result},
                   complex={"input": lambda grad, result: -grad * conj_value(result * result)},
                   export=True, method=True, inplace=True, out="cast",
                   array_backward=True)

# -- sign-like and rounding ---------------------------------------------------------------

abs = defop("abs", "input", kernels.abs, grads={"input": lambda grad, input: grad * sign(input)},
            complex={"input": lambda grad, input: grad * sgn(input)},
            export=True, aliases=("absolute",), method=("abs", "absolute"), inplace=("abs_", "absolute_"), out="cast",
            dunders=("__abs__",))
sign = defop("sign", "input", kernels.sign, grads={"input": lambda grad: grad * 0},
             export=True, method=True, inplace=True, out="cast",
             array_backward=True)
floor = defop("floor", "input", kernels.floor, grads={"input": lambda grad: grad * 0},
              export=True, method=True, inplace=True, out="cast",
              array_backward=True)
ceil = defop("ceil", "input", kernels.ceil, grads={"input": lambda grad: grad * 0},
             export=True, method=True, inplace=True, out="cast",
             array_backward=True)
trunc = defop("trunc", "input", kernels.trunc, grads={"input": lambda grad: grad * 0},
              export=True, aliases=("fix",), method=("trunc", "fix"), inplace=("trunc_", "fix_"), out="cast",
              array_backward=True)
# integers are their own rounding (and keep their dtype)
round_op = defop("round", "input", lambda input: input.copy() if input.dtype.kind in "biu" else kernels.round(input),
                 grads={"input": lambda grad: grad * 0},
                 array_backward=True)


def _round_decimals(input, decimals):
    # PyTorch's: scale by 10**|decimals|, round half to even, scale back (in the input's dtype)
    if input.dtype.kind in "biu":
        raise NotImplementedError(f'"round_cpu" not implemented for \'{_dtype.from_numpy(input.dtype)}\' '
                                  f"(round with decimals={decimals} needs a floating point tensor)")
    ten = input.dtype.type(10.0 ** (decimals if decimals > 0 else -decimals))
    if decimals > 0:
        return kernels.div(kernels.round(kernels.mul(input, ten)), ten)
    return kernels.mul(kernels.round(kernels.div(input, ten)), ten)


round_decimals = defop("round_decimals", "input, decimals", _round_decimals, node_name="RoundBackward1",
                       grads={"input": lambda grad: grad * 0}, array_backward=True)


@public(method=True, inplace=True, out="cast")
def round(input, *, decimals=0):  # noqa: A001 -- torch.round
    """input rounded half to even, to `decimals` decimal places (negative: to tens, hundreds...);
    integers are their own rounding. A zero gradient (RoundBackward0, RoundBackward1 with decimals)."""
    if decimals == 0:
        return round_op(input)
    return round_decimals(input, decimals)

# -- trigonometric and hyperbolic -----------------------------------------------------------

sin = defop("sin", "input", kernels.sin, promote="float",
            grads={"input": lambda grad, input: grad * cos(input)},
            export=True, method=True, inplace=True, out="cast")
cos = defop("cos", "input", kernels.cos, promote="float",
            grads={"input": lambda grad, input: -grad * sin(input)},
            export=True, method=True, inplace=True, out="cast")
tan = defop("tan", "input", kernels.tan, promote="float",
            grads={"input": lambda grad, result: grad * (1 + result * result)},
            export=True, method=True, inplace=True, out="cast",
            array_backward=True)
asin = defop("asin", "input", kernels.asin, promote="float",
             grads={"input": lambda grad, input: grad * rsqrt(1 - input * input)},
             export=True, aliases=("arcsin",), method=("asin", "arcsin"), inplace=("asin_", "arcsin_"), out="cast")
erf = defop("erf", "input", kernels.erf, promote="float",
            grads={"input": lambda grad, input: grad * _TWO_OVER_SQRT_PI * exp(-(input * input))},
            export=True, method=True, inplace=True, out="cast")
erfc = defop("erfc", "input", kernels.erfc, promote="float",
             grads={"input": lambda grad, input: grad * -_TWO_OVER_SQRT_PI * exp(-(input * input))},
             export=True, method=True, inplace=True, out="cast")

tanh_backward = defop(
    "tanh_backward", "grad_output, output", kernels.tanh_backward,
    grads={"grad_output": lambda grad, output: tanh_backward(grad, output),
           "output": lambda grad, grad_output, output: -2 * output * grad * grad_output},
                      array_backward=("output",))
tanh = defop("tanh", "input", kernels.tanh, promote="float",
             grads={"input": lambda grad, result: tanh_backward(grad, result)},
             export=True, method=True, inplace=True, out="cast")

sigmoid_backward = defop(
    "sigmoid_backward", "grad_output, output", kernels.sigmoid_backward,
    grads={"grad_output": lambda grad, output: sigmoid_backward(grad, output),
           "output": lambda grad, grad_output, output: grad * grad_output * (1 - 2 * output)},
                         array_backward=("output",))
sigmoid = defop("sigmoid", "input", kernels.sigmoid, promote="float",
                grads={"input": lambda grad, result: sigmoid_backward(grad, result)},
                export=True, method=True, inplace=True, out="cast")

logsigmoid = defop("logsigmoid", "input", kernels.logsigmoid, promote="float",
                   node_name="LogSigmoidBackward0",
                   grads={"input": lambda grad, input: grad * sigmoid(-input)},
                   export=True)

# -- activations ------------------------------------------------------------------------------

threshold_backward = defop(
    "threshold_backward", "grad_output, self", kernels.relu_backward,
    grads={"grad_output": lambda grad, self: threshold_backward(grad, self),
           "self": lambda grad: grad * 0},
                           array_backward=("self",))
relu = defop("relu", "input", kernels.relu,
             grads={"input": lambda grad, result: threshold_backward(grad, result)},
             export=True, method=True, inplace=True)

leaky_relu = defop("leaky_relu", "input, negative_slope=0.01", kernels.leaky_relu,
                   grads={"input": lambda grad, input, negative_slope:
                          where(input > 0, grad, grad * negative_slope)},
                   export=True)

elu = defop("elu", "input, alpha=1.0", kernels.elu,
            grads={"input": lambda grad, input, result, alpha:  # PyTorch's test: NaN takes grad
                   where(input <= 0, grad * (result + alpha), grad)})


def _gelu_forward(input, approximate):
    return kernels.gelu_tanh(input) if approximate == "tanh" else kernels.gelu(input)


def _gelu_backward_forward(grad_output, self, approximate):
    if approximate == "tanh":
        return kernels.gelu_tanh_backward(grad_output, self)
    return kernels.gelu_backward(grad_output, self)


def _gelu_second(grad, grad_output, self, approximate):
    """d/dx of gelu'(x), times the incoming gradients (the double-backward of gelu)."""
    if approximate == "tanh":
        k, c = math.sqrt(2.0 / math.pi), 0.044715
        inner = k * (self + c * self * self * self)
        t = tanh(inner)
        dinner = k * (1 + 3 * c * self * self)
        sech2 = 1 - t * t
        second = sech2 * dinner + 0.5 * self * (-2 * t * sech2 * dinner * dinner
                                                + sech2 * k * 6 * c * self)
        return grad * grad_output * second
    pdf = _INV_SQRT_2PI * exp(-0.5 * self * self)
    return grad * grad_output * pdf * (2 - self * self)


gelu_backward = defop(
    "gelu_backward", "grad_output, self, *, approximate='none'", _gelu_backward_forward,
    grads={"grad_output": lambda grad, self, approximate: gelu_backward(grad, self, approximate=approximate),
           "self": _gelu_second})
gelu = defop("gelu", "input, approximate='none'", _gelu_forward,
             grads={"input": lambda grad, input, approximate: gelu_backward(grad, input, approximate=approximate)},
             export=True)


def _silu_second(grad, grad_output, self):
    s = sigmoid(self)
    return grad * grad_output * s * (1 - s) * (2 + self * (1 - 2 * s))


silu_backward = defop(
    "silu_backward", "grad_output, self", kernels.silu_backward,
    grads={"grad_output": lambda grad, self: silu_backward(grad, self), "self": _silu_second})
silu = defop("silu", "input", kernels.silu,
             grads={"input": lambda grad, input: silu_backward(grad, input)},
             export=True)

softplus = defop("softplus", "input, beta=1.0, threshold=20.0", kernels.softplus,
                 grads={"input": lambda grad, input, beta, threshold:
                        where(input * beta > threshold, grad, grad * sigmoid(input * beta))},
                 export=True)

# -- clamping, max/min, where, lerp ------------------------------------------------------------


def _in_bounds(input, lo, hi):
    if lo is None:
        return input <= hi
    if hi is None:
        return input >= lo
    return (input >= lo) & (input <= hi)


def _clamp_forward(input, min, max):
    return kernels.clamp(input, -math.inf if min is None else min, math.inf if max is None else max)


def _clamp_tensor_forward(input, min, max):
    out = input if min is None else kernels.maximum(input, min)
    return out if max is None else kernels.minimum(out, max)


def _clamp_min_grad(grad, input, min, max):
    # PyTorch: a bound gets the gradient where it is the result; min loses to max when min > max.
    if max is None:
        return where(input < min, grad, 0.0)
    return where((input < min) & (min < max), grad, 0.0)


def _clamp_max_grad(grad, input, min, max):
    if min is None:
        return where(input > max, grad, 0.0)
    return where((input > max) | (max < min), grad, 0.0)


# clamp.Scalar (number bounds, ClampBackward1) and clamp.Tensor (tensor bounds, ClampBackward0);
# at a bound the input keeps the gradient. clamp (below) picks one.
clamp_scalar = defop("clamp_scalar", "input, min=None, max=None", _clamp_forward, node_name="ClampBackward1",
                     grads={"input": lambda grad, input, min, max: where(_in_bounds(input, min, max), grad, 0.0)})
clamp_tensor = defop("clamp_tensor", "input, min=None, max=None", _clamp_tensor_forward,
                     node_name="ClampBackward0",
                     grads={"input": lambda grad, input, min, max: where(_in_bounds(input, min, max), grad, 0.0),
                            "min": _clamp_min_grad, "max": _clamp_max_grad})

# hardtanh (and relu6 = hardtanh(0, 6)): unlike clamp, the gradient is 0 at the bounds.
hardtanh = defop("hardtanh", "input, min_val=-1.0, max_val=1.0", kernels.clamp,
                 grads={"input": lambda grad, input, min_val, max_val:
                        where((input <= min_val) | (input >= max_val), 0.0, grad)})


def _tie_split(grad, mine, theirs, mine_loses):
    # PyTorch: the loser gets no gradient, a tie splits it in half, and anything else (the winner,
    # and both sides where one is NaN, which no comparison calls a loss) gets all of it.
    return where(mine == theirs, grad / 2, where(mine_loses, 0.0, grad))


maximum = defop("maximum", "input, other", kernels.maximum,
                grads={"input": lambda grad, input, other: _tie_split(grad, input, other, input < other),
                       "other": lambda grad, input, other: _tie_split(grad, other, input, other < input)},
                export=True, method=True, out="cast")
minimum = defop("minimum", "input, other", kernels.minimum,
                grads={"input": lambda grad, input, other: _tie_split(grad, input, other, input > other),
                       "other": lambda grad, input, other: _tie_split(grad, other, input, other > input)},
                export=True, method=True, out="cast")


def _where_forward(condition, input, other):
    if condition.dtype.kind != "b" and condition.dtype != "uint8":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_dtype.from_numpy(condition.dtype)}")
    return kernels.where(condition if condition.dtype.kind == "b" else condition.astype(bool), input, other)


where = defop("where", "condition, input, other", _where_forward, promote_skip=("condition",),
              tensors=("condition",), complex=True,
              grads={"input": lambda grad, condition: where(condition, grad, 0.0),
                     "other": lambda grad, condition: where(condition, 0.0, grad)},
              export=True, method=_where_method, out="cast")

# lerp.Scalar (LerpBackward0) and lerp.Tensor (LerpBackward1); lerp (below) picks one.
lerp_scalar = defop("lerp_scalar", "input, end, weight",
                    lambda input, end, weight: kernels.add(input, kernels.mul(kernels.sub(end, input), weight)),
                    node_name="LerpBackward0",
                    grads={"input": lambda grad, weight: grad * (1 - weight),
                           "end": lambda grad, weight: grad * weight},
                    array_backward=True)
lerp_tensor = defop("lerp_tensor", "input, end, weight",
                    lambda input, end, weight: kernels.add(input, kernels.mul(kernels.sub(end, input), weight)),
                    node_name="LerpBackward1",
                    grads={"input": lambda grad, weight: grad * (1 - weight),
                           "end": lambda grad, weight: grad * weight,
                           "weight": lambda grad, input, end: grad * (end - input)},
                    array_backward=True)

# -- comparisons and tests (no gradient) --------------------------------------------------------

eq = defop("eq", "input, other", kernels.eq, differentiable=False, complex=True,
           export=True, method=True, inplace=True, out="cast", dunders={"__eq__": _tensor_or(False)})
ne = defop("ne", "input, other", kernels.ne, differentiable=False, complex=True,
           export=True, aliases=("not_equal",), method=("ne", "not_equal"), inplace=("ne_", "not_equal_"), out="cast",
           dunders={"__ne__": _tensor_or(True)})
lt = defop("lt", "input, other", kernels.lt, differentiable=False,
           export=True, aliases=("less",), method=("lt", "less"), inplace=("lt_", "less_"), out="cast", dunders=("__lt__",))
le = defop("le", "input, other", kernels.le, differentiable=False,
           export=True, aliases=("less_equal",), method=("le", "less_equal"), inplace=("le_", "less_equal_"), out="cast", dunders=("__le__",))
gt = defop("gt", "input, other", kernels.gt, differentiable=False,
           export=True, aliases=("greater",), method=("gt", "greater"), inplace=("gt_", "greater_"), out="cast", dunders=("__gt__",))
ge = defop("ge", "input, other", kernels.ge, differentiable=False,
           export=True, aliases=("greater_equal",), method=("ge", "greater_equal"), inplace=("ge_", "greater_equal_"), out="cast", dunders=("__ge__",))
isnan = defop("isnan", "input", kernels.isnan, differentiable=False, promote=None, complex=True,
              export=True, method=True)
isinf = defop("isinf", "input", kernels.isinf, differentiable=False, promote=None, complex=True,
              export=True, method=True)
isfinite = defop("isfinite", "input", kernels.isfinite, differentiable=False, promote=None, complex=True,
                 export=True, method=True)
logical_not = defop("logical_not", "input", kernels.logical_not, differentiable=False, promote=None,
                    export=True, method=True, inplace=True, out="cast")
logical_and = defop("logical_and", "input, other", kernels.logical_and, differentiable=False, promote=None,
                    export=True, method=True, inplace=True, out="cast")
logical_or = defop("logical_or", "input, other", kernels.logical_or, differentiable=False, promote=None,
                   export=True, method=True, inplace=True, out="cast")
logical_xor = defop("logical_xor", "input, other", kernels.logical_xor, differentiable=False, promote=None,
                    export=True, method=True, inplace=True, out="cast")
# The operators & | ^ ~ belong to the bitwise ops (ops/bitwise.py), which take bool tensors too.


# -- front ends: PyTorch's overloads chosen by argument kind, and compositions ------------------------

@public(method=True, inplace=True, out="cast", dunders={"__pow__": None, "__ipow__": None, "__rpow__": reflected})
def pow(input, exponent):
    """input ** exponent, elementwise (either may be a number, not both)."""
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return pow_tensor(input, exponent)
        return pow_scalar(input, exponent)
    return pow_base(input, exponent)


@public(method=True, inplace=True, out="cast")
def square(input):
    """input ** 2."""
    return pow_scalar(input, 2)


@public(dunders=("__rsub__",))
def rsub(input, other, *, alpha=1):
    """other - alpha * input (RsubBackward0 for a tensor `other`, RsubBackward1 for a number)."""
    if isinstance(other, Tensor):
        return rsub_tensor(input, other, alpha=alpha)
    return rsub_scalar(input, other, alpha=alpha)


def _reciprocal_times(div):
    """number / tensor: PyTorch computes it as tensor.reciprocal() * number (MulBackward0)."""
    def rtruediv(self, other):
        return reciprocal(self) * other
    return rtruediv


@public(aliases=("divide", "true_divide"), method=("div", "true_divide", "divide"),
        inplace=("div_", "true_divide_", "divide_"), out="cast",
        dunders={"__truediv__": None, "__itruediv__": None, "__rtruediv__": _reciprocal_times})
def div(input, other, *, rounding_mode=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor' (DivBackward2, a
    zero gradient; integers stay integers)."""
    if rounding_mode is None:
        return div_op(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    return div_mode(input, other, rounding_mode=rounding_mode)


@public(method=True, inplace=True, out="cast", dunders={"__floordiv__": None, "__rfloordiv__": reflected})
def floor_divide(input, other):
    """Division rounded towards negative infinity."""
    return div_mode(input, other, rounding_mode="floor")


@public(method=True, inplace=True, out="cast", dunders={"__mod__": None, "__rmod__": reflected})
def remainder(input, other):
    """input - floor(input / other) * other (the sign of the divisor, as Python's %)."""
    if isinstance(other, Tensor):
        return remainder_tensor(input, other)
    return remainder_scalar(input, other)


@public(method=True, inplace=True, out="cast")
def lerp(input, end, weight):
    """input + weight * (end - input); `weight` a number (LerpBackward0) or a tensor (LerpBackward1).
    `end` (and a tensor `weight`) must have input's dtype, as PyTorch requires (no promotion)."""
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_TYPE_META[input.dtype.name]} for `{name}` but got dtype "
                               f"{_TYPE_META[other.dtype.name]}")
    if isinstance(weight, Tensor):
        return lerp_tensor(input, end, weight)
    return lerp_scalar(input, end, weight)


# PyTorch's C++ type names, as lerp's dtype message prints them.
_TYPE_META = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


@public(aliases=("clip",), method=("clamp", "clip"), inplace=("clamp_", "clip_"), out="cast")
def clamp(input, min=None, max=None):
    """Elementwise bound to [min, max]; the bounds are numbers or None (ClampBackward1), or
    tensors or None (ClampBackward0), as PyTorch's two overloads."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensor_bounds = [isinstance(b, Tensor) for b in (min, max) if b is not None]
    if builtins.all(tensor_bounds):
        return clamp_tensor(input, min, max)
    if builtins.any(tensor_bounds):
        raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                        f"min={type(min).__name__}, max={type(max).__name__}), but expected one of:\n"
                        f" * (Tensor input, Tensor min = None, Tensor max = None)\n"
                        f" * (Tensor input, Number min = None, Number max = None)\n"
                        f"(make both bounds tensors, e.g. torch.full_like(input, max))")
    if not input.dtype.is_floating_point and not input.dtype.is_complex and builtins.any(isinstance(b, float) for b in (min, max)):
        input = input.to(_dtype.get_default_dtype())  # int tensor, float bound: a float result (PyTorch)
    return clamp_scalar(input, min, max)


def relu6(input):
    """min(max(input, 0), 6): hardtanh(input, 0, 6), with a zero gradient at 0 and 6."""
    return hardtanh(input, 0.0, 6.0)

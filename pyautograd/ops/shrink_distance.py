"""The shrinkage and threshold activations (softshrink, hardshrink, threshold, rrelu) and the
distances torch.dist and torch.pdist, each a primitive with PyTorch's node and backward
(issue 12). Their nn.functional and nn forms live in nn/_shrink.py and nn/modules/shrink.py.

PyTorch's comparisons decide the values at the edges and for NaN, so the forwards and the
masks of the formulas are written as its kernels compare: softshrink and hardshrink zero
|x| <= lambd (NaN passes, with its gradient), threshold replaces x <= threshold (NaN passes).
"""
import math

import numpy as np

from .. import _creation
from .._creation import zeros_like
from .._random import rng
from ._inplace import apply_inplace
from ._opdef import defop
from ._surface import public
from .pointwise import where
from .product_checks import SCALAR_NAMES
from .reduction import _vector_norm_backward, _vector_norm_forward  # dist and pdist take a norm of a difference


def _type_name(x):
    return SCALAR_NAMES.get(x._data.dtype.name, x._data.dtype.name)


def _require_float(x, kernel):
    # PyTorch has no integer kernel for these: its dispatch raises NotImplementedError.
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(x)}'")


def _inside(input, lambd):
    """-lambd <= x <= lambd, as PyTorch's kernels test it (False for NaN)."""
    return (input >= -lambd) & (input <= lambd)


# -- softshrink / hardshrink ----------------------------------------------------------------------

def _softshrink_values(x, lambd):
    with np.errstate(invalid="ignore"):
        # x * 0 inside keeps NaN and the sign of zero, as PyTorch's kernel does
        out = np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, x * 0))
    return out.astype(x.dtype, copy=False)


def _hardshrink_values(x, lambd):
    with np.errstate(invalid="ignore"):
        return np.where((x >= -lambd) & (x <= lambd), x.dtype.type(0), x).astype(x.dtype, copy=False)


_softshrink = defop("softshrink", "input, lambd=0.5", _softshrink_values, promote=None,
                    grads={"input": lambda grad, input, lambd: where(_inside(input, lambd), 0.0, grad)})
_hardshrink = defop("hardshrink", "input, lambd=0.5", _hardshrink_values, promote=None,
                    grads={"input": lambda grad, input, lambd: where(_inside(input, lambd), 0.0, grad)})


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0 (as torch.nn.functional.softshrink)."""
    _require_float(input, "softshrink_check")
    limit = float(np.finfo(input._data.dtype).max)
    if not 0 <= lambd <= limit:
        raise RuntimeError(f"lambda must be in range [0, {limit:g}] for input dtype {_type_name(input)}, "
                           f"but found {lambd:g}")
    return _softshrink(input, lambd)


@public(method=True, out="cast")
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0 (as torch.hardshrink and torch.nn.functional.hardshrink)."""
    _require_float(input, "hardshrink_cpu")
    return _hardshrink(input, lambd)


# -- threshold ------------------------------------------------------------------------------------

def _threshold_values(x, threshold, value):
    with np.errstate(invalid="ignore"):
        return np.where(x <= threshold, value, x).astype(x.dtype, copy=False)


_threshold = defop("threshold", "input, threshold, value", _threshold_values, promote=None,
                   grads={"input": lambda grad, input, threshold: where(input <= threshold, 0.0, grad)})


def _as_input_scalar(x, number):
    """`number` converted to the input's scalar type, as PyTorch converts threshold's scalars."""
    if x._data.dtype.kind in "iu":
        return int(number)
    return float(np.asarray(number).astype(x._data.dtype))


@public(out="cast")
def threshold(input, threshold, value):
    """`value` where input <= threshold, else input (as torch.threshold)."""
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    return _threshold(input, _as_input_scalar(input, threshold), _as_input_scalar(input, value))


_threshold_front = threshold  # the parameters of threshold_ shadow the function's name


@public()
def threshold_(input, threshold, value):
    """threshold written into `input` (as torch.threshold_)."""
    return apply_inplace(input, "threshold_", _threshold_front, (threshold, value), {})


# -- rrelu ----------------------------------------------------------------------------------------

# PyTorch computes rrelu as input * noise: noise is 1 where input > 0 and the slope elsewhere
# (drawn uniformly from [lower, upper] per element in training, (lower + upper) / 2 in eval),
# and the gradient is grad * noise in both modes (its eval backward, leaky_relu's, is the same).
_rrelu_with_noise = defop("rrelu_with_noise", "input, noise", lambda input, noise: (input * noise).astype(input.dtype, copy=False),
                          promote=None, tensors=("noise",),
                          grads={"input": lambda grad, noise: grad * noise})


@public()
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """input where input > 0, else input * a: a ~ U(lower, upper) per element in training, and
    (lower + upper) / 2 in eval (as torch.rrelu; node RreluWithNoiseBackward0)."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _require_float(input, "leaky_relu_cpu")
    x = input._data
    if training and upper - lower > 1e-6:
        slopes = rng(generator).uniform(lower, upper, x.shape)
    else:
        slopes = np.full(x.shape, (lower + upper) / 2)
    noise = np.where(x > 0, 1.0, slopes).astype(x.dtype)
    return _rrelu_with_noise(input, _creation.Tensor._wrap(noise))


@public()
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """rrelu written into `input` (as torch.rrelu_)."""
    return apply_inplace(input, "rrelu_", rrelu, (lower, upper, training, generator), {})


# -- dist -----------------------------------------------------------------------------------------

def _dist_values(input, other, p):
    diff = np.asarray(np.subtract(input, other))  # an array even for 0-d operands
    return _vector_norm_forward(diff, p, tuple(range(diff.ndim)), False)


def _dist_grad(sign):
    def grad_of(grad, input, other, result, p):
        diff = input - other
        g = _vector_norm_backward(grad, diff, result, p, tuple(range(diff.ndim)), False)
        return None if g is None else sign * g
    return grad_of


_dist = defop("dist", "input, other, p=2", _dist_values, promote="common",
              grads={"input": _dist_grad(1), "other": _dist_grad(-1)})


@public(method=True)
def dist(input, other, p=2):
    """The p-norm of input - other (broadcast): any p, including 0 (the count of nonzeros) and
    +-inf (as torch.dist; node DistBackward0). For p=0 the gradients are zero (absent); PyTorch's
    backward raises there when `other` requires grad."""
    if not isinstance(p, (int, float)) or isinstance(p, bool):
        raise TypeError(f"dist(): argument 'p' must be Number, not {type(p).__name__}")
    common = np.result_type(input._data.dtype, other._data.dtype)
    if common.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {SCALAR_NAMES.get(common.name, common.name)} instead.")
    return _dist(input, other, p)


# -- pdist ----------------------------------------------------------------------------------------

def _pairs(n):
    """Row indices (i, j), i < j, in PyTorch's order (row-major upper triangle)."""
    return np.triu_indices(n, 1)


def _pdist_values(input, p):
    i, j = _pairs(input.shape[0])
    return _vector_norm_forward(input[i] - input[j], p, (1,), False).astype(input.dtype, copy=False)


def _pdist_grad(grad, input, result, p):
    """PyTorch's _pdist_backward, per pair: its own masks (unlike norm's, the inf order does not
    share the gradient between ties, and a zero distance gives a zero gradient for every p)."""
    n = input.shape[0]
    zeros = zeros_like(input)
    if n < 2 or p == 0:
        return zeros
    i, j = (_creation.Tensor._wrap(k) for k in _pairs(n))
    diff = input.index_select(0, i) - input.index_select(0, j)
    g, dist = grad.unsqueeze(1), result.unsqueeze(1)
    if p == 1:
        per_pair = diff.sign() * g
    elif p == 2:
        per_pair = where(dist == 0, 0.0, g * diff / dist)
    elif math.isinf(p):
        per_pair = where(diff.abs() == dist, g * diff.sign(), 0.0)
    elif p < 2:
        scaled = diff.sign() * diff.abs() ** (p - 1) * g / dist ** (p - 1)
        zero = (dist == 0) | ((diff == 0) & (p < 1))
        per_pair = where(zero, 0.0, scaled)
    else:
        per_pair = where(dist == 0, 0.0, diff * diff.abs() ** (p - 2) * g / dist ** (p - 1))
    return zeros.index_add(0, i, per_pair).index_add(0, j, -per_pair)


_pdist = defop("pdist", "input, p=2", _pdist_values, promote=None, grads={"input": _pdist_grad})


@public()
def pdist(input, p=2):
    """The p-norm distance between every pair of rows of a 2-d input: the N * (N - 1) / 2 values
    of the upper triangle of cdist(input, input), row by row (as torch.pdist; node PdistBackward0)."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return _pdist(input, p)

"""nn.functional's activations with PyTorch's signatures (inplace=, approximate=, implicit softmax dim).

The math is in the primitive ops (ops/pointwise.py, ops/reduction.py); these front ends add
PyTorch's keyword arguments and checks. ``inplace=True`` writes the result into the input
through the in-place machinery (version counter, history rebase), as ``x.relu_()`` does.
"""
import warnings

from ..ops import apply_inplace, pointwise, reduction


def _maybe_inplace(fn, name, input, inplace, *args):
    if inplace:
        return apply_inplace(input, name, fn, args, {})
    return fn(input, *args)


def relu(input, inplace=False):
    """max(input, 0)."""
    return _maybe_inplace(pointwise.relu, "relu_", input, inplace)


def relu_(input):
    """relu in place."""
    return relu(input, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    """input where input > 0, else alpha * (exp(input) - 1)."""
    return _maybe_inplace(pointwise.elu, "elu_", input, inplace, alpha)


def elu_(input, alpha=1.0):
    """elu in place."""
    return elu(input, alpha, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where input > 0, else negative_slope * input."""
    return _maybe_inplace(pointwise.leaky_relu, "leaky_relu_", input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """leaky_relu in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def silu(input, inplace=False):
    """input * sigmoid(input) (also called swish)."""
    return _maybe_inplace(pointwise.silu, "silu_", input, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clamped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(pointwise.hardtanh, "hardtanh_", input, inplace, min_val, max_val)


def relu6(input, inplace=False):
    """input clamped to [0, 6]."""
    return _maybe_inplace(pointwise.relu6, "relu6_", input, inplace)


def gelu(input, approximate="none"):
    """input * Phi(input) (Phi the standard normal CDF); approximate='tanh' uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh (got {approximate!r})")
    return pointwise.gelu(input, approximate)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * input)) / beta, linear where beta * input > threshold."""
    return pointwise.softplus(input, beta, threshold)


def sigmoid(input):
    """1 / (1 + exp(-input))."""
    return pointwise.sigmoid(input)


def tanh(input):
    """tanh(input)."""
    return pointwise.tanh(input)


def logsigmoid(input):
    """log(sigmoid(input)), computed stably."""
    return pointwise.logsigmoid(input)


def _softmax_dim(name, ndim, stacklevel):
    """PyTorch's legacy implicit dim (0 for 0-, 1- and 3-d input, else 1), with its warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  f"dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(input) / sum(exp(input)) along `dim` (computed in `dtype` when given)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return reduction.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(input)) along `dim`, computed stably (in `dtype` when given)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return reduction.log_softmax(input, dim, dtype)

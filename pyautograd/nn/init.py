"""nn.init: parameter initialisation in place, under no_grad (PyTorch's formulas and defaults).

Random fills draw from pyautograd's generator (or the one given), so they are
reproducible under manual_seed; the values differ from PyTorch's (another
random stream), the distributions do not.
"""
import math
import warnings

import numpy as np

from .._creation import empty, eye, from_numpy
from ..ops.pointwise import where
from ..graph.grad_mode import no_grad


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (PyTorch's table)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if not isinstance(slope, (int, float)) or isinstance(slope, bool):
            raise ValueError(f"negative_slope {slope} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of {['fan_in', 'fan_out']}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fills `tensor` with U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fills `tensor` with N(mean, std**2)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor, val):
    """Fills `tensor` with `val`."""
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    """Fills `tensor` with zeros."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fills `tensor` with ones."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _empty_warning(tensor):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan).

    Args:
        tensor: at least 2-D; fan_in = size(1) * receptive field, fan_out = size(0) * receptive field.
        a: the negative slope of the rectifier after this layer (leaky_relu only).
        mode: "fan_in" (preserves the forward pass's variance) or "fan_out" (the backward's).
        nonlinearity: a name calculate_gain knows ("relu", "leaky_relu", ...).
        generator: the random generator (default: the global one).
    """
    if _empty_warning(tensor):
        return tensor
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std**2) with std = gain / sqrt(fan); arguments as kaiming_uniform_'s."""
    if _empty_warning(tensor):
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)), generator)


def eye_(tensor):
    """Fills a 2-D tensor with the identity matrix (ones on the diagonal, also when not square)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))


def orthogonal_(tensor, gain=1, generator=None):
    """Fills `tensor` with a (semi-)orthogonal matrix times gain, as PyTorch's orthogonal_.

    The tensor is seen as a (rows, numel // rows) matrix: rows orthonormal when
    rows <= columns, else columns. It is the Q of the QR decomposition of a
    standard-normal matrix, with each column's sign flipped to make R's diagonal
    positive, so the result is uniform (Haar) over the orthogonal matrices.

    Args:
        tensor: at least 2-D.
        gain: the scale factor.
        generator: the random generator (default: the global one).
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    sample = empty(rows, cols, dtype=tensor.dtype).normal_(0, 1, generator=generator).numpy()
    tall = sample if rows >= cols else sample.T
    q, r = np.linalg.qr(tall)
    q = q * np.sign(np.diagonal(r))
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(from_numpy(np.ascontiguousarray(q, dtype=sample.dtype).reshape(tensor.shape)))
        return tensor.mul_(gain)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fills `tensor` with N(mean, std**2) truncated to [a, b] (a and b are absolute bounds, not in stds).

    Samples outside [a, b] are drawn again: from the normal itself when the interval
    holds more than 30% of its mass, else uniformly on [a, b], accepted with the
    normal's density relative to its peak in the interval (fast for narrow tails).
    """
    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    with no_grad():
        if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
            def propose():
                return empty(*tensor.shape, dtype=tensor.dtype).normal_(mean, std, generator=generator)

            def rejected(x):
                return (x < a) | (x > b)
        else:
            peak = max(a, min(mean, b))
            log_peak = -0.5 * ((peak - mean) / std) ** 2

            def propose():
                return empty(*tensor.shape, dtype=tensor.dtype).uniform_(a, b, generator=generator)

            def rejected(x):
                log_u = empty(*tensor.shape, dtype=tensor.dtype).uniform_(generator=generator).log()
                return log_u > -0.5 * ((x - mean) / std) ** 2 - log_peak
        result = propose()
        pending = rejected(result)
        while pending.any():
            candidate = propose()
            result = where(pending, candidate, result)
            pending = pending & rejected(candidate)
        return tensor.copy_(result)


# surface issue 12: PyTorch's deprecated spellings without the trailing underscore
def _deprecated(fill):
    old = fill.__name__[:-1]

    def function(*args, **kwargs):
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{fill.__name__}`.", FutureWarning,
                      stacklevel=2)
        return fill(*args, **kwargs)
    function.__name__ = old
    function.__doc__ = f"Deprecated alias of {fill.__name__} (warns, as PyTorch)."
    return function


uniform, normal, constant = (_deprecated(f) for f in (uniform_, normal_, constant_))
xavier_uniform, xavier_normal = _deprecated(xavier_uniform_), _deprecated(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated(kaiming_uniform_), _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)


# conv (issue 13): the identity-preserving init of convolution weights
def dirac_(tensor, groups=1):
    """Fills a 3-, 4- or 5-D convolution weight with the Dirac delta: each of the first
    min(out, in) output channels of every group copies its input channel (centre tap one)."""
    dims = tensor.ndim
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    with no_grad():
        tensor.zero_()
        centre = tuple(s // 2 for s in sizes[2:])
        for g in range(groups):
            for d in range(min(out_per_group, sizes[1])):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor

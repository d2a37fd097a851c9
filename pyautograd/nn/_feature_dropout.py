"""nn.functional's channel-wise and self-normalizing dropouts: dropout1d/2d/3d (whole
channels zeroed: one draw per (N, C) pair, broadcast over the spatial dims) and alpha_dropout
/ feature_alpha_dropout (dropped values set to SELU's negative saturation, then an affine
map that keeps mean 0 and variance 1), with PyTorch's formulas:

    a = 1 / sqrt((alpha^2 * p + 1) * (1 - p)),   out = input * (mask * a) + (mask - 1) * alpha * a + alpha * a * p

with alpha = 1.7580993408473766 (SELU's scale * alpha). Masks come from the global generator,
reproducible under manual_seed, but not PyTorch's draws.
"""
import math
import warnings

from .. import _creation
from ._dropout import _check_p

_SELU_ALPHA = 1.7580993408473766


def _feature_mask_shape(input, batched):
    lead = 2 if batched else 1
    return tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)


def _keep_mask(shape, p, dtype):
    return (_creation.rand(*shape, dtype=dtype) < 1.0 - p).to(dtype)


def _feature_dropout(input, p, training, inplace, batched):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        noise = _creation.zeros((), dtype=input.dtype)
    else:
        noise = _keep_mask(_feature_mask_shape(input, batched), p, input.dtype) / (1.0 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L) input with probability p (scales the rest by 1/(1-p))."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
                           f"a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) input with probability p."""
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      f"result in an error in a future release. To retain the behavior and silence this "
                      f"warning, please use dropout instead. Note that dropout2d exists to provide channel-wise "
                      f"dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.ndim >= 3)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p."""
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will "
                      f"result in an error in a future release. To retain the behavior and silence this "
                      f"warning, please use dropout instead. Note that dropout3d exists to provide channel-wise "
                      f"dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.ndim != 4)


def _alpha(input, p, training, inplace, shape):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        return input.mul_(0) if inplace else input * 0
    mask = _keep_mask(shape, p, input.dtype)
    a = 1.0 / math.sqrt((_SELU_ALPHA ** 2 * p + 1) * (1 - p))
    b = (mask - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p
    noise = mask * a
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: keeps the input's mean and variance (see the module doc)."""
    return _alpha(input, p, training, inplace, tuple(input.shape))


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout with one draw per (N, C) channel, broadcast over the other dims."""
    return _alpha(input, p, training, inplace, _feature_mask_shape(input, True))

"""NumPy reference for the nn layer kernels: layer and batch normalization, constant padding.

Arguments arrive checked by the ops layer (shapes, dims); ``axes`` are tuples of
non-negative ints. Statistics are the biased (population) mean and variance over the
normalized axes, computed in the input's dtype, as PyTorch's normalization kernels do.
"""
import numpy as np

from .._fp import quiet_block
from .indexing import real_into
from ..checks.norm import check_batch_norm, check_layer_norm

__all__ = ["layer_norm", "batch_norm", "layer_norm_backward", "batch_norm_backward", "constant_pad"]


def _affine(x, weight, bias, shape):
    """x * weight + bias, with weight and bias (either may be None) reshaped to `shape`."""
    if weight is not None:
        x *= weight.reshape(shape)
    if bias is not None:
        x += bias.reshape(shape)
    return x


def layer_norm(x, weight, bias, normalized_ndim, eps):
    """(x - mean) / sqrt(var + eps) over the last `normalized_ndim` axes, then * weight + bias."""
    normalized_ndim = check_layer_norm("layer_norm", x, weight, bias, normalized_ndim)
    axes = tuple(range(x.ndim - normalized_ndim, x.ndim))
    with quiet_block():
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = np.mean(centered * centered, axis=axes, keepdims=True)
        out = centered * (1.0 / np.sqrt(var + x.dtype.type(eps))).astype(x.dtype)
    shape = x.shape[x.ndim - normalized_ndim:]
    return _affine(out, weight, bias, shape)


def batch_norm(x, weight, bias, running_mean, running_var, use_batch_stats, eps):
    """Per-channel (axis 1) normalization of x (N, C, *): with the batch's mean and biased
    variance over every other axis when `use_batch_stats`, else with running_mean/var.
    Returns (out, mean, var): the statistics used (the batch's, or the running ones)."""
    check_batch_norm("batch_norm", x, weight, bias, running_mean, running_var, use_batch_stats)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    with quiet_block():
        if use_batch_stats:
            mean = x.mean(axis=axes)
            centered = x - mean.reshape(shape)
            var = np.mean(centered * centered, axis=axes)
        else:
            mean, var = running_mean.astype(x.dtype, copy=False), running_var.astype(x.dtype, copy=False)
            centered = x - mean.reshape(shape)
        out = centered * (1.0 / np.sqrt(var + x.dtype.type(eps))).astype(x.dtype).reshape(shape)
    return _affine(out, weight, bias, shape), mean, var


def _normalized_backward(grad, x, weight, stat_axes, param_axes, view, mean, var, eps, batch_stats,
                         weight_after=False):
    """(dx, dweight, dbias) of (x - mean) / sqrt(var + eps) * weight + bias. With batch_stats the
    statistics are x's over stat_axes (so they vary with x); else mean and var are constants.
    weight_after: the weight is constant over stat_axes (batch norm's per-channel weight), so dx
    is computed from grad and scaled by the weight last, in PyTorch's order (the means of grad,
    not of grad * weight, whose products float32 may not hold exactly)."""
    with quiet_block():
        rstd = (1.0 / np.sqrt(var + x.dtype.type(eps))).astype(x.dtype)
        xhat = (x - mean) * rstd
        g = grad if weight is None or weight_after else grad * weight.reshape(view)
        if batch_stats:
            dx = rstd * (g - g.mean(axis=stat_axes, keepdims=True)
                         - xhat * (g * xhat).mean(axis=stat_axes, keepdims=True))
        else:
            dx = g * rstd
        if weight is not None and weight_after:
            dx *= weight.reshape(view)
        dw = (grad * xhat).sum(axis=param_axes) if weight is not None else None
        db = grad.sum(axis=param_axes)
    return dx, dw, db


def layer_norm_backward(grad, x, weight, normalized_ndim, eps):
    """The gradients (dx, dweight, dbias) of layer_norm (dweight None without a weight)."""
    normalized_ndim = check_layer_norm("layer_norm_backward", x, weight, None, normalized_ndim, grad)
    k = x.ndim - normalized_ndim
    axes = tuple(range(k, x.ndim))
    with quiet_block():
        mean = x.mean(axis=axes, keepdims=True)
        var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
    return _normalized_backward(grad, x, weight, axes, tuple(range(k)), x.shape[k:], mean, var, eps, True)


def batch_norm_backward(grad, x, weight, running_mean, running_var, eps):
    """The gradients (dx, dweight, dbias) of batch_norm: with the batch's statistics when
    running_mean is None, else with the running ones (dweight None without a weight)."""
    check_batch_norm("batch_norm_backward", x, weight, None, running_mean, running_var, running_mean is None, grad)
    axes = (0,) + tuple(range(2, x.ndim))
    view = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    with quiet_block():
        if running_mean is None:
            mean = x.mean(axis=axes, keepdims=True)
            var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
        else:
            mean = running_mean.astype(x.dtype, copy=False).reshape(view)
            var = running_var.astype(x.dtype, copy=False).reshape(view)
    return _normalized_backward(grad, x, weight, axes, axes, view, mean, var, eps, running_mean is None,
                                weight_after=True)


def constant_pad(x, pad, value):
    """x padded with `value`: pad = (left, right) pairs from the last axis backwards; negative
    amounts crop."""
    real_into(x, value)
    crop, widths = [slice(None)] * x.ndim, [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        axis = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crop[axis] = slice(max(-lo, 0), x.shape[axis] - max(-hi, 0))
        widths[axis] = (max(lo, 0), max(hi, 0))
    return np.pad(x[tuple(crop)], widths, mode="constant", constant_values=value)

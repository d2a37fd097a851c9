"""NumPy reference for convolution: forward, grad-input and grad-weight, for 1 to 3 spatial dims.

The forward is im2col written with ``as_strided``: a read-only view of the zero-padded input
whose extra axes walk the kernel window (no copy), contracted with the weight by one
``tensordot`` per group. The two backward passes are the adjoints of that map:

    grad_weight[g] = sum over (n, out positions) of grad[n, g] * window[n, g]   (a tensordot),
    grad_input     = col2im(weight[g]^T @ grad[n, g])   (scatter-add, one slice per kernel tap).

Layouts are PyTorch's: input (N, C_in, *S), weight (C_out, C_in / groups, *K), output
(N, C_out, *O) with O = (S + 2 * padding - dilation * (K - 1) - 1) // stride + 1. ``stride``,
``padding`` and ``dilation`` are tuples of ints, one per spatial dim, already checked by the
ops layer (only zero padding here: other padding modes pad the input before the call).
Sums run in the input's dtype.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..checks.conv import conv_output_size

__all__ = ["conv_forward", "conv_backward_input", "conv_backward_weight", "conv_output_size"]


def _padded(x, padding):
    if not any(padding):
        return x
    return np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])


def _windows(x, kernel, stride, padding, dilation):
    """The view (N, C, *O, *K) of padded x whose element [n, c, o, k] is x at o * stride + k * dilation."""
    xp = _padded(x, padding)
    out = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    spatial = xp.strides[2:]
    strides = xp.strides[:2] + tuple(s * st for s, st in zip(spatial, stride)) + \
        tuple(s * d for s, d in zip(spatial, dilation))
    return as_strided(xp, xp.shape[:2] + out + tuple(kernel), strides, writeable=False)


def conv_forward(x, weight, stride, padding, dilation, groups):
    """The (cross-correlation) convolution of x (N, C_in, *S) with weight (C_out, C_in/groups, *K)."""
    nd = x.ndim - 2
    kernel = weight.shape[2:]
    win = _windows(x, kernel, stride, padding, dilation)
    cin, cout = weight.shape[1], weight.shape[0] // groups
    k_axes = tuple(range(2 + nd, 2 + 2 * nd))
    parts = []
    for g in range(groups):
        w_g = weight[g * cout:(g + 1) * cout]
        # (N, cin, *O, *K) . (cout, cin, *K) over cin and K -> (N, *O, cout)
        prod = np.tensordot(win[:, g * cin:(g + 1) * cin], w_g, axes=((1,) + k_axes, (1,) + tuple(range(2, 2 + nd))))
        parts.append(np.moveaxis(prod, -1, 1))
    out = parts[0] if groups == 1 else np.concatenate(parts, axis=1)
    return np.ascontiguousarray(out, dtype=np.result_type(x, weight))


def conv_backward_input(grad, weight, input_size, stride, padding, dilation, groups):
    """The gradient of conv_forward with respect to its input of spatial size `input_size`:
    the transposed convolution of grad (N, C_out, *O) with weight."""
    nd = grad.ndim - 2
    kernel = weight.shape[2:]
    cin, cout = weight.shape[1], weight.shape[0] // groups
    n, out = grad.shape[0], grad.shape[2:]
    dtype = np.result_type(grad, weight)
    padded = tuple(s + 2 * p for s, p in zip(input_size, padding))
    dx = np.zeros((n, cin * groups) + padded, dtype)
    for g in range(groups):
        # (N, cout, *O) . (cout, cin, *K) over cout -> (N, *O, cin, *K)
        cols = np.tensordot(grad[:, g * cout:(g + 1) * cout], weight[g * cout:(g + 1) * cout], axes=((1,), (0,)))
        cols = np.moveaxis(cols, 1 + nd, 1)  # (N, cin, *O, *K)
        target = dx[:, g * cin:(g + 1) * cin]
        for tap in np.ndindex(*kernel):
            where = tuple(slice(t * d, t * d + st * (o - 1) + 1, st)
                          for t, d, st, o in zip(tap, dilation, stride, out))
            target[(slice(None), slice(None)) + where] += cols[(Ellipsis,) + tap]
    crop = tuple(slice(p, p + s) for p, s in zip(padding, input_size))
    return np.ascontiguousarray(dx[(slice(None), slice(None)) + crop])


def conv_backward_weight(x, grad, weight_size, stride, padding, dilation, groups):
    """The gradient of conv_forward with respect to its weight of shape `weight_size`."""
    nd = x.ndim - 2
    kernel = tuple(weight_size[2:])
    win = _windows(x, kernel, stride, padding, dilation)
    cin, cout = weight_size[1], weight_size[0] // groups
    o_axes = tuple(range(2, 2 + nd))
    parts = []
    for g in range(groups):
        # (N, cout, *O) . (N, cin, *O, *K) over N and O -> (cout, cin, *K)
        parts.append(np.tensordot(grad[:, g * cout:(g + 1) * cout], win[:, g * cin:(g + 1) * cin],
                                  axes=((0,) + o_axes, (0,) + o_axes)))
    dw = parts[0] if groups == 1 else np.concatenate(parts, axis=0)
    return np.ascontiguousarray(dw, dtype=np.result_type(x, grad))

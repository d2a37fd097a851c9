"""NumPy reference for pooling: max (with indices), average and adaptive average/max, over
the last nd axes of an array (every axis before them is a batch axis), nd = len(kernel).

Average pooling sums each window tap by tap in the input's dtype and divides by PyTorch's
divisor, as the C kernel does (a window-matrix contraction would multiply an inf by a 0 weight
and give NaN, and would not overflow where PyTorch's sum does). Adaptive average pooling is
linear and separable: along each pooled axis it is a matrix A (out x in) whose row i holds the
window of output i divided by its length, so the forward contracts each axis with its A and
the backward with A^T. Max pooling takes the arg-max over
a strided window view of the -inf padded input; its indices are flat positions within the
unpadded spatial plane (PyTorch's convention), and its backward adds each gradient at its
index.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..checks.conv import pool_output_size

__all__ = ["max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward", "adaptive_avg_pool",
           "adaptive_avg_pool_backward", "adaptive_max_pool", "fractional_max_pool", "pool_output_size"]


def _split(x, nd):
    """(x as (B, *spatial), the leading shape)."""
    lead = x.shape[:x.ndim - nd]
    return x.reshape((-1,) + x.shape[x.ndim - nd:]), lead


def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    """(max over each window, the flat input position of that max) for padding with -inf."""
    nd = len(kernel)
    xb, lead = _split(x, nd)
    spatial = xb.shape[1:]
    out = pool_output_size(spatial, kernel, stride, padding, dilation, ceil_mode)
    need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out, stride, dilation, kernel)]
    widths = [(0, 0)] + [(p, max(0, r - n - p)) for p, r, n in zip(padding, need, spatial)]
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = np.pad(xb, widths, constant_values=fill)
    st = xp.strides
    win = as_strided(xp, (xb.shape[0],) + out + tuple(kernel),
                     (st[0],) + tuple(a * s for a, s in zip(st[1:], stride)) + tuple(a * d for a, d in zip(st[1:], dilation)),
                     writeable=False)
    flat = win.reshape((xb.shape[0],) + out + (-1,))
    tap = flat.argmax(axis=-1)
    values = np.take_along_axis(flat, tap[..., None], -1)[..., 0]
    taps = np.unravel_index(tap, kernel)
    grids = np.meshgrid(*(np.arange(o) for o in out), indexing="ij")
    index = np.zeros(tap.shape, np.int64)
    for d in range(nd):
        pos = grids[d] * stride[d] - padding[d] + taps[d] * dilation[d]
        index = index * spatial[d] + pos
    return values.reshape(lead + out), index.reshape(lead + out)


def max_pool_backward(grad, indices, input_size):
    """The gradient of max_pool (or adaptive_max_pool): grad added at each index."""
    nd = len(input_size)
    g, lead = _split(grad, nd)
    idx = indices.reshape(g.shape)
    rows, plane = g.shape[0], math.prod(input_size)
    flat = (idx.reshape(rows, -1) + (np.arange(rows) * plane)[:, None]).ravel()
    dx = np.bincount(flat, weights=g.reshape(-1), minlength=rows * plane)
    return dx.astype(grad.dtype).reshape(lead + tuple(input_size))


def _contract(x, matrices):
    """x (..., L1, ..., Lnd) with axis d contracted by matrices[d] (O_d x L_d)."""
    nd = len(matrices)
    axis = x.ndim - nd
    for m in matrices:
        x = np.tensordot(x, m.astype(x.dtype, copy=False), axes=((axis,), (1,)))
    return x


def _avg_geometry(size, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """(output size, padding widths past each side, the divisor of each output) for average pooling:
    PyTorch's divisor is the window within the padded input (count_include_pad), the window within
    the input, or divisor_override; per axis lengths multiply."""
    out = pool_output_size(size, kernel, stride, padding, (1,) * len(kernel), ceil_mode)
    widths, divisor = [], np.ones((), np.int64)
    for n, k, s, p, o in zip(size, kernel, stride, padding, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        inside = np.minimum(end, n) - np.maximum(start, 0)
        length = (end - start) if count_include_pad else inside
        divisor = np.multiply.outer(divisor, length)
        widths.append((p, max(0, (o - 1) * s + k - n - p) if o else 0))
    if divisor_override is not None:
        divisor = np.full(divisor.shape, divisor_override, np.int64)
    return out, widths, divisor


def _taps(shape, out, stride):
    """Each window position (tap) and, for it, the slices of a padded array that it covers for
    every output (one strided slice per axis)."""
    for tap in np.ndindex(*shape):
        yield tuple(slice(t, t + (o - 1) * s + 1, s) if o else slice(0, 0) for t, o, s in zip(tap, out, stride))


def avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """The mean over each window (divisor: the window within the padded input, the window
    within the input, or divisor_override): each window is summed in x's dtype, tap by tap
    in row-major order, then divided -- as PyTorch and the C kernel do, so a sum that overflows
    gives inf there and here, and an inf input never meets a 0 weight (inf * 0 = NaN)."""
    nd = len(kernel)
    xb, lead = _split(x, nd)
    out, widths, divisor = _avg_geometry(xb.shape[1:], kernel, stride, padding, ceil_mode, count_include_pad,
                                         divisor_override)
    xp = np.pad(xb, [(0, 0)] + widths)
    total = np.zeros((xb.shape[0],) + tuple(out), x.dtype)
    for cover in _taps(kernel, out, stride):
        total += xp[(slice(None),) + cover]
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(divisor > 0, total / divisor.astype(x.dtype), x.dtype.type(np.nan))
    return np.ascontiguousarray(result.reshape(lead + tuple(out)), dtype=x.dtype)


def avg_pool_backward(grad, input_size, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """The gradient of avg_pool for an input of spatial size input_size: each output's gradient
    divided by its divisor, added to every input position of its window."""
    nd = len(kernel)
    g, lead = _split(grad, nd)
    out, widths, divisor = _avg_geometry(tuple(input_size), kernel, stride, padding, ceil_mode, count_include_pad,
                                         divisor_override)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(divisor > 0, g / divisor.astype(grad.dtype), grad.dtype.type(np.nan))
    dxp = np.zeros((g.shape[0],) + tuple(n + a + b for n, (a, b) in zip(input_size, widths)), grad.dtype)
    for cover in _taps(kernel, out, stride):
        dxp[(slice(None),) + cover] += share
    crop = tuple(slice(a, a + n) for n, (a, _) in zip(input_size, widths))
    return np.ascontiguousarray(dxp[(slice(None),) + crop].reshape(lead + tuple(input_size)), dtype=grad.dtype)


def _adaptive_bounds(n, o):
    """PyTorch's adaptive windows: [floor(i * n / o), ceil((i + 1) * n / o)) for each output i."""
    return [((i * n) // o, -(-((i + 1) * n) // o)) for i in range(o)]


def _adaptive_matrices(size, out):
    mats = []
    for n, o in zip(size, out):
        m = np.zeros((o, n))
        for i, (lo, hi) in enumerate(_adaptive_bounds(n, o)):
            m[i, lo:hi] = 1.0 / (hi - lo)
        mats.append(m)
    return mats


def adaptive_avg_pool(x, output_size):
    """The mean over each adaptive window of the last len(output_size) axes."""
    nd = len(output_size)
    mats = _adaptive_matrices(x.shape[x.ndim - nd:], output_size)
    return np.ascontiguousarray(_contract(x, mats), dtype=x.dtype)


def adaptive_avg_pool_backward(grad, input_size):
    """The gradient of adaptive_avg_pool for an input of spatial size input_size."""
    nd = len(input_size)
    mats = _adaptive_matrices(tuple(input_size), grad.shape[grad.ndim - nd:])
    return np.ascontiguousarray(_contract(grad, [m.T for m in mats]), dtype=grad.dtype)


def adaptive_max_pool(x, output_size):
    """(max over each adaptive window, flat input position of that max)."""
    nd = len(output_size)
    xb, lead = _split(x, nd)
    spatial = xb.shape[1:]
    bounds = [_adaptive_bounds(n, o) for n, o in zip(spatial, output_size)]
    values = np.empty((xb.shape[0],) + tuple(output_size), x.dtype)
    index = np.empty(values.shape, np.int64)
    for pos in np.ndindex(*output_size):
        box = tuple(slice(*bounds[d][i]) for d, i in enumerate(pos))
        patch = xb[(slice(None),) + box]
        flat = patch.reshape(patch.shape[0], -1)
        tap = flat.argmax(axis=1)
        values[(slice(None),) + pos] = flat[np.arange(flat.shape[0]), tap]
        taps = np.unravel_index(tap, patch.shape[1:])
        idx = np.zeros(tap.shape, np.int64)
        for d in range(nd):
            idx = idx * spatial[d] + taps[d] + box[d].start
        index[(slice(None),) + pos] = idx
    return values.reshape(lead + tuple(output_size)), index.reshape(lead + tuple(output_size))


def _fractional_starts(u, size, pool, out):
    """The first input position of each of `out` windows of `pool` along an axis of `size`, for
    each sample u in [0, 1) (PyTorch's pseudo-random sequence: position i is
    int((i + u) * alpha) - int(u * alpha), alpha = (size - pool) / (out - 1), computed in u's
    dtype; the last window ends at the axis's end)."""
    starts = np.empty((u.shape[0], out), np.int64)
    if out > 1:
        alpha = u.dtype.type(size - pool) / u.dtype.type(out - 1)
        steps = np.arange(out - 1).astype(u.dtype)
        starts[:, :-1] = ((steps[None, :] + u[:, None]) * alpha).astype(np.int64) - \
            (u * alpha).astype(np.int64)[:, None]
    if out > 0:
        starts[:, -1] = size - pool
    return starts


def fractional_max_pool(x, kernel, output_size, samples):
    """(max over each pseudo-random window, flat input position of that max) for fractional max
    pooling of the last nd axes; samples holds nd numbers in [0, 1) per plane, in PyTorch's
    order: (width, height) for 2-D, (time, height, width) for 3-D."""
    nd = len(kernel)
    xb, lead = _split(x, nd)
    planes, spatial = xb.shape[0], xb.shape[1:]
    u = samples.reshape(planes, nd)
    axis_sample = (1, 0) if nd == 2 else tuple(range(nd))
    index = np.zeros((planes,) + tuple(output_size) + tuple(kernel), np.int64)
    for d in range(nd):
        starts = _fractional_starts(u[:, axis_sample[d]], spatial[d], kernel[d], output_size[d])
        # position along axis d of each (plane, output, tap): window start + tap
        pos = starts[:, :, None] + np.arange(kernel[d])[None, None, :]
        shape = [planes] + [1] * (2 * nd)
        shape[1 + d], shape[1 + nd + d] = output_size[d], kernel[d]
        index = index * spatial[d] + pos.reshape(shape)
    flat_index = index.reshape((planes,) + tuple(output_size) + (-1,))
    windows = np.take_along_axis(xb.reshape(planes, -1), flat_index.reshape(planes, -1), 1).reshape(flat_index.shape)
    tap = windows.argmax(axis=-1)[..., None]
    values = np.take_along_axis(windows, tap, -1)[..., 0]
    return values.reshape(lead + tuple(output_size)), np.take_along_axis(flat_index, tap, -1)[..., 0].reshape(
        lead + tuple(output_size))

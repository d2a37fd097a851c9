"""C wrappers for layer and batch normalization (csrc/norm.c): forward and the fused backward.

Signatures and results are the NumPy reference's (``_numpy/nn.py``). The C kernels take
float32/float64 arrays of one dtype; the wrappers make the input rows contiguous (a copy
only when they are not) and raise checks.Unsupported for anything else (other dtypes,
mixed dtypes), on which the dispatcher runs the reference.
"""
import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from ..checks.norm import check_layer_norm
from . import _marshal as m

__all__ = ["layer_norm", "layer_norm_backward", "batch_norm", "batch_norm_backward"]

# Crossover: none. NumPy makes about eight passes (and temporaries) forward and a dozen
# backward, each a ufunc call; C makes three and four in one call, so it wins from the
# smallest rows (see docs/nn.md for timings).
SPECS = {"layer_norm": KernelSpec("layer_norm", 0), "layer_norm_backward": KernelSpec("layer_norm_backward", 0)}
# Batch norm likewise: NumPy takes ~7 passes forward and ~15 backward (a 32 x 16 x 32 x 32
# float32 batch: 1.3 and 3.4 ms, one thread), C two passes per channel each (0.22 and 0.33 ms).
SPECS.update({"batch_norm": KernelSpec("batch_norm", 0), "batch_norm_backward": KernelSpec("batch_norm_backward", 0)})

_FORWARD = {dt: m.symbol("norm", "layer_norm", dt) for dt in m.CTYPES}
_BACKWARD = {dt: m.symbol("norm", "layer_norm_backward", dt) for dt in m.CTYPES}
_BN_FORWARD = {dt: m.symbol("norm", "batch_norm", dt) for dt in m.CTYPES}
_BN_BACKWARD = {dt: m.symbol("norm", "batch_norm_backward", dt) for dt in m.CTYPES}


def _same_float(*arrays):
    """The arrays' common float32/float64 dtype (None entries skipped), or None."""
    dt = arrays[0].dtype
    if dt not in m.CTYPES:
        return None
    for a in arrays[1:]:
        if a is not None and (not isinstance(a, np.ndarray) or a.dtype != dt):
            return None
    return dt


def _rows(x, normalized_ndim):
    cols = 1
    for s in x.shape[x.ndim - normalized_ndim:]:
        cols *= s
    return (x.size // cols if cols else 0), cols


def _flat(a):
    return None if a is None else np.ascontiguousarray(a).reshape(-1)


def _ptr(a):
    return m.ffi.NULL if a is None else m.ptr(a)


def layer_norm(x, weight, bias, normalized_ndim, eps):
    """(x - mean) / sqrt(var + eps) over the last `normalized_ndim` axes, then * weight + bias (C)."""
    normalized_ndim = check_layer_norm("layer_norm", x, weight, bias, normalized_ndim)
    dt = _same_float(x, weight, bias)
    if dt is None:
        raise Unsupported("layer_norm: the C kernel takes one float dtype for x, weight and bias")
    rows, cols = _rows(x, normalized_ndim)
    xc, out = np.ascontiguousarray(x), empty(x.shape, dt)
    w, b = _flat(weight), _flat(bias)
    m.check(_FORWARD[dt](m.ptr(xc), _ptr(w), _ptr(b), m.out_ptr(out), rows, cols, float(eps), m.threads[0]),
            "layer_norm")
    return out


def layer_norm_backward(grad, x, weight, normalized_ndim, eps):
    """The gradients (dx, dweight, dbias) of layer_norm (dweight None without a weight) (C)."""
    normalized_ndim = check_layer_norm("layer_norm_backward", x, weight, None, normalized_ndim, grad)
    dt = _same_float(x, grad, weight)
    if dt is None or grad.shape != x.shape:
        raise Unsupported("layer_norm_backward: the C kernel takes one float dtype and grad of x's shape")
    rows, cols = _rows(x, normalized_ndim)
    params = x.shape[x.ndim - normalized_ndim:]
    g, xc = np.ascontiguousarray(grad), np.ascontiguousarray(x)
    w = _flat(weight)
    dx, db = empty(x.shape, dt), empty(params, dt)
    dw = None if weight is None else empty(params, dt)
    m.check(_BACKWARD[dt](m.ptr(g), m.ptr(xc), _ptr(w), m.out_ptr(dx), _ptr(dw), m.out_ptr(db), rows, cols,
                          float(eps), m.threads[0]), "layer_norm_backward")
    return dx, dw, db


def _bn_layout(name, x, *arrays, per_channel=()):
    """(dtype, n, channels, spatial) of x (N, C, *) for the C kernel, or Unsupported; a
    per-channel array (weight, bias, running statistic) of another size is a ValueError."""
    dt = _same_float(x, *arrays)
    if dt is None or x.ndim < 2:
        raise Unsupported(f"{name}: the C kernel takes one float dtype and (N, C, *) input")
    n, channels = x.shape[0], x.shape[1]
    for a in per_channel:
        if a is not None and np.size(a) != channels:
            raise ValueError(f"{name}: input {tuple(x.shape)} has {channels} channels, a per-channel "
                             f"argument has shape {tuple(np.shape(a))}")
    spatial = 1
    for s in x.shape[2:]:
        spatial *= s
    return dt, n, channels, spatial


def _running(stat, dt):
    """A running statistic as a contiguous array of x's dtype (the reference casts it alike)."""
    return None if stat is None else np.ascontiguousarray(stat, dtype=dt).reshape(-1)


def batch_norm(x, weight, bias, running_mean, running_var, use_batch_stats, eps):
    """Per-channel (axis 1) normalization of x (N, C, *) with the batch's statistics or the
    running ones; returns (out, mean, var), the statistics used (C)."""
    dt, n, channels, spatial = _bn_layout("batch_norm", x, weight, bias,
                                          per_channel=(weight, bias, running_mean, running_var))
    if not use_batch_stats and (running_mean is None or running_var is None):
        raise Unsupported("batch_norm: running statistics are needed without batch statistics")
    if use_batch_stats and n * spatial == 0:
        raise Unsupported("batch_norm: batch statistics of an empty batch (the reference gives NaN)")
    xc, out = np.ascontiguousarray(x), empty(x.shape, dt)
    w, b = _flat(weight), _flat(bias)
    if use_batch_stats:
        mean_in = var_in = None
        mean, var = empty((channels,), dt), empty((channels,), dt)
    else:
        mean_in, var_in = _running(running_mean, dt), _running(running_var, dt)
        mean, var = mean_in, var_in
    m.check(_BN_FORWARD[dt](m.ptr(xc), _ptr(w), _ptr(b), _ptr(mean_in), _ptr(var_in), m.out_ptr(out),
                            m.out_ptr(mean) if use_batch_stats else m.ffi.NULL,
                            m.out_ptr(var) if use_batch_stats else m.ffi.NULL, n, channels, spatial, float(eps),
                            m.threads[0]), "batch_norm")
    return out, mean, var


def batch_norm_backward(grad, x, weight, running_mean, running_var, eps):
    """The gradients (dx, dweight, dbias) of batch_norm: with the batch's statistics when
    running_mean is None, else with the running ones (dweight None without a weight) (C)."""
    dt, n, channels, spatial = _bn_layout("batch_norm_backward", x, grad, weight,
                                          per_channel=(weight, running_mean, running_var))
    if grad.shape != x.shape or (running_mean is None) != (running_var is None):
        raise Unsupported("batch_norm_backward: the C kernel takes grad of x's shape and both running statistics")
    g, xc = np.ascontiguousarray(grad), np.ascontiguousarray(x)
    w = _flat(weight)
    mean_in, var_in = _running(running_mean, dt), _running(running_var, dt)
    dx, db = empty(x.shape, dt), empty((channels,), dt)
    dw = None if weight is None else empty((channels,), dt)
    m.check(_BN_BACKWARD[dt](m.ptr(g), m.ptr(xc), _ptr(w), _ptr(mean_in), _ptr(var_in), m.out_ptr(dx), _ptr(dw),
                             m.out_ptr(db), n, channels, spatial, float(eps), m.threads[0]), "batch_norm_backward")
    return dx, dw, db


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

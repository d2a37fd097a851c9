"""C wrappers for layer and batch normalization (csrc/norm.c): forward and the fused backward.

Signatures and results are the NumPy reference's (``_numpy/nn.py``). The C kernels take
float32/float64 arrays of one dtype; the wrappers make the input rows contiguous (a copy
only when they are not) and raise checks.Unsupported for anything else (other dtypes,
mixed dtypes), on which the dispatcher runs the reference. Batch norm's operands are
checked by the check the reference runs too (checks/norm.py: sizes, dtypes, grad's shape)
before any pointer is made.
"""
import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from ..checks.norm import check_batch_norm, check_layer_norm
from . import _marshal as m

__all__ = ["layer_norm", "layer_norm_backward", "batch_norm", "batch_norm_backward"]

# Crossover: none. NumPy makes about eight passes (and temporaries) forward and a dozen
# backward, each a ufunc call; C makes three and four in one call, so it wins from the
# smallest rows (see docs/nn.md for timings).
SPECS = {"layer_norm": KernelSpec("layer_norm", 0), "layer_norm_backward": KernelSpec("layer_norm_backward", 0)}
# batch_norm: likewise (NumPy's reference makes about six passes forward and ten backward, with
# temporaries; C three and three, a channel at a time); see docs/conv.md for timings.
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



def _channels(x):
    """(N, C, S): x viewed as N samples of C channels of S contiguous elements."""
    s = 1
    for d in x.shape[2:]:
        s *= d
    return x.shape[0], x.shape[1], s


def _stat(a, dt):
    """A running statistic as a flat contiguous array of dtype `dt` (the reference casts too)."""
    return None if a is None else np.ascontiguousarray(a.reshape(-1), dtype=dt)


def batch_norm(x, weight, bias, running_mean, running_var, use_batch_stats, eps):
    """Per-channel (axis 1) normalization of x (N, C, *) with the batch's statistics or the
    running ones; returns (out, mean, var), as the reference (C)."""
    check_batch_norm("batch_norm", x, weight, bias, running_mean, running_var, use_batch_stats)
    dt = _same_float(x, weight, bias)
    if dt is None or x.size == 0:
        raise Unsupported("batch_norm: the C kernel takes one float dtype for x, weight and bias, and a "
                          "non-empty input")
    n, c, s = _channels(x)
    xc, out = np.ascontiguousarray(x), empty(x.shape, dt)
    w, b = _flat(weight), _flat(bias)
    if use_batch_stats:
        rm = rv = None
        mean, var = empty((c,), dt), empty((c,), dt)
    else:
        rm, rv = _stat(running_mean, dt), _stat(running_var, dt)
        mean, var = running_mean.astype(dt, copy=False), running_var.astype(dt, copy=False)
    m.check(_BN_FORWARD[dt](m.ptr(xc), _ptr(w), _ptr(b), _ptr(rm), _ptr(rv), m.out_ptr(out),
                            m.ffi.NULL if rm is not None else m.out_ptr(mean),
                            m.ffi.NULL if rm is not None else m.out_ptr(var), n, c, s, float(eps), m.threads[0]),
            "batch_norm")
    return out, mean, var


def batch_norm_backward(grad, x, weight, running_mean, running_var, eps):
    """The gradients (dx, dweight, dbias) of batch_norm: with the batch's statistics when
    running_mean is None, else with the running ones (dweight None without a weight) (C)."""
    check_batch_norm("batch_norm_backward", x, weight, None, running_mean, running_var, running_mean is None, grad)
    dt = _same_float(x, grad, weight)
    if dt is None or x.size == 0:
        raise Unsupported("batch_norm_backward: the C kernel takes one float dtype for grad, x and weight, and "
                          "a non-empty input")
    n, c, s = _channels(x)
    g, xc = np.ascontiguousarray(grad), np.ascontiguousarray(x)
    w, rm, rv = _flat(weight), _stat(running_mean, dt), _stat(running_var, dt)
    dx, db = empty(x.shape, dt), empty((c,), dt)
    dw = None if weight is None else empty((c,), dt)
    m.check(_BN_BACKWARD[dt](m.ptr(g), m.ptr(xc), _ptr(w), _ptr(rm), _ptr(rv), m.out_ptr(dx), _ptr(dw),
                             m.out_ptr(db), n, c, s, float(eps), m.threads[0]), "batch_norm_backward")
    return dx, dw, db


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

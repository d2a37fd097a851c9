"""C wrappers for pooling (csrc/pool.c): 2-D max and average pooling, forward and backward,
and max pooling's backward for any rank (it only adds at flat indices).

Signatures and results are the NumPy reference's (``_numpy/pooling.py``). Every leading axis
is a batch axis: the wrappers flatten them into planes, make the planes contiguous, check the
geometry (and, for the backward, that grad and indices match) before a pointer reaches C.
Other ranks and dtypes raise Unsupported (the dispatcher then runs the NumPy reference).
"""
import math

import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from ..checks.conv import pool_output_size
from . import _marshal as m

__all__ = ["max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward"]

# Crossover: none. The reference builds a -inf padded copy and a strided window view, then
# an argmax and index arithmetic over it (max), or one tensordot per axis against a dense
# (out x in) matrix (average); the C loops read each window once.
SPECS = {name: KernelSpec(name, 0) for name in __all__}

_MAX = {dt: m.symbol("pool", "max_pool", dt) for dt in m.CTYPES}
_MAX_BACKWARD = {dt: m.symbol("pool", "max_pool_backward", dt) for dt in m.CTYPES}
_AVG = {dt: m.symbol("pool", "avg_pool", dt) for dt in m.CTYPES}
_AVG_BACKWARD = {dt: m.symbol("pool", "avg_pool_backward", dt) for dt in m.CTYPES}
_INT64 = np.dtype(np.int64)


def _planes(shape, nd):
    return math.prod(shape[:len(shape) - nd])


def _check_geometry(op, shape, kernel, stride, padding, dilation, out):
    if len(shape) < 2 or not (len(kernel) == len(stride) == len(padding) == len(dilation) == 2):
        raise RuntimeError(f"{op}: expected 2-D windows over an input of at least 2 dims, got input "
                           f"{tuple(shape)}, kernel {tuple(kernel)}, stride {tuple(stride)}, padding "
                           f"{tuple(padding)}, dilation {tuple(dilation)}")
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0 or min(padding) < 0 or min(out) < 1:
        raise RuntimeError(f"{op}: invalid geometry for input {tuple(shape)}: kernel {tuple(kernel)}, stride "
                           f"{tuple(stride)}, padding {tuple(padding)}, dilation {tuple(dilation)} (output {out})")


def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    """(max over each window, flat position of that max) for 2-D windows (C); else the reference."""
    if len(kernel) != 2 or x.dtype not in m.CTYPES or x.size == 0:
        raise Unsupported("not 2-D windows, not float32/float64, or empty")
    h, w = x.shape[-2:]
    out = pool_output_size((h, w), kernel, stride, padding, dilation, ceil_mode)
    _check_geometry("max_pool", x.shape, kernel, stride, padding, dilation, out)
    xc = np.ascontiguousarray(x)
    shape = x.shape[:-2] + out
    values, indices = empty(shape, x.dtype), empty(shape, _INT64)
    geom = m.int64s(tuple(kernel) + tuple(stride) + tuple(padding) + tuple(dilation))
    m.check(_MAX[x.dtype](m.ptr(xc), m.out_ptr(values), m.out_ptr(indices), _planes(x.shape, 2), h, w, out[0],
                          out[1], geom, m.threads[0]), "max_pool")
    return values, indices


def max_pool_backward(grad, indices, input_size):
    """grad added at the flat positions `indices` of planes of size input_size (C)."""
    nd = len(input_size)
    if grad.dtype not in m.CTYPES or indices.dtype != _INT64:
        raise Unsupported("not 2-D windows, not float32/float64, or empty")
    if grad.shape != indices.shape or grad.ndim < nd:
        raise RuntimeError(f"max_pool_backward: grad {tuple(grad.shape)} and indices {tuple(indices.shape)} must "
                           f"have one shape with at least {nd} dims")
    lead = grad.shape[:grad.ndim - nd]
    dx = empty(lead + tuple(input_size), grad.dtype)
    g, idx = np.ascontiguousarray(grad), np.ascontiguousarray(indices)
    in_plane, out_plane = math.prod(input_size), math.prod(grad.shape[grad.ndim - nd:])
    status = _MAX_BACKWARD[grad.dtype](m.ptr(g), m.ptr(idx), m.out_ptr(dx), math.prod(lead), in_plane, out_plane,
                                       m.threads[0])
    if status == m.lib.PAG_EINVAL:
        raise RuntimeError(f"max_pool_backward: an index is outside the input plane of size {tuple(input_size)}")
    m.check(status, "max_pool_backward")
    return dx


def _avg_args(op, shape, kernel, stride, padding, ceil_mode, divisor_override):
    out = pool_output_size(shape[-2:], kernel, stride, padding, (1, 1), ceil_mode)
    _check_geometry(op, shape, kernel, stride, padding, (1, 1), out)
    return out, m.int64s(tuple(kernel) + tuple(stride) + tuple(padding) + (1, 1)), int(divisor_override or 0)


def avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """The mean over each 2-D window (PyTorch's divisor rules) (C); else the reference."""
    if len(kernel) != 2 or x.dtype not in m.CTYPES or x.size == 0:
        raise Unsupported("not 2-D windows, not float32/float64, or empty")
    out, geom, over = _avg_args("avg_pool", x.shape, kernel, stride, padding, ceil_mode, divisor_override)
    xc = np.ascontiguousarray(x)
    res = empty(x.shape[:-2] + out, x.dtype)
    m.check(_AVG[x.dtype](m.ptr(xc), m.out_ptr(res), _planes(x.shape, 2), x.shape[-2], x.shape[-1], out[0], out[1],
                          geom, int(bool(count_include_pad)), over, m.threads[0]), "avg_pool")
    return res


def avg_pool_backward(grad, input_size, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """The gradient of avg_pool for 2-D windows over planes of size input_size (C)."""
    if len(kernel) != 2 or grad.dtype not in m.CTYPES or grad.size == 0:
        raise Unsupported("not 2-D windows, not float32/float64, or empty")
    x_shape = grad.shape[:-2] + tuple(input_size)
    out, geom, over = _avg_args("avg_pool_backward", x_shape, kernel, stride, padding, ceil_mode, divisor_override)
    if tuple(grad.shape[-2:]) != out:
        raise RuntimeError(f"avg_pool_backward: grad {tuple(grad.shape)} should end in {out} for input size "
                           f"{tuple(input_size)}")
    g = np.ascontiguousarray(grad)
    dx = empty(x_shape, grad.dtype)
    m.check(_AVG_BACKWARD[grad.dtype](m.ptr(g), m.out_ptr(dx), _planes(x_shape, 2), input_size[0], input_size[1],
                                      out[0], out[1], geom, int(bool(count_include_pad)), over, m.threads[0]),
            "avg_pool_backward")
    return dx

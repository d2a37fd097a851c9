"""C wrappers for blocked online-softmax attention (csrc/attention.c).

Signatures and results are the NumPy reference's (_numpy/attention.py). The C kernel takes
q, k, v with one batch shape (made contiguous (BH, L, E)), and a bias whose (L, S) block is
addressed through element strides and which is either shared by every head or one per head;
other layouts (batch dims that broadcast between q, k and v, a bias broadcast over only some
batch dims, other dtypes) raise checks.Unsupported, on which the dispatcher runs the
reference. Every shape and stride is checked here before
a pointer reaches C.
"""
import math

import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from . import _marshal as m

__all__ = ["sdpa_forward", "sdpa_backward"]

# Crossover: none; the reference loops over blocks in Python with several temporaries per block.
SPECS = {"sdpa_forward": KernelSpec("sdpa_forward", 0), "sdpa_backward": KernelSpec("sdpa_backward", 0)}

_FORWARD = {dt: m.symbol("attn", "sdpa_forward", dt) for dt in m.CTYPES}
_BACKWARD = {dt: m.symbol("attn", "sdpa_backward", dt) for dt in m.CTYPES}


def _layout(q, k, v, bias):
    """(dtype, batch, (bh, L, S, E, Ev), bias view (Bb, L, S) or None, bias strides) or None
    when C cannot take these operands."""
    if not all(isinstance(a, np.ndarray) for a in (q, k, v)):
        return None
    dt = q.dtype
    if dt not in m.CTYPES or k.dtype != dt or v.dtype != dt or q.ndim < 2:
        return None
    batch = q.shape[:-2]
    if k.shape[:-2] != batch or v.shape[:-2] != batch or k.ndim != q.ndim or v.ndim != q.ndim:
        return None
    L, E = q.shape[-2:]
    S, Ev = v.shape[-2:]
    if k.shape[-2:] != (S, E):
        return None
    bh = math.prod(batch)
    strides = (0, 0, 0)
    if bias is not None:
        if not isinstance(bias, np.ndarray) or bias.dtype != dt or bias.ndim < 2 or bias.ndim > q.ndim:
            return None
        lead = bias.shape[:-2]
        try:
            view = np.broadcast_to(bias, lead + (L, S))
        except ValueError:
            return None
        if math.prod(lead) == 1:
            view = view.reshape(L, S)
            rs, cs = m.elem_strides(view, (L, S))
            strides = (0, rs, cs)
            bias = view
        elif (1,) * (len(batch) - len(lead)) + tuple(lead) == tuple(batch):
            bias = np.ascontiguousarray(view).reshape(bh, L, S)
            strides = (L * S, S, 1)
        else:
            return None
    return dt, batch, (bh, L, S, E, Ev), bias, strides


def _special(*arrays, bias=None, lse=None):
    """Whether NaN or infinity sits where the C kernel would not propagate it as the reference
    does (its online maximum and skipped zero weights differ on NaN and inf); -inf is fine in a
    bias (masked keys) and in lse (fully masked rows). Such operands go to the reference."""
    if any(not np.isfinite(a).all() for a in arrays):
        return True
    return any(x is not None and (np.isnan(x).any() or np.isposinf(x).any()) for x in (bias, lse))


def _c3(x, bh):
    return np.ascontiguousarray(x).reshape(bh, *x.shape[-2:])


def _bias_ptr(bias):
    return m.ffi.NULL if bias is None else m.ptr(bias)


def sdpa_forward(q, k, v, bias, causal, scale, block=None):
    # block: the reference's block size; the C kernel's blocks are fixed (csrc/attention.c).
    """(out, lse) of blocked attention (C)."""
    lay = _layout(q, k, v, bias)
    if lay is None or _special(q, k, v, bias=lay[3]):
        raise Unsupported("sdpa_forward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, (bh, L, S, E, Ev), b, (bs, rs, cs) = lay
    qc, kc, vc = _c3(q, bh), _c3(k, bh), _c3(v, bh)
    out, lse = empty(batch + (L, Ev), dt), empty(batch + (L,), dt)
    m.check(_FORWARD[dt](m.ptr(qc), m.ptr(kc), m.ptr(vc), _bias_ptr(b), bs, rs, cs, m.out_ptr(out), m.out_ptr(lse),
                         bh, L, S, E, Ev, int(bool(causal)), float(scale), m.threads[0]), "sdpa_forward")
    return out, lse


def sdpa_backward(dout, q, k, v, bias, out, lse, causal, scale, bias_grad, block=None):
    """(dq, dk, dv, dbias) of blocked attention (C)."""
    lay = _layout(q, k, v, bias)
    if not all(isinstance(a, np.ndarray) for a in (dout, out, lse)):
        lay = None
    elif lay is not None and _special(q, k, v, dout, out, bias=lay[3], lse=lse):
        lay = None
    if lay is not None:
        dt, batch, (bh, L, S, E, Ev), b, (bs, rs, cs) = lay
        if (dout.dtype != dt or dout.shape != batch + (L, Ev) or out.dtype != dt or out.shape != dout.shape
                or lse.dtype != dt or lse.shape != batch + (L,)):
            lay = None
    if lay is None:
        raise Unsupported("sdpa_backward: operands the C kernel does not take (dtype, shape or layout)")
    qc, kc, vc, doc, oc = _c3(q, bh), _c3(k, bh), _c3(v, bh), _c3(dout, bh), _c3(out, bh)
    lc = np.ascontiguousarray(lse)
    dq, dk, dv = empty(batch + (L, E), dt), empty(batch + (S, E), dt), empty(batch + (S, Ev), dt)
    dbias = empty(batch + (L, S), dt) if bias_grad else None
    m.check(_BACKWARD[dt](m.ptr(doc), m.ptr(qc), m.ptr(kc), m.ptr(vc), _bias_ptr(b), bs, rs, cs, m.ptr(oc),
                          m.ptr(lc), m.out_ptr(dq), m.out_ptr(dk), m.out_ptr(dv),
                          m.ffi.NULL if dbias is None else m.out_ptr(dbias), bh, L, S, E, Ev, int(bool(causal)),
                          float(scale), m.threads[0]), "sdpa_backward")
    return dq, dk, dv, dbias


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

"""C wrappers for blocked online-softmax attention (csrc/attention.c).

Signatures and results are the NumPy reference's (_numpy/attention.py). The C kernel takes
q, k, v with one batch shape, each read in place when its rows are contiguous and its batch dims
fold into (outer, heads) strides (the heads of a (batch, L, heads, E) projection, viewed as
(batch, heads, L, E), are; other layouts are copied contiguous first); the outputs out, dq, dk
and dv are laid out like q, q, k and v (rows of the heads side by side when theirs are, as
PyTorch's CPU flash kernel lays them out), and a bias whose (L, S) block is
addressed through element strides and which is either shared by every head or one per head;
other layouts (batch dims that broadcast between q, k and v, a bias broadcast over only some
batch dims, other dtypes) raise checks.Unsupported, on which the dispatcher runs the
reference. Every shape and stride is checked here before
a pointer reaches C.
"""
import math

import numpy as np

from .._alloc import empty, empty_heads_like
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


def _rows_strides(x):
    """(outer, inner, row) element strides placing x's (..., R, W) rows for the C kernel (the
    batch dims folded into an outer dim and the last batch dim), or None when C cannot read x
    in place: rows not contiguous, negative or misaligned strides, batch dims that do not fold."""
    item = x.itemsize
    if any(st % item or st < 0 for st in x.strides):
        return None
    shape, strides = x.shape, [st // item for st in x.strides]
    rows, width = shape[-2:]
    if width > 1 and strides[-1] != 1:
        return None
    row = strides[-2] if rows > 1 else width
    if rows > 1 and row < width:
        return None
    inner = strides[-3] if x.ndim > 2 and shape[-3] > 1 else 0
    # the dims before the last batch dim must walk as one (outer) dim
    dims = [(n, st) for n, st in zip(shape[:-3], strides[:-3]) if n != 1]
    for (_, st), (n2, st2) in zip(dims, dims[1:]):
        if st != st2 * n2:
            return None
    outer = dims[-1][1] if dims else 0
    return outer, inner, row


def _placed(x, lay):
    """x as C reads it, with its three strides appended to `lay`: in place, or a contiguous copy."""
    strides = _rows_strides(x)
    if strides is None:
        copy = empty(x.shape, x.dtype)
        copy[...] = x
        x, strides = copy, _rows_strides(copy)
    lay.extend(strides)
    return x




def _bias_ptr(bias):
    return m.ffi.NULL if bias is None else m.ptr(bias)


def sdpa_forward(q, k, v, bias, causal, scale, block=None):
    # block: the reference's block size; the C kernel's blocks are fixed (csrc/attention.c).
    """(out, lse) of blocked attention (C)."""
    lay = _layout(q, k, v, bias)
    if lay is None or _special(q, k, v, bias=lay[3]):
        raise Unsupported("sdpa_forward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, (bh, L, S, E, Ev), b, (bs, rs, cs) = lay
    strides = []
    qc, kc, vc = _placed(q, strides), _placed(k, strides), _placed(v, strides)
    buf, out = empty_heads_like(q, batch, L, Ev, dt)
    _placed(out, strides)
    lse = empty(batch + (L,), dt)
    m.check(_FORWARD[dt](m.ptr(qc), m.ptr(kc), m.ptr(vc), _bias_ptr(b), bs, rs, cs, m.out_ptr(buf), m.out_ptr(lse),
                         m.int64s(strides), max(batch[-1], 1) if batch else 1, bh, L, S, E, Ev, int(bool(causal)),
                         float(scale), m.threads[0]), "sdpa_forward")
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
    strides = []
    doc, qc, kc, vc, oc = (_placed(x, strides) for x in (dout, q, k, v, out))
    lc = np.ascontiguousarray(lse)
    (bq, dq), (bk, dk), (bv, dv) = (empty_heads_like(x, batch, n, w, dt) for x, n, w in ((q, L, E), (k, S, E), (v, S, Ev)))
    for grad in (dq, dk, dv):
        _placed(grad, strides)
    dbias = empty(batch + (L, S), dt) if bias_grad else None
    m.check(_BACKWARD[dt](m.ptr(doc), m.ptr(qc), m.ptr(kc), m.ptr(vc), _bias_ptr(b), bs, rs, cs, m.ptr(oc),
                          m.ptr(lc), m.out_ptr(bq), m.out_ptr(bk), m.out_ptr(bv),
                          m.ffi.NULL if dbias is None else m.out_ptr(dbias), m.int64s(strides),
                          max(batch[-1], 1) if batch else 1, bh, L, S, E, Ev, int(bool(causal)), float(scale),
                          m.threads[0]), "sdpa_backward")
    return dq, dk, dv, dbias


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

"""C wrappers for the linalg kernels: gemm, matmul and the fused linear layer.

A matrix operand reaches C without a copy when its rows or its columns are
contiguous (a row-major array or a transposed view): it is passed as a
pointer, a transpose flag and a leading dimension. Any other layout (step
slices, negative strides in the matrix dims) is copied contiguous first;
batch dimensions may have any strides, including 0 for broadcasting.
The shape checks are shared with the reference (``checks/linalg.py``), so both
backends accept and reject the same inputs.
"""
import numpy as np

from .._alloc import ALIGN_FROM_BYTES
from .._registry import KernelSpec
from ..checks.linalg import check_out, gemm_shape, linear_shape, matmul_shape
from . import _marshal as m

__all__ = ["gemm", "linear", "matmul"]

_GEMM = {dt: m.symbol("linalg", "gemm", dt) for dt in m.CTYPES}
_MATMUL = {dt: m.symbol("linalg", "matmul", dt) for dt in m.CTYPES}
_LINEAR = {dt: m.symbol("linalg", "linear", dt) for dt in m.CTYPES}
_ACT = {None: m.lib.PAG_ACT_NONE, "relu": m.lib.PAG_ACT_RELU, "gelu": m.lib.PAG_ACT_GELU,
        "gelu_tanh": m.lib.PAG_ACT_GELU_TANH}


def _layout(x):
    """(trans, ld) passing the last two dims of `x` to C as they are, or None.

    trans = 0: rows contiguous, element (i, j) at i * ld + j; trans = 1: columns
    contiguous, at j * ld + i. A dimension of extent 1 may have any stride.
    """
    rows, cols = x.shape[-2:]
    if x.size == 0:  # NumPy gives empty arrays zero strides; C reads nothing of them
        return 0, max(cols, 1)
    item = x.itemsize
    s0, s1 = x.strides[-2:]
    if s0 % item or s1 % item:
        return None
    s0, s1 = s0 // item, s1 // item
    if rows <= 1 and cols <= 1:
        return 0, 1
    if (cols <= 1 or s1 == 1) and (rows <= 1 or s0 >= 0):
        return 0, s0 if rows > 1 else cols
    if (rows <= 1 or s0 == 1) and s1 >= 0:
        return 1, s1 if cols > 1 else rows
    return None


_BUFFER = {m.F32: "float[]", m.F64: "double[]"}
_from_buffer = m.ffi.from_buffer


def _matrix(x):
    """(x, p, trans, ld) passing matrix (or batch of matrices) x to C: p points at
    x's first element; x is replaced by a contiguous copy when C cannot read its layout."""
    if x.ndim == 2:  # the common cases, kept cheap: row-major or a transposed view
        flags = x.flags
        if flags.c_contiguous:
            return x, _from_buffer(_BUFFER[x.dtype], x), 0, x.shape[1]
        if flags.f_contiguous:
            return x, _from_buffer(_BUFFER[x.dtype], x.T), 1, x.shape[0]
    layout = _layout(x)
    if layout is None or any(s % x.itemsize for s in x.strides):
        x = np.ascontiguousarray(x)
        layout = _layout(x)
    return (x, m.ptr(x)) + layout


def _distinct_from(out, *arrays):
    """The arrays, each copied if it shares memory with `out` (C reads them after writing out)."""
    return [x.copy() if x is not None and np.may_share_memory(x, out) else x for x in arrays]


def _output(op, out, shape, dtype, *inputs):
    """(out, inputs): a new output array, or the caller's checked one with every input
    that shares its memory copied (C reads the inputs after it starts writing out)."""
    if out is None:
        return m.empty(shape, dtype), inputs
    check_out(op, out, shape, dtype)
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{op}: out must be C-contiguous and writable")
    return out, _distinct_from(out, *inputs)


def _run_gemm(op, a, b, c, alpha, beta, out):
    """out = alpha * a @ b + beta * c in C, for 2-D a, b; `out` is valid and overlaps neither."""
    dt = a.dtype
    rows, k = a.shape
    cols = b.shape[1]
    _, pa, ta, lda = _matrix(a)
    _, pb, tb, ldb = _matrix(b)
    if c is None:
        pc, c_rs, c_cs = m.ffi.NULL, 0, 0
    else:
        pc, (c_rs, c_cs) = m.ptr(c), m.elem_strides(c, (rows, cols))
    status = _GEMM[dt](rows, cols, k, alpha, pa, ta, lda, pb, tb, ldb, beta, pc, c_rs, c_cs,
                       _from_buffer(_BUFFER[dt], out), m.threads[0])
    if status:
        m.check(status, op)


def gemm(a, b, *, c=None, alpha=1.0, beta=0.0, out=None):
    """alpha * a @ b + beta * c in C (float32/float64), c broadcastable to (M, N).

    a and b may be row-major or transposed views (no copy); c may have any
    strides (a bias row (N,), a column (M, 1), a scalar, or an (M, N) array,
    which may be `out` itself for an in-place update). Returns the (M, N) result.
    """
    dt = m.require_float("gemm", a, b)
    if c is not None:
        c = m.as_operand(c, dt)
        m.require_float("gemm", a, c)
    rows, cols, _ = gemm_shape(a, b, c)
    if c is not None and beta == 0:
        c = None  # not read at all, as the reference: NaN/inf in c must not propagate
    callers_out = out is not None
    out, (a, b) = _output("gemm", out, (rows, cols), dt, a, b)
    if c is not None and callers_out:
        (c,) = m.guard_overlap(out, c)  # c may be out itself: each element is read, then written
    _run_gemm("gemm", a, b, c, float(alpha), float(beta), out)
    return out


def _rows(x, k):
    """x (..., K) as a 2-D (prod(...), K) array (a view when the strides allow)."""
    n = 1
    for s in x.shape[:-1]:
        n *= s
    return x.reshape(n, k)


def _fold_batch(a, k):
    """a (..., M, K) as one (prod(...) * M, K) matrix, if that needs no copy; else None."""
    n = 1
    for s in a.shape[:-1]:
        n *= s
    try:
        return np.reshape(a, (n, k), copy=False)
    except ValueError:
        return None


def _batch_strides(x, batch):
    """Element strides of x's batch dims (all but the last two), broadcast to `batch`."""
    item = x.itemsize
    pad = len(batch) - (x.ndim - 2)
    strides = [0] * pad
    for n, s, target in zip(x.shape[:-2], x.strides[:-2], batch[pad:]):
        strides.append(0 if n == 1 and target != 1 else s // item)
    return strides


def matmul(a, b, *, out=None):
    """np.matmul(a, b) in C (float32/float64): 1-D promotion, batch broadcasting.

    Broadcast batch dims get stride 0 and transposed matrices are read in place;
    a batch of a's against one 2-D b runs as a single GEMM when a's rows stack.
    """
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        m.require_float("matmul", a, b)  # raises TypeError naming the operand
    dt = a.dtype
    if dt not in _BUFFER or b.dtype != dt:
        m.require_float("matmul", a, b)
    if out is None and a.ndim == 2 == b.ndim and a.shape[1] == b.shape[0]:
        # the most common call, kept lean: at small sizes the Python cost decides
        rows, cols = a.shape[0], b.shape[1]
        # a large product comes from _alloc (aligned, and reused from its cache rather than a
        # fresh mmap that page-faults): checked inline, the call would cost small GEMMs
        out = (np.empty((rows, cols), dt) if rows * cols * dt.itemsize < ALIGN_FROM_BYTES
               else m.empty((rows, cols), dt))
        _run_gemm("matmul", a, b, None, 1.0, 0.0, out)
        return out
    if 0 < a.ndim <= 2 and 0 < b.ndim <= 2 and a.shape[-1] == b.shape[0]:
        # no batch: one GEMM, or a matrix-vector product for a 1-D operand (C
        # writes the (M, N) product into out's buffer, whatever out's ndim)
        shape = a.shape[:-1] + b.shape[1:]
        if out is None:
            out = m.empty(shape, dt)
        else:
            out, (a, b) = _output("matmul", out, shape, dt, a, b)
        _run_gemm("matmul", a if a.ndim == 2 else a[None, :], b if b.ndim == 2 else b[:, None],
                  None, 1.0, 0.0, out)
        return out
    out_shape, batch, rows, cols, k = matmul_shape(a, b)
    out, (a, b) = _output("matmul", out, out_shape, dt, a, b)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if b2.ndim == 2:
        folded = _fold_batch(a2, k) if a2.ndim > 2 else a2
        if folded is not None:
            _run_gemm("matmul", folded, b2, None, 1.0, 0.0, out.reshape(folded.shape[0], cols))
            return out
    a2, pa, ta, lda = _matrix(a2)
    b2, pb, tb, ldb = _matrix(b2)
    bshape, (abs_, bbs) = m.coalesce(batch, _batch_strides(a2, batch), _batch_strides(b2, batch))
    status = _MATMUL[dt](m.int64s(bshape), len(bshape), rows, cols, k, pa, ta, lda, m.int64s(abs_),
                         pb, tb, ldb, m.int64s(bbs), m.out_ptr(out), m.threads[0])
    m.check(status, "matmul")
    return out


def linear(x, weight, bias=None, *, activation=None, out=None):
    """activation(x @ weight.T + bias) in C (float32/float64), in one pass.

    x (..., K), weight (M, K), bias (M,) or None; activation None, "relu",
    "gelu" or "gelu_tanh". The bias and the activation are applied to each
    tile of the product while it is still in cache. Returns (..., M).
    Call it with x and weight positional (the dispatcher sizes them).
    """
    dt = m.require_float("linear", x, weight) if bias is None else m.require_float("linear", x, weight, bias)
    out_shape = linear_shape(x, weight, bias, activation)
    out, (x, weight, bias) = _output("linear", out, out_shape, dt, x, weight, bias)
    k = weight.shape[1]
    x2 = x if x.ndim == 2 else _rows(x, k)
    _, px, tx, ldx = _matrix(x2)
    _, pw, tw, ldw = _matrix(weight)
    pbias = m.ffi.NULL if bias is None else m.ptr(np.ascontiguousarray(bias))
    status = _LINEAR[dt](x2.shape[0], weight.shape[0], k, px, tx, ldx, pw, tw, ldw,
                         pbias, _ACT[activation], m.out_ptr(out), m.threads[0])
    m.check(status, "linear")
    return out


# Crossovers measured against the NumPy reference (the dispatcher's alternative),
# as the element count of the larger operand, on the 2-core development machine
# (docs/kernels-gemm.md): the wrapper costs ~3.5 us per call, NumPy's ~2 us.
SPECS = {
    # square products: C from 64 x 64 (1.0x there, 1.1-1.4x at 80-128, where
    # OpenBLAS still runs one thread and ours already two)
    "matmul": KernelSpec("matmul", 64 * 64, (0, 1)),
    # the reference makes a temporary per term: C wins from 32 x 32 without c
    "gemm": KernelSpec("gemm", 32 * 32, (0, 1)),
    # without bias or activation the reference is one np.matmul: C from ~48 x 48;
    # with them C wins at every size (1.9x at 48, the fused epilogue)
    "linear": KernelSpec("linear", 48 * 48, (0, 1)),
}


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

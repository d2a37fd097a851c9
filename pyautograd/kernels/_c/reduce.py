"""C wrappers for the reduce kernels (csrc/reduce.c, API in csrc/reduce.h).

Axis reductions hand C the input exactly as it lies in memory (shape, element
strides, a bit mask of the reduced axes); C merges and reorders the dims
itself, so no input is copied. The softmax family and cross-entropy view
their input as (outer, n, inner) rows or columns; an input whose layout has
no such view, or would be read with a stride along the vectorized side, is
copied to C order first (one pass, as NumPy itself would need).
Same signatures and semantics as the NumPy reference (_numpy/reduce.py).
"""
import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks.reduce import check_cross_entropy, check_grad, target_error
from . import _marshal as m

__all__ = ["sum", "mean", "max", "min", "argmax", "argmin", "var", "logsumexp",
           "softmax", "log_softmax", "softmax_backward", "log_softmax_backward",
           "cross_entropy", "cross_entropy_backward"]

# Crossover sizes (elements of the deciding input) from side-by-side timings
# of C and the NumPy reference on the development machine (2-core EPYC,
# AVX2), see docs/kernels-reduce.md. Below them NumPy's lower per-call cost
# wins. var, logsumexp, the softmax family and cross-entropy fuse several
# NumPy passes and win at every size measured (64 elements up). max/min lose
# to NumPy's SIMD max on one thread and win once two threads split the work.
# argmax/argmin stay on NumPy: its SIMD argmax beat ours at every size.
SPECS = {
    "sum": KernelSpec("sum", 1 << 12),
    "mean": KernelSpec("mean", 1 << 12),
    "max": KernelSpec("max", 1 << 19),
    "min": KernelSpec("min", 1 << 19),
    "argmax": KernelSpec("argmax", None),
    "argmin": KernelSpec("argmin", None),
    "var": KernelSpec("var", 0),
    "logsumexp": KernelSpec("logsumexp", 0),
    "softmax": KernelSpec("softmax", 0),
    "log_softmax": KernelSpec("log_softmax", 0),
    "softmax_backward": KernelSpec("softmax_backward", 1 << 12),
    "log_softmax_backward": KernelSpec("log_softmax_backward", 0),
    "cross_entropy": KernelSpec("cross_entropy", 0),
    "cross_entropy_backward": KernelSpec("cross_entropy_backward", 0, (1,)),
}

_I64 = np.dtype(np.int64)
_NULL = m.ffi.NULL
_REDUCTION = {"none": 0, "mean": 1, "sum": 2}


def _symbols(name, family="reduce"):
    return {dt: m.symbol(family, name, dt) for dt in m.CTYPES}


def _layout(x):
    """C arrays (shape, strides) of x; strides is NULL for a C-contiguous x."""
    if x.ndim == 0:
        return _NULL, _NULL
    strides = _NULL if x.flags.c_contiguous else m.int64s(m.elem_strides(x, x.shape))
    return m.int64s(x.shape), strides


def _plan(op, x, axes, keepdim):
    """(mask, reduced count, output shape) for reducing `axes` of x (None: all)."""
    nd = x.ndim
    if axes is None:
        return (1 << nd) - 1, x.size, (1,) * nd if keepdim else ()
    mask = 0
    for a in axes:
        if not 0 <= a < nd:
            raise ValueError(f"{op}: axis {a} is out of range for an array of {nd} dimension(s)")
        if mask >> a & 1:
            raise ValueError(f"{op}: axis {a} appears twice in axes {tuple(axes)}")
        mask |= 1 << a
    count = 1
    shape = []
    for d, n in enumerate(x.shape):
        if mask >> d & 1:
            count *= n
            if keepdim:
                shape.append(1)
        else:
            shape.append(n)
    return mask, count, tuple(shape)


def _empty_slice(op, x, axes):
    raise ValueError(f"{op}: cannot reduce an empty slice (input shape {x.shape}, axes {axes}); "
                     f"{op} of nothing has no value")


def _reduce(op, syms, x, axes, keepdim, out, extra=(), nonempty=False):
    dt = m.require_float(op, x)
    mask, count, shape = _plan(op, x, axes, keepdim)
    if nonempty and count == 0:
        _empty_slice(op, x, axes)
    out, (x,) = m.prepare_out(out, shape, dt, op, x)
    cshape, cstrides = _layout(x)
    m.check(syms[dt](m.ptr(x), cshape, cstrides, x.ndim, mask, *extra, m.out_ptr(out), m.threads[0]), op)
    return out


_SUM, _MEAN, _MAX, _MIN = _symbols("sum"), _symbols("mean"), _symbols("max"), _symbols("min")
_VAR, _LSE = _symbols("var"), _symbols("logsumexp")
_ARGMAX, _ARGMIN = _symbols("argmax"), _symbols("argmin")


def sum(x, axes=None, keepdim=False, *, out=None):
    """Sum of x over `axes` (None: all), accumulated in double (C)."""
    return _reduce("sum", _SUM, x, axes, keepdim, out)


def mean(x, axes=None, keepdim=False, *, out=None):
    """Mean of x over `axes` (None: all); NaN for an empty slice (C)."""
    return _reduce("mean", _MEAN, x, axes, keepdim, out)


def max(x, axes=None, keepdim=False):
    """Largest element over `axes`, NaN-propagating; ValueError for an empty slice (C)."""
    return _reduce("max", _MAX, x, axes, keepdim, None, nonempty=True)


def min(x, axes=None, keepdim=False):
    """Smallest element over `axes`, NaN-propagating; ValueError for an empty slice (C)."""
    return _reduce("min", _MIN, x, axes, keepdim, None, nonempty=True)


def var(x, axes=None, correction=1, keepdim=False):
    """Two-pass variance over `axes`, dividing by max(N - correction, 0) (C)."""
    return _reduce("var", _VAR, x, axes, keepdim, None, extra=(float(correction),))


def logsumexp(x, axes=None, keepdim=False):
    """log(sum(exp(x))) over `axes`, max-shifted; -inf for an empty or all -inf slice (C)."""
    return _reduce("logsumexp", _LSE, x, axes, keepdim, None)


def _arg(op, syms, x, axis, keepdim):
    dt = m.require_float(op, x)
    mask, count, shape = _plan(op, x, None if axis is None else (axis,), keepdim)
    if count == 0:
        _empty_slice(op, x, None if axis is None else (axis,))
    out = empty(shape, _I64)
    cshape, cstrides = _layout(x)
    m.check(syms[dt](m.ptr(x), cshape, cstrides, x.ndim, mask, m.out_ptr(out), m.threads[0]), op)
    return out


def argmax(x, axis=None, keepdim=False):
    """int64 position of the first largest element along `axis` (None: flattened); NaN wins (C)."""
    return _arg("argmax", _ARGMAX, x, axis, keepdim)


def argmin(x, axis=None, keepdim=False):
    """int64 position of the first smallest element along `axis` (None: flattened); NaN wins (C)."""
    return _arg("argmin", _ARGMIN, x, axis, keepdim)


# ---- softmax family -------------------------------------------------------------

def _group_stride(shape, strides):
    """The single stride that walks dims `shape` as one, or None if they cannot be."""
    cshape, (cstr,) = m.coalesce(shape, list(strides))
    if not cshape:
        return 0
    return cstr[0] if len(cshape) == 1 else None


def _as_rows(op, x, axis):
    """(x, shape3, strides3): x viewed as (outer, n, inner) around `axis`, with a unit
    stride on the side C vectorizes (n when inner == 1, else inner); otherwise copied."""
    nd = x.ndim
    if not (0 <= axis < nd or (nd == 0 and axis in (0, -1))):
        raise ValueError(f"{op}: axis {axis} is out of range for an array of {nd} dimension(s)")
    if nd == 0:
        return x, (1, 1, 1), (0, 1, 1)
    shape = x.shape
    outer = inner = 1
    for d in range(axis):
        outer *= shape[d]
    for d in range(axis + 1, nd):
        inner *= shape[d]
    n = shape[axis]
    if not x.flags.c_contiguous:
        st = m.elem_strides(x, shape)
        so = _group_stride(shape[:axis], st[:axis])
        si = _group_stride(shape[axis + 1:], st[axis + 1:])
        vector_stride = st[axis] if inner == 1 else si
        if so is not None and si is not None and (vector_stride == 1 or (n if inner == 1 else inner) <= 1):
            return x, (outer, n, inner), (so, st[axis], si)
        x = np.ascontiguousarray(x)
    return x, (outer, n, inner), (n * inner, inner, 1)


def _softmax_forward(op, syms, x, axis):
    dt = m.require_float(op, x)
    x, shape, strides = _as_rows(op, x, axis)
    out = empty(x.shape, dt)
    m.check(syms[dt](m.ptr(x), m.int64s(strides), m.out_ptr(out), m.int64s(shape), m.threads[0]), op)
    return out


def _softmax_backward(op, syms, grad, y, axis):
    dt = m.require_float(op, grad, y)
    if grad.shape != y.shape:
        raise ValueError(f"{op}: grad shape {grad.shape} does not match output shape {y.shape}")
    grad, shape, gstrides = _as_rows(op, grad, axis)
    y, _, ystrides = _as_rows(op, y, axis)
    out = empty(y.shape, dt)
    m.check(syms[dt](m.ptr(grad), m.int64s(gstrides), m.ptr(y), m.int64s(ystrides), m.out_ptr(out),
                     m.int64s(shape), m.threads[0]), op)
    return out


# csrc/softmax.c and csrc/loss.c hold these kernels (pag_softmax_*, pag_loss_cross_entropy*)
_SOFTMAX, _LOG_SOFTMAX = _symbols("softmax", "softmax"), _symbols("log_softmax", "softmax")
_SOFTMAX_BWD = _symbols("softmax_backward", "softmax")
_LOG_SOFTMAX_BWD = _symbols("log_softmax_backward", "softmax")


def softmax(x, axis):
    """Softmax along `axis`, max-shifted, fused in one pass per row (C)."""
    return _softmax_forward("softmax", _SOFTMAX, x, axis)


def log_softmax(x, axis):
    """log_softmax along `axis`: (x - max) - log(sum(exp(x - max))) (C)."""
    return _softmax_forward("log_softmax", _LOG_SOFTMAX, x, axis)


def softmax_backward(grad, y, axis):
    """y * (grad - sum(grad * y, axis)) for y = softmax output (C)."""
    return _softmax_backward("softmax_backward", _SOFTMAX_BWD, grad, y, axis)


def log_softmax_backward(grad, y, axis):
    """grad - exp(y) * sum(grad, axis) for y = log_softmax output (C)."""
    return _softmax_backward("log_softmax_backward", _LOG_SOFTMAX_BWD, grad, y, axis)


# ---- cross-entropy ------------------------------------------------------------------

_CE, _CE_BWD = _symbols("cross_entropy", "loss"), _symbols("cross_entropy_backward", "loss")


def _ce_operands(op, logits, target, weight, reduction, label_smoothing):
    """Validated operands: (dtype, n, c, logits with unit class stride, its row stride,
    contiguous target, weight pointer)."""
    dt = m.require_float(op, logits)
    n, c = check_cross_entropy(op, logits, target, weight, reduction, label_smoothing)
    item = logits.itemsize
    if (c > 1 and logits.strides[1] != item) or logits.strides[0] % item:
        logits = np.ascontiguousarray(logits)
    ld = logits.strides[0] // item
    target = np.ascontiguousarray(target)
    wptr = _NULL
    if weight is not None:
        m.require_float(op, logits, weight)
        weight = np.ascontiguousarray(weight)
        wptr = m.ptr(weight)
    return dt, n, c, logits, ld, target, weight, wptr


def _ce_status(op, status, bad, target, c, ignore_index):
    if status != m.lib.PAG_OK and bad[0] >= 0:
        raise target_error(op, int(target[bad[0]]), c, ignore_index)
    m.check(status, op)


def cross_entropy(logits, target, *, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """PyTorch's F.cross_entropy for class-index targets, fused per row (C).

    Same arguments and result as the NumPy reference: logits (N, C), target (N,)
    int64, optional weight (C,); "mean"/"sum" give a 0-d array, "none" (N,).
    """
    op = "cross_entropy"
    dt, n, c, logits, ld, target, weight, wptr = _ce_operands(op, logits, target, weight, reduction,
                                                              label_smoothing)
    out = empty((n,) if reduction == "none" else (), dt)
    bad = m.ffi.new("int64_t *")
    status = _CE[dt](m.ptr(logits), n, c, ld, m.ptr(target), wptr, int(ignore_index), _REDUCTION[reduction],
                     float(label_smoothing), m.out_ptr(out), bad, m.threads[0])
    _ce_status(op, status, bad, target, c, ignore_index)
    return out


def cross_entropy_backward(grad, logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """d cross_entropy / d logits (N, C) for upstream `grad` (0-d, or (N,) for "none"),
    softmax recomputed per row in the same pass (C)."""
    op = "cross_entropy_backward"
    dt, n, c, logits, ld, target, weight, wptr = _ce_operands(op, logits, target, weight, reduction,
                                                              label_smoothing)
    grad = np.ascontiguousarray(check_grad(op, grad, reduction, n), dtype=dt)
    out = empty((n, c), dt)
    bad = m.ffi.new("int64_t *")
    status = _CE_BWD[dt](m.ptr(grad), m.ptr(logits), n, c, ld, m.ptr(target), wptr, int(ignore_index),
                         _REDUCTION[reduction], float(label_smoothing), m.out_ptr(out), bad, m.threads[0])
    _ce_status(op, status, bad, target, c, ignore_index)
    return out


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

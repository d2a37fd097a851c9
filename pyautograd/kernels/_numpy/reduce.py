"""NumPy reference for the reduce kernels (see csrc/reduce.c for the C side).

Written for clarity: each kernel is the textbook formula in NumPy, computed
in the input's dtype, and it is the ground truth the C kernels are tested
against. Conventions shared by every kernel:

* ``axes`` is a tuple of distinct non-negative ints (normalized by the
  caller) or None for every axis; ``axis`` (argmax/argmin, the softmax
  family) is one non-negative int (or None for argmax/argmin: the flattened
  array).
* Results are always ``np.ndarray``: 0-d when everything is reduced.
* NaN propagates through sum/mean/max/min/var/logsumexp/softmax; argmax and
  argmin return the position of the first NaN (NumPy's and PyTorch's rule).
* Empty slices: sum gives 0, mean and var NaN, logsumexp -inf; max, min,
  argmax and argmin raise ValueError naming the op.
"""
import numpy as np

from .._fp import quiet
from ..checks.reduce import check_cross_entropy, check_grad, check_targets

__all__ = ["sum", "mean", "max", "min", "argmax", "argmin", "var", "logsumexp",
           "softmax", "log_softmax", "softmax_backward", "log_softmax_backward",
           "cross_entropy", "cross_entropy_backward"]

_max = max  # the builtin, before this module's max kernel shadows it


def _quiet_sum(*args, **kwargs):
    """np.sum without floating-point warnings (inf + -inf is NaN, silently, as in PyTorch)."""
    return quiet(np.sum, *args, **kwargs)


def _count(x, axes):
    """Elements per output slice when reducing `axes` of x."""
    if axes is None:
        return x.size
    n = 1
    for a in axes:
        n *= x.shape[a]
    return n


def _require_nonempty(op, x, axes):
    if _count(x, axes) == 0:
        raise ValueError(f"{op}: cannot reduce an empty slice (input shape {x.shape}, axes {axes}); "
                         f"{op} of nothing has no value")


def sum(x, axes=None, keepdim=False, *, out=None):
    """Sum of x over `axes` (None: all). Returns an ndarray; 0 for an empty slice.

    Example: ``sum(np.ones((2, 3)), (1,))`` -> ``array([3., 3.])``.
    """
    if out is None:
        return np.asarray(_quiet_sum(x, axis=axes, keepdims=keepdim))
    _quiet_sum(x, axis=axes, keepdims=keepdim, out=out)
    return out


def mean(x, axes=None, keepdim=False, *, out=None):
    """Arithmetic mean of x over `axes` (None: all); NaN for an empty slice."""
    result = quiet(np.true_divide, _quiet_sum(x, axis=axes, keepdims=keepdim), _count(x, axes))
    if out is None:
        return np.asarray(result)
    out[...] = result
    return out


def max(x, axes=None, keepdim=False):
    """Largest element of x over `axes` (None: all); NaN if the slice holds one.

    Raises ValueError when a reduced slice is empty.
    """
    _require_nonempty("max", x, axes)
    return np.asarray(np.max(x, axis=axes, keepdims=keepdim))


def min(x, axes=None, keepdim=False):
    """Smallest element of x over `axes` (None: all); NaN if the slice holds one.

    Raises ValueError when a reduced slice is empty.
    """
    _require_nonempty("min", x, axes)
    return np.asarray(np.min(x, axis=axes, keepdims=keepdim))


def _arg(op, fn, x, axis, keepdim):
    _require_nonempty(op, x, None if axis is None else (axis,))
    return np.asarray(fn(x, axis=axis, keepdims=keepdim), dtype=np.int64)


def argmax(x, axis=None, keepdim=False):
    """int64 position of the largest element along `axis` (None: in the flattened array).

    Ties give the first occurrence; a NaN counts as the largest value.
    """
    return _arg("argmax", np.argmax, x, axis, keepdim)


def argmin(x, axis=None, keepdim=False):
    """int64 position of the smallest element along `axis` (None: in the flattened array).

    Ties give the first occurrence; a NaN counts as the smallest value.
    """
    return _arg("argmin", np.argmin, x, axis, keepdim)


def var(x, axes=None, correction=1, keepdim=False):
    """Variance of x over `axes`: sum((x - mean)^2) / max(N - correction, 0).

    Two-pass (the mean first), like NumPy; a zero divisor gives inf, or NaN
    when the deviations are all 0 too. float32 and float16 are computed in float64 (as
    PyTorch's CPU kernels and the C kernel accumulate): a mean summed in float32 is off for
    large values, so a constant vector got a variance far from 0.
    """
    n = _count(x, axes)
    dtype = x.dtype
    if dtype.kind == "f" and dtype.itemsize < 8:
        x = x.astype(np.float64)
    centre = quiet(np.true_divide, _quiet_sum(x, axis=axes, keepdims=True), n)
    dev = quiet(np.subtract, x, centre)
    squares = _quiet_sum(quiet(np.multiply, dev, dev), axis=axes, keepdims=keepdim)
    result = quiet(np.true_divide, squares, _max(n - correction, 0))
    return np.asarray(quiet(np.asarray, result, dtype=dtype if dtype.kind == "f" else result.dtype))


def logsumexp(x, axes=None, keepdim=False):
    """log(sum(exp(x))) over `axes`, computed stably by subtracting the max.

    An all -inf (or empty) slice gives -inf, a +inf gives inf, a NaN NaN.
    """
    top = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(top), top, 0).astype(x.dtype)
    total = _quiet_sum(quiet(np.exp, quiet(np.subtract, x, shift)), axis=axes, keepdims=True)
    result = quiet(np.log, total) + shift
    if not keepdim:
        result = result.squeeze(axis=axes)
    return np.asarray(result, dtype=x.dtype)


def _shifted(x, axis):
    """x minus its max along `axis` (the max of an empty axis is irrelevant: no elements)."""
    top = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return quiet(np.subtract, x, top)


def _as_vector(fn):
    """Lets a kernel along `axis` take a 0-d array as a 1-element vector (as PyTorch does)."""
    def kernel(*args):
        *arrays, axis = args
        if arrays[0].ndim:
            return fn(*arrays, axis)
        return fn(*(a.reshape(1) for a in arrays), 0).reshape(())
    kernel.__name__ = fn.__name__
    kernel.__qualname__ = fn.__qualname__
    kernel.__doc__ = fn.__doc__
    return kernel


@_as_vector
def softmax(x, axis):
    """exp(x) / sum(exp(x)) along `axis`, with the max subtracted first."""
    e = quiet(np.exp, _shifted(x, axis))
    return np.asarray(quiet(np.true_divide, e, _quiet_sum(e, axis=axis, keepdims=True)), dtype=x.dtype)


@_as_vector
def log_softmax(x, axis):
    """x - logsumexp(x) along `axis`, computed as (x - max) - log(sum(exp(x - max)))."""
    z = _shifted(x, axis)
    total = _quiet_sum(quiet(np.exp, z), axis=axis, keepdims=True)
    return np.asarray(quiet(np.subtract, z, quiet(np.log, total)), dtype=x.dtype)


@_as_vector
def softmax_backward(grad, y, axis):
    """Gradient of softmax given its output y: y * (grad - sum(grad * y, axis))."""
    dot = _quiet_sum(quiet(np.multiply, grad, y), axis=axis, keepdims=True)
    return np.asarray(quiet(np.multiply, y, quiet(np.subtract, grad, dot)), dtype=y.dtype)


@_as_vector
def log_softmax_backward(grad, y, axis):
    """Gradient of log_softmax given its output y: grad - exp(y) * sum(grad, axis)."""
    total = _quiet_sum(grad, axis=axis, keepdims=True)
    return np.asarray(quiet(np.subtract, grad, quiet(np.multiply, quiet(np.exp, y), total)), dtype=y.dtype)


def _class_weights(logits, target, weight, ignore_index):
    """(w, kept, w_t): class weights (ones without `weight`), the rows not ignored,
    and each row's target weight (0 for an ignored row)."""
    dtype = logits.dtype
    w = np.ones(logits.shape[1], dtype) if weight is None else weight.astype(dtype, copy=False)
    kept = target != ignore_index
    safe = np.where(kept, target, 0)
    w_t = np.where(kept, w[safe] if w.size else 0, 0).astype(dtype)
    return w, kept, w_t


def cross_entropy(logits, target, *, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """PyTorch's F.cross_entropy for class-index targets.

    logits (N, C) float; target (N,) int64 class indices; weight (C,) or None.
    Rows whose target is ignore_index contribute 0 and leave the mean's
    denominator. With weight, each row's loss is scaled by w[target] and the
    mean divides by the sum of those weights. label_smoothing eps mixes in
    the uniform target: loss = (1 - eps) * nll + eps / C * sum_c(-w_c * log_softmax_c).
    reduction: "mean" | "sum" -> 0-d array, "none" -> (N,). Mean over no
    kept rows is NaN. A target outside [0, C) that is not ignore_index raises
    IndexError.
    """
    n, c = check_cross_entropy("cross_entropy", logits, target, weight, reduction, label_smoothing)
    check_targets("cross_entropy", target, c, ignore_index)
    return quiet(_cross_entropy, logits, target, weight, ignore_index, reduction, label_smoothing, n, c)


def _cross_entropy(logits, target, weight, ignore_index, reduction, label_smoothing, n, c):
    w, kept, w_t = _class_weights(logits, target, weight, ignore_index)
    lsm = log_softmax(logits, 1)
    picked = lsm[np.arange(n), np.where(kept, target, 0)] if c else np.zeros(n, logits.dtype)
    nll = np.where(kept, -w_t * picked, 0)
    smooth = np.where(kept, -_quiet_sum(lsm * w, axis=1), 0)
    eps = label_smoothing
    with_smoothing = eps > 0 and c > 0
    if reduction == "none":
        loss = (1 - eps) * nll + (eps / c) * smooth if with_smoothing else nll
    else:
        loss = _quiet_sum(nll)
        smooth_total = _quiet_sum(smooth)
        if reduction == "mean":
            loss = quiet(np.true_divide, loss, _quiet_sum(w_t))
            smooth_total = quiet(np.true_divide, smooth_total, _quiet_sum(w_t))
        if with_smoothing:
            loss = (1 - eps) * loss + (eps / c) * smooth_total
    return np.asarray(loss, dtype=logits.dtype)


def cross_entropy_backward(grad, logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """d cross_entropy / d logits, (N, C), for the upstream gradient `grad`
    (0-d for mean/sum, (N,) for none), with the same options as cross_entropy.

    Computed as PyTorch's autograd would: the gradient reaching log_softmax
    is d_lsm[i, c] = -s_i ((1 - eps) w_t [c = t_i] + eps / C * w_c) (0 on
    ignored rows), with s_i the row's share of `grad`; then the log_softmax
    backward d_lsm - softmax * sum(d_lsm).
    """
    n, c = check_cross_entropy("cross_entropy_backward", logits, target, weight, reduction, label_smoothing)
    check_targets("cross_entropy_backward", target, c, ignore_index)
    grad = check_grad("cross_entropy_backward", grad, reduction, n).astype(logits.dtype, copy=False)
    return quiet(_cross_entropy_backward, grad, logits, target, weight, ignore_index, reduction, label_smoothing,
                 n, c)


def _cross_entropy_backward(grad, logits, target, weight, ignore_index, reduction, label_smoothing, n, c):
    w, kept, w_t = _class_weights(logits, target, weight, ignore_index)
    if reduction == "none":
        scale = grad
    elif reduction == "sum":
        scale = np.broadcast_to(grad, (n,))
    else:
        scale = np.broadcast_to(quiet(np.true_divide, grad, _quiet_sum(w_t)), (n,))
    eps = label_smoothing
    smooth = eps / c if c else 0.0
    onehot = np.zeros((n, c), logits.dtype)
    onehot[np.arange(n)[kept], target[kept]] = 1
    d_lsm = -quiet(np.multiply, scale[:, None], (1 - eps) * w_t[:, None] * onehot + smooth * w)
    d_lsm = np.where(kept[:, None], d_lsm, 0).astype(logits.dtype)
    return log_softmax_backward(d_lsm, log_softmax(logits, 1), 1)

"""NumPy kernels of the loss functions with a primitive op (ops/loss.py).

Each forward takes the elementwise operands in one dtype (the ops layer
promotes and the front ends in nn/_losses.py check shapes) and a
``reduction`` of "none" (the elementwise loss), "mean" or "sum" (0-d
arrays). A mean over no element is NaN, as in PyTorch. The backward
formulas live with the ops, in Tensor ops; only nll_loss has a backward
kernel (a scatter, the adjoint of its gather).
"""
import numpy as np

from .._fp import quiet
from ..checks.reduce import target_error

__all__ = ["mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "nll_loss", "nll_loss_backward"]

_REDUCTIONS = ("none", "mean", "sum")
# PyTorch clamps the logarithms of binary_cross_entropy at -100, so a probability of
# exactly 0 or 1 gives a finite loss (and gradient).
_LOG_FLOOR = -100.0


def _reduce(op, loss, reduction, dtype):
    if reduction == "none":
        return np.asarray(loss, dtype)
    if reduction == "sum":
        return np.asarray(quiet(np.sum, loss), dtype)
    if reduction == "mean":
        return np.asarray(quiet(np.mean, loss) if loss.size else np.nan, dtype)
    raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def mse_loss(input, target, reduction):
    """(input - target) ** 2, reduced."""
    diff = quiet(np.subtract, input, target)
    return _reduce("mse_loss", quiet(np.multiply, diff, diff), reduction, diff.dtype)


def smooth_l1_loss(input, target, reduction, beta):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta, for d = input - target (beta > 0)."""
    d = np.abs(quiet(np.subtract, input, target))
    loss = quiet(np.where, d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _reduce("smooth_l1_loss", loss, reduction, d.dtype)


def huber_loss(input, target, reduction, delta):
    """0.5 d**2 where |d| <= delta, else delta (|d| - 0.5 delta), for d = input - target."""
    d = np.abs(quiet(np.subtract, input, target))
    loss = quiet(np.where, d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _reduce("huber_loss", loss, reduction, d.dtype)


def _check_unit_interval(op, what, x):
    # written as a negation so NaN fails the check too (PyTorch rejects it as well)
    if x.size and not ((x >= 0) & (x <= 1)).all():
        bad = x.reshape(-1)[np.argmax(~((x >= 0) & (x <= 1)).reshape(-1))]
        raise RuntimeError(f"{op}: all elements of {what} should be between 0 and 1 (found {bad})")


def binary_cross_entropy(input, target, weight, reduction):
    """-weight * (target log(input) + (1 - target) log(1 - input)), logs clamped at -100.

    input and target: probabilities of one shape and dtype (values outside [0, 1] raise
    RuntimeError); weight: None or broadcastable to input's shape.
    """
    op = "binary_cross_entropy"
    _check_unit_interval(op, "input", input)
    _check_unit_interval(op, "target", target)
    with np.errstate(all="ignore"):
        log_x = np.maximum(np.log(input), _LOG_FLOOR)
        log_1mx = np.maximum(np.log1p(-input), _LOG_FLOOR)
        loss = (target - 1) * log_1mx - target * log_x
        if weight is not None:
            loss = loss * weight
    return _reduce(op, loss, reduction, input.dtype)


def binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction):
    """weight * ((1 - target) x - (1 + (pos_weight - 1) target) logsigmoid(x)) for logits x.

    logsigmoid(x) = min(x, 0) - log1p(exp(-|x|)) never overflows. pos_weight (None or
    broadcastable along the last dimension) weighs the positive term; weight scales it all.
    """
    with np.errstate(all="ignore"):
        log_sig = np.minimum(input, 0) - np.log1p(np.exp(-np.abs(input)))
        if pos_weight is None:
            loss = (1 - target) * input - log_sig
        else:
            loss = (1 - target) * input - (1 + (pos_weight - 1) * target) * log_sig
        if weight is not None:
            loss = loss * weight
    return _reduce("binary_cross_entropy_with_logits", loss, reduction, np.result_type(input, target))


def _nll_layout(op, input, target, weight, ignore_index):
    """(class axis, kept mask, target with ignored entries at 0, per-entry weight (0 if ignored))."""
    axis = 0 if input.ndim == 1 else 1
    c = input.shape[axis]
    if target.dtype != np.int64:
        raise TypeError(f"{op}: target must be int64 class indices, got {target.dtype}")
    kept = target != ignore_index
    bad = kept & ((target < 0) | (target >= c))
    if bad.any():
        raise target_error(op, int(target.reshape(-1)[np.argmax(bad.reshape(-1))]), c, ignore_index)
    safe = np.where(kept, target, 0)
    if weight is None:
        w_t = kept.astype(input.dtype)
    else:
        w_t = np.where(kept, weight.astype(input.dtype, copy=False)[safe], 0).astype(input.dtype)
    return axis, kept, safe, w_t


def nll_loss(input, target, weight, reduction, ignore_index):
    """-weight[t] * input[n, t, ...] per entry, for class indices `target`.

    input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...) int64; weight
    None or (C,). Entries whose target is ignore_index give 0 and leave the mean, which
    divides by the sum of the kept entries' weights. A target outside [0, C) raises
    IndexError.
    """
    op = "nll_loss"
    axis, kept, safe, w_t = _nll_layout(op, input, target, weight, ignore_index)
    picked = np.take_along_axis(input, np.expand_dims(safe, axis), axis).squeeze(axis)
    loss = np.where(kept, quiet(np.multiply, -w_t, picked), 0).astype(input.dtype)
    if reduction == "mean":
        return np.asarray(quiet(np.divide, quiet(np.sum, loss), np.sum(w_t)), input.dtype)
    return _reduce(op, loss, reduction, input.dtype)


def nll_loss_backward(grad, target, weight, reduction, ignore_index, shape):
    """The gradient of nll_loss with respect to its input of `shape`, for upstream `grad`
    (0-d for "mean"/"sum", target's shape for "none"): -weight[t] * grad (divided by the
    total weight for "mean") at each target's class, 0 elsewhere."""
    op = "nll_loss_backward"
    out = np.zeros(shape, grad.dtype)
    axis, kept, safe, w_t = _nll_layout(op, out, target, weight, ignore_index)
    scale = quiet(np.divide, grad, np.sum(w_t)) if reduction == "mean" else grad
    values = np.where(kept, quiet(np.multiply, -w_t, scale), 0).astype(grad.dtype)
    np.put_along_axis(out, np.expand_dims(safe, axis), np.expand_dims(values, axis), axis)
    return out

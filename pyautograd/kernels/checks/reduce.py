"""Argument checks of the reduce kernels (cross_entropy and its backward), shared by both
backends."""
import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def check_cross_entropy(op, logits, target, weight, reduction, label_smoothing):
    """Validates the arguments of cross_entropy(_backward); returns (n, c)."""
    if logits.ndim != 2:
        raise ValueError(f"{op}: logits must be 2-d (N, C), got shape {logits.shape}")
    n, c = logits.shape
    if not isinstance(target, np.ndarray) or target.dtype != np.int64:
        raise TypeError(f"{op}: target must be an int64 ndarray of class indices, "
                        f"got {getattr(target, 'dtype', type(target).__name__)}")
    if target.shape != (n,):
        raise ValueError(f"{op}: target shape {target.shape} does not match logits {logits.shape}; "
                         f"expected ({n},)")
    if weight is not None and (not isinstance(weight, np.ndarray) or weight.shape != (c,)):
        raise ValueError(f"{op}: weight must be an ndarray of shape ({c},), "
                         f"got {getattr(weight, 'shape', type(weight).__name__)}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    return n, c


def target_error(op, value, c, ignore_index):
    """The IndexError for a target `value` outside [0, c) that is not ignore_index."""
    return IndexError(f"{op}: target {value} is out of bounds for {c} classes "
                      f"(valid: 0..{c - 1}, or ignore_index={ignore_index})")


def check_targets(op, target, c, ignore_index):
    """Raises IndexError for the first target outside [0, c) that is not ignore_index."""
    bad = (target != ignore_index) & ((target < 0) | (target >= c))
    if bad.any():
        raise target_error(op, int(target[np.argmax(bad)]), c, ignore_index)


def check_grad(op, grad, reduction, n):
    """The upstream gradient as an ndarray: (n,) for reduction "none", one value otherwise."""
    grad = np.asarray(grad)
    expected = (n,) if reduction == "none" else ()
    if grad.shape != expected and not (reduction != "none" and grad.size == 1):
        raise ValueError(f"{op}: grad has shape {grad.shape}, expected {expected} for reduction {reduction!r}")
    return grad.reshape(expected)

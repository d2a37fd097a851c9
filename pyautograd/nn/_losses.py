"""The loss functions of nn.functional (torch.nn.functional's names and options)."""
from .. import _dtype
from ..ops import loss, pointwise

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction, op):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss_, reduction):
    if reduction == "mean":
        return loss_.mean()
    if reduction == "sum":
        return loss_.sum()
    return loss_


def _check_same_shape(input, target, op):
    if input.shape != target.shape:
        import warnings
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
                      f"Please ensure they have the same size.", UserWarning, stacklevel=3)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error: mean((input - target) ** 2) (or sum / elementwise)."""
    _check_reduction(reduction, "mse_loss")
    _check_same_shape(input, target, "mse_loss")
    return _reduce((input - target) ** 2, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean absolute error."""
    _check_reduction(reduction, "l1_loss")
    _check_same_shape(input, target, "l1_loss")
    return _reduce(pointwise.abs(input - target), reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits `input` (N, C) and class indices `target` (N,) (fused kernel)."""
    _check_reduction(reduction, "cross_entropy")
    if target.dtype.is_floating_point:
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing)
    if target.dtype is not _dtype.int64:
        target = target.long()
    if input.ndim == 1:
        out = cross_entropy(input.unsqueeze(0), target.unsqueeze(0), weight, None, ignore_index, None,
                            reduction, label_smoothing)
        return out.squeeze(0) if reduction == "none" else out
    if input.ndim != 2:
        raise ValueError(f"cross_entropy expects input of shape (N, C) or (C,), got {list(input.shape)}")
    if target.ndim != 1 or target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else 0}).")
    return loss.cross_entropy_fused(input, target, weight, ignore_index, reduction, float(label_smoothing))


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing):
    """Cross-entropy against class probabilities (PyTorch: the mean divides by the batch size)."""
    if input.shape != target.shape:
        raise RuntimeError(f"cross_entropy: with class-probability targets, input {list(input.shape)} and "
                           f"target {list(target.shape)} must have the same shape")
    classes = input.shape[-1] if input.ndim else 1
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    logp = input.log_softmax(-1)
    terms = target * logp if weight is None else target * logp * weight
    per_sample = -terms.sum(-1)
    if reduction == "mean":
        return per_sample.sum() / (per_sample.shape[0] if per_sample.ndim else 1)
    return _reduce(per_sample, reduction)

"""The loss functions of nn.functional: torch.nn.functional's names, options, results and errors.

PyTorch's native losses (mse_loss, smooth_l1_loss, huber_loss, nll_loss,
binary_cross_entropy(_with_logits), and class-index cross_entropy on (N, C)
logits) are primitive ops with a kernel each (ops/loss.py); the ones PyTorch
composes from other ops (l1_loss, kl_div, cross_entropy with class
probabilities, label smoothing on other shapes) are composed the same way
here, so results, gradients and grad_fn names match. The functions below
check arguments as PyTorch does (and say more when they raise), settle the
reduction (the deprecated size_average/reduce flags included) and the dtypes.
"""
import math
import warnings

import numpy as np

from .. import _dtype
from ..graph import grad_mode
from ..ops import autocast
from ..ops import loss as _ops
from ..ops import pointwise as _pointwise

_REDUCTIONS = ("none", "mean", "sum")


# -- reduction ------------------------------------------------------------------------------------


# PyTorch's scalar type names, as its messages print them ("expected scalar type Long but found Int").
_SCALAR_TYPE_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                      "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte",
                      "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_type_name(dtype):
    """PyTorch's scalar type name of a dtype, as its error messages print it ('Float', 'Long')."""
    return _SCALAR_TYPE_NAMES.get(dtype.name, dtype.name)


def legacy_reduction(size_average, reduce, stacklevel=3):
    """PyTorch's reading of the deprecated flags: reduce=False -> 'none', else
    size_average=False -> 'sum', else 'mean' (None counts as True); warns as PyTorch does
    (`stacklevel` as for warnings.warn, counted from here)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  UserWarning, stacklevel=stacklevel)
    return reduction


def _reduction(reduction, size_average=None, reduce=None):
    """The reduction in force: the legacy flags when either is given, else `reduction`
    checked ('elementwise_mean' is an old spelling of 'mean')."""
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, stacklevel=4)
    if reduction in _REDUCTIONS:
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      UserWarning, stacklevel=3)
        return "mean"
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


# -- argument checks ------------------------------------------------------------------------------


def _warn_if_broadcast(input, target, op):
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
                      f"Please ensure they have the same size.", UserWarning, stacklevel=3)
    try:
        np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise RuntimeError(f"{op}: the input {list(input.shape)} and target {list(target.shape)} cannot be "
                           f"broadcast together (each dimension must match or be 1)") from None


def _float_operands(op, input, target, dtype=None):
    """input and target in one floating dtype: `dtype`, or their promoted type."""
    dt = dtype or _dtype.result_type([input, target], [])
    if not dt.is_floating_point:
        raise RuntimeError(f"{op}: expected floating-point input and target, got {input.dtype} and "
                           f"{target.dtype} (convert with .float())")
    return (input if input.dtype is dt else input.to(dt)), (target if target.dtype is dt else target.to(dt))


def _no_grad_for(op, name, tensor):
    # PyTorch's native losses have no derivative for their weights and refuse to pretend.
    if tensor is not None and tensor.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(f"The function '{op}' is not differentiable with respect to argument '{name}'. "
                           f"This input cannot have requires_grad True.")


def _broadcast_weight(op, name, weight, shape, dtype):
    """`weight` checked to broadcast to `shape` (never beyond it) and cast to `dtype`."""
    if weight is None:
        return None
    _no_grad_for(op, name, weight)
    try:
        full = np.broadcast_shapes(weight.shape, shape)
    except ValueError:
        full = None
    if full != tuple(shape):
        raise RuntimeError(f"{op}: {name} of shape {list(weight.shape)} does not broadcast to the input's "
                           f"shape {list(shape)}")
    return weight if weight.dtype is dtype else weight.to(dtype)


def _weighted(loss, weight, input, reduction, mean):
    """The `weight=` form of mse_loss/l1_loss/huber_loss (elementwise weights of input's shape)."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    return mean(loss, weight) if reduction == "mean" else loss.sum()


# -- regression losses ----------------------------------------------------------------------------


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: (input - target) ** 2, averaged ("mean"), summed ("sum") or kept
    elementwise ("none"). A target of another shape broadcasts, with PyTorch's warning.
    `weight` (input's shape) scales each element; its "mean" divides by weight.sum().

    Example: ``F.mse_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))`` -> ``tensor(2.)``.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(mse_loss, locals())
    _warn_if_broadcast(input, target, "mse_loss")
    reduction = _reduction(reduction, size_average, reduce)
    input, target = _float_operands("mse_loss", input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction, lambda loss, w: loss.sum() / w.sum())
    return _ops.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: |input - target|, reduced as in mse_loss (weight= likewise)."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(l1_loss, locals())
    _warn_if_broadcast(input, target, "l1_loss")
    reduction = _reduction(reduction, size_average, reduce)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, weight, input, reduction, lambda loss, w: loss.sum() / w.sum())
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); beta=0 is l1_loss."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(smooth_l1_loss, locals())
    _warn_if_broadcast(input, target, "smooth_l1_loss")
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got beta={beta}).")
    if beta == 0:
        return _reduce((input - target).abs(), reduction)
    input, target = _float_operands("smooth_l1_loss", input, target)
    return _ops.smooth_l1_loss(input, target, reduction, float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d**2 where |d| <= delta, else delta (|d| - 0.5 delta) (d = input - target): smooth_l1_loss
    times delta. The result has input's dtype. `weight` (input's shape) scales each element."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(huber_loss, locals())
    _warn_if_broadcast(input, target, "huber_loss")
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got delta={delta}).")
    input, target = _float_operands("huber_loss", input, target,
                                    input.dtype if input.dtype.is_floating_point else None)
    if weight is not None:
        loss = _ops.huber_loss(input, target, "none", float(delta))
        return _weighted(loss, weight, input, reduction, lambda loss, w: loss.mean())
    return _ops.huber_loss(input, target, reduction, float(delta))


# -- classification losses ------------------------------------------------------------------------


def _class_indices(op, target):
    """Class-index targets as int64 (PyTorch takes int64 and uint8)."""
    if target.dtype is _dtype.int64:
        return target
    if target.dtype is _dtype.uint8:
        return target.long()
    raise RuntimeError(f"{op}: expected target dtype to be Long or Byte (int64 or uint8 class indices), "
                       f"but got {target.dtype}")


def _check_logits(op, input):
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating-point input (log-probabilities or logits), "
                           f"got {input.dtype}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim}) for the input of {op}")


def _check_class_weight(op, weight, input):
    if weight is None:
        return
    _no_grad_for("nll_loss_forward", "weight", weight)
    classes = input.shape[0 if input.ndim == 1 else 1]
    if weight.ndim != 1 or weight.shape[0] != classes:
        raise RuntimeError(f"{op}: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"{op}: expected scalar type {input.dtype} but found {weight.dtype} for the weight "
                           f"(convert it with .to({input.dtype}))")


def _check_index_shapes(op, input, target):
    """PyTorch's shape rules for class-index targets of input (C,), (N, C) or (N, C, d1, ...);
    returns the target (a (1,) target of a 1-D input as 0-d)."""
    if input.ndim == 1 and target.ndim == 1:
        if target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]} "
                             f"({op})")
        target = target.reshape(())
    if input.ndim != 1 and (target.ndim == 0 or input.shape[0] != target.shape[0]):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else 0}).")
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported "
                               f"(input {list(input.shape)}, target {list(target.shape)})")
    elif target.shape[1:] != input.shape[2:]:
        raise RuntimeError(f"{op}: Expected target size {[input.shape[0], *input.shape[2:]]}, got "
                           f"{list(target.shape)}")
    return target


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class indices `target` under log-probabilities `input`:
    -weight[t] * input[n, t] per sample.

    input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...) of int64 (or uint8)
    class indices; weight (C,) or None. Samples whose target is ignore_index give 0 and leave
    the mean, which divides by the sum of the kept samples' weights (NaN if none is kept).
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(nll_loss, locals())
    reduction = _reduction(reduction, size_average, reduce)
    _check_logits("nll_loss", input)
    target = _class_indices("nll_loss", target)
    target = _check_index_shapes("nll_loss", input, target)
    _check_class_weight("nll_loss", weight, input)
    if input.ndim <= 2:
        return _ops.nll_loss(input, target, weight, reduction, ignore_index)
    if input.ndim == 4:
        return _ops.nll_loss2d(input, target, weight, reduction, ignore_index)
    # other ranks go through the 2-d op on (N, C, 1, rest), as in PyTorch
    n, c = input.shape[:2]
    rest = math.prod(input.shape[2:])
    out = _ops.nll_loss2d(input.reshape(n, c, 1, rest), target.reshape(n, 1, rest), weight, reduction,
                          ignore_index)
    return out.reshape(target.shape) if reduction == "none" else out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits `input` and `target`: class indices, or class probabilities
    when target has input's shape.

    input (C,), (N, C) or (N, C, d1, ...), classes along dim 1 (dim 0 for 1-D input). Options as
    nll_loss; label_smoothing eps mixes the uniform distribution into the target:
    (1 - eps) * nll + eps / C * sum_c(-weight[c] * log_softmax_c). Composed as PyTorch composes
    it (log_softmax, nll_loss), so the graph and its hooks are PyTorch's.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(cross_entropy, locals())
    reduction = _reduction(reduction, size_average, reduce)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    eps = float(label_smoothing) if label_smoothing > 0 else 0.0  # PyTorch ignores a negative one
    _check_logits("cross_entropy", input)
    if input.shape == target.shape:
        return _cross_entropy_probabilities(input, target, weight, ignore_index, reduction, eps)
    target = _class_indices("cross_entropy", target)
    target = _check_index_shapes("cross_entropy", input, target)
    _check_class_weight("cross_entropy", weight, input)
    class_dim = 0 if input.ndim == 1 else 1
    logp = input.log_softmax(class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if not eps:
        return nll
    kept = target != ignore_index
    weighted = logp if weight is None else logp * _along(weight, class_dim, input.ndim)
    smooth = (-weighted.sum(class_dim)).masked_fill(~kept, 0.0)
    if reduction == "mean":
        kept_weight = kept.sum() if weight is None else (weight[target.masked_fill(~kept, 0)] * kept).sum()
        smooth = smooth.sum() / kept_weight
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - eps) * nll + smooth * (eps / input.shape[class_dim])


def _along(weight, dim, ndim):
    """A (C,) weight shaped to broadcast along dimension `dim` of an ndim-d tensor."""
    return weight.reshape([weight.shape[0] if d == dim else 1 for d in range(ndim)])


def _cross_entropy_probabilities(input, target, weight, ignore_index, reduction, eps):
    """Cross-entropy against class probabilities; the mean divides by the number of
    samples (elements over classes), whatever the weights."""
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"cross_entropy: Expected floating point type for target with class probabilities, "
                           f"got {target.dtype} (class indices need a target without the class dimension)")
    if ignore_index >= 0:
        raise RuntimeError("cross_entropy: ignore_index is not supported for floating point target")
    class_dim = 0 if input.ndim == 1 else 1
    classes = input.shape[class_dim]
    logp = input.log_softmax(class_dim)
    if eps:
        target = target * (1 - eps) + eps / classes
    terms = logp * target
    if weight is not None:
        terms = terms * _along(weight, class_dim, input.ndim)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    samples = input.numel() // classes if classes else 0
    # PyTorch divides in C++ through div.Scalar (DivBackward1).
    return _pointwise.div_scalar(-terms.sum(), samples) if samples else -terms.sum() * math.nan


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of probabilities `input` against `target` (same shape and dtype):
    -weight * (t log(x) + (1 - t) log(1 - x)), each log clamped at -100 as in PyTorch.
    weight broadcasts to input's shape."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(binary_cross_entropy, locals())
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if not input.dtype.is_floating_point or target.dtype is not input.dtype:
        raise RuntimeError(f"binary_cross_entropy: Found dtype {target.dtype} but expected {input.dtype} "
                           f"(input and target need one floating dtype)")
    weight = _broadcast_weight("binary_cross_entropy", "weight", weight, input.shape, input.dtype)
    return _ops.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy from logits, in the stable form (sigmoid and log fused):
    weight * ((1 - t) x - (1 + (pos_weight - 1) t) logsigmoid(x)).

    pos_weight (e.g. one per class, (C,)) weighs the positive term and broadcasts along the
    last dimension; weight broadcasts to input's shape. The result has target's dtype.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(binary_cross_entropy_with_logits, locals())
    op = "binary_cross_entropy_with_logits"
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output type "
                           f"{target.dtype} (the target must be floating-point: use target.float())")
    input, target = _float_operands(op, input, target, target.dtype)
    weight = _broadcast_weight(op, "weight", weight, input.shape, input.dtype)
    pos_weight = _broadcast_weight(op, "pos_weight", pos_weight, input.shape, input.dtype)
    return _ops.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of `target` from the log-probabilities `input`:
    target * (log(target) - input), or exp(target) * (target - input) with log_target.

    reduction "batchmean" (sum over everything, divided by the batch size) is the true KL
    divergence; "mean" divides by the number of elements, with PyTorch's warning.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(kl_div, locals())
    if size_average is not None or reduce is not None:
        red = legacy_reduction(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math "
                          "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                          "major release.", UserWarning, stacklevel=2)
        red = "sum" if reduction == "batchmean" else _reduction(reduction)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError(f"kl_div: Integral inputs not supported (input {input.dtype}, target {target.dtype}).")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # target * log(target) is 0 where target is 0 (xlogy)
        loss = (target * target.log()).masked_fill(target == 0, 0.0) - target * input
    out = _reduce(loss, red)
    if reduction == "batchmean" and input.ndim != 0:
        out = out / input.shape[0]
    return out

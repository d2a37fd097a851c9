"""F.margin_ranking_loss, hinge_embedding_loss, multilabel_soft_margin_loss, poisson_nll_loss,
pairwise_distance, triplet_margin_loss, soft_margin_loss, multi_margin_loss, multilabel_margin_loss
and triplet_margin_with_distance_loss, composed from ops as PyTorch composes them (its ATen composites or its Python), so values,
gradients and the graph's nodes match (pairwise_distance's norm node is
LinalgVectorNormBackward0 here, NormBackward1 in PyTorch: the same derivative). soft_margin_loss,
multi_margin_loss and multilabel_margin_loss are native kernels in PyTorch, and primitive ops here
(ops/loss.py: SoftMarginLossBackward0, MultiMarginLossBackward0, MultilabelMarginLossBackward0);
the functions below check their arguments as PyTorch does."""
import math

from .. import _creation, _dtype
from ..graph import grad_mode
from ..ops import loss as _ops
from ..ops.pointwise import minimum, where
from ..ops.reduction import vector_norm
from ._activation import logsigmoid
from ._losses import _reduce, _reduction, scalar_type_name


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): target 1 ranks input1 higher, -1 input2."""
    reduction = _reduction(reduction, size_average, reduce)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """input where target is 1, max(0, margin - input) where target is -1 (both elsewhere)."""
    reduction = _reduction(reduction, size_average, reduce)
    zeros = _creation.zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    output = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _reduce(output, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of each class's logit against the 0/1 target, averaged over classes."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(dim=class_dim) / input.shape[class_dim]  # one value per sample
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """The negative log-likelihood of target under Poisson(rate): rate = exp(input) when log_input
    (then exp(input) - target * input), else input - target * log(input + eps); `full` adds the
    Stirling term where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps over the last dimension (PyTorch adds eps before the norm)."""
    return vector_norm(x1 - x2 + eps, p, max(x1.ndim, x2.ndim) - 1, keepdim)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise distance; with
    `swap` the negative's distance is the smaller of d(anchor, negative) and d(positive, negative)."""
    reduction = _reduction(reduction, size_average, reduce)
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not a == pos == neg:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)): the two-class logistic loss for targets of 1 or -1."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    # PyTorch writes the elementwise loss into an output of the input's shape and dtype: the target
    # broadcasts to the input, an integral input cannot hold the (floating) loss
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{scalar_type_name(input.dtype)}")
    if target.shape != input.shape:
        shape = _broadcast_shape(input, target)
        if shape != tuple(input.shape):
            raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
        target = target.broadcast_to(shape)
    return _ops.soft_margin_loss(input, target.to(input.dtype), reduction)


def _broadcast_shape(a, b):
    """The broadcast shape of two tensors, or PyTorch's error naming the first mismatched dim."""
    nd = max(a.ndim, b.ndim)
    sa, sb = (1,) * (nd - a.ndim) + tuple(a.shape), (1,) * (nd - b.ndim) + tuple(b.shape)
    for d in range(nd - 1, -1, -1):
        if sa[d] != sb[d] and 1 not in (sa[d], sb[d]):
            raise RuntimeError(f"The size of tensor a ({sa[d]}) must match the size of tensor b ({sb[d]}) at "
                               f"non-singleton dimension {d}")
    return tuple(max(x, y) if 0 not in (x, y) else 0 for x, y in zip(sa, sb))


def _class_targets(input, target, op):
    """The sample count N and class count C of a vector-or-matrix input, with its int64 target,
    checked as PyTorch's margin kernels check them."""
    if input.ndim > 2 or input.numel() == 0 and input.ndim != 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(target.dtype)} "
                           f"({op}'s target: int64 class indices)")
    if not input.dtype.is_floating_point or input.dtype in (_dtype.float16, _dtype.bfloat16):
        # PyTorch's CPU kernels take float32 and float64 only
        kernel = "multilabel_margin_loss_forward_out_frame" if op == "multilabel_margin_loss" else op + "_cpu_kernel"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(input.dtype)}' "
                                  f"(the input must be float32 or float64)")
    dim = input.shape[-1] if input.ndim else 1
    nframe = input.shape[0] if input.ndim == 2 else 1
    return nframe, dim


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Per sample, sum over the classes i other than the target y of max(0, margin - x[y] + x[i])**p,
    times weight[y], divided by the number of classes (p is 1 or 2)."""
    reduction = _reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    nframe, dim = _class_targets(input, target, "multi_margin_loss")
    if target.numel() != nframe or (input.ndim == 2 and target.ndim != 1) or target.ndim > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{nframe}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    labels = target.detach().numpy().reshape(nframe)
    if labels.size and (labels.min() < 0 or labels.max() >= dim):
        raise RuntimeError("target out of range")
    if weight is not None and weight.numel() != dim:
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    if weight is not None and weight.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("The function 'multi_margin_loss' is not differentiable with respect to argument "
                           "'weight'. This input cannot have requires_grad True.")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(weight.dtype)}")
    return _ops.multi_margin_loss(input, target, p, float(margin), weight, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Per sample, sum over its target classes j (the target's leading non-negative entries, ended by
    -1) and its other classes i of max(0, 1 - (x[j] - x[i])), divided by the number of classes."""
    reduction = _reduction(reduction, size_average, reduce)
    nframe, dim = _class_targets(input, target, "multilabel_margin_loss")
    if target.shape != input.shape and not (input.ndim <= 1 and target.numel() == dim and target.ndim <= 1):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    labels = target.detach().numpy().reshape(nframe, dim)
    if labels.size and (labels.min() < -1 or labels.max() >= dim):
        raise RuntimeError("argument #2 'target' is out of range")
    return _ops.multilabel_margin_loss(input, target, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with any distance function d
    (pairwise_distance by default); `swap` uses min(d(anchor, negative), d(positive, negative))."""
    reduction = _reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not a == pos == neg:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance(positive, negative))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)

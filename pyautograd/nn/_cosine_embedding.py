"""F.cosine_embedding_loss, composed from ops as PyTorch composes it (so gradients match)."""
from .. import _creation
from ..ops.pointwise import where
from ._losses import _reduce, _reduction

_EPSILON = 1e-12  # added to both squared norms, as PyTorch does


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where target is -1 (0 elsewhere).

    Rows of 2-D inputs are compared against a 1-D target, or two 1-D inputs against a 0-D target;
    cos uses sqrt((|x1|^2 + 1e-12) * (|x2|^2 + 1e-12)) as denominator.
    """
    reduction = _reduction(reduction, size_average, reduce)
    tdim = target.ndim
    if tdim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if tdim == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if tdim == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    prod = (input1 * input2).sum(tdim)
    sq1 = (input1 * input1).sum(tdim) + _EPSILON
    sq2 = (input2 * input2).sum(tdim) + _EPSILON
    cos = prod / (sq1 * sq2).sqrt()
    zeros = _creation.zeros_like(cos)
    loss = where(target == 1, 1 - cos, zeros) + where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduce(loss, reduction)

"""F.ctc_loss: the connectionist temporal classification loss, composed as PyTorch composes it
(aten's ctc_loss): the per-sample negative log-likelihood from the primitive _ctc_loss
(CtcLossBackward0, an alpha-beta kernel), then zero_infinity's where and the reduction ('mean'
divides each sample's loss by its target length, at least 1, then averages)."""
import numpy as np

from .. import _creation, _dtype
from .._tensor import Tensor
from ..ops import loss as _ops
from ..ops.pointwise import where
from ._losses import _reduction, scalar_type_name


def _lengths(lengths, name, batch):
    """Lengths given as a tensor (integral) or a sequence of ints, as a tuple of ints."""
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype is _dtype.bool:
            raise RuntimeError(f"{name} must be integral")
        values = tuple(int(v) for v in lengths.detach().numpy().reshape(-1))
    else:
        values = tuple(int(v) for v in lengths)
    if len(values) != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return values


def _padded_targets(targets, target_lengths, batch):
    """The targets as a padded (N, max target length) int64 array, from (N, S) padded or 1-D
    concatenated targets, checked as PyTorch checks them."""
    data = np.asarray(targets.detach().numpy()).astype(np.int64)
    longest = max(target_lengths, default=0)
    padded = np.zeros((batch, longest), dtype=np.int64)
    if data.ndim == 1 and batch >= 1 and targets.ndim == 1:
        total = sum(target_lengths)
        if data.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {data.shape[0]} "
                               f"for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
        offsets = np.concatenate([[0], np.cumsum(target_lengths)])
        for n, length in enumerate(target_lengths):
            padded[n, :length] = data[offsets[n]:offsets[n] + length]
        return padded
    if data.shape[1] < longest:
        raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                           f"{data.shape[1]} for argument #2 'targets' (while checking arguments for "
                           f"ctc_loss_allocate_outputs)")
    return data[:, :longest].copy()


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The connectionist temporal classification loss.

    log_probs (T, N, C) (or (T, C) unbatched): per-frame log-probabilities (log_softmax over C);
    targets (N, S) padded or 1-D concatenated, of class indices other than `blank`;
    input_lengths, target_lengths: (N,) tensors of integers or sequences of ints. The loss of a
    sample is -log of the total probability of every alignment of its target to its frames;
    it is inf when none exists (zero_infinity=True makes it 0, with a 0 gradient). 'mean'
    divides each sample's loss by its target length, then averages; 'sum' adds them.
    """
    reduction = _reduction(reduction)
    if not log_probs.dtype.is_floating_point:
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for \'{scalar_type_name(log_probs.dtype)}\' '
                                  f"(log_probs must be floating point)")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    if log_probs.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got {list(log_probs.shape)}")
    frames, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    in_lengths = _lengths(input_lengths, "input_lengths", batch)
    tg_lengths = _lengths(target_lengths, "target_lengths", batch)
    for length in in_lengths:
        if length > frames:
            raise RuntimeError(f"Expected input_lengths to have value at most {frames}, but got value {length} "
                               f"(while checking arguments for ctc_loss_allocate_outputs)")
        if length < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {length} "
                               f"(while checking arguments for ctc_loss_allocate_outputs)")
    padded = _creation.tensor(_padded_targets(targets, tg_lengths, batch))
    res = _ops.ctc_loss(log_probs, padded, in_lengths, tg_lengths, blank, bool(zero_infinity))
    if zero_infinity:
        res = where(res == float("inf"), _creation.zeros((), dtype=res.dtype), res)
    if reduction == "mean":
        divisor = _creation.tensor(tg_lengths, dtype=res.dtype).clamp_min(1)
        return (res / divisor).mean()
    if reduction == "sum":
        return res.sum()
    return res.squeeze(0) if unbatched else res

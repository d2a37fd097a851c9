"""nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows, without forming
the per-bag lists (a lookup of every index, then one index_add into the bags, as a composite)."""
import numpy as np

from .. import _creation
from .._tensor import Tensor
from ..ops import reduction, shape
from ..ops.indexing import index_add
from ._sparse import embedding, padding_index

_MODES = ("sum", "mean", "max")


def _bags(input, offsets, include_last_offset):
    """(flat indices array, bag id of each index, number of bags), checking the layout."""
    idx = input.numpy() if isinstance(input, Tensor) else np.asarray(input)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences. However, found offsets of type Tensor")
        bags, length = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(bags), length), bags
    if idx.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    off = (offsets.numpy() if isinstance(offsets, Tensor) else np.asarray(offsets)).astype(np.int64)
    if off.ndim != 1:
        raise ValueError(f"offsets has to be a 1D Tensor, got shape {list(off.shape)}")
    if off.size and (off[0] != 0 or np.any(np.diff(off) < 0) or off[-1] > idx.size):
        raise RuntimeError(f"embedding_bag: offsets must start at 0, not decrease and stay within the {idx.size} "
                           f"indices, got {off.tolist()}")
    ends = off[1:] if include_last_offset else np.append(off[1:], idx.size)
    starts = off[:-1] if include_last_offset else off
    bag_of = np.zeros(idx.size, np.int64)
    for b, (s, e) in enumerate(zip(starts, ends)):
        bag_of[s:e] = b
    return idx, bag_of, len(starts)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sum, mean or max of each bag of embedding rows, as torch.nn.functional.embedding_bag.

    input 2-D (B, N): each row is a bag; input 1-D with offsets: bag b is input[offsets[b]:
    offsets[b + 1]]. per_sample_weights (mode "sum" only) scales each row; indices equal to
    padding_idx are left out (and do not count in the mean). An empty bag gives zeros."""
    if mode not in _MODES:
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    flat, bag_of, bags = _bags(input, offsets, include_last_offset)
    padding_idx = padding_index(padding_idx, weight.shape[0])
    keep = np.ones(flat.size, bool) if padding_idx is None else flat != padding_idx
    flat_t = _creation.tensor(flat[keep])
    rows = embedding(flat_t, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        if tuple(per_sample_weights.shape) != (flat.size,):
            raise ValueError(f"embedding_bag: per_sample_weights of shape {list(per_sample_weights.shape)} must match "
                             f"the {flat.size} indices")
        rows = rows * per_sample_weights.reshape(-1)[_creation.tensor(np.flatnonzero(keep))].unsqueeze(1)
    bag_ids = bag_of[keep]
    dim = weight.shape[1]
    if mode == "max":
        out = [reduction.amax(rows[_creation.tensor(np.flatnonzero(bag_ids == b))], 0)
               if np.any(bag_ids == b) else _creation.zeros(dim, dtype=weight.dtype) for b in range(bags)]
        return shape.stack(out) if out else _creation.zeros((0, dim), dtype=weight.dtype)
    out = index_add(_creation.zeros((bags, dim), dtype=weight.dtype), 0, _creation.tensor(bag_ids), rows)
    if mode == "mean":
        counts = np.maximum(np.bincount(bag_ids, minlength=bags), 1).astype(out.detach().numpy().dtype)
        out = out / _creation.tensor(counts).unsqueeze(1)
    return out

"""nn.functional.embedding (a lookup of rows, with padding_idx and max_norm) and one_hot."""
import numpy as np

from .. import _creation
from .._tensor import Tensor
from ..graph.grad_mode import no_grad
from ..ops import pointwise, reduction
from ..ops.indexing import one_hot  # noqa: F401  (nn.functional.one_hot is torch.one_hot)
from ..ops.nn_layers import embedding as _embedding


def padding_index(padding_idx, num_embeddings):
    """padding_idx as a non-negative row number (negative counts from the end), checked."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num_embeddings if padding_idx < 0 else padding_idx


def _renorm_(weight, rows, max_norm, norm_type):
    """Rescales in place, without recording, the `rows` of `weight` whose norm exceeds max_norm
    to norm max_norm (with PyTorch's 1e-7 guard)."""
    with no_grad():
        index = Tensor._wrap(rows)
        selected = weight[index]
        norms = reduction.vector_norm(selected, norm_type, 1, True)
        scale = pointwise.where(norms > max_norm, max_norm / (norms + 1e-7), _creation.ones((), dtype=weight.dtype))
        weight[index] = selected * scale


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows of `weight` (num_embeddings, embedding_dim) at the integer `input`: output shape
    input.shape + (embedding_dim,). The row at padding_idx gets no gradient; with max_norm, the
    referenced rows of norm above it are first rescaled to it, in place; scale_grad_by_freq
    divides each row's gradient by its count in the batch. sparse=True is accepted and gives a
    dense gradient (there are no sparse tensors here)."""
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.dtype} instead (while checking arguments for "
                           f"embedding)")
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D (num_embeddings, embedding_dim), got shape {list(weight.shape)}")
    num = weight.shape[0]
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = idx[(idx < 0) | (idx >= num)].reshape(-1)[0]
        raise IndexError(f"index out of range in self (embedding: index {bad} with {num} embeddings)")
    padding_idx = padding_index(padding_idx, num)
    if max_norm is not None:
        _renorm_(weight, np.unique(idx.reshape(-1)), max_norm, norm_type)
    return _embedding(weight, input, padding_idx, bool(scale_grad_by_freq))

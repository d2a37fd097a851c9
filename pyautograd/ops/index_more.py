"""index_copy and index_fill: slices along one dim replaced (by a source's slices, or a value),
primitives with PyTorch's nodes (IndexCopyBackward0, IndexFillBackward0)."""
from .. import _creation, kernels
from . import indexing
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import declare


def _fill_zero(grad, dim, index):
    return _index_fill(grad, dim, index, 0.0)


_index_fill = defop("index_fill", "input, dim, index, value", kernels.index_fill, promote=None,
                    grads={"input": _fill_zero})
_index_copy = defop("index_copy", "input, dim, index, source", kernels.index_copy, promote=None,
                    tensors=("input", "source"),
                    grads={"input": _fill_zero,
                           "source": lambda grad, dim, index: _select(grad, dim, index)})


def _select(grad, dim, index):
    if grad.ndim == 0:
        return grad
    return indexing.index_select(grad, dim, _creation.tensor(index))


def _checked(op, input, dim, index):
    d = wrap_dim(dim, input.ndim, op)
    idx = indexing._index_arg(op, index)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector (got shape {list(idx.shape)})")
    size = input.shape[d] if input.ndim else 1
    indexing._check_index_values(op, idx.reshape(-1), size, d)
    return d, idx.reshape(-1)


def index_copy(input, dim, index, source):
    """`input` with its slices at `index` along `dim` replaced by the slices of `source`, in order."""
    d, idx = _checked("index_copy", input, dim, index)
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{input.dtype} and (source) {source.dtype}")
    expected = list(input.shape)
    if expected:
        expected[d] = idx.shape[0]
    if list(source.shape) != expected:
        raise IndexError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                         f"slice shape: {expected} at dimension {d} and source slice shape: {list(source.shape)}")
    return _index_copy(input, d, idx, source)


def index_fill(input, dim, index, value):
    """`input` with its slices at `index` along `dim` set to the number `value`."""
    d, idx = _checked("index_fill", input, dim, index)
    if hasattr(value, "item"):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.item()
    return _index_fill(input, d, idx, value)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
declare("index_copy", index_copy, method=True, inplace=True, out="cast")
declare("index_fill", index_fill, method=True, inplace=True)

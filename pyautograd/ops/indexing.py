"""Indexing ops: tensor[key] (basic and advanced), narrow, select.

Basic indexing (ints, slices, None, Ellipsis) is a view; advanced indexing
(integer tensors or lists, boolean masks) copies. Both have the same
gradient: zeros of the input's shape with the incoming gradient added at
``key`` -- added, so an index repeated in an advanced key accumulates.
That backward is itself an op (``index_backward``), whose gradient is
indexing again, so double backward works.
"""
import numbers

import numpy as np

from .. import kernels
from ._opdef import defop

index_backward = defop(
    "index_backward", "grad_output, shape, key",
    lambda grad_output, shape, key: kernels.index_add_zeros(shape, key, grad_output, grad_output.dtype),
    promote=None, grads={"grad_output": lambda grad, key: _index_any(grad, key)})

_index_view = defop("_index_view", "input, key", kernels.getitem, view=True, promote=None,
                    node_name="SliceBackward0",
                    grads={"input": lambda grad, input_shapes, key: index_backward(grad, input_shapes[0], key)})

_index_copy = defop("_index_copy", "input, key", kernels.getitem, promote=None, node_name="IndexBackward0",
                    grads={"input": lambda grad, input_shapes, key: index_backward(grad, input_shapes[0], key)})


index_put = defop(
    "index_put", "input, key, values, accumulate=False", kernels.index_put, promote=None,
    tensors=("values",),
    grads={"input": lambda grad, key, accumulate: grad if accumulate else index_put(grad, key, 0.0),
           "values": lambda grad, key: _index_any(grad, key)})


_index_add = defop(
    "_index_add", "input, dim, index, source, alpha", kernels.index_add, promote=None,
    tensors=("source",), node_name="IndexAddBackward0",
    grads={"input": lambda grad: grad,
           "source": lambda grad, dim, index, alpha: _index_any(grad, (slice(None),) * dim + (index,)) * alpha})


def index_add(input, dim, index, source, *, alpha=1):
    """input with alpha * source added along `dim` at the positions in `index` (repeats add up)."""
    from ._dims import wrap_dim
    dim = wrap_dim(dim, input.ndim, "index_add")
    idx = normalize_key(index)
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise IndexError("index_add(): index must be a 1-D integer tensor")
    size = input._data.shape[dim]
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError(f"index_add(): index out of range for dimension {dim} with size {size}")
    return _index_add(input, dim, idx, source, alpha)


def index_put_op(input, indices, values, accumulate=False):
    """torch.index_put: input with input[indices] = values (or += with accumulate)."""
    key = normalize_key(tuple(indices))
    _check_bounds(input, key)
    return index_put(input, key, values, accumulate)


def setitem(input, key, value):
    """input[key] = value, in place, with gradients for input's history and for value."""
    from ._inplace import apply_inplace
    key = normalize_key(key)
    _check_bounds(input, key)
    apply_inplace(input, "__setitem__", index_put, (key, value), {})


def _is_basic(key):
    parts = key if isinstance(key, tuple) else (key,)
    return all(p is None or p is Ellipsis or isinstance(p, (numbers.Integral, slice)) for p in parts)


def _index_any(x, key):
    return _index_view(x, key) if _is_basic(key) else _index_copy(x, key)


def normalize_key(key):
    """A NumPy index from a PyTorch one: tensors become arrays, bools stay masks."""
    from .._tensor import Tensor
    if isinstance(key, tuple):
        return tuple(normalize_key(k) for k in key)
    if isinstance(key, Tensor):
        arr = key._data
        if arr.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr
    if isinstance(key, list):
        arr = np.asarray(key)
        if arr.dtype.kind not in "biu":
            raise IndexError("lists used as indices must hold integers or bools")
        return arr
    if isinstance(key, bool):
        return key
    if isinstance(key, numbers.Integral):
        return int(key)
    return key


def getitem(input, key):
    """input[key] with PyTorch's semantics (a view for basic indexing)."""
    key = normalize_key(key)
    _check_bounds(input, key)
    return _index_any(input, key)


def _check_bounds(input, key):
    parts = key if isinstance(key, tuple) else (key,)
    dim = 0
    shape = input._data.shape
    for p in parts:
        if p is None:
            continue
        if p is Ellipsis:
            dim = len(shape) - sum(1 for q in parts[parts.index(p) + 1:] if q is not None)
            continue
        if isinstance(p, int):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            if not -shape[dim] <= p < shape[dim]:
                raise IndexError(f"index {p} is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += p.ndim if isinstance(p, np.ndarray) and p.dtype == np.bool_ else 1


def narrow(input, dim, start, length):
    """The slice [start, start + length) of `dim`, as a view."""
    from ._dims import wrap_dim
    dim = wrap_dim(dim, input.ndim, "narrow")
    size = input._data.shape[dim]
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise IndexError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    key = (slice(None),) * dim + (slice(start, start + length),)
    return _index_view(input, key)


def select(input, dim, index):
    """The sub-tensor at `index` of `dim` (that dim removed), as a view."""
    from ._dims import wrap_dim
    dim = wrap_dim(dim, input.ndim, "select")
    size = input._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {dim}")
    return _index_view(input, (slice(None),) * dim + (int(index),))

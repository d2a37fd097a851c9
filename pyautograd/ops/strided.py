"""torch.as_strided / Tensor.as_strided and Tensor.storage_offset (issue 12).

A tensor's storage here is the memory block its NumPy array lives in: the exact bytes of the
allocation when the kernels' allocator made it (kernels.array_storage), else the array owning
the memory (or viewing a foreign buffer). as_strided makes a view over those bytes with the
given sizes, strides and storage offset (in elements, from the storage's start), after
PyTorch's bounds check, so it never reads outside the storage: a view past its end raises
PyTorch's "setStorage: ... out of bounds for storage of size M" (sizes in bytes).

The backward is PyTorch's AsStridedBackward0: the gradient of each output element is added
at the storage position it reads, and each input element takes the sum at its own position
(divided by how many input elements share that position, when the input's geometry overlaps,
as an expanded tensor's does); positions the input does not cover get nothing.

Differences: ``from_numpy`` of a slice shares the sliced array's whole memory block here, so its
storage offset is the slice's (PyTorch starts a new storage at the slice); a view with no
elements is not placed in the storage (its storage_offset() is 0, PyTorch keeps the offset given).
In-place writes into a view whose elements share memory through a zero stride raise PyTorch's
error; other overlapping geometries are written as NumPy writes them (PyTorch's result there
depends on its kernel's order).
"""
import numbers

import numpy as np

from .. import kernels
from .._creation import zeros
from .._tensor import Tensor
from ._opdef import defop
from ._surface import public


def _storage(arr, op):
    where = kernels.array_storage(arr)
    if where is None:
        raise RuntimeError(f"{op}: the tensor's memory (shape {list(arr.shape)}, strides "
                           f"{[s // arr.itemsize for s in arr.strides]}) is not one contiguous block, so it has "
                           f"no storage to index (an array given to from_numpy with gaps). Fix: t = t.contiguous().")
    root, offset = where
    if offset % arr.itemsize:
        raise RuntimeError(f"{op}: the tensor starts {offset} bytes into its storage, not a whole number of "
                           f"{arr.itemsize}-byte elements")
    return root, offset // arr.itemsize


def storage_offset(self):
    """The offset of this tensor's first element in its storage, in elements."""
    return _storage(self._data, "storage_offset")[1]


def _positions(shape, strides, offset):
    """int64 array of `shape`: the storage position (in elements) of each element."""
    pos = np.full(shape, offset, np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        pos += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


def _as_strided_values(input, size, stride, storage_offset, geometry):
    root, _ = kernels.array_storage(input)
    item = input.itemsize
    if 0 in size:
        # no element is read: an empty array at the storage's start (the offset may lie past its end)
        return np.ndarray(size, input.dtype, buffer=np.empty(0, input.dtype), strides=tuple(s * item for s in stride))
    raw = root.reshape(-1, order="A").view(np.uint8)  # a view: the storage is one contiguous block
    out = np.ndarray(size, input.dtype, buffer=raw, offset=storage_offset * item,
                     strides=tuple(s * item for s in stride))
    if not input.flags.writeable or any(s == 0 and n > 1 for n, s in zip(size, stride)):
        # elements sharing one location (a zero stride): read-only, so an in-place write raises
        # PyTorch's "more than one element of the written-to tensor refers to a single memory location"
        out.flags.writeable = False
    return out


def _as_strided_grad(grad, geometry):
    in_pos, out_pos, lo, span, overlaps = geometry
    flat = zeros(span, dtype=grad.dtype).index_add(0, Tensor._wrap(out_pos.reshape(-1) - lo), grad.reshape(-1))
    index = Tensor._wrap(in_pos.reshape(-1) - lo)
    g = flat.index_select(0, index)
    if overlaps:
        counts = np.bincount(in_pos.reshape(-1) - lo, minlength=span)[in_pos.reshape(-1) - lo]
        g = g / Tensor._wrap(counts.astype(grad._data.dtype))
    return g.reshape(in_pos.shape)


_as_strided = defop("as_strided", "input, size, stride, storage_offset, geometry", _as_strided_values,
                    view=True, promote=None, grads={"input": _as_strided_grad})


def _int_list(value, name, position):
    if isinstance(value, Tensor) or isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"as_strided(): argument '{name}' (position {position}) must be tuple of ints, not "
                        f"{type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
            raise TypeError(f"as_strided(): argument '{name}' (position {position}) must be tuple of ints, but "
                            f"found element of type {type(v).__name__} at pos {i}")
        out.append(int(v))
    return tuple(out)


@public(method=True)
def as_strided(input, size, stride, storage_offset=None):
    """A view of `input`'s storage with the given sizes, strides and storage offset (in elements;
    the input's own offset when None), as torch.as_strided: bounds-checked against the storage,
    strides non-negative. Node AsStridedBackward0."""
    size, stride = _int_list(size, "size", 1), _int_list(stride, "stride", 2)
    if storage_offset is not None and (isinstance(storage_offset, bool)
                                       or not isinstance(storage_offset, (numbers.Integral, np.integer))):
        raise TypeError(f"as_strided(): argument 'storage_offset' (position 3) must be int, not "
                        f"{type(storage_offset).__name__}")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    arr = input._data
    root, own_offset = _storage(arr, "as_strided")
    offset = own_offset if storage_offset is None else int(storage_offset)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    item = arr.itemsize
    if 0 not in size:
        needed = item * (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)))
        if needed > root.nbytes:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                               f"and itemsize {item} requiring a storage size of {needed} are out of bounds for "
                               f"storage of size {root.nbytes}")
    geometry = None
    if input._rg:
        in_pos = _positions(arr.shape, tuple(s // item for s in arr.strides), own_offset)
        out_pos = _positions(size, stride, offset)
        both = [p for p in (in_pos, out_pos) if p.size]
        lo = min(int(p.min()) for p in both) if both else 0
        hi = max(int(p.max()) for p in both) if both else -1
        overlaps = in_pos.size > 0 and np.unique(in_pos).size != in_pos.size
        geometry = (in_pos, out_pos, lo, hi - lo + 1, overlaps)
    return _as_strided(input, size, stride, offset, geometry)

"""Index kernels: index_copy and index_fill along one dim; take and put on the flattened tensor;
fill with a broadcast value (NumPy only: memory moves)."""
import numpy as np
from .indexing import real_into

__all__ = ["index_copy", "index_fill", "take", "put", "fill"]


def _key(ndim, dim, index):
    key = [slice(None)] * ndim
    key[dim] = index
    return tuple(key)


def index_copy(x, dim, index, source):
    """A copy of x whose slices at `index` along `dim` are replaced by source's slices, in order."""
    out = x.copy()
    if x.ndim == 0:
        out[...] = source
        return out
    out[_key(x.ndim, dim, index)] = source
    return out


def index_fill(x, dim, index, value):
    """A copy of x whose slices at `index` along `dim` are set to `value`."""
    out = x.copy()
    if x.ndim == 0:
        out[...] = value
        return out
    out[_key(x.ndim, dim, index)] = value
    return out


def take(x, index):
    """The elements of x, read as a 1-D array, at `index` (int64, in range, negatives from the end),
    in index's shape."""
    return x.reshape(-1)[index]


def put(x, index, source, accumulate):
    """A copy of x, read as a 1-D array, with source's elements written (or added, repeats adding
    up, with `accumulate`) at `index`."""
    real_into(x, source)
    out = np.array(x, copy=True)
    flat = out.reshape(-1)  # a view of the fresh copy
    if accumulate:
        np.add.at(flat, index.reshape(-1), source.reshape(-1))
    else:
        flat[index.reshape(-1)] = source.reshape(-1)
    return out


def fill(x, value):
    """A new array of x's shape and dtype holding the number (or 0-d array) `value`."""
    return np.full(x.shape, value, x.dtype)

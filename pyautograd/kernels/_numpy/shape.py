"""Shape and copy kernels: views and rearrangements of arrays (NumPy only).

These move no arithmetic, so there is nothing for C to win: they are NumPy
views where NumPy can make one (reshape, broadcast, transpose, basic
indexing) and copies otherwise. ``view`` never copies: it raises instead.
"""
import numpy as np

__all__ = ["view", "reshape", "expand", "permute", "squeeze", "unsqueeze", "flip", "roll",
           "concatenate", "stack", "getitem", "copy", "contiguous", "astype", "tile", "diagonal",
           "index_add_zeros", "split", "index_put", "broadcast_copy", "index_add"]


def view(x, shape):
    """A view of `x` with `shape`; RuntimeError if the strides do not allow one."""
    v = x.view()
    try:
        v.shape = shape
    except AttributeError:
        raise RuntimeError(
            f"view size is not compatible with input tensor's size and stride (at least one dimension "
            f"spans across two contiguous subspaces); shape {list(x.shape)} -> {list(shape)}. "
            f"Use .reshape(...) instead.") from None
    return v


def reshape(x, shape):
    """`x` with `shape`: a view when the strides allow, else a copy."""
    return x.reshape(shape)


def expand(x, shape):
    """A read-only broadcast view of `x` with `shape`."""
    return np.broadcast_to(x, shape)


def permute(x, dims):
    """A view of `x` with its axes reordered."""
    return x.transpose(dims)


def squeeze(x, axes):
    """A view of `x` without the size-1 `axes`."""
    return x.squeeze(axes) if axes else x.view()


def unsqueeze(x, axis):
    """A view of `x` with a size-1 axis inserted at `axis`."""
    return np.expand_dims(x, axis)


def flip(x, axes):
    """A copy of `x` reversed along `axes`."""
    return np.ascontiguousarray(np.flip(x, axes))


def roll(x, shifts, axes):
    """`x` rolled by `shifts` along `axes` (flattened when axes is None)."""
    return np.roll(x, shifts, axes)


def concatenate(arrays, axis):
    """The arrays joined along an existing axis."""
    return np.concatenate(arrays, axis)


def stack(arrays, axis):
    """The arrays joined along a new axis."""
    return np.stack(arrays, axis)


def split(x, sizes, axis):
    """Views of `x` cut along `axis` into pieces of the given sizes."""
    bounds = np.cumsum(sizes)[:-1]
    return tuple(np.split(x, bounds, axis))


def getitem(x, key):
    """x[key] (a view for basic indexing, a copy for advanced indexing)."""
    return x[key]


def index_add_zeros(shape, key, values, dtype):
    """Zeros of `shape` with `values` added at x[key]; repeated indices accumulate."""
    out = np.zeros(shape, dtype)
    if _is_basic(key):
        out[key] += values
    else:
        np.add.at(out, key, values)
    return out


def _is_basic(key):
    parts = key if isinstance(key, tuple) else (key,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


def copy(x):
    """A C-contiguous copy of `x`."""
    return np.array(x, copy=True, order="C")


def contiguous(x):
    """`x` itself if C-contiguous, else a contiguous copy."""
    return np.ascontiguousarray(x)


def astype(x, dtype):
    """A copy of `x` converted to `dtype`."""
    return x.astype(dtype)


def tile(x, reps):
    """`x` repeated `reps` times along each axis."""
    return np.tile(x, reps)


def diagonal(x, offset, axis1, axis2):
    """A read-only view of the diagonal."""
    return np.diagonal(x, offset, axis1, axis2)


def index_put(x, key, values, accumulate):
    """A copy of `x` with x[key] set to (or, with accumulate, incremented by) `values`."""
    out = np.array(x, copy=True)
    values = np.asarray(values, dtype=x.dtype)
    if accumulate:
        np.add.at(out, key, values)
    else:
        out[key] = values
    return out


def broadcast_copy(x, src):
    """A new array of x's shape and dtype holding `src` broadcast to it."""
    out = np.empty(x.shape, x.dtype)
    out[...] = src
    return out


def index_add(x, axis, index, source, alpha):
    """A copy of `x` with alpha * source added at positions `index` along `axis` (repeats add up)."""
    out = np.array(x, copy=True)
    moved = np.moveaxis(out, axis, 0)
    np.add.at(moved, index, np.moveaxis(np.asarray(source, x.dtype), axis, 0) * alpha)
    return out

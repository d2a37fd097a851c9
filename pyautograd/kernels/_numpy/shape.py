"""Shape and copy kernels: views and rearrangements of arrays (NumPy only).

These move no arithmetic, so there is nothing for C to win: they are NumPy
views where NumPy can make one (reshape, broadcast, transpose, basic
indexing) and copies otherwise. ``view`` never copies: it raises instead.
"""
import numpy as np

from .._alloc import empty

__all__ = ["view", "reshape", "expand", "permute", "squeeze", "unsqueeze", "flip", "roll",
           "concatenate", "stack", "getitem", "copy", "contiguous", "astype", "tile", "diagonal",
           "index_add_zeros", "split", "index_put", "broadcast_copy", "index_add", "unbind",
           "diagonal_backward", "try_view"]


def _no_copy_reshape(x, shape):
    # NumPy >= 2.1 says "view or fail" with reshape(copy=False); setting .shape, the older
    # way, is deprecated from NumPy 2.5 (its warning per call would also pile up in the
    # warnings registry of a training loop).
    try:
        return np.reshape(x, shape, copy=False)
    except ValueError:
        return None


def _shape_set_reshape(x, shape):
    v = x.view()
    try:
        v.shape = shape
    except AttributeError:
        return None
    return v


_reshape_view = _no_copy_reshape if np.lib.NumpyVersion(np.__version__) >= "2.1.0" else _shape_set_reshape


def try_view(x, shape):
    """A view of `x` with `shape`, or None when its strides do not allow one."""
    return _reshape_view(x, shape)


def view(x, shape):
    """A view of `x` with `shape`; RuntimeError if the strides do not allow one."""
    v = _reshape_view(x, shape)
    if v is None:
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
    return np.flip(x, axes).copy()


def roll(x, shifts, axes):
    """`x` rolled by `shifts` along `axes` (flattened when axes is None)."""
    return np.roll(x, shifts, axes)


def concatenate(arrays, axis):
    """The arrays joined along an existing axis (a large result in a buffer from the cache of
    _alloc: a fresh one from malloc page-faults on every page, 10x the copy itself)."""
    first = arrays[0] if len(arrays) else None
    if (first is None or first.ndim == 0 or not -first.ndim <= axis < first.ndim
            or any(a.dtype != first.dtype or a.ndim != first.ndim for a in arrays)):
        return np.concatenate(arrays, axis)  # (NumPy promotes, or raises its errors)
    shape = list(first.shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    out = empty(tuple(shape), first.dtype)
    return np.concatenate(arrays, axis, out=out)


def stack(arrays, axis):
    """The arrays joined along a new axis."""
    return np.stack(arrays, axis)


def split(x, sizes, axis):
    """Views of `x` cut along `axis` into pieces of the given sizes."""
    bounds = np.cumsum(sizes)[:-1]
    return tuple(np.split(x, bounds, axis))


def unbind(x, axis):
    """Views of `x` at each position of `axis` (that axis removed).

    Indexed as moved[i, ...], not iterated: iterating a 1-D array yields NumPy scalars,
    which are copies, where a 0-d view is needed.
    """
    moved = np.moveaxis(x, axis, 0)
    return tuple(moved[i, ...] for i in range(moved.shape[0]))


def getitem(x, key):
    """x[key] (a view for basic indexing, a copy for advanced indexing)."""
    out = x[key]
    if not isinstance(out, np.ndarray):
        # Integers for every dim give a NumPy scalar (a copy); with a trailing Ellipsis NumPy
        # returns the 0-d view PyTorch's select gives, so writes through it reach x.
        out = x[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
    return out


def index_add_zeros(shape, key, values, dtype):
    """Zeros of `shape` with `values` added at x[key]; repeated indices accumulate."""
    out = np.zeros(shape, dtype)
    if _has_integer_array(key):
        np.add.at(out, key, values)
    else:  # each position is addressed at most once: plain assignment is exact and faster
        out[key] = values
    return out


def _has_integer_array(key):
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(p, np.ndarray) and p.dtype != np.bool_ for p in parts)


def copy(x):
    """A C-contiguous copy of `x`."""
    return np.array(x, copy=True, order="C")


def contiguous(x):
    """`x` itself if C-contiguous, else a contiguous copy."""
    return np.ascontiguousarray(x)


def astype(x, dtype):
    """A copy of `x` converted to `dtype` (complex to real: the real parts, as PyTorch; its
    caller warns, NumPy's own ComplexWarning is not raised)."""
    if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        x = x.real
    return x.astype(dtype)


def tile(x, reps):
    """`x` repeated `reps` times along each axis."""
    return np.tile(x, reps)


def diagonal(x, offset, axis1, axis2):
    """The diagonal of the (axis1, axis2) planes as a view (writable when `x` is), that
    diagonal as the last axis; `offset` > 0 is above the main diagonal, < 0 below."""
    n1, n2 = x.shape[axis1], x.shape[axis2]
    if offset >= 0:
        start = (0, offset)
        length = max(min(n1, n2 - offset), 0)
    else:
        start = (-offset, 0)
        length = max(min(n1 + offset, n2), 0)
    if length == 0:
        start = (0, 0)  # never address past the end of an axis
    corner = [slice(None)] * x.ndim
    corner[axis1], corner[axis2] = slice(start[0], None), slice(start[1], None)
    base = x[tuple(corner)]
    keep = [d for d in range(x.ndim) if d not in (axis1, axis2)]
    shape = tuple(x.shape[d] for d in keep) + (length,)
    strides = tuple(x.strides[d] for d in keep) + (x.strides[axis1] + x.strides[axis2],)
    # NumPy's own diagonal() is read-only; a strided view of the same elements is not.
    return np.lib.stride_tricks.as_strided(base, shape, strides, writeable=x.flags.writeable)


def diagonal_backward(grad, shape, offset, axis1, axis2):
    """Zeros of `shape` with `grad` written on the diagonal that diagonal() would read."""
    out = np.zeros(shape, grad.dtype)
    diagonal(out, offset, axis1, axis2)[...] = grad
    return out


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
    """A new array of x's shape and dtype holding `src` broadcast to it. A complex `src` into a
    real `x`: a number is refused (PyTorch's error), an array gives its real parts (PyTorch warns
    there, in the op layer)."""
    if x.dtype.kind != "c" and np.iscomplexobj(src):
        if not isinstance(src, np.ndarray):
            raise ValueError(f"value cannot be converted to type {x.dtype} without overflow")
        src = src.real
    out = np.empty(x.shape, x.dtype)
    out[...] = src
    return out


def index_add(x, axis, index, source, alpha):
    """A copy of `x` with alpha * source added at positions `index` along `axis` (repeats add up)."""
    if x.dtype.kind != "c" and (np.iscomplexobj(source) or isinstance(alpha, complex)):
        raise ValueError(f"value cannot be converted to type {x.dtype} without overflow "
                         f"(a complex value written into a real tensor)")
    out = np.array(x, copy=True)
    moved = np.moveaxis(out, axis, 0)
    _add_at_rows(moved, index, np.moveaxis(np.asarray(source, x.dtype), axis, 0) * alpha)
    return out


def _add_at_rows(out, index, rows):
    """out[index[i]] += rows[i] for every i, repeated indices adding up (np.add.at).

    np.add.at adds row by row (~1.5 ms for 1024 rows of 128, an embedding's backward); for a
    long 1-D index the rows are grouped instead: a stable sort of the index, then one
    np.add.reduceat per group (~0.17 ms). The sums are the same up to rounding (reduceat adds a
    group's rows pairwise rather than in sequence)."""
    index = np.asarray(index)
    n = len(out)
    if (index.ndim != 1 or index.size < 64 or index.dtype.kind not in "iu" or rows.ndim < 1
            or rows.shape[0] != index.size or (index.size and (index.min() < -n or index.max() >= n))):
        np.add.at(out, index, rows)  # (np.add.at raises PyTorch's errors on bad indices and shapes)
        return
    index = np.where(index < 0, index + n, index)
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    out[ordered[starts]] += np.add.reduceat(rows[order], starts, axis=0)

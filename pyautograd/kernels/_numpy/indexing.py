"""Indexing kernels: gather/scatter along an axis, index_select, masks, nonzero, one_hot.

Arguments arrive checked by the ops layer (index dtypes, shapes and bounds), so
these are the plain NumPy formulations. Index arrays are integer arrays with
non-negative entries; masks are bool arrays.
"""
import numpy as np

__all__ = ["gather", "scatter", "scatter_add", "index_select", "masked_fill", "masked_select",
           "nonzero", "one_hot"]


def _positions(index, axis):
    """A NumPy index addressing, for each element of `index`, the element of the indexed array
    at the same position except along `axis`, where the entry of `index` is taken."""
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[axis] = index
    return tuple(grid)


def _one_d(a):
    """A 0-d array as a 1-element 1-D view (PyTorch treats a scalar's dim 0 like a size-1 dim)."""
    return a.reshape(1) if isinstance(a, np.ndarray) and a.ndim == 0 else a


def _values(src, index):
    """What scatter writes: a number as is, else the leading index-shaped block of src."""
    if not isinstance(src, np.ndarray):
        return src
    src = _one_d(src)
    return src if src.shape == index.shape else src[tuple(slice(n) for n in index.shape)]


def gather(x, axis, index):
    """out[p] = x[p with p[axis] replaced by index[p]], for every position p of `index`."""
    return _one_d(x)[_positions(_one_d(index), axis)].reshape(index.shape)


def real_into(x, *values):
    """Raises ValueError (PyTorch's RuntimeError, through the op layer) when a complex value would
    be written into the real array `x`: NumPy would keep its real part and only warn."""
    if x.dtype.kind != "c":
        for v in values:
            if np.iscomplexobj(v):
                raise ValueError(f"value cannot be converted to type {x.dtype} without overflow "
                                 f"(a complex value written into a real tensor)")


def scatter(x, axis, index, src):
    """A copy of `x` with out[p with p[axis] = index[p]] = src[p] (src an array or a number).
    Where an index repeats, one of the written values remains (NumPy: the last)."""
    out = np.array(x, copy=True)
    index = _one_d(index)
    _one_d(out)[_positions(index, axis)] = _values(src, index)
    return out


def scatter_add(x, axis, index, src):
    """A copy of `x` with src[p] added at [p with p[axis] = index[p]]; repeated indices add up."""
    real_into(x, src)
    out = np.array(x, copy=True)
    index = _one_d(index)
    np.add.at(_one_d(out), _positions(index, axis), _values(src, index))
    return out


def index_select(x, axis, index):
    """The entries of `x` at positions `index` (1-D) along `axis`, in that order."""
    if x.ndim == 0:
        return x.copy()
    return np.take(x, index, axis=axis)


def masked_fill(x, mask, value):
    """`x` (broadcast with `mask`) with `value` where mask is True, in x's dtype."""
    real_into(x, value)
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


def masked_select(x, mask):
    """The elements of `x` where `mask` is True (both broadcast first), as a 1-D copy."""
    x, mask = np.broadcast_arrays(x, mask)
    return x[mask]


def nonzero(x):
    """int64 array (count, x.ndim): the index of each nonzero element, in row-major order."""
    return np.argwhere(x).astype(np.int64, copy=False)


def one_hot(x, num_classes):
    """int64 array x.shape + (num_classes,): 1 at each entry's class, 0 elsewhere."""
    return (x[..., None] == np.arange(num_classes)).astype(np.int64)

"""scatter_reduce's kernel (index_reduce runs on it with its index spread over the source's
shape): src[p] reduced into out[p with p[dim] replaced by index[p]] by sum, prod, mean, amax or
amin, NumPy's unbuffered ufunc.at doing the repeated-index accumulation."""
import numpy as np

__all__ = ["scatter_reduce"]

_AT = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


def _identity(reduce, dtype):
    """The value a target starts from when include_self is False."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _targets(shape, dim, index):
    """The flat positions in an array of `shape` that each entry of `index` writes to."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return np.ravel_multi_index(tuple(np.broadcast_arrays(*grids)), shape) if index.size else np.zeros(0, np.int64)


def scatter_reduce(input, dim, index, src, reduce, include_self):
    """`input` with src reduced into the positions `index` names along `dim` (see the module
    notes); without include_self a target's own value is left out of its reduction."""
    shape = input.shape or (1,)
    out = np.array(input, copy=True, order="C").reshape(shape)  # C order: flat_out below is a view
    idx = np.asarray(index).reshape(index.shape or (1,))
    values = np.asarray(src).reshape(src.shape or (1,))[tuple(slice(0, n) for n in idx.shape)]
    flat_out = out.reshape(-1)
    targets = _targets(shape, dim, idx).reshape(-1)
    if not include_self:
        flat_out[targets] = _identity(reduce, out.dtype)
    _AT[reduce].at(flat_out, targets, values.reshape(-1))
    if reduce == "mean":
        counts = np.full(flat_out.shape, 1 if include_self else 0, np.int64)
        np.add.at(counts, targets, 1)
        counts = np.maximum(counts, 1)
        if out.dtype.kind == "f" or out.dtype.kind == "c":
            flat_out /= counts.astype(out.dtype)
        else:  # PyTorch divides integers rounding down
            flat_out //= counts.astype(out.dtype)
    return out.reshape(input.shape)

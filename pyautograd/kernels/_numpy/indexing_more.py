"""Index kernels along one dim: index_copy and index_fill (NumPy only: memory moves)."""

__all__ = ["index_copy", "index_fill"]


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

"""Matrix-structure kernels: triangles, rotations, traces, diagonal embedding, sliding windows and
the cross product (NumPy only: memory moves and small arithmetic)."""
import numpy as np

__all__ = ["tril", "triu", "rot90", "trace", "trace_backward", "diag_embed", "unfold", "unfold_backward", "cross", "cdist"]


def tril(x, diagonal):
    """`x` with the elements above the `diagonal`-th diagonal of its last two dims zeroed."""
    return np.tril(x, diagonal)


def triu(x, diagonal):
    """`x` with the elements below the `diagonal`-th diagonal of its last two dims zeroed."""
    return np.triu(x, diagonal)


def rot90(x, k, dims):
    """`x` rotated k quarter turns in the plane of `dims` (from the first towards the second)."""
    return np.ascontiguousarray(np.rot90(x, k, axes=dims))


def trace(x):
    """The sum of the main diagonal of a matrix."""
    return np.asarray(np.trace(x))


def trace_backward(grad, shape):
    """The gradient of trace: `grad` on the main diagonal of a zero matrix of `shape`."""
    out = np.zeros(shape, np.result_type(grad))
    n = min(shape)
    out[np.arange(n), np.arange(n)] = grad
    return out


def diag_embed(x, offset, dim1, dim2):
    """A tensor whose (dim1, dim2) planes hold the last dim of `x` on their offset-th diagonal."""
    n = x.shape[-1] + abs(offset)
    lead = x.shape[:-1]
    out = np.zeros(lead + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., rows, cols] = x
    ndim = out.ndim
    # out's planes are its last two dims; move them to (dim1, dim2).
    order = [d for d in range(ndim - 2)]
    dims = sorted([(dim1, ndim - 2), (dim2, ndim - 1)])
    for position, source in dims:
        order.insert(position, source)
    return np.ascontiguousarray(np.transpose(out, order))


def unfold(x, dim, size, step):
    """Every window of `size` elements along `dim` taken each `step`, as a new last dim (a copy)."""
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    return np.ascontiguousarray(np.take(windows, np.arange(0, x.shape[dim] - size + 1, step), axis=dim))


def unfold_backward(grad, shape, dim, size, step):
    """The gradient of unfold: each window's gradient added back at the positions it was taken from."""
    out = np.zeros(shape, grad.dtype)
    n = grad.shape[dim]
    for j in range(size):
        idx = [slice(None)] * len(shape)
        idx[dim] = slice(j, j + (n - 1) * step + 1, step)
        out[tuple(idx)] += np.take(grad, j, axis=-1)
    return out


def cross(a, b, dim):
    """The cross product of 3-vectors along `dim`."""
    return np.cross(a, b, axis=dim)


def cdist(x1, x2, p):
    """The p-norm distance between every row of x1 and every row of x2 (batched over leading dims)."""
    diff = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == np.inf:
        out = diff.max(-1) if diff.shape[-1] else np.zeros(diff.shape[:-1], x1.dtype)
    elif p == 0:
        out = (diff != 0).sum(-1)
    else:
        out = (diff ** p).sum(-1) ** (1.0 / p)
    return np.asarray(out).astype(x1.dtype, copy=False)

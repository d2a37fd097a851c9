"""Selection kernels: sorting, top-k, k-th value, median and mode along one axis, running
extremes, logcumsumexp, and std/var with the mean (NumPy only).

Orders follow PyTorch's: NaN counts as larger than every number (last in an ascending sort,
first in a descending one); `stable` keeps equal elements in their input order.
"""
import numpy as np

__all__ = ["sort", "topk", "kthvalue", "mode", "cummax", "cummin", "logcumsumexp", "std_mean"]


def _keys(x):
    """x as a sortable array (bools as small ints, so negation is defined)."""
    return x.astype(np.int8) if x.dtype == np.bool_ else x


def _order(x, axis, descending):
    """Indices that sort `x` along `axis` stably (NaN largest)."""
    x = _keys(x)
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    moved = np.moveaxis(x, axis, -1)
    if moved.dtype.kind == "f":
        nan = np.isnan(moved)
        neg = np.where(nan, 0, -moved)
        order = np.lexsort((neg, ~nan), axis=-1)  # primary key last: NaNs first, then largest first
    elif moved.dtype.kind == "u":
        order = np.argsort(np.iinfo(moved.dtype).max - moved, axis=-1, kind="stable")
    else:
        order = np.argsort(-moved.astype(np.float64) if moved.dtype.itemsize >= 8 else -moved.astype(np.int64),
                           axis=-1, kind="stable")
    return np.moveaxis(order, -1, axis)


def sort(x, axis, descending, stable=True):
    """(values, int64 indices) of `x` sorted along `axis`."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = _order(x, axis, descending)
    return np.take_along_axis(x, order, axis), order.astype(np.int64)


def topk(x, k, axis, largest, sorted=True):
    """The `k` largest (or smallest) elements along `axis` and their indices, in order."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.take(_order(x, axis, largest), np.arange(k), axis=axis)
    return np.take_along_axis(x, order, axis), order.astype(np.int64)


def kthvalue(x, k, axis, keepdim):
    """The k-th smallest element (1-based) along `axis` and its index."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.take(_order(x, axis, False), [k - 1], axis=axis)
    values = np.take_along_axis(x, order, axis)
    if not keepdim:
        values, order = values.squeeze(axis), order.squeeze(axis)
    return values, order.astype(np.int64)


def mode(x, axis, keepdim):
    """The most frequent value along `axis` (the smallest of tied counts) and the index of its
    last occurrence, as PyTorch's CPU kernel returns."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    moved = np.moveaxis(x, axis, -1)
    lead = moved.shape[:-1]
    rows = moved.reshape(-1, moved.shape[-1])
    values = np.empty(rows.shape[0], x.dtype)
    indices = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        uniq, counts = np.unique(row, return_counts=True)
        best = uniq[np.argmax(counts)]  # np.unique sorts: argmax takes the smallest tied value
        values[r] = best
        indices[r] = np.flatnonzero(row == best)[-1] if best == best else np.flatnonzero(row != row)[-1]
    values, indices = values.reshape(lead), indices.reshape(lead)
    if keepdim:
        values, indices = np.expand_dims(values, axis), np.expand_dims(indices, axis)
    return values, indices


def _running_index(x, axis, better):
    """The index of the running extreme along `axis` (the latest position on ties, as PyTorch)."""
    moved = np.moveaxis(x, axis, -1)
    running = better.accumulate(moved, axis=-1)
    positions = np.broadcast_to(np.arange(moved.shape[-1]), moved.shape)
    at = np.where(moved == running, positions, 0)
    return np.moveaxis(running, -1, axis), np.moveaxis(np.maximum.accumulate(at, axis=-1), -1, axis).astype(np.int64)


def cummax(x, axis):
    """(running maximum along `axis`, index where it was reached)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    return _running_index(x, axis, np.maximum)


def cummin(x, axis):
    """(running minimum along `axis`, index where it was reached)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    return _running_index(x, axis, np.minimum)


def logcumsumexp(x, axis):
    """log(cumsum(exp(x))) along `axis`, without overflow."""
    if x.ndim == 0:
        return x.copy()
    with np.errstate(all="ignore"):
        return np.logaddexp.accumulate(x, axis=axis).astype(x.dtype, copy=False)


def std_mean(x, dims, correction, keepdim, take_sqrt=True):
    """(std or var, mean) over `dims` with Bessel's `correction`."""
    with np.errstate(all="ignore"):
        mean = np.mean(x, axis=dims, keepdims=keepdim)
        var = np.var(x, axis=dims, ddof=correction, keepdims=keepdim)
    spread = np.sqrt(var) if take_sqrt else var
    return np.asarray(spread).astype(x.dtype), np.asarray(mean).astype(x.dtype)

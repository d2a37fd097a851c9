"""Counting and searching kernels: unique values, consecutive runs, bin counts, histograms,
membership, and positions in sorted sequences (NumPy only; integer or bool results)."""
import numpy as np

__all__ = ["unique", "unique_consecutive", "bincount", "histc", "count_nonzero", "isin", "searchsorted"]


def unique(x, dim):
    """(sorted unique values, inverse indices, counts); along `dim` when given (unique slices)."""
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=dim)
    if dim is None:
        inverse = inverse.reshape(x.shape)
    return values, inverse.astype(np.int64).reshape(-1) if dim is not None else inverse.astype(np.int64), \
        counts.astype(np.int64)


def unique_consecutive(x, dim):
    """(the first element of each run of equal consecutive elements, run index of each element,
    run lengths); flattened when dim is None, else runs of equal slices along dim."""
    if dim is None:
        flat = x.reshape(-1)
        starts = np.ones(flat.shape[0], bool)
        starts[1:] = flat[1:] != flat[:-1]
        run = np.cumsum(starts) - 1
        return flat[starts], run.reshape(x.shape).astype(np.int64), np.diff(
            np.append(np.flatnonzero(starts), flat.shape[0])).astype(np.int64)
    moved = np.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
    starts = np.ones(moved.shape[0], bool)
    starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
    run = np.cumsum(starts) - 1
    values = np.take(x, np.flatnonzero(starts), axis=dim)
    return values, run.astype(np.int64), np.diff(np.append(np.flatnonzero(starts), moved.shape[0])).astype(np.int64)


def bincount(x, weights, minlength):
    """How many times each value 0..max occurs (or the sum of its weights)."""
    out = np.bincount(x, weights=weights, minlength=minlength)
    return out.astype(weights.dtype if weights is not None else np.int64)


def histc(x, bins, lo, hi):
    """Counts of `x` in `bins` equal bins over [lo, hi] (over [min, max] when both are 0); values
    outside are ignored; the result has x's dtype."""
    if lo == 0 and hi == 0 and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(x, bins=bins, range=(lo, hi))
    return counts.astype(x.dtype)


def count_nonzero(x, dims):
    """The number of non-zero elements over `dims` (all when None)."""
    return np.asarray(np.count_nonzero(x, axis=dims)).astype(np.int64)


def isin(x, test, invert):
    """Whether each element of x occurs in `test` (negated when invert)."""
    return np.isin(x, test, invert=invert)


def searchsorted(seq, values, right):
    """For each value, its insertion index in the sorted last dim of `seq` (batched when seq is N-D)."""
    side = "right" if right else "left"
    if seq.ndim == 1:
        return np.searchsorted(seq, values, side=side).astype(np.int64)
    lead = seq.shape[:-1]
    seq2, val2 = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
    out = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(seq2, val2)])
    return out.reshape(lead + values.shape[-1:]).astype(np.int64)

"""Cumulative (scan) kernels: running sums and products along one axis (NumPy only).

A scan is a sequential dependence along its axis; NumPy's accumulate loops are
already tight, so there is no C kernel to win here.
"""
import numpy as np

from .._fp import quiet

__all__ = ["cumsum", "cumprod"]


def cumsum(x, axis):
    """The running sum of `x` along `axis` (a 0-d array is its own running sum)."""
    if x.ndim == 0:
        return x.copy()
    return quiet(np.cumsum, x, axis=axis)


def cumprod(x, axis):
    """The running product of `x` along `axis` (a 0-d array is its own running product)."""
    if x.ndim == 0:
        return x.copy()
    return quiet(np.cumprod, x, axis=axis)

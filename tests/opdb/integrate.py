"""OpInfos of ops/integrate.py: trapezoid (and trapz) and cumulative_trapezoid, with a constant
spacing dx or sample points x (1-D along dim, of lower rank, or of y's rank)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _spacing(y, x, dim):
    """x's differences along dim, laid out against y's slices as the rule reads them."""
    dim %= y.ndim
    if x.ndim == 1:
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.reshape(shape)
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + x.shape)
    return np.diff(x, axis=dim)


def _pairs(y, dim):
    n = y.shape[dim]
    return np.take(y, np.arange(n - 1), axis=dim) + np.take(y, np.arange(1, n), axis=dim)


def _trapezoid_ref(y, x=None, *, dx=None, dim=-1):
    if y.shape[dim] == 0:
        return np.zeros(np.delete(np.array(y.shape), dim % y.ndim), y.dtype)
    step = _spacing(y, x, dim) if x is not None else (1.0 if dx is None else dx)
    return np.asarray((_pairs(y, dim) * step).sum(axis=dim) / 2).astype(y.dtype)


def _cumulative_ref(y, x=None, *, dx=None, dim=-1):
    step = _spacing(y, x, dim) if x is not None else (1.0 if dx is None else dx)
    return np.cumsum(_pairs(y, dim) * step / 2, axis=dim).astype(y.dtype)


def _samples(dtype, rng):
    def points(*shape):
        return np.sort(make_arg(shape, dtype, rng), axis=-1)
    return [SampleInput((make_arg((3, 5), dtype, rng),), desc="dx=1"),
            SampleInput((make_arg((4, 3), dtype, rng),), {"dx": 0.5, "dim": 0}, desc="dx, dim 0"),
            SampleInput((make_arg((6,), dtype, rng, noncontig=True),), {"dx": 2}, desc="int dx, noncontig"),
            SampleInput((make_arg((3, 5), dtype, rng), points(5)), desc="1-d x"),
            SampleInput((make_arg((5, 3), dtype, rng), points(5)), {"dim": 0}, desc="1-d x, dim 0"),
            SampleInput((make_arg((2, 3, 4), dtype, rng), points(3, 4)), desc="lower-rank x"),
            SampleInput((make_arg((2, 4), dtype, rng), points(2, 4)), desc="x of y's shape"),
            SampleInput((make_arg((2, 4), dtype, rng), points(1, 4)), desc="x broadcast")]


def _empty_samples(dtype, rng):
    return [SampleInput((make_arg((2, 0), dtype, rng),), desc="no samples")]


def _call(name):
    return lambda *a, **k: getattr(P, name)(*a, **k)


def _torch_call(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


OPS = [
    OpInfo("trapezoid", P.trapezoid, _samples, ref=_trapezoid_ref, torch_fn=_torch_call("trapezoid"),
           covers=("mul_scalar", "div_scalar")),
    OpInfo("trapezoid", P.trapezoid, _empty_samples, ref=_trapezoid_ref, torch_fn=_torch_call("trapezoid"),
           variant="empty"),
    OpInfo("trapz", _call("trapz"), _samples, ref=_trapezoid_ref, torch_fn=_torch_call("trapz")),
    OpInfo("cumulative_trapezoid", P.cumulative_trapezoid, _samples, ref=_cumulative_ref,
           torch_fn=_torch_call("cumulative_trapezoid")),
]

"""OpInfos of ops/search.py (unique, unique_consecutive, bincount, histc, count_nonzero, isin,
bucketize, searchsorted: integer results, no gradient) and ops/scans_moments.py (cummax,
cummin, logcumsumexp, std_mean, var_mean)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip, make_arg

F32, F64, I64 = np.float32, np.float64, np.int64


def _torch():
    import torch
    return torch


def _t(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _ints(shape, rng, low=0, high=4):
    return rng.integers(low, high + 1, size=shape).astype(np.int64)


# PyTorch gives these results a grad_fn whose backward raises "not implemented"; ours never
# require grad (a known, deliberate difference, documented in docs/supported.md).
_NO_FAKE_NODE = (Skip("grad_fn", "PyTorch attaches a backward that is not implemented; ours does not require grad"),)


def _tuple_or_one(out):
    return out if isinstance(out, tuple) else (out,)


def _unique_ref(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    v, i, c = np.unique(x, return_inverse=True, return_counts=True, axis=dim)
    out = (v,) + ((i.reshape(x.shape) if dim is None else i.reshape(-1),) if return_inverse else ()) \
        + ((c,) if return_counts else ())
    return out if len(out) > 1 else v


def _unique_samples(dtype, rng):
    x = _ints((3, 4), rng).astype(dtype)
    return [SampleInput((x,), desc="values"),
            SampleInput((x,), {"return_inverse": True, "return_counts": True}, "inverse counts"),
            SampleInput((np.array([[1, 2], [1, 2], [0, 5]]).astype(dtype),), {"dim": 0, "return_counts": True},
                        "dim 0")]


def _consecutive_ref(x, return_inverse=False, return_counts=False, dim=None):
    flat = x.reshape(-1)
    starts = np.r_[True, flat[1:] != flat[:-1]]
    out = (flat[starts],) + ((np.cumsum(starts).reshape(x.shape) - 1,) if return_inverse else ()) \
        + ((np.diff(np.r_[np.flatnonzero(starts), flat.size]),) if return_counts else ())
    return out if len(out) > 1 else out[0]


def _moment_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((3, 4)),), desc="all"), SampleInput((arg((3, 4)), 1), desc="dim 1"),
            SampleInput((arg((2, 3, 4)), (0, 2)), {"keepdim": True, "correction": 0}, "dims keepdim correction 0")]


def _moment_ref(take_sqrt):
    def ref(x, dim=None, keepdim=False, correction=1):
        var = np.var(x, axis=dim, ddof=correction, keepdims=keepdim)
        return (np.sqrt(var) if take_sqrt else var), np.mean(x, axis=dim, keepdims=keepdim)
    return ref


def _distinct(shape, dtype, rng):
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 - n * 0.1).reshape(shape).astype(dtype)


def _running_ref(better):
    def ref(x, dim):
        moved = np.moveaxis(x, dim, -1)
        values = better.accumulate(moved, axis=-1)
        idx = np.maximum.accumulate(np.where(moved == values, np.arange(moved.shape[-1]), 0), axis=-1)
        return np.moveaxis(values, -1, dim), np.moveaxis(idx, -1, dim)
    return ref


def _running_samples(dtype, rng):
    return [SampleInput((_distinct((3, 5), dtype, rng), 1), desc="dim 1"),
            SampleInput((_distinct((4, 2), dtype, rng), 0), desc="dim 0")]


OPS = [
    OpInfo("unique", lambda *a, **k: _tuple_or_one(P.unique(*a, **k)), _unique_samples,
           ref=lambda *a, **k: _tuple_or_one(_unique_ref(*a, **k)),
           torch_fn=lambda *a, **k: _tuple_or_one(_torch().unique(*a, **k)), dtypes=(F32, I64),
           supports_autograd=False, supports_gradgrad=False, skips=_NO_FAKE_NODE),
    OpInfo("unique_consecutive", lambda *a, **k: _tuple_or_one(P.unique_consecutive(*a, **k)),
           lambda dtype, rng: [SampleInput((np.array([1, 1, 3, 3, 3, 2, 1]).astype(dtype),),
                                           {"return_inverse": True, "return_counts": True}, "runs")],
           ref=lambda *a, **k: _tuple_or_one(_consecutive_ref(*a, **k)),
           torch_fn=lambda *a, **k: _tuple_or_one(_torch().unique_consecutive(*a, **k)), dtypes=(F32, I64),
           supports_autograd=False, supports_gradgrad=False, skips=_NO_FAKE_NODE),
    OpInfo("bincount", P.bincount, lambda dtype, rng: [
        SampleInput((_ints((6,), rng),), desc="counts"),
        SampleInput((_ints((6,), rng), make_arg((6,), dtype, rng)), {"minlength": 7}, "weights minlength")],
        ref=lambda x, weights=None, minlength=0: np.bincount(x, weights, minlength).astype(
            weights.dtype if weights is not None else np.int64),
        torch_fn=_t("bincount"), supports_autograd=False, supports_gradgrad=False, skips=_NO_FAKE_NODE),
    OpInfo("histc", P.histc, lambda dtype, rng: [
        SampleInput((make_arg((10,), dtype, rng, low=0, high=3),), {"bins": 4, "min": 0, "max": 3}, "range"),
        SampleInput((make_arg((10,), dtype, rng),), {"bins": 5}, "min-max")],
        ref=lambda x, bins=100, min=0, max=0: np.histogram(
            x, bins, (x.min(), x.max()) if min == max == 0 else (min, max))[0].astype(x.dtype),
        torch_fn=_t("histc"), supports_autograd=False, supports_gradgrad=False),
    OpInfo("count_nonzero", P.count_nonzero, lambda dtype, rng: [
        SampleInput((_ints((3, 4), rng, 0, 2).astype(dtype),), desc="all"),
        SampleInput((_ints((3, 4), rng, 0, 2).astype(dtype),), {"dim": 1}, "dim 1")],
        ref=lambda x, dim=None: np.asarray(np.count_nonzero(x, axis=dim)).astype(np.int64),
        torch_fn=_t("count_nonzero"), dtypes=(F32, I64), supports_autograd=False, supports_gradgrad=False),
    OpInfo("isin", P.isin, lambda dtype, rng: [
        SampleInput((_ints((3, 4), rng).astype(dtype), np.array([1, 3]).astype(dtype)), desc="tensor"),
        SampleInput((_ints((5,), rng).astype(dtype), np.array([2]).astype(dtype)), {"invert": True}, "invert")],
        ref=lambda x, t, invert=False: np.isin(x, t, invert=invert), torch_fn=_t("isin"), dtypes=(F32, I64),
        supports_autograd=False, supports_gradgrad=False),
    OpInfo("searchsorted", P.searchsorted, lambda dtype, rng: [
        SampleInput((np.array([1, 3, 5, 7]).astype(dtype), np.array([0, 3, 6, 9]).astype(dtype)), desc="1-d"),
        SampleInput((np.array([[1, 3, 5], [2, 4, 6]]).astype(dtype), np.array([[3, 4], [5, 1]]).astype(dtype)),
                    {"right": True}, "batched right")],
        ref=lambda s, v, right=False: (np.searchsorted(s, v, "right" if right else "left") if s.ndim == 1 else
                                       np.stack([np.searchsorted(a, b, "right" if right else "left")
                                                 for a, b in zip(s, v)])),
        torch_fn=_t("searchsorted"), dtypes=(F32, I64), supports_autograd=False, supports_gradgrad=False),
    OpInfo("bucketize", P.bucketize, lambda dtype, rng: [
        SampleInput((np.array([[1, 5], [9, 3]]).astype(dtype), np.array([1, 3, 5, 7]).astype(dtype)),
                    {"right": True}, "right")],
        ref=lambda x, b, right=False: np.searchsorted(b, x, "right" if right else "left"),
        torch_fn=_t("bucketize"), dtypes=(F32, I64), supports_autograd=False, supports_gradgrad=False),
    OpInfo("cummax", lambda *a: tuple(P.cummax(*a)), _running_samples, ref=_running_ref(np.maximum),
           torch_fn=lambda *a: tuple(_torch().cummax(*a)), covers=("cummax",)),
    OpInfo("cummin", lambda *a: tuple(P.cummin(*a)), _running_samples, ref=_running_ref(np.minimum),
           torch_fn=lambda *a: tuple(_torch().cummin(*a)), covers=("cummin",)),
    OpInfo("logcumsumexp", P.logcumsumexp, lambda dtype, rng: [
        SampleInput((make_arg((3, 4), dtype, rng), 1), desc="dim 1"),
        SampleInput((make_arg((4, 2), dtype, rng), 0), desc="dim 0")],
        ref=lambda x, dim: np.logaddexp.accumulate(x, axis=dim), torch_fn=_t("logcumsumexp"),
        tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("std_mean", lambda *a, **k: tuple(P.std_mean(*a, **k)), _moment_samples, ref=_moment_ref(True),
           torch_fn=lambda *a, **k: tuple(_torch().std_mean(*a, **k)), tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("var_mean", lambda *a, **k: tuple(P.var_mean(*a, **k)), _moment_samples, ref=_moment_ref(False),
           torch_fn=lambda *a, **k: tuple(_torch().var_mean(*a, **k)), tolerances={"float32": (1e-5, 1e-5)}),
]

"""OpInfos of ops/quantile.py: quantile and nanquantile, against NumPy's quantile/nanquantile
(the same interpolation methods by name). Values are distinct (no ties in the sort) and the
ranks are never halfway (where "nearest" rounds half to even)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _torch():
    import torch
    return torch


def _distinct(rng, shape, dtype):
    n = int(np.prod(shape))
    return (rng.permutation(n) / n - 0.5 + rng.uniform(-1e-3, 1e-3, n)).reshape(shape).astype(dtype)


def _samples(with_nan):
    def samples(dtype, rng):
        for mode in _MODES:
            x = _distinct(rng, (3, 5), dtype)
            if with_nan:
                x[0, 2] = np.nan
            yield SampleInput((x, 0.3), {"dim": 1, "interpolation": mode}, desc=f"dim 1 {mode}")
            yield SampleInput((_distinct(rng, (5, 2), dtype), np.array([0.0, 0.65, 1.0], dtype)),
                              {"dim": 0, "keepdim": True, "interpolation": mode}, desc=f"q tensor, keepdim {mode}",
                              grad_args=(0,))
        yield SampleInput((_distinct(rng, (2, 3), dtype), 0.7), {}, desc="all values")
        yield SampleInput((_distinct(rng, (2, 3), dtype), 0.2), {"keepdim": True}, desc="all values, keepdim")
    return samples


def _ref(numpy_fn):
    def ref(x, q, dim=None, keepdim=False, interpolation="linear"):
        return np.asarray(numpy_fn(x.astype(np.float64), q, axis=dim, keepdims=keepdim,
                                   method=interpolation)).astype(x.dtype)
    return ref


_TOL = {"float32": (1e-6, 1e-6), "float64": (1e-12, 1e-12)}

OPS = [
    OpInfo("quantile", P.quantile, _samples(False), ref=_ref(np.quantile),
           torch_fn=lambda *a, **k: _torch().quantile(*a, **k), tolerances=_TOL),
    OpInfo("nanquantile", P.nanquantile, _samples(True), ref=_ref(np.nanquantile),
           torch_fn=lambda *a, **k: _torch().nanquantile(*a, **k), tolerances=_TOL),
]

"""OpInfos of ops/gamma_fns.py: lgamma, digamma, polygamma. The references are NumPy-only and
computed another way than the kernels: math.lgamma, and for psi and its derivatives a direct
sum of 1000 terms closed by the first Euler-Maclaurin terms."""
import math

import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

_POLES = (0.0, -1.0, -2.0, -3.0)
_K = 1000


def _torch():
    import torch
    return torch


def _lgamma_ref(x):
    return np.vectorize(math.lgamma, otypes=[np.float64])(x).astype(x.dtype)


def _polygamma_ref(n, x):
    xd = x.astype(np.float64)[..., None]
    k = np.arange(_K, dtype=np.float64)
    y = xd[..., 0] + _K
    if n == 0:
        value = np.log(y) - 1 / (2 * y) - 1 / (12 * y ** 2) - (1 / (xd + k)).sum(-1)
    else:
        tail = y ** -n / n + y ** -(n + 1) / 2 + (n + 1) / (12 * y ** (n + 2))
        value = (-1) ** (n + 1) * math.factorial(n) * (((xd + k) ** -(n + 1)).sum(-1) + tail)
    return np.asarray(value).astype(x.dtype)


def _samples(low):
    def samples(dtype, rng):
        return [SampleInput((make_arg((3, 4), dtype, rng, low=0.2, high=6.0),), desc="positive"),
                SampleInput((make_arg((5,), dtype, rng, low=low, high=3.0, avoid=_POLES, margin=0.15),),
                            desc="both signs"),
                SampleInput((make_arg((), dtype, rng, low=0.5, high=2.0),), desc="0-d"),
                SampleInput((make_arg((2, 3), dtype, rng, low=0.5, high=4.0, noncontig=True),), desc="noncontig")]
    return samples


def _polygamma_samples(dtype, rng):
    out = []
    for n in (0, 1, 2, 3):
        for s in _samples(-2.9)(dtype, rng)[:3]:
            out.append(SampleInput((n,) + s.args, desc=f"n={n}, {s.desc}"))
    return out


_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-10, 1e-10)}
# PyTorch's trigamma (polygamma(1, x)) is good to about 5e-10 relative (ours to 1e-15, checked
# against mpmath), so the float64 comparison of polygamma allows that much.
_POLYGAMMA_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-8, 1e-8)}

OPS = [
    OpInfo("lgamma", P.lgamma, _samples(-2.9), ref=_lgamma_ref, torch_fn=lambda x: _torch().lgamma(x),
           tolerances=_TOL),
    OpInfo("digamma", P.digamma, _samples(-2.9), ref=lambda x: _polygamma_ref(0, x),
           torch_fn=lambda x: _torch().digamma(x), tolerances=_TOL),
    OpInfo("polygamma", P.polygamma, _polygamma_samples, ref=_polygamma_ref,
           torch_fn=lambda n, x: _torch().polygamma(n, x), tolerances=_POLYGAMMA_TOL),
]

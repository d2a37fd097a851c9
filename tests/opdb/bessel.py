"""OpInfos of ops/bessel.py: i0, special_i0e, special_i1, special_i1e. The reference is computed
another way than the kernels: the integral I_n(x) = (1/pi) int_0^pi e^(x cos t) cos(n t) dt, by
the trapezoid rule (exact to rounding for a smooth periodic integrand with enough points)."""
import numpy as np

import pyautograd as P
from pyautograd import special

from .core import OpInfo, SampleInput, make_arg

_POINTS = 4001


def _torch():
    import torch
    return torch


def _integral_ref(n, scaled):
    def ref(x):
        xd = np.asarray(x, np.float64)[..., None]
        t = np.linspace(0.0, np.pi, _POINTS)
        shift = np.abs(xd) if scaled else 0.0
        f = np.exp(xd * np.cos(t) - shift) * np.cos(n * t)
        value = np.trapezoid(f, t, axis=-1) / np.pi
        return np.asarray(value).astype(x.dtype)
    return ref


def _samples(dtype, rng):
    big = np.array([-45.0, -31.5, 33.0, 50.0], dtype)  # the asymptotic series' side of |x| = 30
    zero = make_arg((2, 2), dtype, rng, low=-2.0, high=2.0)
    zero.flat[0] = 0.0
    return [SampleInput((make_arg((3, 4), dtype, rng, low=-8.0, high=8.0, avoid=(0.0,), margin=0.05),), desc="2d"),
            SampleInput((make_arg((), dtype, rng, low=0.5, high=3.0),), desc="0-d"),
            SampleInput((make_arg((2, 3), dtype, rng, low=-4.0, high=4.0, avoid=(0.0,), margin=0.05,
                                  noncontig=True),), desc="noncontig"),
            SampleInput((make_arg((0, 2), dtype, rng),), desc="empty"),
            SampleInput((big,), desc="large"),
            # at 0 the scaled forms have a kink (e^-|x|), and I1's formula takes its limit 1/2
            SampleInput((zero,), desc="at zero", kink=True)]


_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}


def _info(name, op, n, scaled, torch_name):
    return OpInfo(name, op, _samples, ref=_integral_ref(n, scaled),
                  torch_fn=lambda x: getattr(_torch().special, torch_name)(x), tolerances=_TOL)


OPS = [
    _info("i0", P.i0, 0, False, "i0"),
    _info("special_i0e", special.i0e, 0, True, "i0e"),
    _info("special_i1", special.i1, 1, False, "i1"),
    _info("special_i1e", special.i1e, 1, True, "i1e"),
]

"""OpInfos of ops/linalg_more.py: inv, det, slogdet, logdet, solve, cholesky (well-conditioned
samples: a random matrix plus a multiple of the identity; cholesky of A A^T + I, so its
gradient is checked through the symmetric construction)."""
import numpy as np

import pyautograd as P
from pyautograd.ops import linalg_more as L

from .core import OpInfo, SampleInput, make_arg

F32, F64 = np.float32, np.float64
_LOOSE = {"float32": (1e-4, 1e-4), "float64": (1e-10, 1e-9)}


def _torch():
    import torch
    return torch


def _well_conditioned(shape, dtype, rng):
    a = make_arg(shape, dtype, rng, low=-1.0, high=1.0)
    return (a + 3 * np.eye(shape[-1], dtype=dtype)).astype(dtype)


def _square_samples(dtype, rng):
    return [SampleInput((_well_conditioned((3, 3), dtype, rng),), desc="3x3"),
            SampleInput((_well_conditioned((2, 4, 4), dtype, rng),), desc="batched 4x4")]


def _solve_samples(dtype, rng):
    return [SampleInput((_well_conditioned((3, 3), dtype, rng), make_arg((3, 2), dtype, rng), False), desc="matrix"),
            SampleInput((_well_conditioned((2, 3, 3), dtype, rng), make_arg((2, 3), dtype, rng), True),
                        desc="batched vector")]


def _positive_det(dtype, rng):
    """2 I plus a small perturbation: its determinant is positive."""
    return (2 * np.eye(3, dtype=dtype) + make_arg((3, 3), dtype, rng, low=-0.3, high=0.3)).astype(dtype)


def _spd(lib):
    def make(a):
        return a @ a.transpose(-2, -1) + lib.eye(a.shape[-1], dtype=a.dtype)
    return make


def _slogdet_ref(a):
    sign, logabs = np.linalg.slogdet(a)
    return np.asarray(sign, a.dtype), np.asarray(logabs, a.dtype)


OPS = [
    OpInfo("inverse", P.inverse, _square_samples, ref=np.linalg.inv, torch_fn=lambda a: _torch().inverse(a),
           tolerances=_LOOSE, covers=("linalg_inv_ex",)),
    OpInfo("det", P.det, _square_samples, ref=lambda a: np.asarray(np.linalg.det(a), a.dtype),
           torch_fn=lambda a: _torch().det(a), tolerances=_LOOSE, covers=("linalg_det",)),
    OpInfo("slogdet", lambda a: tuple(P.slogdet(a)), _square_samples, ref=_slogdet_ref,
           torch_fn=lambda a: tuple(_torch().slogdet(a)), tolerances=_LOOSE, covers=("linalg_slogdet",)),
    OpInfo("logdet", P.logdet, lambda dtype, rng: [SampleInput((_positive_det(dtype, rng),), desc="positive det")],
           ref=lambda a: np.asarray(np.linalg.slogdet(a)[1], a.dtype), torch_fn=lambda a: _torch().logdet(a),
           tolerances=_LOOSE),
    OpInfo("linalg_solve_ex", lambda a, b, vector: P.linalg.solve(a, b), _solve_samples,
           ref=lambda a, b, vector: np.linalg.solve(a, b[..., None])[..., 0] if vector else np.linalg.solve(a, b),
           torch_fn=lambda a, b, vector: _torch().linalg.solve(a, b), tolerances=_LOOSE),
    OpInfo("cholesky", lambda a, **k: L.cholesky(_spd(P)(a), **k),
           lambda dtype, rng: [SampleInput((make_arg((3, 3), dtype, rng),), desc="lower"),
                               SampleInput((make_arg((2, 3, 3), dtype, rng),), {"upper": True}, "batched upper")],
           ref=lambda a, upper=False: (np.swapaxes if upper else (lambda x, *_: x))(
               np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + np.eye(a.shape[-1], dtype=a.dtype)), -1, -2),
           torch_fn=lambda a, **k: _torch().linalg.cholesky(_spd(_torch())(a), **k), tolerances=_LOOSE,
           covers=("linalg_cholesky_ex",)),
]

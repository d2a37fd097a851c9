"""OpInfo of ops/renorm.py: renorm, against a NumPy reference that loops over the slices and
rescales each one whose norm (np.linalg.norm of the flattened slice) exceeds maxnorm."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def renorm_ref(x, p, dim, maxnorm):
    out = np.moveaxis(x.astype(np.float64).copy(), dim, 0)
    for k in range(out.shape[0]):
        norm = np.linalg.norm(out[k].reshape(-1), ord=p)
        if norm > maxnorm:
            out[k] *= maxnorm / (norm + 1e-7)
    return np.moveaxis(out, 0, dim).astype(x.dtype)


def _samples(dtype, rng):
    for p in (1.0, 2.0, 3.0, float("inf")):
        x = make_arg((3, 4, 2), dtype, rng)
        x[1] *= 0.05  # one slice under maxnorm: left alone
        yield SampleInput((x, p, 1 if p != 3.0 else -1, 1.0), desc=f"p={p}")
    yield SampleInput((make_arg((4, 3), dtype, rng, noncontig=True), 2.0, 0, 0.5), desc="noncontig")


OPS = [OpInfo("renorm", P.renorm, _samples, ref=renorm_ref,
              torch_fn=lambda *a: _torch().renorm(*a),
              tolerances={"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)})]

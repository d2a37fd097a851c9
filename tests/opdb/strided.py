"""OpInfo of ops/strided.py: as_strided over a fresh (contiguous) tensor, whose storage is its
own memory, so the NumPy reference reads the same bytes: in bounds, overlapping (two output
elements reading one input element: their gradients add up), partial (input elements no
output reads: zero gradient), a zero stride, 0-d and empty results."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng)
    v = make_arg((10,), dtype, rng)
    return [SampleInput((x, (4, 3), (1, 4)), desc="transpose"),
            SampleInput((x, (2, 2), (4, 1), 5), desc="offset"),
            SampleInput((v, (4, 3), (2, 1)), desc="overlapping windows"),
            SampleInput((v, (3,), (3,), 1), desc="partial"),
            SampleInput((v, (2, 3), (0, 2), 2), desc="zero stride"),
            SampleInput((v, (), (), 9), desc="0-d"),
            SampleInput((v, (0, 3), (1, 1), 4), desc="empty")]


def _ref(x, size, stride, storage_offset=0):
    flat = np.ascontiguousarray(x).reshape(-1)
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[storage_offset:], size, [s * item for s in stride]).copy()


def _torch_as_strided(*args, **kwargs):
    import torch
    return torch.as_strided(*args, **kwargs)


OPS = [OpInfo("as_strided", P.as_strided, _samples, ref=_ref, torch_fn=_torch_as_strided, covers=("as_strided",))]

"""OpInfos of ops/index_more.py: index_copy and index_fill along one dim."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _copy_ref(x, dim, index, source):
    out = x.copy()
    key = [slice(None)] * x.ndim
    key[dim] = index
    out[tuple(key)] = source
    return out


def _fill_ref(x, dim, index, value):
    return _copy_ref(x, dim, index, value)


def _copy_samples(dtype, rng):
    return [SampleInput((make_arg((4, 3), dtype, rng), 0, np.array([3, 1]), make_arg((2, 3), dtype, rng)),
                        desc="dim 0"),
            SampleInput((make_arg((2, 5), dtype, rng), 1, np.array([0, 4, 2]), make_arg((2, 3), dtype, rng)),
                        desc="dim 1")]


def _fill_samples(dtype, rng):
    return [SampleInput((make_arg((4, 3), dtype, rng), 0, np.array([3, 1]), -2.5), desc="dim 0"),
            SampleInput((make_arg((2, 5), dtype, rng), -1, np.array([0, 4]), 1.5), desc="dim -1")]


OPS = [
    OpInfo("index_copy", P.index_copy, _copy_samples, ref=_copy_ref,
           torch_fn=lambda *a: _torch().index_copy(*a)),
    OpInfo("index_fill", P.index_fill, _fill_samples, ref=lambda x, d, i, v: _fill_ref(x, d % x.ndim, i, v),
           torch_fn=lambda *a: _torch().index_fill(*a)),
]

"""OpInfos of ops/take_put.py: take and put on the flattened tensor, and the out-of-place fill."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _take_ref(x, index):
    return x.reshape(-1)[index]


def _put_ref(x, index, source, accumulate=False):
    out = x.copy()
    if accumulate:
        np.add.at(out.reshape(-1), index.reshape(-1), source.reshape(-1))
    else:
        out.reshape(-1)[index.reshape(-1)] = source.reshape(-1)
    return out


def _fill_ref(x, value):
    return np.full(x.shape, value, x.dtype)


def _take_samples(dtype, rng):
    return [SampleInput((make_arg((3, 4), dtype, rng), np.array([[0, 11], [-1, 5]])), desc="2-d index, negative"),
            SampleInput((make_arg((5,), dtype, rng, noncontig=True), np.array([4, 4, 0])), desc="repeats, noncontig"),
            SampleInput((make_arg((), dtype, rng), np.array([0, -1])), desc="0-d input"),
            SampleInput((make_arg((2, 3), dtype, rng), np.array(2)), desc="0-d index"),
            SampleInput((make_arg((2, 3), dtype, rng), np.zeros((0,), np.int64)), desc="empty index")]


def _put_samples(dtype, rng):
    return [SampleInput((make_arg((3, 4), dtype, rng), np.array([0, 11, -2]), make_arg((3,), dtype, rng)),
                        desc="distinct"),
            SampleInput((make_arg((2, 3), dtype, rng), np.array([[1, 4]]), make_arg((1, 2), dtype, rng)),
                        desc="2-d index and source"),
            SampleInput((make_arg((2, 3), dtype, rng), np.array([1, 1, -5]), make_arg((3,), dtype, rng)),
                        {"accumulate": True}, desc="accumulate repeats"),
            SampleInput((make_arg((), dtype, rng), np.array([0, 0]), make_arg((2,), dtype, rng), True),
                        desc="0-d input, positional accumulate")]


def _fill_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng), -1.5), desc="number"),
            SampleInput((make_arg((4,), dtype, rng), make_arg((), dtype, rng)), desc="0-d tensor"),
            SampleInput((make_arg((2, 3), dtype, rng), make_arg((), np.float64, rng)), grad_args=(0,),
                        desc="0-d tensor of another dtype"),
            SampleInput((make_arg((), dtype, rng), 3), desc="0-d input, int value")]


OPS = [
    OpInfo("take", P.take, _take_samples, ref=_take_ref, torch_fn=lambda *a: _torch().take(*a),
           dtypes=(np.float32, np.float64, np.int64)),
    OpInfo("put", P.put, _put_samples, ref=_put_ref, torch_fn=lambda *a, **k: _torch().put(*a, **k),
           dtypes=(np.float32, np.float64, np.int64)),
    OpInfo("fill", P.fill, _fill_samples, ref=_fill_ref, torch_fn=lambda *a: _torch().fill(*a),
           dtypes=(np.float32, np.float64, np.int64), covers=("fill_scalar", "fill_tensor")),
]

"""OpInfos of ops/combinatorics.py: cartesian_prod and combinations of 1-D tensors."""
import itertools

import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _cartesian_ref(*tensors):
    if len(tensors) == 1:
        return tensors[0]
    return np.array(list(itertools.product(*tensors)), tensors[0].dtype).reshape(-1, len(tensors))


def _combinations_ref(x, r=2, with_replacement=False):
    if r == 0:
        return np.zeros(0, x.dtype)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return np.array(list(pick(x, r)), x.dtype).reshape(-1, r)


def _cartesian_samples(dtype, rng):
    return [SampleInput((make_arg((3,), dtype, rng), make_arg((2,), dtype, rng)), desc="two"),
            SampleInput((make_arg((2,), dtype, rng), make_arg((3,), dtype, rng, noncontig=True),
                         make_arg((2,), dtype, rng)), desc="three, noncontig"),
            SampleInput((make_arg((4,), dtype, rng),), desc="one"),
            SampleInput((make_arg((0,), dtype, rng), make_arg((2,), dtype, rng)), desc="empty factor")]


def _combinations_samples(dtype, rng):
    x = make_arg((4,), dtype, rng)
    return [SampleInput((x,), desc="pairs"),
            SampleInput((x, 3), desc="r=3"),
            SampleInput((x, 2, True), desc="with replacement"),
            SampleInput((make_arg((3,), dtype, rng),), {"r": 3, "with_replacement": True}, desc="r=3 kwargs"),
            SampleInput((x, 1), desc="r=1"),
            SampleInput((make_arg((2,), dtype, rng), 3), desc="r > n"),
            SampleInput((x, 0), desc="r=0")]


OPS = [
    OpInfo("cartesian_prod", P.cartesian_prod, _cartesian_samples, ref=_cartesian_ref,
           torch_fn=lambda *a: _torch().cartesian_prod(*a), dtypes=(np.float32, np.float64, np.int64)),
    OpInfo("combinations", P.combinations, _combinations_samples, ref=_combinations_ref,
           torch_fn=lambda *a, **k: _torch().combinations(*a, **k), dtypes=(np.float32, np.float64, np.int64)),
]

"""OpInfos of ops/bitwise.py: bitwise and/or/xor/not and shifts on integer and bool tensors."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip

I64, I32, BOOL = np.int64, np.int32, np.bool_


# The autograd-claim and node-name tests draw float64 samples, which integer-only ops refuse
# (as PyTorch does); the forward tests run in the integer and bool dtypes.
_INTEGER_ONLY = (Skip("no_autograd", "integer/bool-only op: float64 samples are refused"),
                 Skip("grad_fn", "integer/bool-only op: float64 samples are refused"))


def _torch():
    import torch
    return torch


def _binary_samples(dtype, rng):
    def arg(shape):
        return (rng.integers(0, 8, size=shape) if dtype != BOOL else rng.random(shape) < 0.5).astype(dtype)
    out = [SampleInput((arg((2, 3)), arg((2, 3))), desc="same shapes"),
           SampleInput((arg((2, 3)), arg((3,))), desc="broadcast")]
    if dtype != BOOL:
        out.append(SampleInput((arg((4,)), 3), desc="python int"))
    return out


def _shift_samples(dtype, rng):
    return [SampleInput((rng.integers(-8, 8, size=(2, 3)).astype(dtype), rng.integers(0, 3, size=(2, 3)).astype(dtype)),
                        desc="shifts")]


OPS = [OpInfo(name, getattr(P, name), _binary_samples, ref=ref, torch_fn=lambda *a, n=name: getattr(_torch(), n)(*a),
              dtypes=(I64, I32, BOOL), supports_autograd=False, supports_gradgrad=False, skips=_INTEGER_ONLY)
       for name, ref in (("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or),
                         ("bitwise_xor", np.bitwise_xor))]
OPS += [
    OpInfo("bitwise_not", P.bitwise_not, lambda dtype, rng: [SampleInput((_binary_samples(dtype, rng)[0].args[0],),
                                                                         desc="2d")],
           ref=np.invert, torch_fn=lambda a: _torch().bitwise_not(a), dtypes=(I64, I32, BOOL),
           supports_autograd=False, supports_gradgrad=False, skips=_INTEGER_ONLY),
    OpInfo("bitwise_left_shift", P.bitwise_left_shift, _shift_samples, ref=np.left_shift,
           torch_fn=lambda a, b: _torch().bitwise_left_shift(a, b), dtypes=(I64, I32), supports_autograd=False,
           supports_gradgrad=False, skips=_INTEGER_ONLY),
    OpInfo("bitwise_right_shift", P.bitwise_right_shift, _shift_samples, ref=np.right_shift,
           torch_fn=lambda a, b: _torch().bitwise_right_shift(a, b), dtypes=(I64, I32), supports_autograd=False,
           supports_gradgrad=False, skips=_INTEGER_ONLY),
]

"""OpInfos of ops/windows.py: the window functions and scalar_tensor (creation functions: no
tensor arguments, no gradients). The dtype travels as its name, turned into each library's dtype."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput


def _torch():
    import torch
    return torch


def _cosine(*coefficients):
    def shape(k, n):
        return sum((-1) ** j * a * np.cos(2 * np.pi * j * k / (n - 1)) for j, a in enumerate(coefficients))
    return shape


def _kaiser(beta):
    def shape(k, n):
        a = (n - 1) / 2
        return np.i0(beta * np.sqrt(np.maximum(1 - ((k - a) / a) ** 2, 0))) / np.i0(beta)
    return shape


def _ref(shape_of):
    def ref(length, periodic=True, *params, dtype="float32"):
        if length <= 1:
            return np.ones(length, dtype)
        n = length + 1 if periodic else length
        return shape_of(*params)(np.arange(n, dtype=np.float64), n)[:length].astype(dtype)
    return ref


def _samples(*params):
    def samples(dtype, rng):
        name = np.dtype(dtype).name
        return [SampleInput((8,), {"dtype": name}, desc="periodic"),
                SampleInput((7, False) + params, {"dtype": name}, desc="symmetric"),
                SampleInput((5, True) + params, {"dtype": name}, desc="periodic, parameters"),
                SampleInput((1,), {"dtype": name}, desc="length 1"),
                SampleInput((0, False), {"dtype": name}, desc="length 0"),
                SampleInput((2, False), {"dtype": name}, desc="length 2")]
    return samples


def _with_dtype(lib, name):
    def call(*args, dtype):
        return getattr(lib(), name)(*args, dtype=getattr(lib(), dtype))
    return call


def _entry(name, shape_of, *params):
    return OpInfo(name, _with_dtype(lambda: P, name), _samples(*params), ref=_ref(shape_of),
                  torch_fn=_with_dtype(_torch, name), supports_autograd=False, supports_gradgrad=False)


def _scalar_samples(dtype, rng):
    name = np.dtype(dtype).name
    return [SampleInput((2.5,), {"dtype": name}, desc="float"), SampleInput((3,), {"dtype": name}, desc="int"),
            SampleInput((True,), {"dtype": name}, desc="bool")]


OPS = [
    _entry("hann_window", lambda: _cosine(0.5, 0.5)),
    _entry("hamming_window", lambda alpha=0.54, beta=0.46: _cosine(alpha, beta), 0.5, 0.4),
    _entry("blackman_window", lambda: _cosine(0.42, 0.5, 0.08)),
    _entry("bartlett_window", lambda: (lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))),
    _entry("kaiser_window", lambda beta=12.0: _kaiser(beta), 5.0),
    OpInfo("scalar_tensor", _with_dtype(lambda: P, "scalar_tensor"), _scalar_samples,
           ref=lambda s, dtype: np.array(s, dtype), torch_fn=_with_dtype(_torch, "scalar_tensor"),
           dtypes=(np.float32, np.float64, np.int64), supports_autograd=False, supports_gradgrad=False),
]

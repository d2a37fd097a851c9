"""OpInfos of torch.fft (ops/spectral.py). Complex values go in as pairs (last dim 2, through
view_as_complex) and come out through view_as_real, so gradcheck runs on real numbers, as in
opdb/complex.py."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _c(x):
    return x[..., 0] + 1j * x[..., 1]


def _r(z, like):
    return np.stack([z.real, z.imag], -1).astype(like.dtype)


def _real_samples(dtype, rng):
    return [SampleInput((make_arg((3, 6), dtype, rng),), desc="3x6"),
            SampleInput((make_arg((5,), dtype, rng),), desc="5")]


def _pair_samples(dtype, rng):
    return [SampleInput((make_arg((3, 4, 2), dtype, rng),), desc="3x4"),
            SampleInput((make_arg((5, 2), dtype, rng),), desc="5")]


def _entry(name, complex_in, complex_out, ref, **kw):
    def make(lib):
        def f(x):
            x = lib.view_as_complex(x) if complex_in else x
            y = getattr(lib.fft, name)(x, **kw)
            return lib.view_as_real(y.resolve_conj()) if complex_out else y  # torch: ihfft is a lazy conjugate
        return f
    op = make(P)
    return OpInfo(name, op, _pair_samples if complex_in else _real_samples,
                  ref=lambda x: (_r if complex_out else (lambda y, like: y.real.astype(like.dtype)))(
                      ref(_c(x) if complex_in else x.astype(np.float64)), x),
                  torch_fn=lambda x: make(_torch())(x), variant="complex" if complex_in else "",
                  tolerances={"float32": (1e-4, 1e-4)},
                  covers=("fft_c2c", "fft_r2c", "fft_c2r", "constant_pad_nd"))


OPS = [
    _entry("fft", False, True, np.fft.fft),
    _entry("fft", True, True, lambda z: np.fft.fft(z, n=6, norm="ortho"), n=6, norm="ortho"),
    _entry("ifft", True, True, lambda z: np.fft.ifft(z, n=2), n=2),
    _entry("rfft", False, True, lambda x: np.fft.rfft(x, n=7), n=7),
    _entry("irfft", True, False, lambda z: np.fft.irfft(z, n=5), n=5),
    _entry("irfft", False, False, np.fft.irfft),
    _entry("hfft", True, False, lambda z: np.fft.hfft(z, norm="forward"), norm="forward"),
    _entry("ihfft", False, True, np.fft.ihfft),
]

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


def _entry(name, complex_in, complex_out, ref, two_d=False, **kw):
    def make(lib):
        def f(x):
            x = lib.view_as_complex(x) if complex_in else x
            y = getattr(lib.fft, name)(x, **kw)
            return lib.view_as_real(y.resolve_conj()) if complex_out else y  # torch: ihfft is a lazy conjugate
        return f
    op = make(P)
    samples = _pair_samples if complex_in else _real_samples
    return OpInfo(name, op, (lambda dtype, rng: samples(dtype, rng)[:1]) if two_d else samples,
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


def _plain(name, samples, ref, **kw):
    return OpInfo(name, lambda *a: getattr(P.fft, name)(*a, **kw), samples, ref=ref,
                  torch_fn=lambda *a: getattr(_torch().fft, name)(*a, **kw))


def _freq_entry(name, ref):
    def samples(dtype, rng):
        return [SampleInput((n, d), desc=f"n={n}") for n, d in ((5, 0.5), (6, 2.0), (1, 1.0))]
    return OpInfo(name, lambda n, d: getattr(P.fft, name)(n, d, dtype=P.float64),
                  samples, ref=ref, torch_fn=lambda n, d: getattr(_torch().fft, name)(n, d, dtype=_torch().float64),
                  dtypes=(np.float64,), supports_autograd=False, supports_gradgrad=False)


OPS += [
    _entry("fft2", True, True, two_d=True, ref=lambda z: np.fft.fft2(z)),
    _entry("ifft2", True, True, two_d=True, ref=lambda z: np.fft.ifft2(z, s=(2, 5)), s=(2, 5)),
    _entry("fftn", False, True, lambda x: np.fft.fftn(x)),
    _entry("ifftn", True, True, lambda z: np.fft.ifftn(z, norm="ortho"), norm="ortho"),
    _entry("rfft2", False, True, two_d=True, ref=lambda x: np.fft.rfft2(x, s=(4, 5)), s=(4, 5)),
    _entry("rfftn", False, True, lambda x: np.fft.rfftn(x)),
    _entry("irfft2", True, False, two_d=True, ref=lambda z: np.fft.irfft2(z, s=(3, 5)), s=(3, 5)),
    _entry("irfftn", True, False, lambda z: np.fft.irfftn(z)),
    _entry("hfft2", True, False, two_d=True, ref=lambda z: np.fft.irfft2(np.conj(z), s=(3, 6), norm="forward"), s=(3, 6)),
    _entry("hfftn", True, False, lambda z: np.fft.irfftn(np.conj(z), norm="forward")),
    _entry("ihfft2", False, True, two_d=True, ref=lambda x: np.conj(np.fft.rfft2(x, norm="forward"))),
    _entry("ihfftn", False, True, lambda x: np.conj(np.fft.rfftn(x, norm="forward"))),
    _plain("fftshift", _real_samples, np.fft.fftshift),
    _plain("ifftshift", _real_samples, lambda x: np.fft.ifftshift(x, axes=-1), dim=-1),
    _freq_entry("fftfreq", lambda n, d: np.fft.fftfreq(n, d)),
    _freq_entry("rfftfreq", lambda n, d: np.fft.rfftfreq(n, d)),
]


def _stft_samples(dtype, rng):
    return [SampleInput((make_arg((40,), dtype, rng), make_arg((12,), dtype, rng)), desc="1-d, window"),
            SampleInput((make_arg((2, 30), dtype, rng), make_arg((12,), dtype, rng)), desc="batch, window")]


def _stft(lib):
    return lambda x, w: lib.view_as_real(lib.stft(x, 16, hop_length=5, win_length=12, window=w, return_complex=True))


def _stft_ref(x, w):
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(8, 8)], mode="reflect").astype(np.float64)
    wp = np.pad(w.astype(np.float64), (2, 2))
    starts = range(0, xp.shape[-1] - 16 + 1, 5)
    frames = np.stack([xp[..., s:s + 16] * wp for s in starts], -2)
    return _r(np.swapaxes(np.fft.rfft(frames), -1, -2), x)


OPS.append(OpInfo("stft", _stft(P), _stft_samples, ref=_stft_ref, torch_fn=lambda x, w: _stft(_torch())(x, w),
                  tolerances={"float32": (1e-4, 1e-4)}))


_HANN16 = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(16) / 16)  # periodic: its overlap-add at hop 4 never vanishes


def _istft_samples(dtype, rng):
    return [SampleInput((make_arg((9, 7, 2), dtype, rng),), desc="9 bins x 7 frames"),
            SampleInput((make_arg((2, 9, 5, 2), dtype, rng),), desc="batch of 2")]


def _istft(lib, **kw):
    return lambda z: lib.istft(lib.view_as_complex(z), 16, hop_length=4, window=lib.tensor(_HANN16).to(z.dtype), **kw)


def _istft_ref(z, length=None):
    frames = np.fft.irfft(np.swapaxes(_c(z), -1, -2), n=16) * _HANN16
    count = frames.shape[-2]
    full = 16 + 4 * (count - 1)
    y = np.zeros(frames.shape[:-2] + (full,))
    envelope = np.zeros(full)
    for t in range(count):
        y[..., 4 * t:4 * t + 16] += frames[..., t, :]
        envelope[4 * t:4 * t + 16] += _HANN16 ** 2
    end = full - 8 if length is None else 8 + length
    return (y[..., 8:end] / envelope[8:end]).astype(z.dtype)


OPS += [OpInfo("istft", _istft(P), _istft_samples, ref=_istft_ref, torch_fn=lambda z: _istft(_torch())(z),
               variant="complex", tolerances={"float32": (1e-4, 1e-4)}, covers=("unfold_backward",)),
        OpInfo("istft", _istft(P, length=20), _istft_samples, ref=lambda z: _istft_ref(z, 20),
               torch_fn=lambda z: _istft(_torch(), length=20)(z), variant="complex, length",
               tolerances={"float32": (1e-4, 1e-4)})]

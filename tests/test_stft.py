"""torch.stft and torch.istft (ops/stft.py): the round trip, the options PyTorch's istft takes
(length, center, onesided, return_complex, normalized, batches), and its errors, each compared
with PyTorch where the `torch` fixture finds it. Values and gradients of both transforms are in
the op database (tests/opdb/spectral.py)."""
import warnings

import numpy as np
import pytest

import pyautograd as P


def _hann(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)  # periodic, as torch.hann_window


def _spectrum(lib, signal, n_fft=32, hop=8, **kw):
    return lib.stft(lib.tensor(signal), n_fft, hop, window=lib.tensor(_hann(n_fft)), return_complex=True, **kw)


def test_istft_inverts_stft():
    x = np.random.default_rng(0).standard_normal((2, 150))
    y = P.istft(_spectrum(P, x), 32, 8, window=P.tensor(_hann(32)), length=150)
    np.testing.assert_allclose(y.numpy(), x, atol=1e-12)
    # center=False: a window without zeros (the Hann window's first point is 0: no inverse there)
    spec = P.stft(P.tensor(x), 32, 8, window=P.ones(32, dtype=P.float64), center=False, return_complex=True)
    y = spec.istft(32, 8, window=P.ones(32, dtype=P.float64), center=False)
    np.testing.assert_allclose(y.numpy(), x[:, :y.shape[-1]], atol=1e-12)


@pytest.mark.parametrize("kw", [dict(), dict(length=120), dict(length=170), dict(normalized=True),
                                dict(onesided=False), dict(onesided=False, return_complex=True),
                                dict(win_length=16), dict(center=False, window_kind="ones")])
def test_istft_options_as_torch(torch, kw):
    kw = dict(kw)
    ones = kw.pop("window_kind", None) == "ones"
    x = np.random.default_rng(1).standard_normal(150)
    onesided = kw.get("onesided", True)
    results = []
    for lib in (P, torch):
        spec = _spectrum(lib, x, onesided=onesided, normalized=kw.get("normalized", False)).detach().requires_grad_()
        win = kw.get("win_length", 32)
        window = lib.ones(win, dtype=lib.float64) if ones or win != 32 else lib.tensor(_hann(32))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = lib.istft(spec, 32, 8, window=window, **kw)
        out = lib.view_as_real(y) if y.is_complex() else y
        out.backward(lib.ones_like(out) * lib.arange(out.numel(), dtype=lib.float64).reshape(out.shape))
        results.append((out.detach().numpy(), spec.grad.numpy(), y.dtype, type(y.grad_fn).__name__,
                        [str(w.message)[:40] for w in caught]))
    ours, theirs = results
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
    assert str(ours[2]) == str(theirs[2]) and ours[3] == theirs[3] and ours[4] == theirs[4]


def _errors(lib):
    x = np.random.default_rng(2).standard_normal(100)
    spec = _spectrum(lib, x)
    window = lib.tensor(_hann(32))
    return [
        lambda: lib.istft(lib.view_as_real(spec), 32, 8, window=window),
        lambda: lib.istft(spec, 32, 8, window=lib.zeros(32, dtype=lib.float64)),
        lambda: lib.istft(spec, 32, 0, window=window),
        lambda: lib.istft(spec, 32, 40, window=window),
        lambda: lib.istft(spec, 32, 8, window=window, win_length=40),
        lambda: lib.istft(spec, 32, 8, window=lib.ones(20, dtype=lib.float64)),
        lambda: lib.istft(spec, 30, 8, window=window),
        lambda: lib.istft(spec, 32, 8, window=window, onesided=False),
        lambda: lib.istft(spec, 32, 8, window=window, return_complex=True),
        lambda: lib.istft(spec.unsqueeze(0).unsqueeze(0), 32, 8),
        lambda: lib.istft(spec[:, :0], 32, 8),
        lambda: lib.istft(spec, 32, 8, window=window, center=False),
        lambda: lib.istft(spec[0], 32, 8),
    ]


@pytest.mark.filterwarnings("ignore:A window was not provided")
def test_istft_errors_as_torch(torch):
    for ours, theirs in zip(_errors(P), _errors(torch)):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type) as got:
            ours()
        assert "istft" in str(got.value) or "complex" in str(got.value)


def test_istft_without_a_window_warns_as_torch():
    spec = _spectrum(P, np.zeros(100))
    with pytest.warns(UserWarning, match="A window was not provided. A rectangular window will be applied"):
        P.istft(spec, 32, 8)


def test_istft_errors_name_the_call():
    spec = _spectrum(P, np.zeros(100))
    with pytest.raises(RuntimeError, match=r"input of shape \[17, 13\].*window overlap add min: 0"):
        P.istft(spec, 32, 8, window=P.zeros(32, dtype=P.float64))
    with pytest.raises(RuntimeError, match="match n_fft / 2 \\+ 1 when onesided=True, but got 17"):
        P.istft(spec, 30, 8)

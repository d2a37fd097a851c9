"""The window functions (hann, hamming, blackman, bartlett, kaiser) and scalar_tensor: creation
functions with PyTorch's signatures and dtype rules (the default dtype unless `dtype` names a
floating one). Their values are fixed tables, computed in float64 and rounded once to the dtype.

A periodic window of length N is the symmetric window of length N + 1 without its last point
(the form spectral analysis wants); lengths 0 and 1 give an empty tensor and [1.]."""
import numbers

import numpy as np

from .. import _creation, _dtype
from ._surface import declare


def _window_dtype(op, dtype):
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    if not dt.is_floating_point:
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dt}")
    return dt


def _make(op, window_length, periodic, dtype, device, requires_grad, shape_fn):
    """The window of `window_length` points whose symmetric form over n points is shape_fn(k, n)
    for k = 0..n-1 (float64 arrays)."""
    if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got window_length={window_length}")
    dt = _window_dtype(op, dtype)
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        values = shape_fn(np.arange(n, dtype=np.float64), n)[:window_length]
    return _creation.tensor(values.astype(dt.numpy_dtype), device=device, requires_grad=requires_grad)


def _cosine_sum(*coefficients):
    """sum_j (-1)^j a_j cos(2 pi j k / (n - 1)): the generalized cosine windows."""
    def shape_fn(k, n):
        phase = 2.0 * np.pi * k / (n - 1)
        return sum((-1) ** j * a * np.cos(j * phase) for j, a in enumerate(coefficients))
    return shape_fn


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hann window: 0.5 - 0.5 cos(2 pi k / (N - 1)) (periodic: over N + 1 points, the last dropped)."""
    return _make("hann_window", window_length, periodic, dtype, device, requires_grad, _cosine_sum(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """The Hamming window: alpha - beta cos(2 pi k / (N - 1)) (periodic: over N + 1 points, the last dropped)."""
    return _make("hamming_window", window_length, periodic, dtype, device, requires_grad, _cosine_sum(alpha, beta))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Blackman window: 0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))."""
    return _make("blackman_window", window_length, periodic, dtype, device, requires_grad,
                 _cosine_sum(0.42, 0.5, 0.08))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Bartlett (triangular) window: 1 - |2k / (N - 1) - 1|."""
    return _make("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                 lambda k, n: 1.0 - np.abs(2.0 * k / (n - 1) - 1.0))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False):
    """The Kaiser window: I0(beta sqrt(1 - ((k - a) / a)^2)) / I0(beta), a = (N - 1) / 2, with I0
    the modified Bessel function of order 0."""
    def shape_fn(k, n):
        a = (n - 1) / 2.0
        return np.i0(beta * np.sqrt(np.clip(1.0 - ((k - a) / a) ** 2, 0.0, None))) / np.i0(beta)
    return _make("kaiser_window", window_length, periodic, dtype, device, requires_grad, shape_fn)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """A 0-d tensor holding the number `s`, in the default dtype (not the number's) unless
    `dtype` is given."""
    if isinstance(s, complex):
        raise RuntimeError("value cannot be converted to type float without overflow")
    if not isinstance(s, numbers.Number):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    return _creation.tensor(np.array(s, dtype=dt.numpy_dtype), device=device, requires_grad=requires_grad)


# The public surface of these functions (ops/_surface.py derives pyautograd's exports from it).
for _fn in (hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window, scalar_tensor):
    declare(_fn.__name__, _fn)

"""The modified Bessel functions of the first kind: i0, i1 and their exponentially scaled forms
i0e, i1e (NumPy only: NumPy has np.i0 alone, and no i1 or scaled forms).

Computed in float64 and returned in the input's dtype. Below |x| = 30 the power series
    I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!)
(every term positive, so it sums without cancellation); from 30 on the asymptotic series
    I_nu(x) e^-x = (2 pi x)^-1/2 sum_k (-1)^k prod_{j<=k} (4 nu^2 - (2j - 1)^2) / (k! (8x)^k),
whose terms are below 1e-19 of the first by k = 20 there. I0 is even and I1 odd."""
import math

import numpy as np

__all__ = ["i0", "i0e", "i1", "i1e"]

_SERIES_UP_TO = 30.0
_ASYMPTOTIC_TERMS = 24


def _power_series(ax, nu):
    """I_nu(ax) for 0 <= ax <= 30 by the power series, summed until the terms vanish."""
    y = ax * ax / 4
    term = np.ones_like(ax)
    total = term.copy()
    k = 0
    while True:
        k += 1
        term = term * y / (k * (k + nu))
        total += term
        if not (term > total * 1e-17).any():
            break
    return total * (ax / 2) ** nu


def _scaled_asymptotic(ax, nu):
    """I_nu(ax) e^-ax for ax > 30 by the asymptotic series."""
    mu = 4.0 * nu * nu
    term = np.ones_like(ax)
    total = term.copy()
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * ax)
        total += term
    return total / np.sqrt(2 * math.pi * ax)


def _bessel(x, nu, scaled):
    xd = np.asarray(x, np.float64)
    ax = np.abs(xd)
    out = np.empty_like(ax)
    with np.errstate(over="ignore", invalid="ignore"):
        small = ax <= _SERIES_UP_TO  # NaN is in neither part: filled below
        large = ax > _SERIES_UP_TO
        if small.any():
            s = _power_series(ax[small], nu)
            out[small] = s * np.exp(-ax[small]) if scaled else s
        if large.any():
            a = _scaled_asymptotic(ax[large], nu)
            out[large] = a if scaled else a * np.exp(ax[large])  # inf beyond ~713, as I_nu is
        out[np.isnan(ax)] = np.nan
        if nu == 1:
            out = np.copysign(out, xd)
        return np.asarray(out).astype(x.dtype, copy=False)  # float32 overflows to inf, as I_nu does


def i0(x):
    """The modified Bessel function of the first kind of order 0, elementwise."""
    return _bessel(x, 0, False)


def i0e(x):
    """i0(x) * exp(-|x|), elementwise (finite for every finite x)."""
    return _bessel(x, 0, True)


def i1(x):
    """The modified Bessel function of the first kind of order 1, elementwise."""
    return _bessel(x, 1, False)


def i1e(x):
    """i1(x) * exp(-|x|), elementwise."""
    return _bessel(x, 1, True)

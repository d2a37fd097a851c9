"""The gamma family's kernels: lgamma, digamma and polygamma (NumPy only; NumPy has no
vectorized log-gamma or psi). lgamma calls math.lgamma per element; digamma and polygamma shift
the argument up by the recurrence and finish with the asymptotic (Euler-Maclaurin) series, with
the reflection formula for digamma's negative arguments. Computed in float64, returned in the
input's dtype."""
import math

import numpy as np

__all__ = ["lgamma", "digamma", "polygamma"]

_lgamma_scalar = np.frompyfunc(lambda v: math.inf if v <= 0 and v == math.floor(v) else math.lgamma(v), 1, 1)

# B_2k / (2k) for psi's series, and B_2k / (2k)! for the Hurwitz zeta tail, k = 1..7.
_PSI_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
_ZETA_SERIES = (1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000,
                1 / 74724249600)
_SHIFT_TO = 15.0  # the series is used from here on (its first omitted term is below 1e-17 there)


def lgamma(x):
    """log|Gamma(x)| elementwise (+inf at 0 and the negative integers)."""
    xd = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        out = np.where(np.isnan(xd), np.nan, np.where(np.isinf(xd), np.inf, 0.0))
        finite = np.isfinite(xd)
        if finite.any():
            out[finite] = _lgamma_scalar(xd[finite]).astype(np.float64)
    return np.asarray(out).astype(x.dtype, copy=False)


def _shifted(y, s=None):
    """(y moved to >= _SHIFT_TO by the recurrence, what the moved-over terms add): -sum 1/(y+k)
    for psi (s None), sum (y+k)^-s for the Hurwitz zeta of order s."""
    acc = np.zeros_like(y)
    y = y.copy()
    while True:
        low = y < _SHIFT_TO
        if not low.any():
            return y, acc
        acc[low] += -1.0 / y[low] if s is None else y[low] ** -s
        y[low] += 1.0


def _psi(xd):
    """digamma on float64, x > 0 or non-integer."""
    neg = xd < 0
    y = np.where(neg, 1.0 - xd, xd)
    y, acc = _shifted(y)
    inv2 = 1.0 / (y * y)
    series, power = 0.0, inv2
    for c in _PSI_SERIES:
        series = series + c * power
        power = power * inv2
    out = acc + np.log(y) - 0.5 / y - series
    return np.where(neg, out - np.pi / np.tan(np.pi * xd), out)


def digamma(x):
    """The logarithmic derivative of Gamma, elementwise: -inf at +0 (+inf at -0), NaN at the
    negative integers and -inf, as PyTorch."""
    xd = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        ok = np.isfinite(xd) & ~((xd <= 0) & (xd == np.floor(xd)))
        out = np.full(xd.shape, np.nan)
        out[ok] = _psi(xd[ok])
        out = np.where(xd == 0, np.copysign(np.inf, -xd), out)
        out = np.where(xd == np.inf, np.inf, out)
    return np.asarray(out).astype(x.dtype, copy=False)


def _hurwitz_zeta(s, xd):
    """zeta(s, x) = sum_k (x + k)^-s for an integer s >= 2 (x not a non-positive integer)."""
    y, acc = _shifted(xd, s)
    tail = y ** (1.0 - s) / (s - 1) + 0.5 * y ** -s
    rising = float(s)  # s (s + 1) ... (s + 2j - 2)
    for j, c in enumerate(_ZETA_SERIES, start=1):
        tail = tail + c * rising * y ** (-s - 2 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    return acc + tail


def polygamma(n, x):
    """The n-th derivative of digamma, elementwise (n = 0: digamma): (-1)^(n+1) n! zeta(n+1, x),
    (-1)^(n+1) inf at the non-positive integers."""
    if n == 0:
        return digamma(x)
    xd = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        pole = np.isfinite(xd) & (xd <= 0) & (xd == np.floor(xd))
        ok = np.isfinite(xd) & ~pole
        out = np.full(xd.shape, np.nan)
        out[ok] = (-1.0) ** (n + 1) * math.factorial(n) * _hurwitz_zeta(n + 1, xd[ok])
        out[pole] = (-1.0) ** (n + 1) * np.inf
        # PyTorch's values at +inf: trigamma's limit 0, NaN for the higher orders.
        out = np.where(xd == np.inf, 0.0 if n == 1 else np.nan, out)
    return np.asarray(out).astype(x.dtype, copy=False)

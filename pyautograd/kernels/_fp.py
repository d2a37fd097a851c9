"""Silencing NumPy's floating-point warnings inside kernels, cheaply.

PyTorch never warns when a kernel makes an inf or a NaN (log(0), 0 * inf):
the values propagate and anomaly mode is the tool that finds them. NumPy
warns, and ``np.errstate`` costs about 2 us per use, more than a small
ufunc call. NumPy 2 keeps the error state in a context variable; setting it
directly costs about 0.1 us. Where that private hook is missing, we fall
back to ``np.errstate``.
"""
import contextlib

import numpy as np

try:
    from numpy._core import umath as _umath
    from numpy._core._ufunc_config import _extobj_contextvar as _var

    _IGNORE = _umath._make_extobj(all="ignore")
except (ImportError, AttributeError, TypeError):  # older or future NumPy
    _var = None


if _var is not None:
    def quiet(fn, *args, **kwargs):
        """Calls fn(*args, **kwargs) with NumPy floating-point warnings off."""
        token = _var.set(_IGNORE)
        try:
            return fn(*args, **kwargs)
        finally:
            _var.reset(token)

    @contextlib.contextmanager
    def quiet_block():
        """Context manager: NumPy floating-point warnings off in its body."""
        token = _var.set(_IGNORE)
        try:
            yield
        finally:
            _var.reset(token)
else:
    def quiet(fn, *args, **kwargs):
        """Calls fn(*args, **kwargs) with NumPy floating-point warnings off."""
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    def quiet_block():
        """Context manager: NumPy floating-point warnings off in its body."""
        return np.errstate(all="ignore")


def _probe_out_ellipsis():
    z = np.zeros((), np.float32)
    try:
        return isinstance(np.add(z, z, out=...), np.ndarray)
    except TypeError:
        return False


# out=... makes a ufunc return a 0-d array instead of a NumPy scalar (NumPy >= 2.x).
OUT_ARRAY = ... if _probe_out_ellipsis() else None


def quiet_ufunc(fn, nin):
    """A fast kernel body calling ufunc `fn` on `nin` arrays with warnings off, returning arrays.

    Generic forwarding of *args/**kwargs costs as much as a small ufunc call, so the one- and
    two-input forms are spelled out.
    """
    out_default = OUT_ARRAY
    if _var is None:
        def call1(x, *, out=None):
            with np.errstate(all="ignore"):
                return fn(x, out=out_default if out is None else out)

        def call2(a, b, *, out=None):
            with np.errstate(all="ignore"):
                return fn(a, b, out=out_default if out is None else out)
    else:
        var, ignore = _var, _IGNORE

        def call1(x, *, out=None):
            token = var.set(ignore)
            try:
                return fn(x, out=out_default if out is None else out)
            finally:
                var.reset(token)

        def call2(a, b, *, out=None):
            token = var.set(ignore)
            try:
                return fn(a, b, out=out_default if out is None else out)
            finally:
                var.reset(token)
    return call1 if nin == 1 else call2

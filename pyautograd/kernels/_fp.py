"""Silencing NumPy's floating-point warnings inside kernels, cheaply.

PyTorch never warns when a kernel makes an inf or a NaN (log(0), 0 * inf):
the values propagate and anomaly mode is the tool that finds them. NumPy
warns, and ``np.errstate`` costs about 2 us per use, more than a small
ufunc call. NumPy 2 keeps the error state in a context variable; setting it
directly costs about 0.1 us. Where that private hook is missing, we fall
back to ``np.errstate``.
"""
import contextlib
import contextvars
import threading

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


if _var is not None:
    class _QuietContext(threading.local):
        """Per thread: a contextvars.Context in which NumPy's error state is 'ignore'."""

        def __init__(self):
            self.context = contextvars.copy_context()
            self.context.run(_var.set, _IGNORE)

    quiet_context = _QuietContext()
else:
    quiet_context = None


def quiet_ufunc(fn, nin):
    """A fast kernel body calling ufunc `fn` on `nin` arrays with warnings off, returning arrays.

    Setting and resetting the error-state variable costs about 0.4 us, as much as the ufunc
    on a small array; entering a context that already holds 'ignore' (Context.run) costs a
    quarter of that. A Context can be entered by one thread at a time, and not re-entered,
    so each thread has its own, and only a bare ufunc call (which runs no Python code on
    ndarrays) happens inside it. Generic forwarding of *args/**kwargs costs as much as a
    small ufunc call, so the one- and two-input forms are spelled out.
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
        local = quiet_context

        def call1(x, *, out=None):
            return local.context.run(fn, x, out=out_default if out is None else out)

        def call2(a, b, *, out=None):
            return local.context.run(fn, a, b, out=out_default if out is None else out)
    return call1 if nin == 1 else call2

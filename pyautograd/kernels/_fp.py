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


# Per float dtype: Python number -> read-only 0-d array of that dtype holding it. The cache is
# chosen by identity of the dtype object: hashing a dtype costs more than the lookup saves.
_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_F16_OPERANDS, _F32_OPERANDS, _F64_OPERANDS = {}, {}, {}
_MAX_OPERANDS = 1024
_INF = float("inf")


def _operand(value, dtype):
    """`value` (a Python int or float) as a cached 0-d array of float dtype `dtype`, or
    `value` itself where that does not apply.

    A ufunc given a float array and a Python number converts the number to the array's dtype
    (NEP 50) and computes in that dtype; handing it that 0-d array instead gives the same
    result and skips about a third of the ufunc's cost on a small array (the conversion).
    Zeros are not cached (0.0 == -0.0 as keys, but the sign matters), nor NaN (never equal
    to itself) or numbers the dtype cannot hold (NumPy handles those itself).
    """
    if dtype is _F32:
        cache = _F32_OPERANDS
    elif dtype is _F64:
        cache = _F64_OPERANDS
    elif dtype is _F16:
        cache = _F16_OPERANDS
    else:
        return value
    z = cache.get(value)
    if z is None:
        if value == 0 or value != value:
            return value
        try:
            with np.errstate(all="ignore"):  # a cache miss: rare, so errstate's cost is fine
                z = np.array(value, dtype)
        except OverflowError:
            return value
        if np.isinf(z) and value not in (_INF, -_INF):
            return value
        z.flags.writeable = False
        if len(cache) >= _MAX_OPERANDS:
            cache.clear()
        cache[value] = z
    return z


def quiet_ufunc(fn, nin):
    """A fast kernel body calling ufunc `fn` on `nin` arrays with warnings off, returning arrays.

    Setting and resetting the error-state variable costs about 0.4 us, as much as the ufunc
    on a small array; entering a context that already holds 'ignore' (Context.run) costs a
    quarter of that. A Context can be entered by one thread at a time, and not re-entered,
    so each thread has its own, and only a bare ufunc call (which runs no Python code on
    ndarrays) happens inside it. Keyword arguments cost too: a 0-d result (a NumPy scalar)
    is made an array afterwards rather than asking for one with out=... . A Python number
    beside a float array is handed over as a cached 0-d array (see _operand). Generic
    forwarding of *args/**kwargs costs as much as a small ufunc call, so the one- and
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
        local = quiet_context
        ndarray, asarray = np.ndarray, np.asarray

        def call1(x, *, out=None):
            if out is not None:
                return local.context.run(fn, x, out=out)
            r = local.context.run(fn, x)
            return r if r.__class__ is ndarray else asarray(r)

        f32_operands = _F32_OPERANDS

        def call2(a, b, *, out=None):
            if out is not None:
                return local.context.run(fn, a, b, out=out)
            if b.__class__ is float or b.__class__ is int:
                if a.__class__ is ndarray:
                    # _operand, with its commonest hit (float32) looked up inline: a call less
                    dtype = a.dtype
                    z = f32_operands.get(b) if dtype is _F32 else None
                    b = _operand(b, dtype) if z is None else z
            elif a.__class__ is float or a.__class__ is int:
                if b.__class__ is ndarray:
                    a = _operand(a, b.dtype)
            r = local.context.run(fn, a, b)
            return r if r.__class__ is ndarray else asarray(r)
    return call1 if nin == 1 else call2

"""The kernel namespace every op calls: ``kernels.<name>(arrays..., out=None)``.

Kernels take and return NumPy arrays and know nothing of Tensors or graphs.
Each name has a NumPy reference (``_numpy``) and, for hot paths, a C kernel
(``_c``) with the same signature; the dispatcher picks one per call:

* backend ``numpy``: always the reference;
* backend ``c``: C whenever the dtype allows it (float32/float64);
* backend ``auto`` (default): C from the measured crossover size on
  (see ``_registry``); ``PYAUTOGRAD_C_THRESHOLD=N`` overrides every crossover
  (0 forces C on every size, which the tests use).

bfloat16 arrays are computed in float32 and rounded back (``_lowp``), here
in the dispatcher, for every kernel that computes.

Select with ``PYAUTOGRAD_BACKEND=numpy|c|auto``, ``set_backend(name)`` or the
context manager ``use_backend(name)``. If the C extension cannot be imported,
everything runs on NumPy after one warning and ``c_available()`` is False.
"""
from . import _threads  # noqa: I001  first: thread settings must precede NumPy and libgomp loading
import builtins  # this module's namespace is filled with kernels named sum, max, min...
import contextlib
import inspect
import os
import threading
import warnings

import numpy as np

from . import _fp, _lowp, _numpy
from ._alloc import storage as array_storage  # noqa: F401  (as_strided, storage_offset: the memory an array lives in)
from ._lowp import is_bfloat16, numpy_bfloat16  # noqa: F401  (ml_dtypes' bfloat16, loaded on first use)
from ._registry import spec_for
from .checks import Unsupported

try:
    from . import _c
except ImportError as exc:  # a source tree without a build
    _c = None
    _C_IMPORT_ERROR = exc
    warnings.warn(f"pyautograd: the C kernels could not be loaded ({exc}); running on NumPy only",
                  RuntimeWarning, stacklevel=2)
else:
    _C_IMPORT_ERROR = None

_BACKENDS = ("auto", "c", "numpy")
# Tested after the size: hashing a dtype costs as much as a small kernel's whole dispatch.
_C_DTYPES = frozenset((np.dtype(np.float32), np.dtype(np.float64)))

# name -> current C threshold (None: NumPy). One dict read per call; the
# backend switch rewrites it.
_limits = {}
_specs = {}
_state = {"backend": "auto"}
# use_backend is thread-local, like grad mode: a thread inside a use_backend block reads its
# own limits (the top of _local.stack); the others keep the process-wide ones. _overrides counts the
# blocks open in any thread, so that while there are none a dispatch costs one list read more.
_local = threading.local()
_overrides = [0]
_overrides_lock = threading.Lock()


def c_available():
    """Whether the compiled C kernels were imported."""
    return _c is not None


def openmp_available():
    """Whether the compiled C kernels were built with OpenMP (multi-threaded); False without them."""
    return _c is not None and _c.OPENMP


def c_import_error():
    """The ImportError that kept the C kernels from loading, or None."""
    return _C_IMPORT_ERROR


def backend():
    """The backend in force in this thread: 'auto', 'c' or 'numpy' ('numpy' whenever C is unavailable)."""
    if _c is None:
        return "numpy"
    stack = getattr(_local, "stack", None)
    return stack[-1][0] if stack else _state["backend"]


def _thread_limits():
    """The limits of the calling thread: its innermost use_backend block's, else the process's."""
    stack = getattr(_local, "stack", None)
    return stack[-1][1] if stack else _limits


def _env_threshold():
    raw = os.environ.get("PYAUTOGRAD_C_THRESHOLD")
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"PYAUTOGRAD_C_THRESHOLD must be an integer, got {raw!r}") from None
    return value if value > 0 else 0  # not max(): this namespace exports the max kernel


def _apply_limits(mode=None, limits=None):
    """Fills `limits` (default: the process-wide table) for backend `mode` (default: the process's)."""
    mode = (_state["backend"] if _c is not None else "numpy") if mode is None else mode
    limits = _limits if limits is None else limits
    override = _env_threshold()
    for name, spec in _specs.items():
        if mode == "numpy" or _c is None or name not in _c.KERNELS:
            limits[name] = None
        elif mode == "c":
            limits[name] = 0
        elif override is not None:
            limits[name] = override
        else:
            limits[name] = spec.threshold
    return limits


def _check_backend(name):
    if name not in _BACKENDS:
        raise ValueError(f"backend must be one of {_BACKENDS}, got {name!r}")
    if name == "c" and _c is None:
        raise RuntimeError(f"the C backend is not available: {_C_IMPORT_ERROR}")


def set_backend(name):
    """Selects the kernel backend for the whole process: 'auto', 'c' or 'numpy' (threads inside
    a use_backend block keep that block's backend until it ends)."""
    _check_backend(name)
    _state["backend"] = name
    _apply_limits()


@contextlib.contextmanager
def use_backend(name):
    """Context manager that runs its body on backend `name` in the calling thread, then restores
    the previous one. Thread-local, like grad mode: other threads keep their backend.

    Example::

        with pyautograd.kernels.use_backend("numpy"):
            y = x.exp()     # computed by the NumPy reference
    """
    _check_backend(name)
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    stack.append((name, _apply_limits(name, {})))
    with _overrides_lock:
        _overrides[0] += 1
    try:
        yield
    finally:
        with _overrides_lock:
            _overrides[0] -= 1
        stack.pop()


def c_threshold(name):
    """The element count from which ``kernels.<name>`` now runs in C in this thread (None: it never does)."""
    return _thread_limits()[name]


def quiet_call(fn, *args):
    """fn(*args) with NumPy's floating-point warnings off, for NumPy arithmetic written above
    this layer (pyautograd never warns where PyTorch would not). Cheaper than np.errstate;
    `fn` must not call a kernel (it runs in a context that cannot be entered twice)."""
    return _fp.quiet_context.context.run(fn, *args) if _fp.quiet_context is not None else _fp.quiet(fn, *args)


# The C kernels never start more OpenMP threads than this, whatever was asked: libgomp aborts
# the process when it cannot create a team (thousands of threads), and oversubscription
# only slows the kernels down.
MAX_C_THREADS = builtins.max(64, 4 * (os.cpu_count() or 1))
_requested_threads = [None]


def set_num_threads(n):
    """Sets how many threads the C kernels may use, as torch.set_num_threads: `n` must be an
    int (not bool, float or str; RuntimeError otherwise) of at least 1 (RuntimeError) and
    at most 2**31 - 1 (ValueError). The kernels use at most MAX_C_THREADS of them."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    n = int(n)
    if n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    if n > 2**31 - 1:
        raise ValueError(f"set_num_threads: {n} overflows a C int")
    _requested_threads[0] = n
    if _c is not None:
        _c.threads[0] = builtins.min(n, MAX_C_THREADS)


def get_num_threads():
    """The number of threads the C kernels may use (the last set_num_threads value, as PyTorch
    reports it, or the OpenMP default)."""
    if _c is None:
        return 1
    return _requested_threads[0] if _requested_threads[0] is not None else _c.threads[0]


def _make_dispatcher(name, np_fn, c_fn, spec):
    if c_fn is None:
        return _lowp.numpy_only(name, np_fn)
    limits, overrides = _limits, _overrides
    # bfloat16 never takes C (not in _C_DTYPES): on the NumPy path, a deciding argument of
    # that dtype (tested by identity against _lowp.BFLOAT16, read at call time because it is
    # loaded on first use: free for the others) sends the call through _lowp, which calls this
    # dispatcher again in float32. MOVES run on bfloat16 as they are.
    widens = name not in _lowp.MOVES
    in_float32 = _lowp.call_in_float32
    ndarray = np.ndarray
    positions = spec.size_args
    shape = _call_shape(np_fn)
    if spec.grouped:
        dispatch = _group_dispatcher(name, np_fn, c_fn, positions[0], widens)
    elif shape == "unary" and positions == (0,):
        # The two common call shapes get dispatchers with the kernel's own signature:
        # forwarding *args/**kwargs costs as much as a small ufunc call.
        def dispatch(x, *, out=None):
            limit = (_thread_limits() if overrides[0] else limits)[name]
            if limit is not None and x.size >= limit and x.dtype in _C_DTYPES:
                return c_fn(x, out=out)
            if x.dtype is _lowp.BFLOAT16 and widens:
                return in_float32(dispatch, name, (x,), {"out": out})
            return np_fn(x, out=out)
    elif shape == "binary" and positions == (0, 1):
        def dispatch(a, b, *, out=None):
            limit = (_thread_limits() if overrides[0] else limits)[name]
            if limit is not None:
                a_arr, b_arr = a.__class__ is ndarray, b.__class__ is ndarray
                if (a_arr and a.size >= limit) or (b_arr and b.size >= limit):
                    if (a.dtype if a_arr else b.dtype) in _C_DTYPES:
                        return c_fn(a, b, out=out)
            if a.__class__ is ndarray:
                d = a.dtype
            else:  # a number, or an ndarray subclass (np.memmap)
                d = getattr(a, "dtype", None)
                if d is None:
                    d = getattr(b, "dtype", None)
            if d is _lowp.BFLOAT16 and widens:
                return in_float32(dispatch, name, (a, b), {"out": out})
            # (a keyword argument costs in every call below: passed only when given)
            return np_fn(a, b) if out is None else np_fn(a, b, out=out)
    elif len(positions) == 1:
        (p,) = positions

        def dispatch(*args, **kwargs):
            limit = (_thread_limits() if overrides[0] else limits)[name]
            if limit is not None:
                x = args[p]
                if x.size >= limit and x.dtype in _C_DTYPES:
                    try:
                        return c_fn(*args, **kwargs)
                    except Unsupported:  # arguments only the reference takes (e.g. mixed dtypes)
                        pass
            try:  # free where nothing raises (3.11); the argument may be missing or a number
                is_low = args[p].dtype is _lowp.BFLOAT16 and widens
            except (IndexError, AttributeError):
                is_low = False
            if is_low:
                return in_float32(dispatch, name, args, kwargs)
            return np_fn(*args, **kwargs)
    else:
        # Two inputs decide (a, b of a binary kernel; a, b of where); either
        # may be a Python scalar, and the larger one's size counts.
        i, j = positions

        def dispatch(*args, **kwargs):
            limit = (_thread_limits() if overrides[0] else limits)[name]
            if limit is not None:
                a, b = args[i], args[j]
                a_arr, b_arr = a.__class__ is ndarray, b.__class__ is ndarray
                if (a_arr and a.size >= limit) or (b_arr and b.size >= limit):
                    if (a.dtype if a_arr else b.dtype) in _C_DTYPES:
                        try:
                            return c_fn(*args, **kwargs)
                        except Unsupported:  # e.g. more dims than C takes (reliability, issue 18)
                            pass
            try:  # free where nothing raises (3.11)
                is_low = (args[i].dtype is _lowp.BFLOAT16 or args[j].dtype is _lowp.BFLOAT16) and widens
            except (IndexError, AttributeError):  # a number among them, or a keyword argument
                is_low = widens and _lowp.has_low(args, kwargs)
            if is_low:
                return in_float32(dispatch, name, args, kwargs)
            return np_fn(*args, **kwargs)
    dispatch.__name__ = name
    dispatch.__qualname__ = name
    dispatch.__doc__ = np_fn.__doc__
    return dispatch


_SHAPES = {("x", "*out"): "unary", ("a", "b", "*out"): "binary"}


def _call_shape(fn):
    """'unary' for f(x, *, out=None), 'binary' for f(a, b, *, out=None), else None."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    key = tuple(("*" if p.kind is p.KEYWORD_ONLY else "") + p.name for p in params
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return None
    return _SHAPES.get(key)


def _group_dispatcher(name, np_fn, c_fn, position, widens):
    # The argument is a list of arrays: the first one's dtype and the total
    # size decide. Malformed lists go to NumPy, whose checks name the problem.
    limits, overrides = _limits, _overrides
    ndarray = np.ndarray

    def dispatch(*args, **kwargs):
        limit = (_thread_limits() if overrides[0] else limits)[name]
        if limit is not None:
            xs = args[position]
            if (xs.__class__ in (list, tuple) and xs and xs[0].__class__ is ndarray and xs[0].dtype in _C_DTYPES
                    and (limit == 0 or builtins.sum(x.size for x in xs if x.__class__ is ndarray) >= limit)):
                try:
                    return c_fn(*args, **kwargs)
                except Unsupported:  # e.g. more dims than C takes (reliability, issue 18)
                    pass
        if widens and _lowp.has_low((args[position],), None):
            return _lowp.call_in_float32(dispatch, name, args, kwargs)
        return np_fn(*args, **kwargs)
    return dispatch


def names():
    """Every kernel name, sorted."""
    return sorted(_specs)


def c_names():
    """The kernel names that have a C implementation, sorted."""
    return sorted(_c.KERNELS) if _c is not None else []


def _build():
    for name in _numpy.KERNELS:
        _specs[name] = spec_for(name, _c.SPECS if _c is not None else None)
    _apply_limits()
    namespace = {}
    for name, np_fn in _numpy.KERNELS.items():
        c_fn = _c.KERNELS.get(name) if _c is not None else None
        namespace[name] = _make_dispatcher(name, np_fn, c_fn, _specs[name])
    return namespace


_initial = os.environ.get("PYAUTOGRAD_BACKEND", "auto")
if _initial not in _BACKENDS:
    raise ValueError(f"PYAUTOGRAD_BACKEND must be one of {_BACKENDS}, got {_initial!r}")
_state["backend"] = _initial if (_initial != "c" or _c is not None) else "numpy"
globals().update(_build())

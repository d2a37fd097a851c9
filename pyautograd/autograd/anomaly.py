"""Anomaly detection: find where a NaN (or Inf) is born, and say why.

While it is on:
- every new node records its forward site cheaply: code objects and line
  numbers of the user's frames, formatted only if an error is raised;
- every backward output is checked; a NaN raises RuntimeError
  "Function 'PowBackward0' returned nan values in its 0th output." with, in
  the same exception, the forward traceback of that op in the user's code and
  the chain of backward functions from the loss down to it;
- when the NaN is 0 x inf -- the incoming gradient is zero exactly where the
  op's local derivative is infinite, the masked-branch pattern
  (``mask * f(x)`` or ``where(mask, f(x), ...)`` with f = sqrt, x ** 0.5, log at
  0) -- the message says so, with the elements, the input values, and the safe
  pattern;
- with ``check_forward=True`` the first op whose inputs are finite and whose
  output holds a NaN (with ``check_inf``, also an Inf) is named with its line and the
  elements; ops that only pass one along are not;
- saved arrays are made read-only, so a write through a ``.numpy()`` alias
  (which the version counter cannot see) raises at its own line;
- with ``dump_dir``, the failing backward's inputs and saved values are
  written to an .npz next to a script that replays it.
The messages are written by anomaly_report; this module keeps the switches and the checks.
"""
import functools
import math
import os
import sys
import threading
import warnings
import weakref

import numpy as np

from .. import _dtype
from .._sites import user_stack
from ..graph import observers
from ..graph.node import SavedTensor
from . import anomaly_report

_state = {"enabled": False, "check_nan": True, "check_inf": False, "check_forward": False,
          "dump_dir": None}
# id(array) -> [array, count]: arrays anomaly mode made read-only, and how many live nodes
# saved each. A node's locks go when its backward runs or when the node is collected (a
# forward pass without a backward), so they follow the graph, not the process; the mutex
# keeps threads that record and release at the same time from corrupting the table.
_locked = {}
_mutex = threading.Lock()
_node_locks = weakref.WeakKeyDictionary()  # node -> the weakref.finalize that unlocks its arrays

_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
            "be enabled for debugging.")


def is_anomaly_enabled():
    """Whether anomaly detection is on."""
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection checks backward outputs for NaN when it is on (True unless
    turned off with check_nan=False; PyTorch answers the same while detection is off)."""
    return _state["check_nan"]


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_stacklevel():
    """The stacklevel that makes a warning point at the user's line (the first frame outside
    pyautograd), as PyTorch's does: set_detect_anomaly and detect_anomaly reach here by
    different paths."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _configure(enabled, check_nan=True, check_inf=False, check_forward=False, dump_dir=None):
    previous = dict(_state)
    _state.update(enabled=bool(enabled), check_nan=bool(check_nan), check_inf=bool(check_inf),
                  check_forward=bool(check_forward), dump_dir=dump_dir)
    if enabled:
        warnings.warn(_WARNING, UserWarning, stacklevel=_user_stacklevel())
        observers.attach(_WITH_FORWARD_CHECK if check_forward else _OBSERVER)
    else:
        observers.detach()
        release_locks()
    return previous


def set_detect_anomaly(mode, check_nan=True, check_inf=False, check_forward=False, dump_dir=None):
    """Turns anomaly detection on or off for the process (also usable as a context manager)."""
    return _Setter(mode, check_nan, check_inf, check_forward, dump_dir)


class _Setter:
    def __init__(self, mode, check_nan, check_inf, check_forward, dump_dir):
        self._previous = _configure(mode, check_nan, check_inf, check_forward, dump_dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _restore(self._previous)
        return False


def _restore(previous):
    if previous["enabled"]:
        _state.update(previous)
        observers.attach(_WITH_FORWARD_CHECK if previous["check_forward"] else _OBSERVER)
    else:
        _configure(False)
        _state.update(previous)


class detect_anomaly:
    """Context manager and decorator that turns anomaly detection on in its body.

    Example::

        with torch.autograd.detect_anomaly():
            loss = model(x).sum()
            loss.backward()     # a NaN in backward raises, naming the op and its line
    """

    def __init__(self, check_nan=True, check_inf=False, check_forward=False, dump_dir=None):
        self.options = (check_nan, check_inf, check_forward, dump_dir)

    def __enter__(self):
        self._previous = _configure(True, *self.options)
        return self

    def __exit__(self, *exc):
        _restore(self._previous)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(*self.options):
                return fn(*args, **kwargs)
        return wrapper


# -- forward side --------------------------------------------------------------------------


def _record_node(node):
    node._extras().anomaly_stack = user_stack(4)
    saved = node.saved
    if not saved:
        return
    arrays = []
    for value in saved.values():
        for st in (value if value.__class__ is tuple else (value,)):
            if st.__class__ is not SavedTensor:
                continue
            arr = st.data if st.data is not None else st.tensor._data if st.tensor is not None else None
            if arr is not None:
                arrays.append(arr)
    mine = []
    with _mutex:
        for arr in arrays:
            entry = _locked.get(id(arr))
            if entry is not None and entry[0] is arr:
                entry[1] += 1
            elif arr.flags.writeable:
                arr.flags.writeable = False
                _locked[id(arr)] = [arr, 1]
            else:
                continue  # read-only already, not by us: not ours to unlock
            mine.append(arr)
        if mine:
            _node_locks[node] = weakref.finalize(node, _unlock, mine)


def _unlock(arrays):
    """Drops one node's hold on each of `arrays`; the last hold makes an array writable again."""
    with _mutex:
        for arr in arrays:
            entry = _locked.get(id(arr))
            if entry is None or entry[0] is not arr:
                continue
            entry[1] -= 1
            if entry[1] <= 0:
                del _locked[id(arr)]
                arr.flags.writeable = True


def _release_node(node):
    """Unlocks the arrays `node` saved (its backward has run); idempotent."""
    with _mutex:
        finalizer = _node_locks.pop(node, None)
    if finalizer is not None:
        finalizer()


def unlock_for_write(arr):
    """Lets pyautograd's own in-place ops write into an array anomaly mode locked (the version
    counter guards those writes); returns True if it was locked."""
    entry = _locked.get(id(arr))
    if entry is not None and entry[0] is arr:
        arr.flags.writeable = True
        return True
    return False


def relock(arr):
    """Locks an array again after pyautograd's own write."""
    arr.flags.writeable = False


def release_locks():
    """Makes every array locked by anomaly mode writable again (when anomaly mode is switched off)."""
    with _mutex:
        finalizers = list(_node_locks.values())
        _node_locks.clear()
    for finalizer in finalizers:
        finalizer()
    with _mutex:
        for arr, _ in _locked.values():
            arr.flags.writeable = True
        _locked.clear()


def _check_forward(op, arrays, params, out):
    """Raises when op made a NaN (or, with check_inf, an Inf) from finite inputs
    (check_forward=True); an op whose inputs already hold one only passes it along."""
    outs = out if isinstance(out, tuple) else (out,)
    kind = None
    for o in outs:
        if isinstance(o, np.ndarray) and _dtype.is_differentiable(o.dtype) and not np.isfinite(o).all():
            if np.isnan(o).any():
                kind = "nan"
                break
            if _state["check_inf"]:
                kind = "inf"
    if kind is None:
        return
    for a in (*arrays, *params):
        if isinstance(a, np.ndarray):
            if _dtype.is_differentiable(a.dtype) and not np.isfinite(a).all():
                return
        elif isinstance(a, float) and not math.isfinite(a):
            return
    raise RuntimeError(anomaly_report.forward_error(op, arrays, outs, kind))


# -- backward side ---------------------------------------------------------------------------


def _check_backward(node, grad_inputs, grad_outputs=None, parents=None):
    if node in _node_locks:
        _release_node(node)  # its backward has run: the saved arrays may be written again
    check_nan, check_inf = _state["check_nan"], _state["check_inf"]
    i = -1
    for g in grad_inputs:
        i += 1
        if g is None:
            continue
        data = g._data
        if not _dtype.is_differentiable(data.dtype) or not _suspect(data, check_inf):
            continue
        if check_nan and np.isnan(data).any():
            _raise(node, i, "nan", grad_outputs, parents)
        if check_inf and np.isinf(data).any():
            _raise(node, i, "inf", grad_outputs, parents)


def _suspect(data, check_inf):
    """False when `data` certainly holds no NaN (nor, with check_inf, an Inf).

    One reduction instead of a boolean array and a second one, 3x cheaper on small arrays:
    the sum of squares (np.vdot, one BLAS call) is NaN exactly when an element is NaN (a
    square is never negative, so no inf - inf arises), and is infinite when an element is
    infinite -- or when the squares overflow, which the exact test then rules out. (vdot
    raises no floating-point warnings.) The array is flattened in its memory order first: a
    weight's gradient arrives transposed, and vdot copies a non-C-contiguous array through a
    slow path (14x slower on a 512x784 gradient), where ravel(order="K") is a free view.
    """
    if data.ndim > 1:  # (a 1-d array, strided or not, is one BLAS call as it is)
        data = data.ravel(order="K")
    total = np.vdot(data, data)
    return total != total or (check_inf and total == _INF)


_INF = float("inf")


def _raise(node, index, kind, grad_outputs, parents):
    raise RuntimeError(anomaly_report.backward_error(node, index, kind, grad_outputs, parents,
                                                     _state["dump_dir"]))


class AnomalyObserver(observers.GraphObserver):
    """Anomaly mode's attachment to the apply path and the engine (graph/observers.py). The
    checks are attached as plain functions: the hot paths call them with no extra frame."""

    node_recorded = staticmethod(_record_node)
    forward_computed = staticmethod(_check_forward)
    backward_computed = staticmethod(_check_backward)
    # no backward_finished: each node's locks go when its own backward runs (_check_backward) or
    # when it is collected; releasing every lock at the end of a pass would unlock the saved
    # arrays of graphs other threads are still building
    unlock_for_write = staticmethod(unlock_for_write)

    def relock(self, array):
        if id(array) in _locked:
            relock(array)


class _ForwardCheckingObserver(AnomalyObserver):
    watches_forward = True  # check_forward=True: every op's output is checked too


_OBSERVER = AnomalyObserver()
_WITH_FORWARD_CHECK = _ForwardCheckingObserver()

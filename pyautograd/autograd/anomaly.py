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
  output is not is named with its line;
- saved arrays are made read-only, so a write through a ``.numpy()`` alias
  (which the version counter cannot see) raises at its own line;
- with ``dump_dir``, the failing backward's inputs and saved values are
  written to an .npz next to a script that replays it.
"""
import functools
import json
import os
import warnings

import numpy as np

from .._sites import format_site, user_stack
from . import engine
from .node import SavedTensor


def _apply_module():
    # ops imports autograd, so the apply path is looked up on use, not at import.
    from ..ops import _apply
    return _apply

_state = {"enabled": False, "check_nan": True, "check_inf": False, "check_forward": False,
          "dump_dir": None}
_locked = {}  # id(array) -> array made read-only by anomaly mode (unlocked on release)

_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
            "be enabled for debugging.")


def is_anomaly_enabled():
    """Whether anomaly detection is on."""
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection checks backward outputs for NaN."""
    return _state["enabled"] and _state["check_nan"]


def _configure(enabled, check_nan=True, check_inf=False, check_forward=False, dump_dir=None):
    previous = dict(_state)
    _state.update(enabled=bool(enabled), check_nan=bool(check_nan), check_inf=bool(check_inf),
                  check_forward=bool(check_forward), dump_dir=dump_dir)
    _apply = _apply_module()
    if enabled:
        warnings.warn(_WARNING, UserWarning, stacklevel=3)
        _apply._anomaly_hook[0] = _record_node
        _apply._forward_check[0] = _check_forward if check_forward else None
        engine.anomaly_check[0] = _check_backward
    else:
        _apply._anomaly_hook[0] = None
        _apply._forward_check[0] = None
        engine.anomaly_check[0] = None
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
    _apply = _apply_module()
    if previous["enabled"]:
        _state.update(previous)
        _apply._anomaly_hook[0] = _record_node
        _apply._forward_check[0] = _check_forward if previous["check_forward"] else None
        engine.anomaly_check[0] = _check_backward
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
    if saved:
        for value in saved.values():
            for st in (value if value.__class__ is tuple else (value,)):
                if st.__class__ is not SavedTensor:
                    continue
                arr = st.data if st.data is not None else st.tensor._data if st.tensor is not None else None
                if arr is not None and arr.flags.writeable:
                    arr.flags.writeable = False
                    _locked[id(arr)] = arr


def unlock_for_write(arr):
    """Lets pyautograd's own in-place ops write into an array anomaly mode locked (the version
    counter guards those writes); returns True if it was locked."""
    if id(arr) in _locked:
        arr.flags.writeable = True
        return True
    return False


def relock(arr):
    """Locks an array again after pyautograd's own write."""
    arr.flags.writeable = False


def release_locks():
    """Makes every array locked by anomaly mode writable again."""
    for arr in _locked.values():
        arr.flags.writeable = True
    _locked.clear()


def _check_forward(op, arrays, out):
    """Raises when op made a NaN/Inf from finite inputs (check_forward=True)."""
    outs = out if isinstance(out, tuple) else (out,)
    bad = [o for o in outs if isinstance(o, np.ndarray) and o.dtype.kind == "f" and not np.isfinite(o).all()]
    if not bad:
        return
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f" and not np.isfinite(a).all():
            return  # the NaN/Inf came in: this op only passes it along
    stack = user_stack(4)
    where = "\n".join("  " + format_site(s).replace("\n", "\n  ") for s in stack[:3])
    kind = "nan" if any(np.isnan(o).any() for o in bad) else "inf"
    raise RuntimeError(f"Function '{op.name}' produced {kind} values in its forward output from finite "
                       f"inputs.\nForward call (most recent first):\n{where}")


# -- backward side ---------------------------------------------------------------------------


def _check_backward(node, grad_inputs, grad_outputs=None, parents=None):
    check_nan, check_inf = _state["check_nan"], _state["check_inf"]
    i = -1
    for g in grad_inputs:
        i += 1
        if g is None:
            continue
        data = g._data
        if data.dtype.kind != "f" or not _suspect(data, check_inf):
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
    raises no floating-point warnings.)
    """
    total = np.vdot(data, data)
    return total != total or (check_inf and total == _INF)


_INF = float("inf")


def _ordinal(i):
    return f"{i}th"


def _raise(node, index, kind, grad_outputs, parents):
    name = node.name()
    msg = f"Function '{name}' returned {kind} values in its {_ordinal(index)} output."
    stack = node.anomaly_stack or ((node.site,) if node.site else ())
    if stack:
        msg += "\n\nThe forward call that created this backward function (most recent call first):\n"
        msg += "\n".join("  " + format_site(s).replace("\n", "\n  ") for s in stack[:5])
    chain = _chain(node, parents)
    if chain:
        msg += "\n\nBackward chain from the loss to this function:\n  " + " -> ".join(chain)
    if kind == "nan" and grad_outputs is not None:
        diagnosis = _masked_branch(node, index, grad_outputs)
        if diagnosis:
            msg += "\n\n" + diagnosis
    if _state["dump_dir"]:
        msg += "\n\n" + _dump(node, index, grad_outputs)
    raise RuntimeError(msg)


def _chain(node, parents):
    if not parents:
        return []
    names, seen = [node.name()], {node}
    while node in parents and parents[node] not in seen:
        node = parents[node]
        seen.add(node)
        names.append(node.name())
    return names[::-1]


def _saved_input(node, slot):
    """The forward input at `slot` of an op node, when it was saved (or None)."""
    op = getattr(node, "op", None)
    saved = node.saved or {}
    if op is None or slot >= len(op.inputs):
        return None
    value = saved.get(op.inputs[slot])
    if value is not None and value.__class__.__name__ == "SavedTensor":
        t = value.tensor if value.tensor is not None else None
        return t._data if t is not None else value.data
    return None


def _masked_branch(node, index, grad_outputs):
    """Explains a NaN that is 0 * inf: a zero incoming gradient meeting an infinite derivative."""
    op = getattr(node, "op", None)
    if op is None or op.joint is not None or index >= len(op.formulas):
        return None
    incoming = grad_outputs[0] if grad_outputs else None
    if incoming is None:
        return None
    fn, needs = op.formulas[index]
    if fn is None:
        return None
    from .. import _creation
    from .grad_mode import no_grad
    _apply = _apply_module()
    try:
        with no_grad():
            local = fn(_creation.ones_like(incoming), *[_apply._read(n, node.saved or {}, node) for n in needs])
    except Exception:  # noqa: BLE001 -- a diagnosis must never hide the real error
        return None
    local, inc = np.asarray(local._data), np.broadcast_to(incoming._data, np.shape(local._data))
    where = np.isinf(local) & (inc == 0)
    if not where.any():
        return None
    idx = [tuple(int(k) for k in np.unravel_index(j, where.shape)) for j in np.flatnonzero(where)[:5]]
    values = _saved_input(node, index)
    shown = ""
    if values is not None and values.shape == where.shape:
        shown = " where the input is " + ", ".join(f"{float(values[i]):g}" for i in idx)
    elements = ", ".join(str(i[0]) if len(i) == 1 else str(i) for i in idx)
    site = node.anomaly_stack[0] if node.anomaly_stack else node.site
    line = f" (forward at {format_site(site).splitlines()[0]})" if site else ""
    return (f"Diagnosis: this NaN is 0 * inf. At element(s) {elements} the incoming gradient is 0 -- that "
            f"branch was masked out -- but the local derivative of {node.name()}{line} is infinite"
            f"{shown}. Masking the *output* of a function does not mask its derivative: 0 * inf = nan.\n"
            f"Fix: compute the branch only where it is selected. Either assign through a boolean mask "
            f"(y = torch.ones_like(x); m = x >= c; y[m] = x[m] ** 0.5), or make the input safe before the "
            f"function: torch.where(mask, x, 1.0) ** 0.5, then select with torch.where.")


def _dump(node, index, grad_outputs):
    """Writes the failing backward's inputs to an .npz and a replay script; returns a note."""
    directory = _state["dump_dir"]
    os.makedirs(directory, exist_ok=True)
    stem = os.path.join(directory, f"anomaly_{node.name()}")
    arrays, params = {}, {}
    for i, g in enumerate(grad_outputs or ()):
        if g is not None:
            arrays[f"grad_output_{i}"] = g._data
    for name, value in (node.saved or {}).items():
        if value.__class__.__name__ == "SavedTensor":
            t = value.tensor
            arrays[f"saved_{name}"] = t._data if t is not None else value.data
        elif isinstance(value, (int, float, bool, str)) or value is None:
            params[name] = value
    np.savez(stem + ".npz", **arrays)
    op = getattr(node, "op", None)
    needs = op.formulas[index][1] if op is not None and op.joint is None else ()
    script = (f'"""Replays the backward of {node.name()} that returned NaN (written by anomaly mode)."""\n'
              "import numpy as np\n\nimport pyautograd as torch\nfrom pyautograd.ops._opdef import REGISTRY\n\n"
              f"data = np.load({os.path.basename(stem) + '.npz'!r})\n"
              f"params = json_params = {json.dumps(params)}\n"
              f"fn, needs = REGISTRY[{op.name if op else ''!r}].formulas[{index}]\n"
              "args = [torch.from_numpy(data['saved_' + n]) if 'saved_' + n in data else params[n] for n in needs]\n"
              "grad = torch.from_numpy(data['grad_output_0'])\n"
              "print(fn(grad, *args))\n")
    with open(stem + ".py", "w") as f:
        f.write(script)
    del needs
    return f"Reproducer written: {stem}.npz and {stem}.py (run it from {directory})."

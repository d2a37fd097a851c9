"""What anomaly mode says when it finds a NaN or an Inf: the messages, the 0 x inf diagnosis,
and the reproducer. Nothing here runs unless an error is being raised.

- ``backward_error``: "Function 'PowBackward0' returned nan values in its 0th output.",
  then the forward call as a Python traceback (oldest call first), the chain of backward
  functions from the loss, a diagnosis when one applies (0 x inf from a masked branch, or a
  NaN the forward pass already made), and the reproducer.
- ``forward_error``: the first op whose inputs are finite and whose output is not.
- ``nan_nodes``: the nodes that raised, so the graph drawing can show them in red.
"""
import json
import os
import weakref

import numpy as np

from .. import _creation, _dtype
from .._sites import format_site, format_traceback, user_stack
from ..graph.grad_mode import no_grad
from ..ops import SPECIAL_NAMES, read_saved, special_value

nan_nodes = weakref.WeakSet()  # nodes whose backward returned NaN/Inf under anomaly mode

_SHOWN = 5  # elements listed in a message


# -- what the messages show ---------------------------------------------------------------------


def _index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _elements(mask, limit=_SHOWN):
    """The first `limit` True positions of `mask`, as index tuples."""
    flat = np.flatnonzero(mask)[:limit]
    return [tuple(int(k) for k in np.unravel_index(j, mask.shape)) for j in flat]


def _more(mask, shown):
    total = int(np.count_nonzero(mask))
    return f"  ... ({total} elements in all)" if total > shown else None


def _value_at(array, shape, idx):
    """array[idx] after broadcasting array to `shape`."""
    return float(np.broadcast_to(array, shape)[idx])


# -- backward --------------------------------------------------------------------------------


def backward_error(node, index, kind, grad_outputs, parents, dump_dir):
    """The message for a backward function `node` whose output `index` holds `kind` (nan/inf)."""
    nan_nodes.add(node)
    msg = f"Function '{node.name()}' returned {kind} values in its {index}th output."
    stack = node.anomaly_stack or ((node.site,) if node.site else ())
    if stack:
        msg += "\n\nTraceback of forward call that caused the error:\n" + format_traceback(stack)
    chain = _chain(node, parents)
    if chain:
        msg += "\n\nBackward chain from the loss to this function:\n  " + " -> ".join(chain)
    if kind == "nan":
        diagnosis = (_masked_branch(node, index, grad_outputs) if grad_outputs is not None else None) \
            or _from_forward(node)
        if diagnosis:
            msg += "\n\n" + diagnosis
    if dump_dir:
        msg += "\n\n" + _dump(node, index, kind, grad_outputs, dump_dir)
    return msg


def _chain(node, parents):
    """Backward functions from the root to `node`, following the first sender of each."""
    if not parents:
        return []
    names, seen = [node.name()], {node}
    while node in parents and parents[node] not in seen:
        node = parents[node]
        seen.add(node)
        names.append(node.name())
    return names[::-1]


class _Branch:
    """How the diagnosis writes one op in its fix: the call with `{x}` for the input whose
    value makes the derivative infinite (and `{a}` for another operand), that input's name,
    a value that is safe for it, and, for ops that save only their result, the input
    recovered from the result."""

    def __init__(self, call, unsafe="input", safe="1.0", from_result=None):
        self.call, self.unsafe, self.safe, self.from_result = call, unsafe, safe, from_result


_BRANCHES = {
    "pow_scalar": _Branch("{x} ** {exponent}"),
    "pow_tensor": _Branch("{x} ** y"),
    "sqrt": _Branch("torch.sqrt({x})", from_result=lambda r: r * r),
    "rsqrt": _Branch("torch.rsqrt({x})", from_result=lambda r: 1 / (r * r)),
    "reciprocal": _Branch("1 / {x}", from_result=lambda r: 1 / r),
    "log": _Branch("torch.log({x})"),
    "log2": _Branch("torch.log2({x})"),
    "log10": _Branch("torch.log10({x})"),
    "log1p": _Branch("torch.log1p({x})", safe="0.0"),
    "div": _Branch("{a} / {x}", unsafe="other"),
}


def _saved_array(node, name):
    """The array saved under `name` (None if not saved, or not a tensor)."""
    value = (node.saved or {}).get(name)
    if value is None or value.__class__.__name__ != "SavedTensor":
        return None
    return value.tensor._data if value.tensor is not None else value.data


def _input_values(node, op, branch, shape):
    """{input name: array} of the op's tensor inputs that can be read back."""
    values = {}
    for name in op.inputs:
        arr = _saved_array(node, name)
        if arr is not None:
            values[name] = arr
    result = _saved_array(node, "result")
    if branch is not None and branch.from_result is not None and branch.unsafe not in values \
            and result is not None:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            values[branch.unsafe] = branch.from_result(np.asarray(result, np.float64))
    return {k: v for k, v in values.items() if _broadcasts(np.shape(v), shape)}


def _broadcasts(shape, target):
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def _local_derivative(node, op, index, incoming):
    """The op's derivative w.r.t. input `index` with a gradient of ones, or None."""
    fn, needs = op.formulas[index]
    if fn is None:
        return None
    try:
        with no_grad():
            local = fn(_creation.ones_like(incoming), *[read_saved(n, node.saved or {}, node) for n in needs])
    except Exception:  # noqa: BLE001 -- a diagnosis must never hide the real error
        return None
    return np.asarray(local._data)


def _masked_branch(node, index, grad_outputs):
    """Explains a NaN that is 0 * inf: a zero incoming gradient meeting an infinite derivative."""
    op = getattr(node, "op", None)
    if op is None or op.joint is not None or index >= len(op.formulas) or not grad_outputs:
        return None
    incoming = grad_outputs[0]
    if incoming is None:
        return None
    local = _local_derivative(node, op, index, incoming)
    if local is None:
        return None
    try:
        inc = np.broadcast_to(incoming._data, local.shape)
    except ValueError:
        return None
    where = np.isinf(local) & (inc == 0)
    if not where.any():
        return None
    branch = _BRANCHES.get(op.name)
    values = _input_values(node, op, branch, where.shape)
    elements = _elements(where)
    rows = []
    for idx in elements:
        shown = ", ".join(f"{name} = {_value_at(arr, where.shape, idx):g}" for name, arr in values.items())
        rows.append(f"  element {_index(idx)}: {shown + ', ' if shown else ''}incoming gradient 0, "
                    f"local derivative {float(local[idx]):g}")
    more = _more(where, len(elements))
    if more:
        rows.append(more)
    site = node.anomaly_stack[0] if node.anomaly_stack else node.site
    at = f" ({format_site(site).splitlines()[0]})" if site else ""
    return (f"Diagnosis: this NaN is 0 * inf -- the masked-branch pattern. The forward op of {node.name()}{at} "
            "had its output masked out at these elements (multiplied by a 0 mask, or not selected by "
            "torch.where), so the gradient arriving there is 0; but its local derivative there is infinite, "
            "and 0 * inf = nan:\n" + "\n".join(rows) + "\n"
            "Masking the *output* of a function does not mask its derivative.\n" + _fix(node, op, branch))


def _from_forward(node):
    """Explains a NaN the forward pass already made: a value the op saved holds one."""
    for name, value in (node.saved or {}).items():
        for k, st in enumerate(value if value.__class__ is tuple else (value,)):
            if st.__class__.__name__ != "SavedTensor" or st.counter is None:
                continue
            arr = st.tensor._data if st.tensor is not None else st.data
            if not _dtype.is_differentiable(arr.dtype) or not np.isnan(arr).any():
                continue
            mask = np.isnan(arr)
            elements = ", ".join(_index(i) for i in _elements(mask))
            what = "output" if name == "result" else f"input {name!r}" + (f" #{k}" if value.__class__ is tuple else "")
            return (f"Diagnosis: the NaN was already there in the forward pass: the {what} that {node.name()} saved "
                    f"is nan at {elements}" + (f" ({int(mask.sum())} elements in all)" if mask.sum() > _SHOWN else "")
                    + ", and its backward carries it on. To find the op that made it, run the forward under "
                    "torch.autograd.detect_anomaly(check_forward=True): it stops at the first op whose inputs "
                    "are finite and whose output is not.")
    return None


def _fix(node, op, branch):
    """The safe pattern, written with the op's own call."""
    if branch is None:
        call, unsafe, safe = f"torch.{op.name}({{x}})", op.inputs[0], None
    else:
        call, unsafe, safe = branch.call, branch.unsafe, branch.safe
    exponent = (node.saved or {}).get("exponent")  # pow_scalar's, a number

    def write(x, a):
        return call.format(x=x, a=a, exponent=exponent)

    masked = write("x[m]", "a[m]")
    guarded = write("safe", "a")
    safe_text = safe if safe is not None else "v"
    note = "" if safe is not None else f" (v: any value at which torch.{op.name}'s derivative is finite)"
    return (f"Fix: compute the branch only where it is selected (m: the boolean mask of the elements that use "
            f"it; x: the op's {unsafe!r} argument). Either assign through the mask:\n"
            f"    y = torch.zeros_like(x); y[m] = {masked}\n"
            f"or make the input safe before the op, then select:\n"
            f"    safe = torch.where(m, x, {safe_text}); y = torch.where(m, {guarded}, other){note}")


# -- forward ------------------------------------------------------------------------------------


def forward_error(op, arrays, outs, kind):
    """The message for op `op`, whose output holds `kind` (nan/inf) made from finite inputs."""
    bad = next(o for o in outs if isinstance(o, np.ndarray) and _dtype.is_differentiable(o.dtype)
               and (np.isnan(o).any() if kind == "nan" else np.isinf(o).any()))
    mask = np.isnan(bad) if kind == "nan" else np.isinf(bad)
    names = list(op.inputs) + [f"input {k}" for k in range(len(op.inputs), len(arrays))]
    rows = []
    elements = _elements(mask)
    for idx in elements:
        shown = [f"{name} = {_value_at(a, mask.shape, idx):g}" for name, a in zip(names, arrays)
                 if isinstance(a, np.ndarray) and a.dtype.kind in "fiub" and _broadcasts(a.shape, mask.shape)]
        rows.append(f"  output element {_index(idx)} = {float(bad[idx]):g}" + (f" from {', '.join(shown)}"
                                                                                if shown else ""))
    more = _more(mask, len(elements))
    if more:
        rows.append(more)
    stack = user_stack(2)
    trace = ("\n\nTraceback of forward call that caused the error:\n" + format_traceback(stack)) if stack else ""
    return (f"Function '{op.name}' produced {kind} values in its forward output from finite inputs.\n"
            f"It is the first op to make them (ops that only pass one along are not reported):\n"
            + "\n".join(rows) + trace)


# -- the reproducer ----------------------------------------------------------------------------


_SCRIPT = '''"""Replays the backward of {name} that returned {kind} (written by pyautograd's anomaly mode).

Run it with the same pyautograd: it recomputes {name}'s gradient for input {index} from the
saved values and incoming gradients in {npz} and raises the same error.
"""
import json
import os

import numpy as np

import pyautograd as torch
from pyautograd.ops._opdef import REGISTRY

HERE = os.path.dirname(os.path.abspath(__file__))
data = np.load(os.path.join(HERE, {npz!r}))


def plain(value):
    return tuple(plain(v) for v in value) if isinstance(value, list) else value


def tensor(key):
    return torch.from_numpy(data[key])


params = {{k: plain(v) for k, v in json.loads({params!r}).items()}}
saved = {{k[len("saved_"):]: tensor(k) for k in data.files if k.startswith("saved_") and "#" not in k}}
for key in sorted(k for k in data.files if "#" in k):  # saved tuples (varargs): saved_name#0, #1, ...
    name = key[len("saved_"):].split("#")[0]
    saved[name] = saved.get(name, ()) + (tensor(key),)
grads = [tensor(f"grad_output_{{k}}") for k in range({n_out})]
args = [saved[n] if n in saved else params[n] for n in {needs!r}]

op = REGISTRY[{op!r}]
with torch.no_grad():
    {call}
result = np.asarray(grad_input.detach().numpy())
print("{name} gradient for input {index}:", grad_input)
bad = {test}(result)
if bad.any():
    where = [list(map(int, i)) for i in np.argwhere(bad)[:{shown}]]
    raise RuntimeError(f"Function '{name}' returned {kind} values in its {index}th output (elements {{where}}).")
print("no {kind} this time: the failure did not reproduce")
'''


def _dump(node, index, kind, grad_outputs, directory):
    """Writes the failing backward's inputs to an .npz and, for a declared op, a replay script;
    returns the note for the message."""
    os.makedirs(directory, exist_ok=True)
    stem = os.path.join(directory, f"anomaly_{node.name()}")
    arrays, params = {}, {}
    op = getattr(node, "op", None)
    n_out = len(grad_outputs or ())
    for i, g in enumerate(grad_outputs or ()):
        if g is None and op is not None and getattr(node, "out_meta", None):
            shape, dtype = node.out_meta[i]
            arrays[f"grad_output_{i}"] = np.zeros(shape, dtype.numpy_dtype)
        elif g is not None:
            arrays[f"grad_output_{i}"] = g._data
    for name, value in (node.saved or {}).items():
        if value.__class__ is tuple and any(v.__class__.__name__ == "SavedTensor" for v in value):
            for k, v in enumerate(value):
                if v.__class__.__name__ == "SavedTensor":
                    arrays[f"saved_{name}#{k}"] = v.tensor._data if v.tensor is not None else v.data
            continue
        arr = _saved_array(node, name)
        if arr is not None:
            arrays[f"saved_{name}"] = arr
        elif _jsonable(value):
            params[name] = value
    if op is not None:
        params.update({n: special_value(n, node) for n in SPECIAL_NAMES})
    np.savez(stem + ".npz", **arrays)
    if op is None:
        return (f"Reproducer data written: {stem}.npz (the incoming gradients and saved tensors of "
                f"{node.name()}; no replay script, as it is not a declared op).")
    if op.joint is not None:
        needs = op.joint[1]
        call = f"grad_input = op.joint[0]({'grads[0]' if n_out == 1 else 'tuple(grads)'}, *args)[{index}]"
    else:
        needs = op.formulas[index][1]
        call = (f"grad_input = op.formulas[{index}][0]({'grads[0]' if n_out == 1 else 'tuple(grads)'}, *args)")
    script = _SCRIPT.format(name=node.name(), kind=kind, index=index, npz=os.path.basename(stem) + ".npz",
                            params=json.dumps(params), n_out=n_out, needs=tuple(needs), op=op.name, call=call,
                            test="np.isnan" if kind == "nan" else "np.isinf", shown=_SHOWN)
    with open(stem + ".py", "w") as f:
        f.write(script)
    return f"Reproducer written: {stem}.npz and {stem}.py (python {stem}.py replays this backward)."


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))

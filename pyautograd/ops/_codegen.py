"""Per-op code generated from a declaration: the common case of a call, and the node's backward.

`call` and `run_formulas` (_apply.py) serve every op, so they sort out at every
call what the declaration already says: how many inputs, which formula reads
what, which formulas may run on arrays. For a small op that generic work is
most of the cost (a chain of ops on 64 elements spends more in it than in the
kernels). For the simple, common ops -- one output, one or two tensor inputs,
formulas one per input -- the declaration is turned into Python source once,
at import, with those answers spelled in:

- `plain_call_source`: the first lines of the op's function (see _opdef's
  `_make_function`), taking a float32/float64 Tensor with a number or a Tensor
  of its dtype straight to the kernel, the result and the node;
- `backward_apply`: the node's `apply`, with each input's formula called
  directly (an identity formula not called at all) and a one-operator formula
  on a saved number computed on the arrays when no graph is built.

Both fall back to the generic path for everything they do not cover, so the
generic path stays the definition; tests/test_codegen.py checks that both
give what the generic path gives.
"""
import numpy as np

from .. import kernels
from . import _apply, _arrayeval

# What the generated forward reads. `_inline` is per function: False sends every call to `_call`
# (the profiler turns it off while it wraps `_call`, ops/profiling.py).
PLAIN_CALL_NAMES = {"_inline": True, "_T": _apply.Tensor, "_F32": np.dtype(np.float32), "_F64": np.dtype(np.float64),
                    "_autocast": _apply.autocast_threads, "_observing": _apply.observing,
                    "_grad": _apply.grad_local, "_make": _apply.Tensor._make, "_record": _apply.record,
                    "_record_first": _apply.record_first}


def plain_call_source(op, inputs, params):
    """The first lines of a simple op's function: `call`'s common case, inline ("" for other ops).

    A one- or two-input op with one output, called on a float32/float64 Tensor with a Python
    number or a Tensor of the same dtype, needs none of `call`'s sorting or promotion; without
    autocast or an observer it is the kernel, a Tensor and, when grad is on and an input
    requires it, the node. Anything else (or any call while `_inline` is False) (other dtypes, a subclass, a number first, a complex
    parameter, a kernel error to translate) goes on to `call`, which computes it (again, on an
    error: an op's forward has no side effects) and raises as PyTorch does. `inputs` and
    `params` are the argument lists as the generated function spells them ("input, other, ").
    """
    if not (op.fast and op.inputs_first and op.num_outputs == 1 and not op.view and len(op.inputs) in (1, 2)):
        return ""
    x = op.inputs[0]
    real = "".join(f" and {n}.__class__ is not complex" for n in op.params)
    lines = [f"if _inline and {x}.__class__ is _T and not _autocast[0] and _observing.forward_computed is None{real}:",
             f"    a = {x}._data",
             "    d = a.dtype",
             "    if d is _F32 or d is _F64:"]
    if len(op.inputs) == 1:
        lines += [f"        ok, rg, first = True, {x}._rg, True"]
        args = f"a, {params}"
    else:
        y = op.inputs[1]
        lines += [f"        c = {y}.__class__",
                  "        ok = True",
                  "        if c is float or c is int:",
                  f"            b, rg, first = {y}, {x}._rg, True",
                  f"        elif c is _T and {y}._data.dtype is d:",
                  f"            b, rg, first = {y}._data, {x}._rg or {y}._rg, not {y}._rg",
                  "        else:",
                  "            ok = False"]
        args = f"a, b, {params}"
    lines += ["        if ok:",
              "            try:",
              f"                out = _forward({args})",
              "            except ValueError:",
              f"                return _call(_op, ({inputs}), ({params}))"]
    if op.differentiable:
        lines += ["            if rg and _grad.enabled:",
                  "                t = _make(out, True)",
                  # `first`: only the first input can require grad (a number or a tensor
                  # that does not beside it), the case record_first serves
                  "                if first:",
                  f"                    t.grad_fn = _record_first(_op, ({inputs}), ({params}), t)",
                  "                else:",
                  f"                    t.grad_fn = _record(_op, ({inputs}), ({params}), (t,))",
                  "                return t"]
    lines += ["            return _make(out, False)"]
    return "".join(f"    {line}\n" for line in lines)


def backward_apply(op):
    """The generated `apply` of op's nodes, or None where the generic run_formulas serves (several
    outputs, a joint formula, a fused or once-differentiable backward)."""
    if op.num_outputs != 1 or op.joint is not None or op.other_backward or not op.differentiable:
        return None
    ns = {"_grad": _apply.grad_local, "_make": _apply.Tensor._make, "_read": _apply.read_saved,
          "_fit": _apply.fit, "_evaluate": _arrayeval.evaluate, "_kernels": kernels,
          "_NOTHING": {}}
    lines = ["def apply(node, grad_outputs):",
             "    grad = grad_outputs[0]",
             "    edges = node.next_functions",
             "    meta = node.meta"]
    names = []
    for i, (fn, needs) in enumerate(op.formulas):
        g = f"g{i}"
        names.append(g)
        if fn is None:
            lines.append(f"    {g} = None")
            continue
        ns[f"_fn{i}"] = fn
        call = f"_fn{i}(grad{''.join(f', _read({n!r}, saved, node)' for n in needs)})"
        plan = op.arithmetic[i] if op.arithmetic is not None else None
        lines += [f"    if edges[{i}][0] is None:",
                  f"        {g} = None",
                  "    else:"]
        if not needs and _arrayeval.is_identity(fn):
            lines.append(f"        {g} = grad")
        elif plan is None:
            lines.append(f"        {g} = {call}")
        else:
            ns[f"_plan{i}"], ns[f"_needs{i}"] = plan, needs
            lines.append("        data = None")
            lines.append("        if arrays:")
            if plan.with_grad is not None:
                # `grad <op> name` on a saved number: the very kernel call the Tensor op makes
                kernel, name = plan.with_grad
                lines += [f"            v = saved[{name!r}]",
                          "            if v.__class__ is float or v.__class__ is int:",
                          f"                data = _kernels.{kernel}(grad._data, v)",
                          "            else:",
                          f"                data = _evaluate(_fn{i}, _plan{i}, _needs{i}, grad, saved, node)"]
            else:
                lines.append(f"            data = _evaluate(_fn{i}, _plan{i}, _needs{i}, grad, saved, node)")
            lines += [f"        {g} = _make(data, False) if data is not None else {call}"]
        lines += [f"        if {g} is not None:",
                  f"            data, (shape, npd) = {g}._data, meta[{i}]",
                  "            if data.shape != shape or (data.dtype is not npd and data.dtype != npd):",
                  f"                {g} = _fit({g}, node, {i})"]
    lines.append(f"    return [{', '.join(names)}]")
    body = "\n".join(lines[4:])
    # what only some formulas read, read once at the top when one does
    lines[4:4] = (["    saved = node.saved or _NOTHING"] if "saved" in body else []) + (
        ["    arrays = not _grad.enabled"] if "arrays" in body else [])
    # Compiled under _apply's file name, where the generic backward lives (tracebacks, site walks).
    exec(compile("\n".join(lines) + "\n", _apply.__file__, "exec"), ns)  # noqa: S102 -- from our declaration
    apply = ns["apply"]
    apply.__doc__ = f"The backward of {op.node_name}, generated from the {op.name} declaration."
    return apply

"""Profiling the apply path without a check on it.

While a recorder is attached, the entry point every generated op function calls (the ``_call``
its code reads from its own globals, normally ``_apply.call``; its inline common case is turned
off meanwhile, so every call goes there) is replaced by a wrapper that
reports the op to the recorder around the call; the fused Linear paths (ops/linalg.py, which
compute their kernel before recording the op) are wrapped the same way. Detaching puts the
originals back, so with no profiler the ops run exactly the code they run without this module.

Events are named PyTorch's way, ``aten::<name>``, where <name> is PyTorch's op name for the op:
pyautograd's op name with its variant suffix dropped (sum_dim and sum_all are both aten::sum,
pow_scalar aten::pow, linear_addmm aten::addmm), or the op PyTorch runs for a private one
(_select_view is aten::select, _fill aten::fill_); other private ops keep their own name
(aten::_index_view for a basic-indexing view). The fused Linear paths are aten::linear (and
aten::linear_relu for nn.Sequential's fused Linear+ReLU, pyautograd's own). An in-place or out=
form is recorded as the op it computes (x.add_(1) is aten::add).
"""
from ..graph import profiling as _slot
from . import _apply, _opdef, linalg

# pyautograd op name -> PyTorch's, where dropping a suffix does not give it.
_RENAMED = {"linear_addmm": "addmm", "linear_mm": "mm", "matmul_nd": "matmul", "prelu_kernel": "_prelu_kernel",
            "clamp_scalar": "clamp", "clamp_tensor": "clamp", "xlogy_scalar_other": "xlogy",
            "squeeze_dim": "squeeze", "squeeze_dims": "squeeze", "squeeze_dim_": "squeeze_",
            "squeeze_dims_": "squeeze_", "_select_view": "select", "_unsqueeze_view": "unsqueeze",
            "_alias_view": "alias", "_cat": "cat", "_stack": "stack", "_fill": "fill_", "_zero": "zero_",
            "_copy_from": "copy_"}
_SUFFIXES = ("_all", "_dim", "_scalar", "_tensor", "_mode", "_base", "_src", "_value", "_stable")
# The fused paths of ops/linalg.py (reached as attributes of that module) and their event names.
_FUSED = {"linear_bias": "aten::linear", "linear_nobias": "aten::linear", "linear_relu": "aten::linear_relu"}

_saved = {}  # what attach replaced: ("call", op name) / ("fused", attribute) -> original


def aten_name(name):
    """The event name of the op declared as `name` (see the module docstring)."""
    if name in _RENAMED:
        return "aten::" + _RENAMED[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return "aten::" + name[:-len(suffix)]
    return "aten::" + name


def _timed_call(recorder, call):
    names = {}
    begin, end = recorder.begin, recorder.end

    def profiled_call(op, inputs, params):
        name = names.get(op.name)
        if name is None:
            name = names[op.name] = aten_name(op.name)
        event = begin(name, inputs)
        try:
            out = call(op, inputs, params)
        except BaseException:
            end(event, None)
            raise
        end(event, None if op.view else out)
        return out
    return profiled_call


def _timed_function(recorder, fn, name):
    begin, end = recorder.begin, recorder.end

    def profiled(*args):
        event = begin(name, args)
        try:
            out = fn(*args)
        except BaseException:
            end(event, None)
            raise
        end(event, out)
        return out
    profiled.__name__ = fn.__name__
    return profiled


def attach(recorder):
    """Reports every op (forward) and every backward node to `recorder` until detach()."""
    if _slot.active.recorder is not None:
        raise RuntimeError("a profiler is already recording (profilers do not nest)")
    call = _timed_call(recorder, _apply.call)
    for op in _opdef.REGISTRY.values():
        namespace = op.function.__globals__
        _saved[("call", op.name)] = namespace["_call"]
        namespace["_call"] = call
        namespace["_inline"] = False  # the generated common case (ops/_codegen.py) would bypass _call
    for attr, name in _FUSED.items():
        fn = getattr(linalg, attr)
        _saved[("fused", attr)] = fn
        setattr(linalg, attr, _timed_function(recorder, fn, name))
    _slot.active.recorder = recorder


def detach():
    """Puts the ops' own entry points back."""
    for (kind, name), original in _saved.items():
        if kind == "call":
            namespace = _opdef.REGISTRY[name].function.__globals__
            namespace["_call"] = original
            namespace["_inline"] = True
        else:
            setattr(linalg, name, original)
    _saved.clear()
    _slot.active.recorder = None


def recording():
    """Whether a recorder is attached."""
    return _slot.active.recorder is not None

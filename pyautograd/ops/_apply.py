"""The one generic path every primitive op goes through.

Forward (``call``): sort the arguments into tensors and numbers, promote to
the result dtype (PyTorch's rules), call the kernel on arrays, wrap the
output, and -- only when grad mode is on and an input requires grad -- build
the node, its edges and its saved values. Backward (``run_formulas``): run
the formulas of the inputs that need a gradient, then sum each gradient down
to its input's shape (undoing broadcasting) and cast it to the input's dtype.
No op repeats any of this.
"""
import numbers
import threading

import numpy as np

from .. import _creation, _dtype
from .._sites import user_site
from .._tensor import Tensor
from ..graph import grad_mode
from ..graph.grad_mode import no_grad
from ..graph.node import Node, SavedTensor
from ..graph.observers import active as observing
from . import _arrayeval
from ._kernel_errors import as_torch_error

_make = Tensor._make  # bound once (binding a classmethod per call costs)
_new_node = object.__new__  # a node's slots are all set in record (no __init__ frame)
_NO_EDGE = (None, 0)
grad_local = grad_mode._local  # the grad mode's per-thread state (.enabled)


class _AutocastSlot(threading.local):
    """Per thread: while a CPU autocast region is on, `cast(op, inputs) -> inputs` casts the inputs
    of the ops on autocast's lists (set by ops/autocast.py); None otherwise (one read per op)."""

    cast = None


autocast_slot = _AutocastSlot()
# How many threads have CPU autocast on: while none has (almost always), an op pays one list
# read for autocast, not a thread-local attribute read.
autocast_threads = [0]


def _bad_argument(op, value):
    return TypeError(f"{op.name}(): expected a Tensor or a number, got {type(value).__name__}")


_COMPLEX_NAMES = {"c8": "ComplexFloat", "c16": "ComplexDouble"}


def _refuse_complex(op, dtype_char):
    """PyTorch's error for an op with no complex kernel (NotImplementedError is a RuntimeError)."""
    return NotImplementedError(f"\"{op.name}\" not implemented for '{_COMPLEX_NAMES.get(dtype_char, 'ComplexFloat')}' "
                               f"(pyautograd computes complex tensors only in the ops that declare it; "
                               f"see docs/supported.md, \"Complex numbers\")")


def _arrays(op, inputs):
    """(arrays, tensors, numbers) for the kernel, promoted per op.promote. Complex operands
    of an op that does not declare complex support are refused here, before any kernel (the
    common fast path in `call` only takes real floating arrays)."""
    tensors, nums = [], []
    skip = op.skip_index
    refuse = not op.complex
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            if refuse and x._data.dtype.kind == "c":
                raise _refuse_complex(op, x._data.dtype.str[1:])
            if i not in skip:
                tensors.append(x)
        elif x is not None:
            if not isinstance(x, (numbers.Number, np.bool_)):
                raise _bad_argument(op, x)
            if refuse and isinstance(x, (complex, np.complexfloating)):
                raise _refuse_complex(op, _dtype.default_complex().numpy_dtype.str[1:])
            nums.append(x)
    tensors_all = [x for x in inputs if isinstance(x, Tensor)] if skip else tensors
    if not tensors_all:
        raise TypeError(f"{op.name}(): expected at least one Tensor argument")
    if op.promote is None:
        return [x._data if isinstance(x, Tensor) else x for x in inputs], tensors_all
    if len(tensors) == 1 and not nums:
        dt = tensors[0].dtype
    elif not tensors and not nums:
        dt = _dtype.get_default_dtype()
    else:
        dt = _dtype.result_type(tensors, nums)
    if op.promote == "float" and not dt.is_floating_point and not dt.is_complex:
        dt = _dtype.get_default_dtype()
    npd = dt.numpy_dtype
    arrays = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            a = x._data
            arrays.append(a if a.dtype == npd or i in skip else a.astype(npd))
        elif x is None:
            arrays.append(x)
        elif not tensors:
            # Numbers alone beside skipped tensors (where(cond, 1., 0)): nothing else carries
            # the result dtype to the kernel, so they go in as 0-d arrays of it.
            arrays.append(np.asarray(x, dtype=npd))
        elif x.__class__ is float or x.__class__ is int or x.__class__ is bool:
            arrays.append(x)
        elif x.__class__ is complex:
            # NumPy would compute a real array with a Python complex in complex128: the number goes
            # in as a 0-d array of the result dtype (complex64 stays complex64)
            arrays.append(np.asarray(x, dtype=npd))
        else:  # a NumPy scalar: hand the kernel a plain Python number
            arrays.append(x.item())
    return arrays, tensors_all


def call(op, inputs, params):
    """Runs op forward on `inputs` (tensors or numbers) with plain `params`; builds the graph."""
    if autocast_threads[0]:
        cast = autocast_slot.cast
        if cast is not None:
            inputs = cast(op, inputs)
    arrays = None
    if params and not op.complex:
        for p in params:
            if p.__class__ is complex:  # a complex number passed as a parameter (an exponent, a slope)
                raise _refuse_complex(op, _dtype.default_complex().numpy_dtype.str[1:])
    if op.fast:
        # The common cases need no promotion work: a float tensor alone, with a Python number,
        # or with a tensor of its own dtype. They are sorted out here, inline, because this
        # runs for every op; `rg` says whether an input tensor requires grad.
        x = inputs[0]
        if isinstance(x, Tensor):
            a = x._data
            if a.dtype.kind == "f":
                n = len(inputs)
                if n == 1:
                    arrays, rg = (a,), x._rg
                elif n == 2:
                    y = inputs[1]
                    if y.__class__ is float or y.__class__ is int:
                        arrays, rg = (a, y), x._rg
                    elif isinstance(y, Tensor) and (y._data.dtype is a.dtype or y._data.dtype == a.dtype):
                        arrays, rg = (a, y._data), x._rg or y._rg
    slow = arrays is None  # the fast path above takes real floating arrays only (no complex operand)
    if slow:
        arrays, tensors = _arrays(op, inputs)
        rg = False
        for t in tensors:
            if t._rg:
                rg = True
                break
    try:
        if not op.inputs_first:
            out = op.forward(*[arrays[i] if is_input else params[i] for is_input, i in op.order])
        elif params:
            out = op.forward(*arrays, *params)
        else:  # most ops: no tuple of arrays + params to build
            out = op.forward(*arrays)
    except ValueError as exc:  # a kernel's ValueError is PyTorch's RuntimeError (see _kernel_errors)
        error = as_torch_error(op.name, exc, arrays)
        if error is exc:
            raise
        raise error from None
    if observing.forward_computed is not None:
        observing.forward_computed(op, arrays, params, out)
    requires = rg and op.differentiable and grad_local.enabled
    if requires and op.complex_variant is not None and (
            _is_complex_call(inputs, out) if slow
            else params and out.__class__ is not tuple and out.dtype.kind == "c"):
        # (the fast path's operands are real: only a complex parameter can make the result complex)
        op = op.complex_variant  # the formulas complex operands need (same node name)
    if op.num_outputs == 1:
        result = _make(out, requires)
        if op.view:
            result._become_view_of(inputs[0])
        if requires:
            result.grad_fn = record(op, inputs, params, (result,))
        return result
    results = tuple(Tensor._make(o, requires and i not in op.nondiff_outputs)
                    for i, o in enumerate(out))
    if requires:
        for i, r in enumerate(results):
            r._output_nr = i  # before saving: a saved output remembers which one it is
        node = record(op, inputs, params, results)
        for r in results:
            if r._rg:
                r.grad_fn = node
    return results


def _is_complex_call(inputs, out):
    """Whether an op call had a complex operand (tensor or number) or a complex result."""
    outs = out if isinstance(out, tuple) else (out,)
    for x in (*inputs, *outs):
        if isinstance(x, (Tensor, np.ndarray)):
            if (x._data if isinstance(x, Tensor) else x).dtype.kind == "c":
                return True
        elif isinstance(x, complex):
            return True
    return False


def record_computed(op, inputs, params, out):
    """op's single output `out`, computed elsewhere (by a fused kernel), wrapped and recorded as
    if op had computed it: the graph a fused path builds is the unfused one, node for node.
    `out` may be a placeholder (e.g. a zero-stride array) when nothing reads it: op's formulas
    do not read its result and the caller never hands it out."""
    requires = False
    if op.differentiable and grad_local.enabled:
        for x in inputs:
            if isinstance(x, Tensor) and x._rg:
                requires = True
                break
    result = _make(out, requires)
    if op.view:
        result._become_view_of(inputs[0])
    if requires:
        result.grad_fn = record(op, inputs, params, (result,))
    return result


def record(op, inputs, params, results):
    """Builds and returns op's node: edges to the inputs' producers, saved values, input
    metadata. The caller makes it the grad_fn of the results that require grad."""
    edges, meta = [], []
    needs_grad = 0  # bit i: input i requires grad
    bit = 1
    for x in inputs:
        if isinstance(x, Tensor) and x._rg:
            if x._base is not None and x._view_rebase != x._vc.rebases:
                x._regenerate_view()  # ops.views installs it: regenerating uses ops built on this module
            fn = x.grad_fn
            a = x._data
            edges.append((fn, x._output_nr) if fn is not None else (x._accumulator(), 0))
            meta.append((a.shape, a.dtype))
            needs_grad |= bit
        else:
            edges.append(_NO_EDGE)
            meta.append(None)
        bit <<= 1
    node = _new_node(op.node_class)  # Node.__init__ inline: a Python frame less per op
    node.next_functions = tuple(edges)
    meta = tuple(meta)
    last = _META_LAST[0]
    node.meta = last if meta == last else _interned_meta(meta)
    node.site = node.extras = None
    if op.num_outputs > 1:
        node.out_meta = [(r._data.shape, r.dtype) for r in results]
    return _finish(node, op, needs_grad, inputs, params, results)


def record_first(op, inputs, params, result):
    """`record` for a one-output op whose first input is the only one that requires grad (a
    Tensor; the others numbers or tensors that do not), as the generated common case of a call
    knows it (ops/_codegen.py): no loop over the inputs, no lists."""
    x = inputs[0]
    if x._base is not None and x._view_rebase != x._vc.rebases:
        x._regenerate_view()
    fn = x.grad_fn
    a = x._data
    node = _new_node(op.node_class)
    n = len(inputs)
    node.next_functions = ((fn, x._output_nr) if fn is not None else (x._accumulator(), 0),) + _NO_EDGES[n]
    # The metadata is ((shape, dtype), None, ...): the last one made for n inputs is compared by
    # its parts, so that a chain of ops builds no tuple for it.
    shape, dtype = a.shape, a.dtype
    meta = _FIRST_META_LAST[n]
    if meta is None or meta[0][1] is not dtype or meta[0][0] != shape:
        meta = _FIRST_META_LAST[n] = _interned_meta(((shape, dtype),) + _NO_META[n])
    node.meta = meta
    node.site = node.extras = None
    # What _finish does, without its frame, in the two commonest cases: nothing saved (add's
    # input) and one number saved (mul's other, pow's exponent).
    plan = op.saves.get(1)
    if plan is not None and len(plan) < 2 and observing.node_recorded is None:
        if not plan:
            node.saved = None
            return node
        name, kind, index = plan[0]
        value = params[index] if kind is _PARAM else inputs[index] if kind is _INPUT else None
        if value.__class__ is float or value.__class__ is int:
            node.saved = {name: value}
            return node
    return _finish(node, op, 1, inputs, params, (result,))


# What record_first appends after the first input's edge and metadata, by the number of inputs.
_NO_EDGES = [(_NO_EDGE,) * max(n - 1, 0) for n in range(4)]
_NO_META = [(None,) * max(n - 1, 0) for n in range(4)]
_FIRST_META_LAST = [None] * 4


def _finish(node, op, needs_grad, inputs, params, results):
    """Fills in what `node` saves, given which inputs need a gradient (bit mask), and returns it."""
    # Only the formulas of inputs that need a gradient save anything; what that is, and where
    # each value comes from, is worked out once per op and combination (_saves).
    plan = op.saves.get(needs_grad)
    if plan is None:
        plan = op.saves[needs_grad] = _saves(op, needs_grad)
    if plan:
        saved = {}
        saves_tensor = False
        for name, kind, index in plan:
            if kind is _INPUT:
                value = inputs[index]
                if isinstance(value, Tensor):
                    value = SavedTensor(value, False)
                    saves_tensor = True
            elif kind is _PARAM:
                value = params[index]
            elif kind is _RESULT:
                value = (SavedTensor(results[0], True) if op.num_outputs == 1
                         else tuple(SavedTensor(r, True) for r in results))
                saves_tensor = True
            else:  # the variadic inputs
                value = tuple(SavedTensor(x, False) if isinstance(x, Tensor) else x for x in inputs)
                saves_tensor = True
            saved[name] = value
        node.saved = saved
        if saves_tensor:
            # The forward site is kept for the in-place error message (only nodes that
            # save tensors can raise it). Three frames up is the op's function (or `call`):
            # the walk goes on out of pyautograd from there.
            node.site = user_site(3)
    else:
        node.saved = None
    if observing.node_recorded is not None:
        observing.node_recorded(node)
    return node


# Input metadata, interned: a chain of ops records the same few ((shape, dtype), ...) tuples
# over and over. A fresh one per node would be three more objects the cyclic collector tracks
# (a dtype keeps its tuple tracked) and promotes while the graph lives; a full collection then
# traverses every object of the process, which made it ~15% of a chain of small ops.
# The last one found is compared first (cheaper than hashing: a chain repeats it).
_META = {}
_META_MAX = 4096  # distinct tuples kept (cleared when full: shapes that vary per call)
_META_LAST = [None]


def _interned_meta(meta):
    found = _META.get(meta)
    if found is None:
        if len(_META) >= _META_MAX:
            _META.clear()
        found = _META[meta] = meta
    _META_LAST[0] = found
    return found


def _saves(op, needs_grad):
    """((name, kind, position), ...) that op's node saves when the inputs in bit mask
    `needs_grad` need a gradient: what their formulas read (a joint formula: always)."""
    out, seen = [], set()
    for i, needs in op.save_plan:
        if i is None or needs_grad >> i & 1:
            for entry in needs:
                if entry[0] not in seen:
                    seen.add(entry[0])
                    out.append(entry)
    return tuple(out)


# Where a saved name comes from (OpDef.save_plan): the output(s), a parameter, an input, or the
# variadic inputs.
_RESULT, _PARAM, _INPUT, _VARARGS = "result", "param", "input", "varargs"



def run_formulas(node, grad_outputs):
    """Backward of a defop node (its ``apply``): one formula per input that needs a gradient."""
    op = node.op
    if op.other_backward:  # one test for the common op: neither of the two below
        if op.once_differentiable and grad_local.enabled:
            return _run_once_differentiable(node, grad_outputs)
        if op.fast_backward is not None and not grad_local.enabled:
            return _run_fast_backward(node, op, grad_outputs)
    if op.num_outputs == 1:
        grad = grad_outputs[0]
    else:
        grad = tuple(g if g is not None else _zeros_for(node, i) for i, g in enumerate(grad_outputs))
    saved = node.saved or _NOTHING_SAVED
    edges = node.next_functions
    if op.joint is not None:
        fn, needs = op.joint
        grads = fn(grad, *[read_saved(n, saved, node) for n in needs])
        return [None if edge[0] is None or g is None else fit(g, node, i)
                for i, (edge, g) in enumerate(zip(edges, grads))]
    out = []
    meta = node.meta
    # Without a graph to build, arithmetic-only formulas may run on the arrays (see _arrayeval).
    arithmetic = op.arithmetic if not grad_local.enabled else None
    i = -1  # the input's index (a counter is cheaper than enumerate, and this runs per node)
    for fn, needs in op.formulas:
        i += 1
        if fn is None or edges[i][0] is None:
            out.append(None)
            continue
        data = None
        if arithmetic is not None and arithmetic[i] is not None:
            data = _arrayeval.evaluate(fn, arithmetic[i], needs, grad, saved, node)
        # Most formulas read nothing or one value: call them without building an argument list.
        if data is not None:
            g = _make(data, False)
        elif not needs:
            g = fn(grad)
        elif len(needs) == 1:
            g = fn(grad, read_saved(needs[0], saved, node))
        else:
            g = fn(grad, *[read_saved(n, saved, node) for n in needs])
        if g is not None:
            data = g._data
            shape, npd = meta[i]
            # dtype objects of one type are usually the same object: `is` first, it is cheaper.
            if data.shape != shape or (data.dtype is not npd and data.dtype != npd):
                g = fit(g, node, i)
        out.append(g)
    return out


def _run_fast_backward(node, op, grad_outputs):
    """The op's declared fused backward on arrays (no graph is being built)."""
    fn, needs = op.fast_backward
    if op.num_outputs == 1:
        grad = grad_outputs[0]._data
    else:
        # an output that never requires grad never gets one: None, not an array of zeros
        nondiff = op.nondiff_outputs
        grad = tuple(g._data if g is not None else None if i in nondiff else _zeros_for(node, i)._data
                     for i, g in enumerate(grad_outputs))
    saved = node.saved or _NOTHING_SAVED
    args = []
    for name in needs:
        value = read_saved(name, saved, node)
        args.append(value._data if isinstance(value, Tensor) else value)
    grads = fn(grad, *args)
    return [None if edge[0] is None or g is None else fit(_make(g, False), node, i)
            for i, (edge, g) in enumerate(zip(node.next_functions, grads))]


def _run_once_differentiable(node, grad_outputs):
    """A once-differentiable op runs its formulas without recording, and with create_graph its
    gradients carry a node that raises if they are differentiated again."""
    with no_grad():
        grads = run_formulas(node, grad_outputs)
    return [None if g is None else _delayed_error(g, node) for g in grads]


class DelayedError(Node):
    """Stands for the gradient of a once-differentiable op: differentiating it raises.

    It keeps the op's edges, so a second backward towards the op's inputs reaches it.
    """

    __slots__ = ("what",)

    def __init__(self, what, next_functions):
        Node.__init__(self, next_functions)
        self.what = what

    def apply(self, grad_outputs):
        raise RuntimeError(f"trying to differentiate twice a function that was marked with "
                           f"@once_differentiable ({self.what} has a fused backward with no derivative "
                           f"of its own)")


def _delayed_error(g, node):
    t = Tensor._make(g._data, True)
    t.grad_fn = DelayedError(node.name(), node.next_functions)
    return t


_NOTHING_SAVED = {}
SPECIAL_NAMES = ("input_shapes", "needs_input_grad")


def read_saved(name, saved, node):
    """The value formula argument `name` receives: a saved value, unpacked, or a special."""
    if name in SPECIAL_NAMES:
        return special_value(name, node)
    value = saved[name]
    if value.__class__ is SavedTensor:
        return value.unpack(node)
    if value.__class__ is tuple and value and value[0].__class__ is SavedTensor:
        return tuple(v.unpack(node) for v in value)
    return value


def special_value(name, node):
    if name == "input_shapes":
        return tuple(m[0] if m is not None else None for m in node.meta)
    return tuple(edge[0] is not None for edge in node.next_functions)


def fit(g, node, i):
    """Sums a gradient down to input i's shape and casts it to its dtype."""
    shape, npd = node.meta[i]
    if g._data.shape != shape:
        g = sum_to(g, shape, node, i)
    if g._data.dtype != npd:
        if g._data.dtype.kind == "c" and npd.kind != "c":
            # a real input of a complex computation gets the real part (PyTorch's handle_r_to_c),
            # through the differentiable view, without the discarding-imaginary warning of a cast
            g = g.real
        if g._data.dtype != npd:
            g = g.to(_dtype.from_numpy(npd))
    return g


def _zeros_for(node, i):
    shape, dt = node.out_meta[i]
    return _creation.zeros(shape, dtype=dt)


def sum_to(grad, shape, node=None, index=0):
    """Sums `grad` down to `shape` (undoing broadcasting), with differentiable ops."""
    gshape = grad._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, gshape[lead:])):
        where = f"Function {node.name()} returned" if node is not None else "got"
        raise RuntimeError(f"{where} an invalid gradient at index {index} - got {list(gshape)} but "
                           f"expected shape compatible with {list(shape)}")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and gshape[lead + i] != 1)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead or grad._data.shape != tuple(shape):
        grad = grad.reshape(shape)
    return grad

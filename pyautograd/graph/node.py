"""Graph nodes and saved tensors.

A Node is one backward function: ``next_functions`` are the (node, input_nr)
edges to the producers of the forward op's inputs (AccumulateGrad for
leaves), ``saved`` holds what its formulas read. A saved *output* is kept as
data + version counter + output number, never as the Tensor, so no reference
cycle runs output -> node -> output; it is rebuilt on unpack, pointing back to
the node.
"""
import threading
import weakref

from .._sites import format_site
from .._tensor import Tensor
from .hooks import add_hook
from .leaf_grads import accumulate_into_leaf

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "bfloat16": "BFloat16Tensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


# saved_tensors_hooks (torch.autograd.graph): each thread's stack of (pack, unpack) pairs; the
# innermost applies. SAVED_HOOKS counts the stacks' entries over all threads, so that while no
# context is open anywhere, saving a tensor pays one list read.
SAVED_HOOKS = []
_hook_state = threading.local()


def _thread_hooks():
    return getattr(_hook_state, "stack", ())


def push_saved_tensors_hooks(pack_hook, unpack_hook):
    """Opens a pair of saved-tensor hooks in this thread (torch.autograd.graph.saved_tensors_hooks)."""
    stack = getattr(_hook_state, "stack", None)
    if stack is None:
        stack = _hook_state.stack = []
    stack.append((pack_hook, unpack_hook))
    SAVED_HOOKS.append(None)


def pop_saved_tensors_hooks():
    """Closes this thread's innermost pair of saved-tensor hooks."""
    _hook_state.stack.pop()
    SAVED_HOOKS.pop()


def type_string(tensor):
    """PyTorch's legacy type name, e.g. 'torch.FloatTensor'."""
    return "torch." + _TYPE_NAMES[tensor.dtype.name]


def _freed_details(node):
    """What the second-backward error adds: whose saved tensors were freed, and where that op ran."""
    at = f" Its forward op ran at:\n  {format_site(node.site)}" if node.site is not None else ""
    return (f"\n{node.name()} needs tensors it saved in the forward pass, which an earlier backward through "
            f"this graph freed.{at}\nFix: build the graph again (recompute the forward) for each backward; "
            "pass retain_graph=True to the first backward if you really need two; and if a tensor is carried "
            "from one iteration to the next (an RNN hidden state, a running total), .detach() it before "
            "reusing it, so each iteration's graph ends there.")


class SavedTensor:
    """A tensor saved for backward, checked against in-place changes when unpacked.

    Inputs are kept as the Tensor itself (its graph is needed for higher-order
    gradients); outputs as their data, counter and output number.
    """

    __slots__ = ("tensor", "data", "counter", "version", "output_nr", "producer", "shape", "packed")

    def __init__(self, tensor, is_output):
        counter = tensor._counter()
        self.counter = counter
        self.version = counter.value
        self.output_nr = tensor._output_nr
        self.shape = tensor._data.shape
        self.packed = None
        if is_output:
            self.tensor = None
            self.data = tensor._data
            self.producer = None  # the owning node, supplied at unpack
        else:
            self.tensor = tensor
            self.data = None
            self.producer = tensor.grad_fn
        if SAVED_HOOKS:  # one list read when no saved_tensors_hooks context is open
            self._pack(tensor, is_output)

    def _pack(self, tensor, is_output):
        """Hands the tensor to the innermost pack hook of this thread and keeps what it returns
        instead of the tensor (with what is needed to put the unpacked value back in the graph:
        the producer and output number, or a leaf's AccumulateGrad)."""
        hooks = _thread_hooks()
        if not hooks:
            return
        pack, unpack = hooks[-1]
        leaf_acc = tensor._accumulator() if not is_output and tensor._rg and tensor.grad_fn is None else None
        self.packed = (pack(tensor), unpack, leaf_acc, tensor._rg, is_output)
        self.tensor = self.data = None

    def unpack(self, node):
        """The saved value as a Tensor; raises if it was freed or modified in place."""
        self._check(node)
        if self.packed is not None:
            return self._unpack_hooked(node)
        if self.tensor is not None:
            return self.tensor
        return Tensor._from_saved(self.data, node, self.output_nr, self.counter)

    def _unpack_hooked(self, node):
        packed, unpack, leaf_acc, requires_grad, is_output = self.packed
        value = unpack(packed)
        if not isinstance(value, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(value).__name__}")
        data = value._data
        if is_output:
            return Tensor._from_saved(data, node, self.output_nr, self.counter)
        if self.producer is not None:  # an input with history
            return Tensor._from_saved(data, self.producer, self.output_nr, self.counter)
        t = Tensor._make(data, requires_grad)
        t._vc = self.counter
        if leaf_acc is not None:
            # The unpacked value stands for the leaf: gradients through it accumulate there.
            t._acc = weakref.ref(leaf_acc)
        return t

    def unpack_data(self, node):
        """The saved value's array, with unpack's checks (for formulas evaluated on arrays)."""
        self._check(node)
        if self.packed is not None:
            return self._unpack_hooked(node)._data
        return self.tensor._data if self.tensor is not None else self.data

    def _check(self, node):
        if self.counter is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors "
                "after they have already been freed). Saved intermediate values of the graph are freed "
                "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                "backward through the graph a second time or if you need to access saved tensors after "
                "calling backward." + _freed_details(node))
        # As in PyTorch, a value packed by a saved-tensor hook is not version-checked: the hook
        # owns it (it may be a copy), and an in-place change of the original is the user's.
        if self.counter.value != self.version and self.packed is None:
            raise RuntimeError(self._modified_message(node))

    def release(self):
        """Frees the saved value (after the node ran without retain_graph)."""
        self.tensor = self.data = self.counter = self.packed = None

    def _modified_message(self, node):
        sample = self.tensor if self.tensor is not None else Tensor._wrap(self.data)
        producer = node if self.tensor is None else self.producer
        shape = list(self.shape)
        what = f"[{type_string(sample)} {shape}]"
        if producer is not None:
            what += f", which is output {self.output_nr} of {producer.name()},"
        msg = (f"one of the variables needed for gradient computation has been modified by an inplace "
               f"operation: {what} is at version {self.counter.value}; expected version {self.version} "
               f"instead.")
        saved_by = f"\n\nThe tensor was saved for backward by {node.name()}"
        saved_by += (f", whose forward op ran at:\n  {format_site(node.site)}" if node.site is not None
                     else ".")
        mutator = self.counter.op or "an in-place operation"
        changed = f"\nIt was then modified in place by {mutator}"
        changed += (f" at:\n  {format_site(self.counter.site)}" if self.counter.site is not None else ".")
        fix = (f"\nFix: use the out-of-place form ({mutator.rstrip('_') if mutator.endswith('_') else 'e.g. x = x + 1'}"
               f" instead of {mutator}), or .clone() the tensor before modifying it.")
        return msg + saved_by + changed + fix


class NodeExtras:
    """What few nodes carry: hooks, retained tensors, anomaly mode's forward stack.

    Kept off the Node itself so the node every op builds stays small and quick to create;
    a node gets one of these only when something is registered on it.
    """

    __slots__ = ("pre_hooks", "hooks", "tensor_hooks", "retained", "anomaly_stack")

    def __init__(self):
        self.pre_hooks = None      # HookTable: hook(grad_outputs), before the node runs
        self.hooks = None          # HookTable: hook(grad_inputs, grad_outputs), after it
        self.tensor_hooks = None   # {output_nr: HookTable} of its output tensors' hooks
        self.retained = None       # {output_nr: weakref to a tensor that retains its grad}
        self.anomaly_stack = None  # user frames (code, offset) of the forward call (see _sites)


class Node:
    """A backward function in the graph (``grad_fn``), e.g. MulBackward0.

    Subclasses implement ``apply(grad_outputs) -> grad_inputs`` (one entry per
    edge in next_functions, None where no gradient flows).
    """

    __slots__ = ("next_functions", "saved", "site", "extras", "__weakref__")

    num_outputs = 1
    # release() frees what `saved` holds, so the engine skips the call for a node that saved
    # nothing; a node that frees something else on release says so here (CopySlices).
    releases_more = False

    def __init__(self, next_functions=()):
        self.next_functions = next_functions
        self.saved = None
        self.site = None
        self.extras = None  # a NodeExtras once a hook (or anomaly mode) needs one

    def name(self):
        """The node's class-like name, e.g. 'MulBackward0'."""
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def _extras(self):
        """The node's NodeExtras, created on first need."""
        extras = self.extras
        if extras is None:
            extras = self.extras = NodeExtras()
        return extras

    @property
    def anomaly_stack(self):
        """The forward call's user frames recorded by anomaly mode (None when it was off)."""
        return self.extras.anomaly_stack if self.extras is not None else None

    def register_hook(self, hook):
        """hook(grad_inputs, grad_outputs) runs after the node; may return new grad_inputs."""
        return add_hook(self._extras(), "hooks", hook)

    def register_prehook(self, hook):
        """hook(grad_outputs) runs before the node; may return new grad_outputs."""
        return add_hook(self._extras(), "pre_hooks", hook)

    def release(self):
        """Frees saved tensors (called by the engine unless retain_graph)."""
        saved = self.saved
        if saved:
            for value in saved.values():
                if value.__class__ is SavedTensor:
                    value.release()
                elif value.__class__ is tuple:
                    for v in value:
                        if v.__class__ is SavedTensor:
                            v.release()


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        Node.__init__(self)
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def apply(self, grad_outputs):
        if grad_outputs[0] is not None:
            accumulate_into_leaf(self.variable, grad_outputs[0])
        return ()

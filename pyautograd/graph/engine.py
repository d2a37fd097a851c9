"""backward() and grad(): the iterative engine.

1. From the roots, walk ``next_functions`` (iteratively: no recursion limit)
   and count each node's incoming edges.
2. Run a ready queue: a node runs once every gradient it will receive has
   arrived in its per-output buffer. The first gradient for a slot is stored
   as is; later ones are added out of place (a buffer may be a tensor someone
   else holds).
3. Before a node runs, the tensor hooks of its outputs run (``register_hook``,
   then ``retain_grad``); its own pre-hooks and hooks run around it.
4. Formulas run under grad mode = create_graph, so with create_graph=True the
   gradients are themselves differentiable.
5. AccumulateGrad adds into ``.grad``: the first gradient is stored (copied if
   it might alias something the user or another leaf holds), later ones are
   added in place, or out of place when create_graph.
Saved tensors are released after their node runs unless retain_graph.
"""
from .._tensor import Tensor
from . import grad_mode
from .leaf_grads import accumulate_into_leaf
from .node import AccumulateGrad
from .observers import active as _observing
from .profiling import active as _profiling


class _Pass:
    """State of one backward pass (what leaves were given, whether to build a graph)."""

    __slots__ = ("create_graph", "given")

    def __init__(self, create_graph):
        self.create_graph = create_graph
        self.given = set()  # ids of arrays (and their bases) handed to a .grad in this pass

    def claim(self, array):
        """Records `array` (and its base chain) as handed out; returns False if any was already."""
        fresh = True
        a = array
        while a is not None:
            if id(a) in self.given:
                fresh = False
            self.given.add(id(a))
            a = a.base
        return fresh


def _run_tensor_hooks(hooks, grad):
    for hook in list(hooks.values()):
        new = hook(grad)
        if new is not None:
            _check_hook_result(hook, grad, new)
            grad = new
    return grad


def _check_hook_result(hook, grad, new):
    """Raises as PyTorch when a tensor hook returns something that cannot replace `grad`
    (stored as is, it would fail much later, in the optimizer)."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    name = getattr(hook, "__name__", type(hook).__name__)
    if new.shape != grad.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was {tuple(grad.shape)}, "
                           f"got {tuple(new.shape)})")
    if new.dtype is not grad.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.dtype} got {new.dtype})")


def _retain(tensor, grad, state):
    if tensor._grad is None:
        fresh = state.claim(grad._data)
        tensor._grad = grad if state.create_graph else (grad.detach() if fresh else grad.detach().clone())
    else:
        tensor._grad = tensor._grad + (grad if state.create_graph else grad.detach())


def _dependencies(roots):
    """{node: entry} over the graph reachable from `roots`: entry is the node's gradient
    buffer (one slot per output, None until a gradient arrives) followed by the number of
    its incoming edges. One list per node keeps the engine at one lookup per edge, and once
    the count is popped off, the list is what the node's apply receives."""
    pending = {root: _entry(root, 0) for root in roots}
    stack = list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            entry = pending.get(nxt)
            if entry is None:  # first time seen: walk on from it
                pending[nxt] = [None, 1] if nxt.num_outputs == 1 else _entry(nxt, 1)
                stack.append(nxt)
            else:
                entry[-1] += 1
    return pending


def _entry(node, count):
    return [None] * node.num_outputs + [count]


def _needed(roots, targets):
    """The nodes from which a target node can be reached (only they must run).

    Walks the reachable graph once to record each node's parents, then walks
    backwards from the targets: every node met on the way leads to a target.
    """
    parents, seen, stack = {}, set(roots), list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            parents.setdefault(nxt, []).append(node)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    needed = {t for t in targets if t in seen}
    stack = list(needed)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def execute(edges, grads, keep_graph, create_graph, capture=None):
    """Runs backward from root `edges` [(node, output_nr)] with root gradients `grads`.

    Without `capture`, every leaf reached accumulates into .grad. With `capture`
    ({(node, output_nr): index}), only the nodes leading to those slots run, nothing
    is accumulated, and the gradients arriving there are returned in a list.
    """
    roots = []
    for node, _ in edges:
        if node not in roots:
            roots.append(node)
    pending = _dependencies(roots)
    needed = None
    if capture is not None:
        needed = _needed(roots, {node for node, _ in capture})
    captured = [None] * (len(capture) if capture else 0)
    for (node, nr), g in zip(edges, grads):
        _add_to_buffer(pending[node], nr, g)
    ready = [n for n in roots if pending[n][-1] == 0]
    state = _Pass(create_graph)
    for g in grads:
        state.claim(g._data)
    previous_mode = grad_mode.is_grad_enabled()
    grad_mode._set_enabled(create_graph)
    check = _observing.backward_computed
    observer = _observing.observer
    recorder = _profiling.recorder  # a profiler records each node (graph/profiling.py)
    parents = {} if check is not None else None  # the first node that sent each node a gradient
    # Most nodes of most passes need nothing but apply() and release(): no hooks (extras is
    # None), no capture, no anomaly check, no profiler. They skip _run_node; this loop runs once per node.
    plain = capture is None and check is None and recorder is None
    try:
        while ready:
            node = ready.pop()
            slots = pending.pop(node)
            slots.pop()  # the count (0): what is left is the gradient buffer
            results = None
            if slots[0] is not None or (len(slots) > 1 and any(g is not None for g in slots)):
                if plain and node.extras is None and node.__class__ is not AccumulateGrad:
                    results = node.apply(slots)
                    if not keep_graph and (node.saved is not None or node.releases_more):
                        node.release()
                elif needed is None or node in needed:
                    results = _run_node(node, slots, state, capture, captured, keep_graph, check, parents,
                                        recorder)
            edges = node.next_functions
            if results is None or len(results) < len(edges):  # (an op's node gives one per edge)
                results = _padded(results, len(edges))
            for (nxt, nr), g in zip(edges, results):
                if nxt is not None:
                    entry = pending[nxt]
                    if g is not None:  # _add_to_buffer, inline: this runs for every edge
                        old = entry[nr]
                        entry[nr] = g if old is None else old + g
                        if parents is not None and nxt not in parents:
                            parents[nxt] = node
                    left = entry[-1] - 1
                    entry[-1] = left
                    if left == 0:
                        ready.append(nxt)
    finally:
        grad_mode._set_enabled(previous_mode)
        if observer is not None:
            observer.backward_finished()
    return captured


def _padded(results, n):
    """A node's grad_inputs (None: none) padded with None to its n edges."""
    results = tuple(results) if results is not None else ()
    return results + (None,) * (n - len(results))


def _add_to_buffer(entry, nr, grad):
    """Adds `grad` to slot `nr` of a node's buffer (see _dependencies)."""
    old = entry[nr]
    entry[nr] = grad if old is None else old + grad


def _run_node(node, slots, state, capture, captured, keep_graph, check=None, parents=None, recorder=None):
    """Runs one node's hooks and backward; returns its grad_inputs (or None). A profiler's
    `recorder` sees the node's backward as PyTorch names it
    (``autograd::engine::evaluate_function: <node name>``).

    The anomaly check runs before the node's saved tensors are released, so its
    diagnosis can still read them.
    """
    if node.__class__ is AccumulateGrad:
        grad = slots[0]
        leaf = node.variable
        if leaf._hooks:
            grad = _run_tensor_hooks(leaf._hooks, grad)
        if capture is None:
            accumulate_into_leaf(leaf, grad, state)
        elif (node, 0) in capture:
            captured[capture[(node, 0)]] = grad
        return None
    extras = node.extras
    tensor_hooks = retained = pre_hooks = hooks = None
    if extras is not None:
        tensor_hooks, retained = extras.tensor_hooks, extras.retained
        pre_hooks, hooks = extras.pre_hooks, extras.hooks
    if tensor_hooks or retained:
        for nr, g in enumerate(slots):
            if g is None:
                continue
            if tensor_hooks and nr in tensor_hooks:
                g = slots[nr] = _run_tensor_hooks(tensor_hooks[nr], g)
            if retained and nr in retained:
                t = retained[nr]()
                if t is not None:
                    _retain(t, g, state)
    if capture is not None:
        for nr, g in enumerate(slots):
            key = (node, nr)
            if key in capture:
                captured[capture[key]] = g
    if pre_hooks:
        for hook in list(pre_hooks.values()):
            new = hook(tuple(slots))
            if new is not None:
                slots = list(new)
    incoming = list(slots) if check is not None else None
    if recorder is None:
        results = node.apply(slots)
    else:
        event = recorder.begin(f"autograd::engine::evaluate_function: {node.name()}", slots)
        results = None
        try:
            results = node.apply(slots)
        finally:
            recorder.end(event, results)
    if check is not None and results:
        check(node, results, incoming, parents)
    if hooks:
        for hook in list(hooks.values()):
            new = hook(tuple(results), tuple(slots))
            if new is not None:
                results = list(new)
    if not keep_graph:
        node.release()
    return results

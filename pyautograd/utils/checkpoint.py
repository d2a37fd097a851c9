"""Gradient checkpointing, as ``torch.utils.checkpoint``: run a function without keeping its
activations, and run it again during backward to get them back.

``checkpoint(fn, *args, use_reentrant=...)`` records one node in place of fn's whole graph. Its
backward re-runs fn with gradients enabled (from the same global RNG state when
``preserve_rng_state``, so dropout drops the same elements) and back-propagates through that
fresh graph, which is freed right after: only fn's inputs are kept between forward and backward.

- ``use_reentrant=True`` (PyTorch's legacy default): the gradient reaches the tensor arguments,
  and the recomputed graph is back-propagated with ``backward``, so every leaf fn uses (module
  parameters, captured tensors) accumulates its ``.grad``. As in PyTorch, ``autograd.grad`` cannot
  reach those leaves through it, and an output needs an argument that requires grad.
- ``use_reentrant=False`` (recommended): the parameters of modules fn reaches (fn itself, its
  bound ``__self__``, ``functools.partial`` arguments, closure cells and defaults) become inputs
  of the node too, so ``autograd.grad`` with respect to them works and arguments need not require
  grad; keyword arguments are passed through. Other leaves fn captures still accumulate ``.grad``
  as with the reentrant variant.
"""
import contextlib
import functools
import warnings

from .. import _random
from .._tensor import Tensor
from ..autograd import backward as _autograd_backward
from ..autograd import grad as _autograd_grad
from ..autograd.function import Function
from ..graph.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..nn.module import Module
from ..nn.modules.container import Sequential

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn", "detach_variable"]


def noop_context_fn():
    """The default context_fn: no context around the forward or the recomputation."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """The tuple `inputs` with each tensor detached (keeping its requires_grad), as PyTorch's helper."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    return tuple(x.detach().requires_grad_(x.requires_grad) if isinstance(x, Tensor) else x for x in inputs)


def _module_parameters(fn):
    """The parameters of the modules `fn` reaches, in a stable order without repeats."""
    found, seen = [], set()

    def visit(obj, depth):
        if isinstance(obj, Module):
            for p in obj.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    found.append(p)
            return
        if depth > 2:
            return
        if isinstance(obj, functools.partial):
            for o in (obj.func, *obj.args, *obj.keywords.values()):
                visit(o, depth + 1)
        elif isinstance(obj, (list, tuple)):
            for o in obj:
                visit(o, depth + 1)
        elif callable(obj):
            visit(getattr(obj, "__self__", None), depth + 1)
            for cell in getattr(obj, "__closure__", None) or ():
                try:
                    visit(cell.cell_contents, depth + 1)
                except ValueError:  # an empty cell
                    pass
            for o in getattr(obj, "__defaults__", None) or ():
                visit(o, depth + 1)
    visit(fn, 0)
    return found


class _Run:
    """What the recomputation needs: the function, how its inputs were laid out, the RNG state."""

    def __init__(self, fn, args, kwargs, n_tensor_args, reentrant, preserve_rng_state, context_fn):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.n_tensor_args, self.reentrant = n_tensor_args, reentrant
        self.rng_state = _random.get_rng_state() if preserve_rng_state else None
        self.context_fn = context_fn

    def call(self, tensors):
        """fn(*args, **kwargs) with the tensor arguments replaced by `tensors`, in order."""
        it = iter(tensors)
        args = [next(it) if isinstance(a, Tensor) else a for a in self.args]
        out = self.fn(*args, **self.kwargs)
        return tuple(out) if isinstance(out, (tuple, list)) else out


class CheckpointFunction(Function):
    """The node checkpoint() records: forward without a graph, backward by recomputation."""

    @staticmethod
    def forward(ctx, run, *inputs):
        ctx.run = run
        ctx.save_for_backward(*inputs)
        forward_context, _ = run.context_fn()
        with forward_context:
            return run.call(inputs[:run.n_tensor_args])

    @staticmethod
    def backward(ctx, *grad_outputs):
        run = ctx.run
        inputs = ctx.saved_tensors
        args = detach_variable(tuple(inputs[:run.n_tensor_args]))
        params = inputs[run.n_tensor_args:]
        _, recompute_context = run.context_fn()
        with _rng_forked(run.rng_state), enable_grad(), recompute_context:
            outputs = run.call(args)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        outs, grads = [o for o, _ in pairs], [g for _, g in pairs]
        if run.reentrant:
            _autograd_backward(outs, grads)
            return (None,) + tuple(a.grad if isinstance(a, Tensor) else None for a in args) + (None,) * len(params)
        # gradients of the arguments and the module parameters go to this node's inputs; any other
        # leaf the function captured accumulates its .grad as under the reentrant variant
        targets = [t for t in (*args, *params) if isinstance(t, Tensor) and t.requires_grad]
        found = dict(zip(map(id, targets), _autograd_grad(outs, targets, grads, allow_unused=True,
                                                           retain_graph=True)))
        others = [leaf for leaf in _captured_leaves(outs) if id(leaf) not in found]
        if others:
            _autograd_backward(outs, grads, inputs=others)
        return (None,) + tuple(found.get(id(t)) if isinstance(t, Tensor) else None for t in (*args, *params))


def _captured_leaves(outputs):
    """Leaves requiring grad reached from `outputs`' graph (through AccumulateGrad nodes)."""
    leaves, seen, stack = [], set(), [o.grad_fn for o in outputs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None:
            leaves.append(variable)
        stack.extend(edge[0] for edge in node.next_functions)
    return leaves


@contextlib.contextmanager
def _rng_forked(state):
    """Runs the block from the global RNG state `state`, then puts back the state it found."""
    if state is None:
        yield
        return
    current = _random.get_rng_state()
    _random.set_rng_state(state)
    try:
        yield
    finally:
        _random.set_rng_state(current)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, preserve_rng_state=True, **kwargs):
    """Runs ``function(*args, **kwargs)`` without keeping its activations; backward recomputes them.

    Args:
        function: what to run (a module, or any callable of tensors).
        *args, **kwargs: its arguments (keyword arguments only with use_reentrant=False).
        use_reentrant: True (PyTorch's legacy variant) or False (recommended); None warns as
            PyTorch 2.x does and means True.
        context_fn: returns two context managers, entered around the forward and the recomputation.
        preserve_rng_state: recompute from the RNG state of the forward, so dropout matches.
        determinism_check, debug, early_stop: accepted for compatibility.

    Returns:
        function's output (a tensor, or a tuple/list of them, as a tuple).

    Example::

        out = checkpoint(block, x, use_reentrant=False)   # block's activations are not kept
        out.sum().backward()                              # block runs again here
    """
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
                      "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences "
                      "between the two variants.", stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    tensor_args = [a for a in args if isinstance(a, Tensor)]
    if not is_grad_enabled():
        return function(*args, **kwargs)
    params = [] if use_reentrant else [p for p in _module_parameters(function)
                                       if not any(p is a for a in tensor_args)]
    if use_reentrant and not any(a.requires_grad for a in tensor_args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
    run = _Run(function, args, kwargs, len(tensor_args), use_reentrant, preserve_rng_state, context_fn)
    if not any(t.requires_grad for t in (*tensor_args, *params)):
        with no_grad():
            return function(*args, **kwargs)
    out = CheckpointFunction.apply(run, *tensor_args, *params)
    return out


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Runs a sequence of modules in `segments` checkpointed chunks (the last chunk runs normally).

    Args:
        functions: an nn.Sequential or a list of modules/functions, applied in order.
        segments: how many chunks. input: the first function's input.
        use_reentrant: as checkpoint's. preserve_rng_state (keyword): as checkpoint's.
    """
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences "
                      "between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run_function(start, end):
        chunk = list(functions[start:end + 1])

        def forward(x):
            for f in chunk:
                x = f(x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1)(input)

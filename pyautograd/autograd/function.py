"""Custom autograd Functions: an op whose forward and backward the user writes.

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            result, = ctx.saved_tensors
            return grad * result

    y = Exp.apply(x)          # y.grad_fn is an ExpBackward node

As in PyTorch, the ``ctx`` handed to forward *is* the backward node: each
Function subclass gets a node class ``<Name>Backward`` (a Node, so the engine
runs it like any other), and whatever forward stores on ctx is there when
backward runs. Forward runs under no_grad; backward runs under the engine's
grad mode, so a backward written in Tensor ops is itself differentiable when
create_graph=True. Saved tensors go through SavedTensor (version-checked,
outputs kept as data so no output -> node -> output cycle, released after
backward unless retain_graph).
"""
import functools
import inspect
import warnings

from .. import _creation, _dtype, _errors
from .._sites import format_line, user_site
from .._tensor import Tensor
from ..graph import grad_mode
from ..graph.node import Node, SavedTensor
from ..graph.observers import active as _observing
from ..ops import sum_to
from ..ops.views import rebase_view, regenerate

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]


class FunctionCtx:
    """The methods forward (or setup_context) calls on ``ctx``."""

    def save_for_backward(self, *tensors):
        """Saves tensors (or None) for backward; read them back with ``ctx.saved_tensors``.

        Saved inputs and outputs are checked against later in-place changes and
        keep double backward working; other tensors are saved as plain values.
        """
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of "
                                f"type {type(t).__name__}")
        self._to_save = tensors

    def mark_dirty(self, *args):
        """Declares inputs that forward modified in place (they must also be returned)."""
        self._dirty = args

    def mark_non_differentiable(self, *args):
        """Declares outputs that get no gradient (their grad in backward is zeros or None)."""
        self._non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether undefined output gradients reach backward as zeros (True, the default) or None."""
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The node of one call of a custom Function; also the ``ctx`` its forward received.

    A subclass per Function (``ExpBackward``) is made when the Function is defined.
    Instances have a ``__dict__`` for the attributes users put on ctx.
    """

    _forward_cls = None

    def __init__(self):
        Node.__init__(self)
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._to_save = None
        self._dirty = ()
        self._non_differentiable = ()

    @property
    def saved_tensors(self):
        """The tensors given to save_for_backward, checked for in-place changes since."""
        saved = self.saved
        if saved is None:
            return ()
        return tuple(None if s is None else s.unpack(self) for s in saved["saved_tensors"])

    def apply(self, grad_outputs):
        """Runs the Function's backward; returns one gradient per edge in next_functions."""
        grads = list(grad_outputs)
        if self.materialize_grads:
            for i, g in enumerate(grads):
                meta = self._out_meta[i]
                if g is None and meta is not None:
                    grads[i] = _creation.zeros(meta[0], dtype=meta[1])
        result = _user_backward(self._forward_cls)(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        return self._check_grads(result)

    def _check_grads(self, result):
        """Matches backward's results to the inputs; checks count, types and shapes."""
        expected = len(self._input_slots)
        if len(result) != expected:
            if len(result) < expected or any(g is not None for g in result[expected:]):
                raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                                   f"(expected {expected}, got {len(result)})" + self._count_details())
            result = result[:expected]
        out = [None] * len(self.next_functions)
        for position, (g, slot) in enumerate(zip(result, self._input_slots)):
            if g is None:
                continue
            if slot is None:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                   f"position {position + 1}, but the corresponding forward input was not "
                                   f"a Variable")
            if not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if self.next_functions[slot][0] is not None:
                out[slot] = self._fit(g, slot)
        return out

    def _fit(self, g, slot):
        shape, npd = self._in_meta[slot]
        if g._data.shape != shape:
            try:
                g = sum_to(g, shape, self, slot)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}{self._shape_details(g, slot)}") from None
        if g._data.dtype != npd:
            if g._data.dtype.kind == "c" and npd.kind != "c":
                # as PyTorch's engine: a backward must not hand a complex gradient to a real input
                raise RuntimeError(f"Function {self.name()} returned a complex gradient ({g.dtype}) for its real "
                                   f"input {slot} ({_dtype.from_numpy(npd)}); return the real part for it")
            g = g.to(_dtype.from_numpy(npd))
        return g

    def _arguments(self):
        """[(name, description)] of forward's arguments, as the backward sees them."""
        cls = self._forward_cls
        try:
            params = list(inspect.signature(cls.forward).parameters)
        except (TypeError, ValueError):
            params = []
        if cls.setup_context is Function.setup_context:
            params = params[1:]  # forward(ctx, ...)
        out = []
        for k, slot in enumerate(self._input_slots):
            name = params[k] if k < len(params) else f"argument {k}"
            if slot is None:
                out.append((name, "not a tensor"))
            else:
                shape, npd = self._in_meta[slot]
                out.append((name, f"a tensor of shape {list(shape)}, {_dtype.from_numpy(npd)}"))
        return out

    def _backward_at(self):
        where = _errors.definition_line(_user_backward(self._forward_cls))
        return f" ({format_line(*where).splitlines()[0]})" if where is not None else ""

    def _count_details(self):
        cls = self._forward_cls.__name__
        args = self._arguments()
        listed = "; ".join(f"{name}: {what}" for name, what in args)
        return (f"\n{cls}.forward takes {len(args)} argument{'s' if len(args) != 1 else ''} ({listed}), so "
                f"{cls}.backward{self._backward_at()} must return {len(args)} value"
                f"{'s' if len(args) != 1 else ''}, one per argument in order.\nFix: return a gradient for each "
                "tensor argument, and None for an argument that is not a tensor or needs no gradient.")

    def _shape_details(self, g, slot):
        cls = self._forward_cls.__name__
        position = self._input_slots.index(slot)
        name, what = self._arguments()[position]
        return (f"\n{cls}.backward{self._backward_at()} returned a gradient of shape {list(g._data.shape)}, "
                f"{g.dtype} for argument {position} ({name}), {what}.\nFix: each gradient must have its "
                "argument's shape (or broadcast to it): reduce only over the dimensions that forward "
                "broadcast, down to the argument's shape.")


def _user_backward(cls):
    backward, vjp = cls.backward, cls.vjp
    if backward is not Function.backward and vjp is not Function.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. "
                           "You should only implement one of them.")
    return vjp if vjp is not Function.vjp else backward


class Function:
    """Base class for custom ops: subclass it with static ``forward`` and ``backward``.

    forward(ctx, *args, **kwargs) computes the outputs (under no_grad);
    backward(ctx, *grad_outputs) returns one gradient per forward argument (None
    for arguments that are not tensors or need no gradient). Alternatively,
    forward(*args) takes no ctx and setup_context(ctx, inputs, output) fills it.
    Call ``MyFunction.apply(*args)``, never an instance.

    Example::

        class Cube(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return grad * 3 * x ** 2
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": cls.__module__})
        cls._signature = None

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all "
                      "static, so you should invoke them on the class itself.", DeprecationWarning,
                      stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please "
                           "use new-style autograd function with static forward method: call "
                           f"{type(self).__name__}.apply(...).")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Computes the outputs from the inputs (override it)."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Fills ctx from the inputs and output, when forward takes no ctx (optional override)."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """One gradient per forward input from one gradient per output (override it)."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        """Runs forward and, when an input requires grad (in grad mode), records the node."""
        if cls is Function:
            raise RuntimeError("Function.apply must be called on a subclass that defines forward and "
                               "backward")
        separate_setup = cls.setup_context is not Function.setup_context
        if kwargs or separate_setup:
            args, kwargs = _bind(cls, separate_setup, args, kwargs)
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        recording = grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)
        if recording:
            _connect(ctx, args)
        previous = grad_mode.is_grad_enabled()
        grad_mode._set_enabled(False)
        try:
            if separate_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            grad_mode._set_enabled(previous)
        output, dirty_views = _wrap_outputs(ctx, args, output, recording)
        _save(ctx)
        if dirty_views:
            # Writing through a view rewrites its base's history (PyTorch's CopySlices).
            rebase_view(dirty_views[0], dirty_views[0])
        anomaly_hook = _observing.node_recorded
        if recording and anomaly_hook is not None:
            anomaly_hook(ctx)
        return output


def _bind(cls, with_defaults, args, kwargs):
    """(args, kwargs) with keyword arguments that can be positional moved into args."""
    sig = cls._signature
    if sig is None:
        sig = inspect.signature(cls.forward)
        if not with_defaults:  # forward(ctx, ...): ctx is not an argument of apply
            params = list(sig.parameters.values())[1:]
            sig = sig.replace(parameters=params)
        cls._signature = sig
    bound = sig.bind(*args, **kwargs)
    if with_defaults:
        bound.apply_defaults()
    return bound.args, bound.kwargs


def _connect(ctx, args):
    """Edges to the producers of the tensor arguments, and their shapes and dtypes."""
    edges, meta, slots = [], [], []
    for a in args:
        if not isinstance(a, Tensor):
            slots.append(None)
            continue
        slots.append(len(edges))
        if a._rg:
            if a._base is not None and a._view_rebase != a._vc.rebases:
                regenerate(a)  # a view whose base was rewritten since it was made
            fn = a.grad_fn
            edges.append((fn, a._output_nr) if fn is not None else (a._accumulator(), 0))
        else:
            edges.append((None, 0))
        meta.append((a._data.shape, a._data.dtype))
    ctx.next_functions = tuple(edges)
    ctx._in_meta = meta
    ctx._input_slots = slots


def _wrap_outputs(ctx, args, output, recording):
    """Bumps dirty inputs' versions and, when recording, attaches the outputs to ctx.

    Returns (the outputs, as forward returned them, and the dirty views to rebase).
    """
    is_tuple = isinstance(output, tuple)
    outputs = output if is_tuple else (output,)
    input_ids = {id(a) for a in args if isinstance(a, Tensor)}
    dirty_ids = {id(t) for t in ctx._dirty}
    non_diff_ids = {id(t) for t in ctx._non_differentiable}
    if not dirty_ids <= {id(o) for o in outputs}:
        raise RuntimeError("Some elements marked as dirty during the forward method were not returned as "
                           "output. The inputs that are modified inplace must all be outputs of the "
                           f"Function ({ctx._forward_cls.__name__}).")
    site = user_site(3) if dirty_ids else None
    for t in ctx._dirty:
        t._counter().bump(f"{ctx._forward_cls.__name__}.apply", site)
    results, meta, dirty_views = [], [], []
    for nr, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            results.append(out)
            meta.append(None)
            continue
        meta.append((out._data.shape, out.dtype))
        differentiable = (recording and id(out) not in non_diff_ids and _dtype.is_differentiable(out._data.dtype))
        if id(out) in dirty_ids:
            if differentiable and _check_dirty(ctx, args, outputs, out):
                dirty_views.append(out)
        elif id(out) in input_ids:
            # An input returned as is: the output is a new tensor on the same storage, so the
            # input's own history is left alone (a view when it gets ctx as grad_fn).
            alias = Tensor._make(out._data, False)
            if differentiable:
                alias._become_view_of(out)
            else:
                alias._vc = out._counter()
            out = alias
        if differentiable:
            out._rg = True
            out.grad_fn = ctx
            out._output_nr = nr
        results.append(out)
    ctx.num_outputs = len(outputs)
    ctx._out_meta = meta
    ctx._dirty = ctx._non_differentiable = ()  # they may be outputs: no output -> ctx -> output cycle
    return (tuple(results) if is_tuple else results[0]), dirty_views


def _check_dirty(ctx, args, outputs, tensor):
    """Checks that a modified input may take ctx as its history (the in-place rules);
    returns whether it is a view, whose base's history must then be rewritten."""
    name = ctx._forward_cls.__name__
    if tensor._rg and tensor.grad_fn is None:
        raise RuntimeError(f"a leaf Variable that requires grad has been used in an in-place operation "
                           f"({name} marked it dirty).")
    base = tensor._base
    if base is None:
        return False
    if base._rg and base.grad_fn is None:
        raise RuntimeError(f"a view of a leaf Variable that requires grad is being used in an in-place "
                           f"operation ({name} marked it dirty).")
    first_input = next(a for a, slot in zip(args, ctx._input_slots) if slot is not None)
    if len(outputs) > 1 or first_input is not tensor:
        raise RuntimeError(f"{name} modifies in place an input that is a view of another Tensor: such a "
                           "Function must return only that Tensor and take it as its first tensor "
                           "argument. Make sure the input is not a view (using .clone() for example), or "
                           "split the Function in two: one doing the in-place write that returns a single "
                           "Tensor, and a second one doing the other operations.")
    return True


def _save(ctx):
    """Turns the tensors given to save_for_backward into SavedTensors (outputs kept as data)."""
    tensors = ctx._to_save
    if tensors is None:
        return
    ctx._to_save = None  # the raw list would keep the outputs (and so a cycle) alive
    ctx.saved = {"saved_tensors": tuple(None if t is None else SavedTensor(t, t.grad_fn is ctx)
                                        for t in tensors)}
    ctx.site = user_site(3)


class Error(Node):
    """A node whose backward always fails (PyTorch's DelayedError): the gradient of a
    once_differentiable backward, which cannot be differentiated again."""

    __slots__ = ("message", "num_outputs")

    def __init__(self, message, num_outputs):
        Node.__init__(self)
        self.message = message
        self.num_outputs = num_outputs

    def apply(self, grad_outputs):
        raise RuntimeError(self.message)


def once_differentiable(backward):
    """Decorates a Function's backward that is not itself differentiable.

    The backward runs under no_grad; when a graph was requested (create_graph=True)
    its results get a node that raises if anyone differentiates through them.
    """
    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with grad_mode.no_grad():
            result = backward(ctx, *grad_outputs)
        if not grad_mode.is_grad_enabled() or not any(isinstance(g, Tensor) and g._rg
                                                       for g in grad_outputs):
            return result
        single = not isinstance(result, tuple)
        results = (result,) if single else result
        error = Error("trying to differentiate twice a function that was marked with "
                      f"@once_differentiable ({ctx.name()})", len(results))
        marked = []
        for nr, g in enumerate(results):
            if isinstance(g, Tensor) and _dtype.is_differentiable(g._data.dtype):
                g = Tensor._make(g._data, True)
                g.grad_fn = error
                g._output_nr = nr
            marked.append(g)
        return marked[0] if single else tuple(marked)
    return wrapper

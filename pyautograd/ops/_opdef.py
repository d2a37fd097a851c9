"""defop(): the one declaration form of a primitive op.

An op is declared once: its signature, the kernel that computes its forward
on arrays, and one backward formula per differentiable input, written in
differentiable Tensor ops (so create_graph=True gives higher-order gradients
with no extra code). What a formula reads is inferred from its parameter
names, as PyTorch infers saved variables from derivatives.yaml:

    defop("mul", "input, other", kernels.mul,
          grads={"input": lambda grad, other: grad * other,
                 "other": lambda grad, input: grad * input},
          variants=("method", "inplace", "__mul__", "__rmul__", "__imul__"))

A formula's first parameter is the incoming gradient (a tuple of them for a
multi-output op); every other parameter names an input, a parameter of the
signature, or ``result`` (the forward output), and only what the formulas of
inputs that need a gradient read is saved. Broadcasting is undone, dtypes
cast and gradients accumulated once, in the generic path (_apply.py and the
engine), never in a formula.
"""
import inspect

from ..graph.node import Node
from . import _apply, _arrayeval, _codegen, _surface

REGISTRY = {}  # name -> OpDef, every primitive op (the op database checks it)


class OpNode(Node):
    """The backward node of a defop op; one subclass per op, named like PyTorch's (MulBackward0)."""

    __slots__ = ("meta", "out_meta")
    op = None

    # node.apply(grad_outputs) is the generic backward itself: no wrapper frame per node.
    apply = _apply.run_formulas


class OpDef:
    """The declaration of one primitive op (see defop)."""

    def __init__(self, name, signature, forward, grads, node_name, promote, differentiable,
                 view, num_outputs, out_dtype, once_differentiable, nondiff_outputs, promote_skip=(),
                 fast_backward=None, array_backward=(), complex=None):
        self.name = name
        # complex support is opt-in: None refuses complex operands in the apply path
        # (_apply._refuse_complex), True takes them with the same formulas, and a dict gives the
        # formulas complex operands need (conjugates, PyTorch's conjugate Wirtinger convention),
        # held by a variant whose nodes carry the same name (complex_variant, used when recording).
        self.complex = complex is not None and complex is not False
        self.complex_variant = None
        self.promote_skip = frozenset(promote_skip)
        self.signature = signature
        self.forward = forward
        self.promote = promote
        self.differentiable = differentiable
        self.view = view
        self.num_outputs = num_outputs
        self.out_dtype = out_dtype
        self.once_differentiable = once_differentiable
        self.nondiff_outputs = nondiff_outputs
        self.node_name = node_name or _default_node_name(name)
        self.node_class = type(self.node_name, (OpNode,), {"__slots__": (), "op": self,
                                                           "num_outputs": num_outputs})
        params = list(signature.parameters)
        self.arg_names = params
        var = [n for n, p in signature.parameters.items() if p.kind is inspect.Parameter.VAR_POSITIONAL]
        self.varargs = var[0] if var else None
        tensor_args = self._tensor_args(signature)
        self.inputs = tuple(n for n in params if n in grads or n in tensor_args or n == self.varargs)
        self.params = tuple(n for n in params if n not in self.inputs)
        known = set(params) | {"result", "input_shapes", "needs_input_grad"}
        self.joint = None
        if "*" in grads:
            # One formula for all inputs (shared work, or a variable number of inputs):
            # fn(grad, *needs) -> one gradient (or None) per input.
            self.joint = (grads["*"], self._needs(grads["*"], known, "*", signature))
        self.formulas = tuple((grads.get(n), self._needs(grads.get(n), known, n, signature))
                              for n in self.inputs if n != self.varargs)
        self.saves_result = any("result" in needs for _, needs in self.formulas + ((self.joint,) if self.joint else ()))
        self.save_plan = self._save_plan()
        self.saves = {}  # bit mask of inputs needing a gradient -> what to save (_apply._saves)
        self.fast_backward = self._fast_backward(fast_backward, known, signature)
        self.other_backward = once_differentiable or self.fast_backward is not None
        # formulas declared to run on arrays when no graph is built (_arrayeval)
        self.arithmetic = _arrayeval.plan(self, array_backward)
        # The forward takes arguments in signature order; when every tensor argument comes
        # first (the common case) that is simply inputs + params.
        self.fast = promote in ("common", "float") and not self.promote_skip and self.varargs is None
        self.inputs_first = self.varargs is not None or params[:len(self.inputs)] == list(self.inputs)
        self.order = tuple((n in self.inputs, (self.inputs if n in self.inputs else self.params).index(n))
                           for n in params)

    def _needs(self, fn, known, input_name, signature):
        if fn is None:
            return ()
        needs = tuple(inspect.signature(fn).parameters)[1:]
        for need in needs:
            if need not in known:
                raise TypeError(f"defop {self.name}: the formula for {input_name!r} reads {need!r}, which is "
                                f"not an argument of {self.name}{signature}, 'result', 'input_shapes' "
                                f"or 'needs_input_grad'")
        return needs

    def _fast_backward(self, fn, known, signature):
        """(fn, needs) of a fused backward on arrays, run in place of the formulas when no graph
        is built; it may read only what the formulas read (so nothing more is saved)."""
        if fn is None:
            return None
        needs = self._needs(fn, known, "fast_backward", signature)
        read = set(self.joint[1] if self.joint else ()) | {n for _, ns in self.formulas for n in ns}
        extra = [n for n in needs if n not in read and n not in ("input_shapes", "needs_input_grad")]
        if extra:
            raise TypeError(f"defop {self.name}: fast_backward reads {extra}, which no formula reads "
                            f"(they would not be saved)")
        return fn, needs

    def _save_plan(self):
        """What the forward saves, resolved once: per formula, the index of its input (None for
        a joint formula: always saved) and ((name, kind, position), ...) for what it reads."""
        def source(name):
            if name == "result":
                return (name, _apply._RESULT, 0)
            if name == self.varargs:
                return (name, _apply._VARARGS, 0)
            if name in self.inputs:
                return (name, _apply._INPUT, self.inputs.index(name))
            return (name, _apply._PARAM, self.params.index(name))
        plan = [(None, self.joint[1])] if self.joint is not None else list(enumerate(n for _, n in self.formulas))
        return tuple((i, tuple(source(n) for n in needs if n not in _apply.SPECIAL_NAMES))
                     for i, needs in plan if needs)

    @staticmethod
    def _tensor_args(signature):
        return {n for n, p in signature.parameters.items() if p.annotation == "Tensor"}

    def with_complex_formulas(self, grads):
        """The variant of this op whose formulas are `grads` ({input name: formula}): recorded
        for complex operands (the forward, surface and node name stay this op's)."""
        variant = object.__new__(OpDef)
        variant.__dict__.update(self.__dict__)
        known = set(self.arg_names) | {"result", "input_shapes", "needs_input_grad"}
        variant.formulas = tuple((grads.get(n), self._needs(grads.get(n), known, n, self.signature))
                                 for n in self.inputs if n != self.varargs)
        variant.saves_result = any("result" in needs for _, needs in variant.formulas)
        variant.save_plan = variant._save_plan()
        variant.saves = {}
        # the declared fast paths are the real formulas': the variant runs its formulas
        variant.fast_backward = None
        variant.other_backward = self.once_differentiable
        variant.arithmetic = None
        variant.node_class = type(self.node_name, (OpNode,), {"__slots__": (), "op": variant,
                                                              "num_outputs": self.num_outputs})
        variant.complex_variant = None
        return variant

    def __repr__(self):
        return f"<op {self.name}{self.signature}>"


def _default_node_name(name):
    return "".join(part.capitalize() for part in name.strip("_").split("_")) + "Backward0"


def defop(name, signature, forward, grads=None, *, tensors=None, node_name=None, promote="common",
          differentiable=True, view=False, num_outputs=1, out_dtype=None, once_differentiable=False,
          nondiff_outputs=(), promote_skip=(), doc=None, export=False, aliases=(), method=None, inplace=None,
          dunders=(), out=None, fast_backward=None, array_backward=(), complex=None):
    """Declares a primitive op and returns its function form.

    name:       the PyTorch name ("mul"); the node is named from it ("MulBackward0")
                unless ``node_name`` is given (overloads: "SumBackward1").
    signature:  the Python signature as text, e.g. "input, other, *, alpha=1".
    forward:    f(*arrays_and_params) -> array (or tuple of arrays): a kernels.* call.
    grads:      {input name: formula(grad, *names_it_reads)}, formulas in Tensor ops; or
                {"*": formula(grad, *names) -> one gradient (or None) per input} when the
                inputs share work or are variadic ("*tensors" in the signature). Besides
                arguments and "result", a formula may read "input_shapes" and
                "needs_input_grad".
    tensors:    names of tensor arguments that have no formula (e.g. an index); arguments
                named in ``grads`` are tensors too. Everything else is a plain parameter.
    promote:    "common" (PyTorch promotion over tensor and number arguments), "float"
                (the same, then integers become the default float), or None (no cast).
    differentiable: False for ops whose output never requires grad (comparisons, argmax).
    view:       the output is a view of the first input (shares storage and version counter).
    out_dtype:  a dtype for the output when it differs from the computation dtype (bool).
    nondiff_outputs: indices of outputs that never require grad (e.g. the indices of max).
    promote_skip: tensor arguments left out of promotion (where's condition, an index).
    fast_backward: fn(grad, *names_it_reads) -> one array (or None) per input: a fused
                backward on NumPy arrays (grad, saved tensors and the results are arrays), run
                instead of the formulas when no graph is built (a plain backward); with
                create_graph the formulas run. tests/test_declared_fast_paths.py checks that both give
                the same gradients for every op that has one.
    array_backward: the inputs (or True: all) whose formulas are plain arithmetic (+, -, *,
                /, unary minus on their arguments and numbers) and may run on the arrays when
                no graph is built (see _arrayeval); checked when the op is declared.
    complex:    complex support, opt-in: None (the default) refuses complex operands with
                PyTorch's '"<op>" not implemented for \'ComplexFloat\'' (NotImplementedError,
                a RuntimeError) before the kernel runs; True takes them with the same
                formulas (data movement, add, sum...); a dict {input name: formula} takes them
                with those formulas instead (PyTorch's conjugate Wirtinger convention:
                ``grad * other.conj()`` for mul), used when an operand or the result is complex.
    export, aliases, method, inplace, dunders, out: the op's public surface, when the
                primitive is itself a public function (``torch.exp``, ``x.exp()``, ``x.exp_()``,
                ``out=``): see ``_surface``. A primitive with none of them is internal (an
                overload that a front end declared with ``@public`` chooses).
    """
    grads = grads or {}
    if not grads and tensors is None:
        # No formulas to tell the tensors apart: every required positional argument is one.
        tensors = tuple(p.split("=")[0].strip() for p in signature.split(",")
                        if "=" not in p and p.strip() and not p.strip().startswith("*"))
    if name in REGISTRY:
        raise ValueError(f"op {name} is declared twice")
    sig = _parse_signature(signature, set(grads) | set(tensors or ()))
    op = OpDef(name, sig, forward, grads, node_name, promote, differentiable, view, num_outputs,
               out_dtype, once_differentiable, tuple(nondiff_outputs), promote_skip, fast_backward,
               array_backward, complex)
    if isinstance(complex, dict):
        op.complex_variant = op.with_complex_formulas(complex)
    op.skip_index = frozenset(op.inputs.index(n) for n in promote_skip)
    apply = _codegen.backward_apply(op)
    if apply is not None:
        op.node_class.apply = apply
    REGISTRY[name] = op
    fn = _make_function(op, doc)
    op.function = fn
    if export or aliases or method or inplace or dunders or out:
        _surface.declare(name, fn, export=export, aliases=aliases, method=method, inplace=inplace,
                         dunders=dunders, out=out)
    return fn


def _parse_signature(text, tensor_names):
    """An inspect.Signature from text, with tensor arguments annotated 'Tensor'."""
    ns = {}
    exec(f"def _f({text}): pass", {}, ns)  # noqa: S102 -- our own declaration text
    sig = inspect.signature(ns["_f"])
    params = [p.replace(annotation="Tensor") if p.name in tensor_names else p
              for p in sig.parameters.values()]
    return sig.replace(parameters=params)


def _make_function(op, doc):
    """Generates a plain Python function with the op's exact signature (fast: no binding at call)."""
    parts, star = [], False
    for p in op.signature.parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star = True
            continue
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        parts.append(p.name if p.default is inspect.Parameter.empty else f"{p.name}=_default_{p.name}")
    inputs = f"*{op.varargs}, " if op.varargs else "".join(f"{n}, " for n in op.inputs)
    params = "".join(f"{n}, " for n in op.params)
    src = (f"def {op.name}({', '.join(parts)}):\n"
           f"{_codegen.plain_call_source(op, inputs, params)}"
           f"    return _call(_op, ({inputs}), ({params}))\n")
    ns = {"_call": _apply.call, "_op": op, "_forward": op.forward, **_codegen.PLAIN_CALL_NAMES}
    ns.update({f"_default_{p.name}": p.default for p in op.signature.parameters.values()
               if p.default is not inspect.Parameter.empty})
    # Compiled under this file's name, so user-site capture sees the frame as ours.
    exec(compile(src, __file__, "exec"), ns)  # noqa: S102 -- generated from our own declaration
    fn = ns[op.name]
    fn.__doc__ = doc or f"{op.name}({', '.join(parts)}): as PyTorch's torch.{op.name}."
    fn.__module__ = "pyautograd"
    fn.op = op
    return fn

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

from ..autograd.node import Node
from . import _apply

REGISTRY = {}  # name -> OpDef, every primitive op (the op database checks it)


class OpNode(Node):
    """The backward node of a defop op; one subclass per op, named like PyTorch's (MulBackward0)."""

    __slots__ = ("meta",)
    op = None

    def apply(self, grad_outputs):
        return _apply.run_formulas(self, grad_outputs)


class OpDef:
    """The declaration of one primitive op (see defop)."""

    def __init__(self, name, signature, forward, grads, node_name, promote, differentiable,
                 view, num_outputs, out_dtype, once_differentiable, nondiff_outputs):
        self.name = name
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
        self.node_class = type(self.node_name, (OpNode,), {"__slots__": (), "op": self})
        params = list(signature.parameters)
        self.arg_names = params
        self.inputs = tuple(n for n in params if n in grads or n in self._tensor_args(signature))
        self.params = tuple(n for n in params if n not in self.inputs)
        self.formulas = []
        for name_ in self.inputs:
            fn = grads.get(name_)
            needs = tuple(inspect.signature(fn).parameters)[1:] if fn is not None else ()
            for need in needs:
                if need not in params and need != "result":
                    raise TypeError(f"defop {name}: the formula for {name_!r} reads {need!r}, "
                                    f"which is neither an argument of {name}{signature} nor 'result'")
            self.formulas.append((fn, needs))
        self.formulas = tuple(self.formulas)
        self.saves_result = any("result" in needs for _, needs in self.formulas)

    @staticmethod
    def _tensor_args(signature):
        return {n for n, p in signature.parameters.items() if p.annotation == "Tensor"}

    def __repr__(self):
        return f"<op {self.name}{self.signature}>"


def _default_node_name(name):
    return "".join(part.capitalize() for part in name.strip("_").split("_")) + "Backward0"


def defop(name, signature, forward, grads=None, *, tensors=None, node_name=None, promote="common",
          differentiable=True, view=False, num_outputs=1, out_dtype=None, once_differentiable=False,
          nondiff_outputs=(), doc=None):
    """Declares a primitive op and returns its function form.

    name:       the PyTorch name ("mul"); the node is named from it ("MulBackward0")
                unless ``node_name`` is given (overloads: "SumBackward1").
    signature:  the Python signature as text, e.g. "input, other, *, alpha=1".
    forward:    f(*arrays_and_params) -> array (or tuple of arrays): a kernels.* call.
    grads:      {input name: formula(grad, *names_it_reads)}, formulas in Tensor ops.
    tensors:    names of tensor arguments that have no formula (e.g. an index); arguments
                named in ``grads`` are tensors too. Everything else is a plain parameter.
    promote:    "common" (PyTorch promotion over tensor and number arguments), "float"
                (the same, then integers become the default float), or None (no cast).
    differentiable: False for ops whose output never requires grad (comparisons, argmax).
    view:       the output is a view of the first input (shares storage and version counter).
    out_dtype:  a dtype for the output when it differs from the computation dtype (bool).
    nondiff_outputs: indices of outputs that never require grad (e.g. the indices of max).
    """
    grads = grads or {}
    if name in REGISTRY:
        raise ValueError(f"op {name} is declared twice")
    sig = _parse_signature(signature, set(grads) | set(tensors or ()))
    op = OpDef(name, sig, forward, grads, node_name, promote, differentiable, view, num_outputs,
               out_dtype, once_differentiable, tuple(nondiff_outputs))
    REGISTRY[name] = op
    fn = _make_function(op, doc)
    op.function = fn
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
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        parts.append(p.name if p.default is inspect.Parameter.empty else f"{p.name}=_default_{p.name}")
    inputs = "".join(f"{n}, " for n in op.inputs)
    params = "".join(f"{n}, " for n in op.params)
    src = (f"def {op.name}({', '.join(parts)}):\n"
           f"    return _call(_op, ({inputs}), ({params}))\n")
    ns = {"_call": _apply.call, "_op": op}
    ns.update({f"_default_{p.name}": p.default for p in op.signature.parameters.values()
               if p.default is not inspect.Parameter.empty})
    exec(src, ns)  # noqa: S102 -- generated from our own declaration
    fn = ns[op.name]
    fn.__doc__ = doc or f"{op.name}({', '.join(parts)}): as PyTorch's torch.{op.name}."
    fn.__module__ = "pyautograd"
    fn.op = op
    return fn

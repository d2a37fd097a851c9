"""Backward formulas that are plain arithmetic, evaluated on arrays.

A formula such as ``lambda grad, other: grad * other`` is written in Tensor
ops so that create_graph=True can differentiate it. When no graph is being
built, a formula that only applies +, -, *, / and unary minus to its
arguments and to number constants computes the same numbers when it is
called with the NumPy arrays behind the tensors. It is the very same
function, so the declaration stays the single source of truth; what is
skipped is one whole Tensor op per operator (argument sorting, promotion,
dispatch, a Tensor per intermediate), which is most of a small op's backward.

"The same numbers" holds under three conditions, checked per call:
- same dtypes: NumPy and PyTorch promote mixed dtypes differently (float32
  with an int64 tensor: float64 in NumPy, float32 in PyTorch), so every array
  argument must have the gradient's dtype; Python numbers promote alike in
  both (NumPy's NEP 50), NumPy scalars do not, so those take the Tensor path;
- same kernels: a one-operator formula (``grad * other``) is the kernel call
  itself; in a longer one, NumPy's operators stand in for the kernels, which
  holds below the dispatcher's crossover size (the Tensor ops would run C
  kernels from there on), so larger arrays take the Tensor path;
- same warnings: none (run through kernels.quiet_call).
"""
import dis

import numpy as np

from .. import kernels
from ..graph.node import SavedTensor

# Bytecode an arithmetic-only lambda compiles to (Python 3.11; newer versions may add opcodes,
# which only sends their formulas down the Tensor path).
_PLAIN = {"RESUME", "LOAD_FAST", "LOAD_CONST", "BINARY_OP", "UNARY_NEGATIVE", "RETURN_VALUE"}
_KERNEL_OF = {"+": "add", "-": "sub", "*": "mul", "/": "div"}
_NUMBERS = (int, float, bool)


def arithmetic_kernels(fn):
    """The kernels the operators of formula `fn` stand for (a tuple), or None unless `fn` is
    arithmetic only: no calls, attributes, comparisons, globals; a bare ``return grad`` is None
    too (there is nothing to skip)."""
    if fn is None:
        return None
    names = set()
    for ins in dis.get_instructions(fn):
        if ins.opname not in _PLAIN:
            return None
        if ins.opname == "BINARY_OP":
            if ins.argrepr not in _KERNEL_OF:
                return None
            names.add(_KERNEL_OF[ins.argrepr])
        elif ins.opname == "UNARY_NEGATIVE":
            names.add("neg")
        elif ins.opname == "LOAD_CONST" and ins.argval.__class__ not in _NUMBERS:
            return None
    return tuple(sorted(names)) or None


def single_kernel(fn):
    """(kernel, i, j) when formula `fn` is one operator on two of its arguments, e.g.
    ``lambda grad, other: grad * other`` -> ("mul", 0, 1); else None. Such a formula is one
    kernel call on the arrays, with the kernels' own handling of Python numbers and sizes."""
    code = [ins for ins in dis.get_instructions(fn) if ins.opname != "RESUME"]
    if [ins.opname for ins in code] != ["LOAD_FAST", "LOAD_FAST", "BINARY_OP", "RETURN_VALUE"]:
        return None
    names = fn.__code__.co_varnames[:fn.__code__.co_argcount]
    return (_KERNEL_OF[code[2].argrepr], names.index(code[0].argval), names.index(code[1].argval))


class Plan:
    """How formula `fn` may run on arrays: as one kernel call, or by calling it with arrays."""

    __slots__ = ("kernels", "single")

    def __init__(self, kernels_used, single):
        self.kernels = kernels_used  # the kernels its operators stand for
        self.single = single         # (kernel, i, j) for a one-operator formula, else None


def plan(op):
    """Per formula of `op`: a Plan, or None when it must run on Tensors (also every formula of
    a multi-output op or one that reads input_shapes / needs_input_grad)."""
    if op.num_outputs != 1 or op.joint is not None:
        return (None,) * len(op.formulas)
    plans = []
    for fn, needs in op.formulas:
        used = None if {"input_shapes", "needs_input_grad"} & set(needs) else arithmetic_kernels(fn)
        plans.append(None if used is None else Plan(used, single_kernel(fn)))
    return tuple(plans)


def evaluate(fn, plan, needs, grad, saved, node):
    """fn(grad, *needs) computed on arrays (an ndarray), or None where the conditions above
    do not hold (the caller then runs the formula on Tensors)."""
    data = grad._data
    dtype = data.dtype
    args = [data]
    for name in needs:
        value = saved[name]
        if value.__class__ is SavedTensor:
            value = value.unpack_data(node)
            if value.dtype is not dtype and value.dtype != dtype:
                return None
        elif value.__class__ not in _NUMBERS:
            return None
        args.append(value)
    single = plan.single
    if single is not None:
        # The very kernel call the Tensor op would make (C from its crossover size on).
        kernel, i, j = single
        a, b = args[i], args[j]
        if a.__class__ is not np.ndarray and b.__class__ is not np.ndarray:
            return None  # two numbers: not an array computation
        return getattr(kernels, kernel)(a, b)
    size = data.size
    for name in plan.kernels:
        limit = kernels.c_threshold(name)
        if limit is not None and size >= limit:
            return None
    out = kernels.quiet_call(fn, *args)
    # Arithmetic on 0-d arrays gives NumPy scalars.
    return out if out.__class__ is np.ndarray else np.asarray(out)

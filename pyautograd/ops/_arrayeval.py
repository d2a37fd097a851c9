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
- same kernels: from the dispatcher's crossover size on, the Tensor ops would
  run the C kernels, so larger arrays take the Tensor path;
- same warnings: none (run through kernels.quiet_call).
"""
import dis

import numpy as np

from .. import kernels
from ..autograd.node import SavedTensor

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


def plan(op):
    """Per formula of `op`: arithmetic_kernels(formula), or None (also for every formula of a
    multi-output op or one that reads input_shapes / needs_input_grad)."""
    if op.num_outputs != 1 or op.joint is not None:
        return (None,) * len(op.formulas)
    return tuple(None if {"input_shapes", "needs_input_grad"} & set(needs) else arithmetic_kernels(fn)
                 for fn, needs in op.formulas)


def evaluate(fn, kernel_names, needs, grad, saved, node):
    """fn(grad, *needs) computed on arrays (an ndarray), or None where the conditions above
    do not hold (the caller then runs the formula on Tensors)."""
    data = grad._data
    dtype, size = data.dtype, data.size
    for name in kernel_names:
        limit = kernels.c_threshold(name)
        if limit is not None and size >= limit:
            return None
    args = [data]
    for name in needs:
        value = saved[name]
        if value.__class__ is SavedTensor:
            value = value.unpack_data(node)
            if value.dtype != dtype:
                return None
        elif value.__class__ not in _NUMBERS:
            return None
        args.append(value)
    out = kernels.quiet_call(fn, *args)
    # Arithmetic on 0-d arrays gives NumPy scalars.
    return out if out.__class__ is np.ndarray else np.asarray(out)

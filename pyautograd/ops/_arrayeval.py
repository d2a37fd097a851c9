"""Backward formulas that are plain arithmetic, evaluated on arrays.

A formula such as ``lambda grad, other: grad * other`` is written in Tensor
ops so that create_graph=True can differentiate it. When no graph is being
built, a formula that only applies +, -, *, / and unary minus to its
arguments and to number constants computes the same numbers when it is
called with the NumPy arrays behind the tensors. It is the very same
function, so the declaration stays the single source of truth; what is
skipped is one whole Tensor op per operator (argument sorting, promotion,
dispatch, a Tensor per intermediate), which is most of a small op's backward.

Which formulas take this path is declared on the op (``defop(...,
array_backward=True)`` or the names of some inputs). At declaration, each
declared formula is run once on recording stand-ins for its arguments: that
checks it is arithmetic only (anything else -- a call, an attribute, a
comparison, a branch on a value -- raises TypeError then, not silently later)
and finds the kernels its operators stand for. Operator overloading behaves
the same on every Python version, unlike the bytecode an earlier version read.

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
import numpy as np

from .. import kernels
from ..graph.node import SavedTensor

_NUMBERS = (int, float, bool)


class NotArithmetic(Exception):
    pass


class _Stand:
    """A recording stand-in for a formula argument (or an intermediate result) at declaration.

    Arithmetic with another stand-in or a Python number records the kernel it stands for;
    everything else a Tensor could do raises NotArithmetic."""

    __slots__ = ("trace", "arg")

    def __init__(self, trace, arg=None):
        self.trace = trace  # [(kernel, left operand, right operand)], shared by one formula's run
        self.arg = arg      # the argument's position, for an argument itself

    def _op(self, kernel, other, reflected=False):
        if other.__class__ is not _Stand and other.__class__ not in _NUMBERS:
            raise NotArithmetic(f"an operand of type {type(other).__name__}")
        pair = (other, self) if reflected else (self, other)
        self.trace.append((kernel,) + pair)
        return _Stand(self.trace)

    def __add__(self, other):
        return self._op("add", other)

    def __radd__(self, other):
        return self._op("add", other, True)

    def __sub__(self, other):
        return self._op("sub", other)

    def __rsub__(self, other):
        return self._op("sub", other, True)

    def __mul__(self, other):
        return self._op("mul", other)

    def __rmul__(self, other):
        return self._op("mul", other, True)

    def __truediv__(self, other):
        return self._op("div", other)

    def __rtruediv__(self, other):
        return self._op("div", other, True)

    def __neg__(self):
        self.trace.append(("neg", self, None))
        return _Stand(self.trace)

    def _refuse(self, *args, **kwargs):
        raise NotArithmetic("an operation other than +, -, *, / and unary minus")

    __getattr__ = __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __pow__ = __rpow__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __matmul__ = _refuse
    __abs__ = __pos__ = __invert__ = __and__ = __or__ = __xor__ = __call__ = __getitem__ = _refuse
    __index__ = __int__ = __float__ = __len__ = __iter__ = __array__ = _refuse
    __hash__ = None


def arithmetic_kernels(fn, nargs):
    """(kernels, single) of formula `fn` taking `nargs` arguments: the kernels its operators
    stand for, and (kernel, i, j) when it is one operator on two of its arguments (``lambda
    grad, other: grad * other`` -> ("mul", 0, 1)), else None. Raises NotArithmetic unless
    `fn` is arithmetic only, and for a formula with no operator (nothing to skip)."""
    trace = []
    args = [_Stand(trace, i) for i in range(nargs)]
    try:
        result = fn(*args)
    except NotArithmetic:
        raise
    except Exception as exc:  # e.g. a call of a Tensor function with a stand-in
        raise NotArithmetic(f"{type(exc).__name__}: {exc}") from None
    if result.__class__ is not _Stand or not trace:
        raise NotArithmetic("no operator on its arguments")
    used = tuple(sorted({k for k, _, _ in trace}))
    single = None
    if len(trace) == 1:
        kernel, a, b = trace[0]
        if a.__class__ is _Stand and b.__class__ is _Stand and a.arg is not None and b.arg is not None:
            single = (kernel, a.arg, b.arg)
    return used, single


def is_identity(fn):
    """Whether one-argument formula `fn` returns its argument unchanged (``lambda grad: grad``):
    its gradient is the incoming one, with no call to make."""
    stand = _Stand([], 0)
    try:
        return fn(stand) is stand
    except Exception:  # noqa: BLE001 -- any formula that does more than return its argument
        return False


class Plan:
    """How formula `fn` may run on arrays: as one kernel call, or by calling it with arrays."""

    __slots__ = ("kernels", "single", "with_grad")

    def __init__(self, kernels_used, single, needs=()):
        self.kernels = kernels_used  # the kernels its operators stand for
        self.single = single         # (kernel, i, j) for a one-operator formula, else None
        # (kernel, name) when the formula is `grad <op> name` and reads nothing else (mul's
        # `grad * other`), the commonest form: evaluate() computes it without an argument list
        self.with_grad = None
        if single is not None and single[1:] == (0, 1) and len(needs) == 1:
            self.with_grad = (single[0], needs[0])


def plan(op, declared=()):
    """Per formula of `op`: a Plan for the formulas of the inputs in `declared` (True: every
    input with a formula), None for the others (they run on Tensors). Raises TypeError when a
    declared formula is not plain arithmetic on its arguments, or reads input_shapes /
    needs_input_grad, or the op is multi-output or has a joint formula."""
    if declared is True:
        declared = tuple(n for n, (fn, _) in zip(op.inputs, op.formulas) if fn is not None)
    declared = tuple(declared or ())
    if declared and (op.num_outputs != 1 or op.joint is not None):
        raise TypeError(f"defop {op.name}: array_backward needs one output and one formula per input")
    plans = []
    for name, (fn, needs) in zip(op.inputs, op.formulas):
        if name not in declared:
            plans.append(None)
            continue
        if fn is None or {"input_shapes", "needs_input_grad"} & set(needs):
            raise TypeError(f"defop {op.name}: the formula for {name!r} cannot run on arrays "
                            f"(none, or it reads input_shapes / needs_input_grad)")
        try:
            plans.append(Plan(*arithmetic_kernels(fn, 1 + len(needs)), needs))
        except NotArithmetic as exc:
            raise TypeError(f"defop {op.name}: array_backward names {name!r}, whose formula is not plain "
                            f"arithmetic on its arguments ({exc})") from None
    unknown = set(declared) - set(op.inputs)
    if unknown:
        raise TypeError(f"defop {op.name}: array_backward names {sorted(unknown)}, which are not inputs")
    return tuple(plans)


def _operand(value, dtype, node):
    """Saved `value` as a formula on arrays takes it: an array of the gradient's `dtype` (unpacked
    with the version check) or a Python number; None where neither applies."""
    if value.__class__ is SavedTensor:
        value = value.unpack_data(node)
        return value if value.dtype is dtype or value.dtype == dtype else None
    return value if value.__class__ in _NUMBERS else None


def evaluate(fn, plan, needs, grad, saved, node):
    """fn(grad, *needs) computed on arrays (an ndarray), or None where the conditions above
    do not hold (the caller then runs the formula on Tensors)."""
    data = grad._data
    dtype = data.dtype
    with_grad = plan.with_grad
    if with_grad is not None:
        kernel, name = with_grad
        value = _operand(saved[name], dtype, node)
        # the very kernel call the Tensor op makes
        return None if value is None else getattr(kernels, kernel)(data, value)
    args = [data]
    for name in needs:
        value = _operand(saved[name], dtype, node)
        if value is None:
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

"""One KernelSpec per kernel name: how the dispatcher chooses C or NumPy.

Every kernel has a NumPy reference; a kernel with a C implementation takes
the C path in ``auto`` mode once the deciding input has at least
``threshold`` elements (and a float32/float64 dtype). Thresholds are the
crossover sizes measured by ``python -m bench kernels`` on the development
machine (2-core AMD EPYC, AVX2); below them NumPy's lower per-call cost wins.
A kernel with ``threshold=None`` never takes C in ``auto`` mode.

Pointwise kernels get their spec from the defaults below; every other family
declares its specs in its C module (``_c/<family>.py``, ``SPECS``).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class KernelSpec:
    """How one kernel name is dispatched.

    name: the kernel's name in ``pyautograd.kernels``.
    threshold: element count from which C is chosen in auto mode (None: never).
    size_args: positions of the arguments whose sizes decide (the largest counts).
    grouped: the argument at size_args[0] is a list of arrays (a parameter
        group); their total size decides, and the first one's dtype.
    """

    name: str
    threshold: "int | None"
    size_args: tuple = (0,)
    grouped: bool = False


# Crossover sizes (elements). Cheap pointwise ops are memory bound: C wins only
# once it can use both cores. Transcendental ones win earlier through SIMD.
CHEAP_POINTWISE = 1 << 16
COSTLY_POINTWISE = 1 << 12

_CHEAP = {"neg", "abs", "square", "reciprocal", "sign", "floor", "ceil", "trunc", "round",
          "relu", "leaky_relu", "clamp", "add", "sub", "mul", "div", "maximum", "minimum",
          "relu_backward", "sigmoid_backward", "tanh_backward",
          "eq", "ne", "lt", "le", "gt", "ge", "where"}
_BINARY_LIKE = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le",
                "gt", "ge", "relu_backward", "sigmoid_backward", "tanh_backward", "gelu_backward",
                "gelu_tanh_backward", "silu_backward"}


def spec_for(name, declared=None):
    """The KernelSpec of `name`: the one its C family declares, else the pointwise default."""
    if declared and name in declared:
        return declared[name]
    threshold = CHEAP_POINTWISE if name in _CHEAP else COSTLY_POINTWISE
    size_args = (0, 1) if name in _BINARY_LIKE else (1, 2) if name == "where" else (0,)
    return KernelSpec(name, threshold, size_args)


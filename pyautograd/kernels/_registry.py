"""One KernelSpec per kernel name: how the dispatcher chooses C or NumPy.

Every kernel has a NumPy reference; a kernel with a C implementation takes
the C path in ``auto`` mode once the deciding input has at least
``threshold`` elements (and a float32/float64 dtype). Thresholds are the
crossover sizes measured by ``python -m bench kernels`` on the development
machine (2-core AMD EPYC, AVX2); below them NumPy's lower per-call cost wins.
A kernel with ``threshold=None`` never takes C in ``auto`` mode.

Pointwise kernels get their spec from the facts their family declares with
the kernel (``_numpy/pointwise.py``, ``FACTS``: arity, deciding arguments and
cost class) and the measured threshold of that class below; every other family
declares its specs in its C module (``_c/<family>.py``, ``SPECS``).
"""
from dataclasses import dataclass

from ._numpy import pointwise as _pointwise_facts


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


# Crossover sizes (elements), measured with fresh outputs against the NumPy
# reference, C wrapper and NumPy interleaved in one process (min over repeats;
# single-threaded sizes timed in the calling thread's CPU time, so the shared
# machine's load does not enter). Figures: C speed-up over NumPy, f32 / f64.
#
# CHEAP: one memory-bound NumPy ufunc. Single-threaded C is 0.75-1.0x at every
# size (same memory traffic, ~2 us more per-call overhead), so C only wins once
# the OpenMP team splits the work: add 0.77x / 1.32x at 131072, 1.17x / 1.24x
# at 262144, 1.52x / 1.40x at 2^20; mul 0.80x / 1.12x, 1.28x / 1.29x, 1.71x.
CHEAP_POINTWISE = 1 << 18
# COSTLY: one transcendental ufunc, vectorized in C (csrc/vmath.h), so C wins
# on one thread after its call overhead: at 256 exp 1.02x / 1.26x, log 1.09x /
# 1.11x, tanh 1.11x / 1.62x; at 1024 exp 1.50x / 2.35x, log 1.15x / 1.30x,
# tanh 1.59x / 2.64x, expm1 ~2x, log1p ~1.6x.
COSTLY_POINTWISE = 1 << 10
# FUSED: the NumPy reference takes several passes (sigmoid, relu's where,
# clamp, the backward formulas) or a Python-level loop (erf, gelu), so C wins
# from the smallest sizes measured: at 16 elements 1.2x (erf f64) to 10x.
FUSED_POINTWISE = 16

# The threshold of each cost class (see _numpy/pointwise.py): "numpy_faster" is
# for kernels NumPy runs faster at every size (its float32 sin/cos are SIMD while
# ours call libm per element, 0.2x at 65536 elements): never C in auto mode.
_CLASS_THRESHOLD = {"cheap": CHEAP_POINTWISE, "costly": COSTLY_POINTWISE, "fused": FUSED_POINTWISE,
                    "numpy_faster": None}


def spec_for(name, declared=None):
    """The KernelSpec of `name`: the one its C family declares, else the one derived from its
    pointwise facts; a kernel with neither never takes C in auto mode."""
    if declared and name in declared:
        return declared[name]
    facts = _pointwise_facts.FACTS.get(name)
    if facts is None:
        return KernelSpec(name, None)
    return KernelSpec(name, _CLASS_THRESHOLD[facts.cost], facts.size_args)

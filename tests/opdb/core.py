"""The op database's types: OpInfo describes one public op, SampleInput one call of it.

Entries live in the family modules beside this file (pointwise.py, shape.py, ...)
as module-level lists named ``OPS``; ``tests/opdb/__init__.py`` gathers them into
``op_db``. Generic tests (test_ops_*.py) run every entry: forward against the NumPy
reference, gradcheck and gradgradcheck in float64 on both kernel backends, and
values and gradients against PyTorch when it is installed.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import numpy as np


@dataclass
class SampleInput:
    """One call: ``op(*args, **kwargs)``. Tensor arguments are given as NumPy arrays
    (the tests turn them into tensors, with requires_grad on the floating ones that
    ``grad_args`` names, by position); ``desc`` names the case in test ids."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""
    grad_args: Optional[tuple] = None  # positions differentiated; None = every float array
    # The sample sits where the op is not differentiable (tied maxima, a zero norm): the
    # gradient there is a convention, so grad tests compare it with PyTorch's, not with
    # finite differences.
    kink: bool = False


@dataclass(frozen=True)
class Skip:
    """A known failure of one test for one op, applied as a strict xfail (so it must keep failing)."""

    test: str                    # e.g. "gradgradcheck", "vs_torch"
    reason: str
    backend: Optional[str] = None  # "numpy", "c" or None for both


@dataclass
class OpInfo:
    """How to test one public op.

    name:        the op's public name (pyautograd.<name>, or a method when method=True)
    op:          callable taking pyautograd Tensors (and plain values) like the public op
    ref:         NumPy reference taking the same arguments as arrays -> array (or None)
    torch_fn:    callable taking torch tensors, for the comparison with PyTorch (or None)
    samples:     f(dtype, rng) -> iterable of SampleInput
    dtypes:      dtypes the forward test runs in
    supports_autograd / supports_gradgrad: what the grad tests check (a False claim is
                 verified: double backward must then raise)
    atol, rtol:  forward tolerances per dtype name, e.g. {"float32": (1e-5, 1e-4)}
    skips:       known failures (strict xfails)
    """

    name: str
    op: Callable
    samples: Callable[[Any, np.random.Generator], Iterable[SampleInput]]
    ref: Optional[Callable] = None
    torch_fn: Optional[Callable] = None
    dtypes: tuple = (np.float32, np.float64)
    supports_autograd: bool = True
    supports_gradgrad: bool = True
    tolerances: dict = field(default_factory=dict)
    skips: tuple = ()
    covers: tuple = ()  # names of primitive ops (ops._opdef.REGISTRY) this entry exercises

    def __repr__(self):
        return f"OpInfo({self.name})"

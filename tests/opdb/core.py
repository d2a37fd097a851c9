"""The op database's types: OpInfo describes one public op, SampleInput one call of it.

Entries live in the family modules beside this file (pointwise.py, shape.py, ...)
as module-level lists named ``OPS``; ``tests/opdb/__init__.py`` gathers them into
``op_db``. Generic tests (test_ops_*.py) run every entry: forward against the NumPy
reference, gradcheck and gradgradcheck in float64 on both kernel backends, and
values and gradients against PyTorch when it is installed.
"""
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Iterable

import numpy as np


@dataclass
class SampleInput:
    """One call: ``op(*args, **kwargs)``. Tensor arguments are given as NumPy arrays
    (the tests turn them into tensors, with requires_grad on the floating ones that
    ``grad_args`` names, by position); ``desc`` names the case in test ids."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""
    grad_args: tuple | None = None  # positions differentiated; None = every float array
    # Why finite differences cannot check this sample (non-empty: gradcheck skips it). For
    # points on a kink or tie, where the gradient is PyTorch's convention, not a limit, and
    # which the forward and PyTorch comparisons still check.
    skip_gradcheck: str = ""
    # The sample sits where the op is not differentiable (tied maxima, a zero norm): the
    # gradient there is a convention, so grad tests compare it with PyTorch's, not with
    # finite differences (kink=True implies a skip_gradcheck reason).
    kink: bool = False

    def __post_init__(self):
        if self.kink and not self.skip_gradcheck:
            self.skip_gradcheck = "on a kink or tie: the gradient is PyTorch's convention (compared with PyTorch)"


@dataclass(frozen=True)
class Skip:
    """A known failure of one test for one op, applied as a strict xfail (so it must keep failing)."""

    test: str                    # e.g. "gradgradcheck", "vs_torch"
    reason: str
    backend: str | None = None  # "numpy", "c" or None for both


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
    ref: Callable | None = None
    torch_fn: Callable | None = None
    dtypes: tuple = (np.float32, np.float64)
    supports_autograd: bool = True
    supports_gradgrad: bool = True
    tolerances: dict = field(default_factory=dict)
    skips: tuple = ()
    covers: tuple = ()  # names of primitive ops (ops._opdef.REGISTRY) this entry exercises
    variant: str = ""  # tells apart entries of one op with their own samples or skips (ids: name.variant)

    @property
    def full_name(self):
        """The entry's name in test ids: name, or name.variant."""
        return f"{self.name}.{self.variant}" if self.variant else self.name

    def __repr__(self):
        return f"OpInfo({self.full_name})"


# -- sample helpers shared by the family modules ----------------------------------------


def make_arg(shape, dtype, rng, *, low=-3.0, high=3.0, avoid=(), margin=1e-2, noncontig=False):
    """An array of `shape` and `dtype`: floats uniform in [low, high), integers in [low, high],
    bools fair coins. Elements within `margin` of a point in `avoid` (a kink, a pole) are
    redrawn, so gradcheck's +-eps steps never straddle one. `noncontig` lays the
    values out as every other element of a wider array."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        arr = np.asarray(rng.random(shape) < 0.5)
        return noncontiguous(arr) if noncontig else arr
    if dtype.kind in "iu":
        def draw(n):
            return rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=n)
    else:
        def draw(n):
            return rng.uniform(low, high, size=n)
    arr = np.asarray(draw(shape), np.float64)
    for _ in range(100):
        near = np.zeros(arr.shape, bool)
        for point in avoid:
            near |= np.abs(arr - point) < margin
        if not near.any():
            break
        arr[near] = draw(int(near.sum()))
    else:
        raise ValueError(f"make_arg: could not keep {shape} values in [{low}, {high}] away from {avoid}")
    arr = arr.astype(dtype)
    return noncontiguous(arr) if noncontig else arr


def noncontiguous(arr):
    """`arr`'s values in a non-contiguous layout (every other element along the last dim)."""
    arr = np.asarray(arr)
    if arr.ndim == 0 or arr.size <= 1:
        return arr
    wide = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],), arr.dtype)
    wide[..., ::2] = arr
    return wide[..., ::2]


def apart(a, b, rng, *, margin=1e-2, low=-3.0, high=3.0):
    """`b` with the elements that come within `margin` of `a` (broadcasting) redrawn: keeps
    a pair of float samples off the ties of maximum/minimum and the like."""
    b = np.array(b, copy=True)
    for _ in range(100):
        close = np.abs(np.asarray(a, np.float64) - b) < margin
        if not close.any():
            return b
        lead = close.ndim - b.ndim
        close = close.any(axis=tuple(range(lead))) if lead else close
        close = close.any(axis=tuple(d for d in range(b.ndim) if b.shape[d] == 1 and close.shape[d] != 1),
                          keepdims=True) if b.ndim else close
        b[np.broadcast_to(close, b.shape)] = rng.uniform(low, high, size=int(np.broadcast_to(close, b.shape).sum()))
    raise ValueError("apart: could not separate the samples")

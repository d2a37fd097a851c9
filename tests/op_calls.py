"""What the generic op tests (test_ops_*.py) share: turning a SampleInput into tensors
(pyautograd's or PyTorch's), parametrizing over op_db with its Skips as strict xfails,
tolerances, and collecting every sample's failure into one report."""
import numpy as np
import pytest

import pyautograd
from opdb import op_db

BACKENDS = ("numpy", "c")

# Forward tolerances (atol, rtol) by dtype name: float32 results may differ by a few ulps
# between the C kernels, NumPy and PyTorch; float64 ones agree to ~1e-12 except where
# summation order differs (reductions and products set their own in their OpInfo).
DEFAULT_TOL = {"float32": (1e-6, 2e-5), "float64": (1e-12, 1e-10)}
# Gradients against PyTorch (float64): the same formulas, evaluated in another order.
GRAD_TOL = (1e-10, 1e-9)


def tolerance(info, dtype_name):
    """(atol, rtol) for `info`'s forward results in dtype `dtype_name` (exact for ints, bools)."""
    return info.tolerances.get(dtype_name, DEFAULT_TOL.get(dtype_name, (0.0, 0.0)))


class _Leaf:
    """A placeholder for the k-th tensor that requires grad in a bound call."""

    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k


def _fill(x, leaves):
    if isinstance(x, _Leaf):
        return leaves[x.k]
    if type(x) in (list, tuple):
        return type(x)(_fill(e, leaves) for e in x)
    if type(x) is dict:
        return {k: _fill(v, leaves) for k, v in x.items()}
    return x


def _copy(a):
    """A copy of `a` in its layout (row- or column-major, or with gaps): the layout is part of
    the sample, and the op (or gradcheck) must not touch the sample's own array."""
    from opdb.core import noncontiguous
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return a.copy(order="K")
    return noncontiguous(a.copy())


class Bound:
    """A SampleInput with its arrays made tensors by `make` (anywhere in the arguments,
    lists included); the float ones `grad_args` selects require grad when `requires_grad`.

    ``leaves`` are those tensors; ``call(op, leaves)`` runs op with them in place (so
    gradcheck can hand in its own), ``arrays`` are the sample's arrays in leaf order.
    """

    def __init__(self, sample, make, requires_grad):
        self.leaves, self.arrays = [], []
        self._make, self._rg = make, requires_grad
        picked = sample.grad_args
        self.args = tuple(self._convert(a, picked is None or i in picked) for i, a in enumerate(sample.args))
        self.kwargs = {k: self._convert(v, picked is None) for k, v in sample.kwargs.items()}

    def _convert(self, x, differentiable):
        if isinstance(x, np.ndarray):
            t = self._make(_copy(x))
            if self._rg and differentiable and x.dtype.kind == "f":
                t.requires_grad_(True)
                self.leaves.append(t)
                self.arrays.append(x)
                return _Leaf(len(self.leaves) - 1)
            return t
        if type(x) in (list, tuple):
            return type(x)(self._convert(e, differentiable) for e in x)
        return x

    def call(self, op, leaves=None):
        leaves = self.leaves if leaves is None else leaves
        return op(*_fill(self.args, leaves), **_fill(self.kwargs, leaves))


def bind(sample, requires_grad=False):
    """The sample with pyautograd tensors."""
    return Bound(sample, pyautograd.from_numpy, requires_grad)


def bind_torch(torch, sample, requires_grad=False):
    """The sample with PyTorch tensors."""
    return Bound(sample, torch.from_numpy, requires_grad)


def outputs(result):
    """An op's result as a tuple of outputs."""
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def samples(info, dtype, seed=0):
    """`info`'s samples in `dtype`, drawn from a generator seeded per op (reproducible)."""
    rng = np.random.default_rng([seed, sum(map(ord, info.name))])
    return list(info.samples(dtype, rng))


def cases(test, backends=BACKENDS, with_dtypes=False, where=lambda info: True):
    """pytest params (info[, backend][, dtype]) over op_db for test `test` (no backend
    parameter when `backends` is None), each Skip of that test applied as a strict xfail on
    its backend(s)."""
    params = []
    for info in op_db:
        if not where(info):
            continue
        for backend in backends or (None,):
            marks = [pytest.mark.xfail(strict=True, reason=s.reason) for s in info.skips
                     if s.test == test and (backend is None or s.backend in (None, backend))]
            for dtype in (info.dtypes if with_dtypes else (None,)):
                values = (info,) + ((backend,) if backends else ()) + ((dtype,) if with_dtypes else ())
                name = "-".join([info.full_name] + ([backend] if backends else [])
                                + ([np.dtype(dtype).name] if with_dtypes else []))
                params.append(pytest.param(*values, marks=marks, id=name))
    return params


class Failures:
    """Collects per-sample failures so one run reports all of an op's bad samples."""

    def __init__(self, info):
        self.info = info
        self.items = []

    def check(self, sample, fn):
        try:
            fn()
        except (Exception, pytest.fail.Exception) as exc:  # noqa: BLE001 -- reported below, with the sample
            self.items.append(f"sample {sample.desc or sample.args!r}: {type(exc).__name__}: {exc}")

    def report(self):
        if self.items:
            pytest.fail(f"{self.info.name}: {len(self.items)} failing sample(s)\n\n" + "\n\n".join(self.items),
                        pytrace=False)

"""OpInfos of ops/shrink_distance.py: softshrink, hardshrink, threshold, rrelu (eval: its
training draws are tested in tests/test_shrink_distance.py), dist and pdist. Samples keep off
the kinks (|x| = lambd, x = threshold), except the marked ones, and off zero and tied
differences where the order makes them kinks."""
import numpy as np

import pyautograd as P
from pyautograd.ops import shrink_distance as SD

from .core import OpInfo, SampleInput, Skip, make_arg
from .pointwise import unary


def _torch():
    import torch
    return torch


def _f(name):
    return lambda *a, **k: getattr(_torch().nn.functional, name)(*a, **k)


def _t(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _softshrink_ref(x, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0)).astype(x.dtype)


def _hardshrink_ref(x, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0).astype(x.dtype)


def _threshold_samples(dtype, rng):
    def arg(shape, **kw):
        return make_arg(shape, dtype, rng, avoid=(0.5, -1.0), **kw)
    at = arg((2, 3))
    at.flat[:2] = (0.5, -1.0)
    return [SampleInput((arg((2, 3)), 0.5, -2.0), desc="2d"),
            SampleInput((arg((2, 3)), -1.0, 7.0), desc="negative threshold"),
            SampleInput((arg(()), 0.5, 0.0), desc="0-d"),
            SampleInput((arg((3, 2), noncontig=True), 0.5, 1.5), desc="noncontig"),
            SampleInput((arg((0, 2)), 0.5, 1.0), desc="empty"),
            SampleInput((at, 0.5, 3.0), desc="at the threshold", kink=True)]


def _threshold_ref(x, threshold, value):
    return np.where(x <= threshold, value, x).astype(x.dtype)


def _rrelu_ref(x, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return np.where(x > 0, x, x * ((lower + upper) / 2)).astype(x.dtype)


_ORDERS = (2, 1, 3, 1.5, 0.5, float("inf"), -float("inf"), 0)


def _dist_samples(dtype, rng):
    out = []
    for p in _ORDERS:
        # operands 0.05 apart at least, so no difference sits at 0 (a kink for p <= 1)
        a = make_arg((2, 3), dtype, rng)
        b = (a + rng.choice([-1.0, 1.0], a.shape) * rng.uniform(0.05, 2.0, a.shape)).astype(dtype)
        # p=0 with `other` requiring grad: PyTorch's backward negates its undefined gradient and
        # raises; here both gradients are absent (zero), so only `input` is compared
        out.append(SampleInput((a, b), {"p": p}, f"p={p}", grad_args=(0,) if p == 0 else None))
    out.append(SampleInput((make_arg((3, 1), dtype, rng, low=-3.0, high=-2.0),
                            make_arg((4,), dtype, rng, low=0.5, high=3.0)), {"p": 2}, "broadcast"))
    x = make_arg((4,), dtype, rng)
    out.append(SampleInput((x, x.copy()), {"p": 2}, "zero distance", kink=True))
    out.append(SampleInput((make_arg((), dtype, rng), make_arg((), dtype, rng, low=3.5, high=5.0)), {"p": 3}, "0-d"))
    return out


def _norm_ref(d, p, axis=None):
    d = np.abs(d.astype(np.float64))
    if p == 0:
        r = (d != 0).sum(axis)
    elif p == float("inf"):
        r = d.max(axis)
    elif p == -float("inf"):
        r = d.min(axis)
    else:
        r = (d ** p).sum(axis) ** (1.0 / p)
    return np.asarray(r)


def _dist_ref(a, b, p=2):
    return _norm_ref(np.subtract(a, b), p).astype(np.result_type(a, b))


def _pdist_samples(dtype, rng):
    out = []
    for p in (2, 1, 3, 1.5, 0.5, float("inf"), 0):
        # rows well apart in every column: no zero difference, no tied maximum
        x = (np.arange(4)[:, None] * 0.9 + rng.uniform(0, 0.5, (4, 3)) * np.array([1.0, 0.37, 0.11])).astype(dtype)
        x = x[rng.permutation(4)]
        out.append(SampleInput((x,), {"p": p}, f"p={p}"))
    out.append(SampleInput((make_arg((1, 3), dtype, rng),), {}, "one row"))
    out.append(SampleInput((np.ascontiguousarray(np.arange(6, dtype=dtype).reshape(3, 2) * 0.7).T.copy()[:, :3],),
                           {}, "two rows"))
    return out


def _pdist_ref(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    return _norm_ref(x[i] - x[j], p, axis=1).reshape(-1).astype(x.dtype)


OPS = [
    OpInfo("softshrink", SD.softshrink, unary(avoid=(0.5, -0.5, 1.0, -1.0), kinks=(0.5, -0.5),
                                              variants=({}, {"lambd": 1.0}, {"lambd": 0.0})),
           ref=_softshrink_ref, torch_fn=_f("softshrink"), covers=("softshrink",)),
    OpInfo("hardshrink", P.hardshrink, unary(avoid=(0.5, -0.5, 1.0, -1.0), kinks=(0.5, -0.5),
                                             variants=({}, {"lambd": 1.0})),
           ref=_hardshrink_ref, torch_fn=_t("hardshrink"), covers=("hardshrink",)),
    OpInfo("threshold", P.threshold, _threshold_samples, ref=_threshold_ref, torch_fn=_t("threshold"),
           covers=("threshold",)),
    OpInfo("rrelu", P.rrelu, unary(avoid=(0.0,), kinks=(0.0,), variants=({}, {"lower": 0.2, "upper": 0.5})),
           ref=_rrelu_ref, torch_fn=_t("rrelu"), covers=("rrelu_with_noise",)),
    OpInfo("dist", P.dist, _dist_samples, ref=_dist_ref, torch_fn=_t("dist"), covers=("dist",),
           tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("pdist", P.pdist, _pdist_samples, ref=_pdist_ref, torch_fn=_t("pdist"), covers=("pdist",),
           tolerances={"float32": (1e-5, 1e-5)}),
]

# The in-place functions, on a clone (so the leaf stays differentiable). PyTorch names the
# in-place node ThresholdBackward1 / RreluWithNoiseBackward1; pyautograd's in-place path keeps
# the op's node (ThresholdBackward0), as for every in-place op here.
_INPLACE_NODE = Skip("grad_fn", "in-place node named ...Backward0 here, ...Backward1 in PyTorch")
OPS += [
    OpInfo("threshold_", lambda x, *a: P.threshold_(x.clone(), *a), _threshold_samples, ref=_threshold_ref,
           torch_fn=lambda x, *a: _torch().threshold_(x.clone(), *a), skips=(_INPLACE_NODE,)),
    OpInfo("rrelu_", lambda x, **k: P.rrelu_(x.clone(), **k), unary(avoid=(0.0,)), ref=_rrelu_ref,
           torch_fn=lambda x, **k: _torch().rrelu_(x.clone(), **k), skips=(_INPLACE_NODE,)),
]

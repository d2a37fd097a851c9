"""OpInfos of the selection ops (ops/selection.py: sort, argsort, msort, topk, kthvalue, median,
mode), the triangles (ops/matrix.py: tril, triu) and the sampling ops (ops/sampling.py:
multinomial, bernoulli, on distributions whose draws are certain, so the forward is exact;
tests/test_sampling.py checks the statistics)."""
import collections

import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

F32, F64, I64 = np.float32, np.float64, np.int64


def _torch():
    import torch
    return torch


def _distinct(shape, dtype, rng):
    """Values with no ties (so sort orders and selected indices are unique) in a random order."""
    n = int(np.prod(shape)) if shape else 1
    if np.dtype(dtype).kind in "iu":
        return (rng.permutation(n) - n // 2).reshape(shape).astype(dtype)
    values = rng.permutation(n).astype(np.float64) * 0.37 - n * 0.15
    return values.reshape(shape).astype(dtype)


def _pick_samples(k_arg):
    """Samples for the (input, [k,] dim, ...) ops; k_arg: whether the op takes a k first."""
    def gen(dtype, rng):
        def arg(shape):
            return _distinct(shape, dtype, rng)
        k = (2,) if k_arg else ()
        return [SampleInput((arg((5,)),) + k, desc="1-d"),
                SampleInput((arg((3, 4)),) + k, {"dim": 0}, "dim 0"),
                SampleInput((arg((2, 3, 4)),) + k, {"dim": -1}, "dim -1"),
                SampleInput((arg((4, 3)).T,) + k, {"dim": 1}, "noncontig")]
    return gen


def _sort_samples(dtype, rng):
    x = _distinct((3, 4), dtype, rng)
    return [SampleInput((_distinct((5,), dtype, rng),), desc="1-d"),
            SampleInput((x,), {"dim": 0}, "dim 0"),
            SampleInput((x,), {"dim": 1, "descending": True}, "descending"),
            SampleInput((_distinct((2, 3, 2), dtype, rng),), {"dim": 1, "descending": True, "stable": True},
                        "stable 3-d"),
            SampleInput((np.asarray(_distinct((), dtype, rng)),), desc="0-d")]


def _sorted_ref(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.argsort(-x if descending else x, axis=dim, kind="stable")
    return np.take_along_axis(x, order, dim), order.astype(np.int64)


def _topk_ref(x, k, dim=-1, largest=True, sorted=True):
    values, indices = _sorted_ref(x, dim, descending=largest)
    return np.take(values, range(k), axis=dim), np.take(indices, range(k), axis=dim)


def _topk_samples(dtype, rng):
    base = _pick_samples(True)(dtype, rng)
    return base + [SampleInput((_distinct((3, 5), dtype, rng), 3), {"dim": 1, "largest": False}, "smallest"),
                   SampleInput((_distinct((4,), dtype, rng), 0), desc="k 0")]


def _kth_ref(x, k, dim=-1, keepdim=False):
    values, indices = _sorted_ref(x, dim)
    v, i = np.take(values, [k - 1], axis=dim), np.take(indices, [k - 1], axis=dim)
    return (v, i) if keepdim else (v.squeeze(dim), i.squeeze(dim))


def _kth_samples(dtype, rng):
    return _pick_samples(True)(dtype, rng) + [
        SampleInput((_distinct((3, 4), dtype, rng), 4), {"dim": 1, "keepdim": True}, "keepdim")]


def _median_ref(x, dim=None, keepdim=False):
    if dim is None:
        return np.asarray(np.sort(x.reshape(-1))[(x.size - 1) // 2])
    return _kth_ref(x, (x.shape[dim] - 1) // 2 + 1, dim, keepdim)


def _median_samples(dtype, rng):
    return [SampleInput((_distinct((5,), dtype, rng),), desc="all odd"),
            SampleInput((_distinct((2, 3), dtype, rng),), desc="all even"),
            SampleInput((_distinct((3, 4), dtype, rng), 1), desc="dim 1 even"),
            SampleInput((_distinct((3, 5), dtype, rng), 0), {"keepdim": True}, "dim 0 keepdim")]


def _mode_ref(x, dim=-1, keepdim=False):
    moved = np.moveaxis(x, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    values, indices = [], []
    for row in rows:
        counts = collections.Counter(row.tolist())
        top = max(counts.values())
        best = min(v for v, c in counts.items() if c == top)
        values.append(best)
        indices.append(max(i for i, v in enumerate(row.tolist()) if v == best))
    v = np.array(values, x.dtype).reshape(moved.shape[:-1])
    i = np.array(indices, np.int64).reshape(moved.shape[:-1])
    return (np.expand_dims(v, dim), np.expand_dims(i, dim)) if keepdim else (v, i)


def _mode_samples(dtype, rng):
    def repeated(shape):
        return rng.integers(0, 3, size=shape).astype(dtype)
    # Ties of value are the point of mode: the gradient goes to the last occurrence (PyTorch's
    # convention, compared with PyTorch), which finite differences cannot check.
    return [SampleInput((_distinct((2, 5), dtype, rng),), desc="no repeats: the smallest"),
            SampleInput((repeated((7,)),), desc="1-d", kink=True),
            SampleInput((repeated((3, 6)),), {"dim": 0}, "dim 0", kink=True),
            SampleInput((repeated((3, 6)),), {"dim": 1, "keepdim": True}, "keepdim", kink=True)]


def _triangle_samples(dtype, rng):
    def arg(shape, **kw):
        return make_arg(shape, dtype, rng, **kw)
    return [SampleInput((arg((3, 4)),), desc="2-d"),
            SampleInput((arg((4, 3)), 1), desc="diagonal 1"),
            SampleInput((arg((2, 3, 3)), -1), desc="batched diagonal -1"),
            SampleInput((arg((3, 4), noncontig=True), 2), desc="noncontig")]


def _certain_probs(dtype, rng):
    """One-hot rows: every draw of multinomial is the hot category."""
    rows = np.zeros((3, 4), dtype)
    rows[np.arange(3), rng.integers(0, 4, 3)] = 1
    return rows


def _multinomial_samples(dtype, rng):
    probs = _certain_probs(dtype, rng)
    return [SampleInput((probs, 3, True), desc="2-d with replacement"),
            SampleInput((probs[0] * 5, 1), desc="1-d unnormalized"),
            SampleInput((probs, 1, False), desc="without replacement")]


def _multinomial_ref(probs, num_samples, replacement=False):
    return np.repeat(np.argmax(probs, -1)[..., None], num_samples, -1).astype(np.int64)


def _seeded_bernoulli(p):
    return P.bernoulli(p, generator=P.Generator().manual_seed(0))


def _seeded_bernoulli_ref(p):
    """The draws of a generator seeded with 0 (NumPy's PCG64 under pyautograd's Generator)."""
    return (np.random.Generator(np.random.PCG64(0)).random(p.shape) < p).astype(p.dtype)


def _bernoulli_samples(dtype, rng):
    certain = (rng.random((3, 4)) < 0.5).astype(dtype)
    return [SampleInput((certain,), desc="0/1 probabilities",
                        skip_gradcheck="p on the edge of [0, 1]: a step outside is refused"),
            # Seeded alike on every call, the draws are a fixed function of p, so gradcheck
            # sees the zero gradient of BernoulliBackward0.
            SampleInput((make_arg((3, 4), dtype, rng, low=0.1, high=0.9),), desc="seeded")]


OPS = [
    OpInfo("sort", lambda x, *a, **k: tuple(P.sort(x, *a, **k)), _sort_samples, ref=_sorted_ref,
           torch_fn=lambda x, *a, **k: tuple(_torch().sort(x, *a, **k)), dtypes=(F32, F64, I64), covers=("sort", "sort_stable")),
    OpInfo("argsort", P.argsort, _sort_samples, ref=lambda *a, **k: _sorted_ref(*a, **k)[1],
           torch_fn=lambda x, *a, **k: _torch().argsort(x, *a, **k), dtypes=(F32, F64, I64),
           supports_autograd=False, supports_gradgrad=False),
    OpInfo("msort", P.msort, lambda dtype, rng: [SampleInput((_distinct((4, 3), dtype, rng),), desc="2-d")],
           ref=lambda x: np.sort(x, 0), torch_fn=lambda x: _torch().msort(x)),
    OpInfo("topk", lambda x, *a, **k: tuple(P.topk(x, *a, **k)), _topk_samples, ref=_topk_ref,
           torch_fn=lambda x, *a, **k: tuple(_torch().topk(x, *a, **k)), dtypes=(F32, F64, I64), covers=("topk",)),
    OpInfo("kthvalue", lambda x, *a, **k: tuple(P.kthvalue(x, *a, **k)), _kth_samples, ref=_kth_ref,
           torch_fn=lambda x, *a, **k: tuple(_torch().kthvalue(x, *a, **k)), covers=("kthvalue",)),
    OpInfo("median", lambda x, *a, **k: P.median(x, *a, **k) if a or k else P.median(x), _median_samples,
           ref=_median_ref, dtypes=(F32, F64, I64),
           torch_fn=lambda x, *a, **k: tuple(_torch().median(x, *a, **k)) if a or k else _torch().median(x),
           covers=("median_all", "median_dim")),
    OpInfo("mode", lambda x, *a, **k: tuple(P.mode(x, *a, **k)), _mode_samples, ref=_mode_ref,
           torch_fn=lambda x, *a, **k: tuple(_torch().mode(x, *a, **k)), dtypes=(F32, F64, I64), covers=("mode",)),
    OpInfo("tril", P.tril, _triangle_samples, ref=np.tril, torch_fn=lambda *a: _torch().tril(*a), covers=("tril",)),
    OpInfo("triu", P.triu, _triangle_samples, ref=np.triu, torch_fn=lambda *a: _torch().triu(*a), covers=("triu",)),
    OpInfo("multinomial", P.multinomial, _multinomial_samples, ref=_multinomial_ref,
           torch_fn=lambda *a: _torch().multinomial(*a), supports_autograd=False, supports_gradgrad=False),
    # No torch_fn: the draws are ours (tests/test_sampling.py compares the node and gradient).
    OpInfo("bernoulli", _seeded_bernoulli, _bernoulli_samples, ref=_seeded_bernoulli_ref),
]

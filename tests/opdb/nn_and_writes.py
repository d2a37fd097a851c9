"""OpInfos of the ops behind nn.functional (linear, cross_entropy) and of the write-style ops
(index_add, index_put, the copy behind copy_) and split_with_sizes."""
import numpy as np

import pyautograd as P
import pyautograd.nn.functional as F
from pyautograd.ops import linalg
from pyautograd.ops import shape as S

from .core import OpInfo, SampleInput, make_arg

F32, F64 = np.float32, np.float64


def _torch():
    import torch
    return torch


def _linear_samples(dtype, rng):
    x, w, b = (make_arg(s, dtype, rng) for s in ((4, 3), (5, 3), (5,)))
    yield SampleInput((x, w, b), desc="2-D with bias")
    yield SampleInput((x, w), desc="2-D without bias")
    yield SampleInput((make_arg((2, 4, 3), dtype, rng), w, b), desc="3-D input")
    yield SampleInput((make_arg((3,), dtype, rng), w, b), desc="1-D input")


def _linear_ref(x, w, b=None):
    return x @ w.T + (0 if b is None else b)


def _linear_relu_samples(dtype, rng):
    x, w, b = (make_arg(s, dtype, rng) for s in ((4, 3), (5, 3), (5,)))
    yield SampleInput((x, w, b), desc="2-D with bias (nn.Sequential's Linear then ReLU)")


def _linear_relu_ref(x, w, b):
    return np.maximum(x @ w.T + b, 0)


def _ce_samples(dtype, rng):
    logits = make_arg((4, 5), dtype, rng)
    target = rng.integers(0, 5, size=4).astype(np.int64)
    weight = make_arg((5,), dtype, rng, low=0.5, high=2.0)
    yield SampleInput((logits, target), desc="mean", grad_args=(0,))
    yield SampleInput((logits, target), {"reduction": "sum"}, desc="sum", grad_args=(0,))
    yield SampleInput((logits, target), {"reduction": "none"}, desc="none", grad_args=(0,))
    yield SampleInput((logits, target, weight), {"label_smoothing": 0.1}, desc="weight+smoothing", grad_args=(0,))
    yield SampleInput((logits, np.array([1, -100, 3, 0], np.int64)), desc="ignore_index", grad_args=(0,))


def _ce_ref(logits, target, weight=None, reduction="mean", label_smoothing=0.0, ignore_index=-100):
    logp = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    n, c = logits.shape
    w = np.ones(c, logits.dtype) if weight is None else weight
    keep = target != ignore_index
    t = np.where(keep, target, 0)
    nll = -logp[np.arange(n), t] * w[t] * keep
    smooth = -(logp * w).sum(1) / c * keep
    loss = (1 - label_smoothing) * nll + label_smoothing * smooth
    if reduction == "none":
        return loss.astype(logits.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), logits.dtype)
    return np.asarray(loss.sum() / (w[t] * keep).sum(), logits.dtype)


def _index_add_samples(dtype, rng):
    yield SampleInput((make_arg((4, 3), dtype, rng), 0, np.array([0, 2, 0], np.int64),
                       make_arg((3, 3), dtype, rng)), desc="repeated index", grad_args=(0, 3))
    yield SampleInput((make_arg((2, 5), dtype, rng), 1, np.array([4, 1], np.int64),
                       make_arg((2, 2), dtype, rng)), {"alpha": 2.0}, desc="dim 1, alpha", grad_args=(0, 3))


def _index_add_ref(x, dim, index, source, alpha=1):
    out = x.copy()
    np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(source, dim, 0) * alpha)
    return out


def _index_put_samples(dtype, rng):
    yield SampleInput((make_arg((5,), dtype, rng), np.array([0, 3], np.int64), make_arg((2,), dtype, rng)),
                      desc="values", grad_args=(0, 2))
    yield SampleInput((make_arg((4, 2), dtype, rng), np.array([1, 1], np.int64), make_arg((2,), dtype, rng)),
                      {"accumulate": True}, desc="accumulate repeated", grad_args=(0, 2))


def _index_put_ref(x, i, v, accumulate=False):
    out = x.copy()
    if accumulate:
        np.add.at(out, (i,), v)
    else:
        out[i] = v
    return out


def _copy_samples(dtype, rng):
    yield SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng)), desc="broadcast src")
    yield SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), F64 if dtype == F32 else F32, rng)),
                      desc="other dtype src", grad_args=(1,),
                      skip_gradcheck="the source is float32: finite differences in float32 are too coarse")


def _split_sizes_samples(dtype, rng):
    yield SampleInput((make_arg((6, 2), dtype, rng), [1, 2, 3]), desc="dim 0")
    yield SampleInput((make_arg((2, 5), dtype, rng), [4, 1], -1), desc="last dim")


OPS = [
    OpInfo("linear", F.linear, _linear_samples, ref=_linear_ref,
           torch_fn=lambda *a: _torch().nn.functional.linear(*a), covers=("linear_addmm", "linear_mm"),
           tolerances={"float32": (1e-5, 1e-4)}),
    # nn.Sequential's fused Linear then ReLU (ops.linalg.linear_relu): one kernel call recording
    # PyTorch's unfused graph, checked as relu(linear(...)) is
    OpInfo("relu", linalg.linear_relu, _linear_relu_samples, variant="after_linear", ref=_linear_relu_ref,
           torch_fn=lambda *a: _torch().relu(_torch().nn.functional.linear(*a)),
           tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("cross_entropy", F.cross_entropy, _ce_samples, ref=_ce_ref,
           torch_fn=lambda *a, **k: _torch().nn.functional.cross_entropy(*a, **k),
           tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("index_add", lambda x, d, i, s, **k: P.index_add(x, d, i, s, **k), _index_add_samples,
           ref=_index_add_ref, torch_fn=lambda x, d, i, s, **k: _torch().index_add(x, d, i, s, **k),
           covers=("_index_add",)),
    OpInfo("index_put", lambda x, i, v, **k: P.index_put(x, (i,), v, **k), _index_put_samples,
           ref=_index_put_ref, torch_fn=lambda x, i, v, **k: _torch().index_put(x, (i,), v, **k),
           covers=("index_put",)),
    OpInfo("copy_", lambda x, src: S._copy_from(x, src), _copy_samples,
           ref=lambda x, src: np.broadcast_to(src, x.shape).astype(x.dtype),
           torch_fn=lambda x, src: x.clone().copy_(src), covers=("_copy_from",)),
    OpInfo("split_with_sizes", P.split_with_sizes,
           _split_sizes_samples,
           ref=lambda x, sizes, dim=0: tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim)),
           torch_fn=lambda x, sizes, dim=0: _torch().split_with_sizes(x, sizes, dim)),
    OpInfo("fill_", lambda x, v: S._fill(x, v), lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng), 0.25), desc="number"),
        SampleInput((make_arg((), dtype, rng), -1.5), desc="0-d")],
        ref=lambda x, v: np.full_like(x, v), torch_fn=lambda x, v: x.clone().fill_(v), covers=("_fill",)),
    OpInfo("zero_", lambda x: S._zero(x), lambda dtype, rng: [SampleInput((make_arg((3, 2), dtype, rng),))],
           ref=np.zeros_like, torch_fn=lambda x: x.clone().zero_(), covers=("_zero",)),
]

"""OpInfos of ops/shape_more.py: view_as, reshape_as, ravel, repeat_interleave, meshgrid, flips and
rot90, tensor_split and h/v/dsplit, unfold, trace, diag, diag_embed, diagflat, cross
(T/mT/H/mH and the new_* factories are properties or factories: tests/test_shape_more.py)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

F32, F64, I64 = np.float32, np.float64, np.int64


def _torch():
    import torch
    return torch


def _t(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _method(name):
    return lambda x, *a, **k: getattr(x, name)(*a, **k)


def _arg(shape, dtype, rng, **kw):
    return make_arg(shape, dtype, rng, **kw)


def _one(shapes_and_kwargs):
    def gen(dtype, rng):
        return [SampleInput(tuple(_arg(s, dtype, rng) if isinstance(s, tuple) else s for s in args), kw, desc)
                for desc, args, kw in shapes_and_kwargs]
    return gen


def _as_samples(dtype, rng):
    return [SampleInput((_arg((2, 6), dtype, rng), _arg((3, 4), dtype, rng)), desc="2x6 as 3x4", grad_args=(0,)),
            SampleInput((_arg((4,), dtype, rng), _arg((2, 2), dtype, rng)), desc="1-d as 2x2", grad_args=(0,))]


def _repeat_samples(dtype, rng):
    return [SampleInput((_arg((2, 3), dtype, rng), 2), desc="flat"),
            SampleInput((_arg((2, 3), dtype, rng), 3), {"dim": 1}, "dim 1"),
            SampleInput((_arg((3, 2), dtype, rng), np.array([1, 0, 2])), {"dim": 0}, "tensor repeats")]


def _repeat_ref(x, repeats, dim=None):
    return np.repeat(x, repeats, axis=dim)


def _meshgrid_samples(dtype, rng):
    a, b, c = _arg((2,), dtype, rng), _arg((3,), dtype, rng), _arg((4,), dtype, rng)
    return [SampleInput((a, b), {"indexing": "ij"}, "ij"), SampleInput((a, b, c), {"indexing": "xy"}, "xy 3")]


def _meshgrid_ref(*xs, indexing):
    return tuple(np.meshgrid(*xs, indexing=indexing))


def _split_ref(fn):
    def ref(x, sections, dim=0):
        return tuple(fn(x, sections, axis=dim))
    return ref


def _unfold_ref(x, dim, size, step):
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    return np.take(w, np.arange(0, x.shape[dim] - size + 1, step), axis=dim)


def _diag_embed_ref(x, offset=0, dim1=-2, dim2=-1):
    """NumPy-only: the last dim of x goes onto the (dim1, dim2) diagonal of a new square
    pair of dims, shifted by offset; the remaining dims keep their order."""
    n = x.shape[-1] + abs(offset)
    ndim = x.ndim + 1
    dim1, dim2 = dim1 % ndim, dim2 % ndim
    out = np.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
    idx = np.arange(x.shape[-1])
    rows, cols = (idx, idx + offset) if offset >= 0 else (idx - offset, idx)
    out[..., rows, cols] = x
    # out's dims are (batch..., dim1, dim2); move the last two to their places
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def _cross_samples(dtype, rng):
    return [SampleInput((_arg((2, 3), dtype, rng), _arg((2, 3), dtype, rng)), {"dim": 1}, "dim 1"),
            SampleInput((_arg((3, 2), dtype, rng), _arg((3, 1), dtype, rng)), {"dim": 0}, "broadcast dim 0")]


OPS = [
    OpInfo("view_as", _method("view_as"), _as_samples, ref=lambda x, o: x.reshape(o.shape),
           torch_fn=_method("view_as")),
    OpInfo("reshape_as", _method("reshape_as"), _as_samples, ref=lambda x, o: x.reshape(o.shape),
           torch_fn=_method("reshape_as")),
    OpInfo("ravel", P.ravel, _one([("2d", ((2, 3),), {}), ("0-d", ((),), {})]) , ref=np.ravel, torch_fn=_t("ravel")),
    OpInfo("repeat_interleave", P.repeat_interleave, _repeat_samples, ref=_repeat_ref,
           torch_fn=lambda x, r, **k: _torch().repeat_interleave(x, r if isinstance(r, int) else r, **k)),
    OpInfo("meshgrid", lambda *a, **k: P.meshgrid(*a, **k), _meshgrid_samples, ref=_meshgrid_ref,
           torch_fn=lambda *a, **k: _torch().meshgrid(*a, **k)),
    OpInfo("fliplr", P.fliplr, _one([("2d", ((2, 3),), {})]), ref=np.fliplr, torch_fn=_t("fliplr")),
    OpInfo("flipud", P.flipud, _one([("2d", ((2, 3),), {})]), ref=np.flipud, torch_fn=_t("flipud")),
    OpInfo("rot90", P.rot90, _one([("k1", ((2, 3),), {}), ("k2 dims", ((2, 3, 4),), {"k": 2, "dims": (1, 2)}),
                                   ("k-1", ((3, 2),), {"k": -1})]),
           ref=lambda x, k=1, dims=(0, 1): np.rot90(x, k, axes=dims), torch_fn=_t("rot90"), covers=("rot90",)),
    OpInfo("tensor_split", P.tensor_split, _one([("sections", ((7, 2), 3), {}),
                                                 ("indices dim 1", ((2, 5), [1, 4]), {"dim": 1})]),
           ref=lambda x, indices_or_sections, dim=0: tuple(np.array_split(x, indices_or_sections, axis=dim)),
           torch_fn=_t("tensor_split")),
    OpInfo("hsplit", P.hsplit, _one([("2", ((2, 4), 2), {})]), ref=lambda x, s: tuple(np.hsplit(x, s)),
           torch_fn=_t("hsplit")),
    OpInfo("vsplit", P.vsplit, _one([("indices", ((4, 2), [1, 3]), {})]), ref=lambda x, s: tuple(np.vsplit(x, s)),
           torch_fn=_t("vsplit")),
    OpInfo("dsplit", P.dsplit, _one([("2", ((1, 2, 4), 2), {})]), ref=lambda x, s: tuple(np.dsplit(x, s)),
           torch_fn=_t("dsplit")),
    OpInfo("unfold", _method("unfold"), _one([("size 2 step 1", ((3, 4), 1, 2, 1), {}),
                                              ("size 2 step 2", ((5, 2), 0, 2, 2), {}),
                                              ("overlapping 3-d", ((2, 5, 2), 1, 3, 1), {})]),
           ref=_unfold_ref, torch_fn=_method("unfold"), covers=("unfold", "unfold_backward")),
    OpInfo("trace", P.trace, _one([("square", ((3, 3),), {}), ("wide", ((2, 4),), {})]),
           ref=lambda x: np.asarray(np.trace(x)), torch_fn=_t("trace"), covers=("trace", "trace_backward")),
    OpInfo("diag", P.diag, _one([("vector", ((3,),), {}), ("vector offset", ((3,),), {"diagonal": 1}),
                                 ("matrix", ((3, 4),), {}), ("matrix offset -1", ((3, 4),), {"diagonal": -1})]),
           ref=lambda x, diagonal=0: np.diag(x, diagonal), torch_fn=_t("diag"), covers=("diag", "diag_embed")),
    OpInfo("diag_embed", P.diag_embed, _one([("batch", ((2, 3),), {}), ("offset dims", ((2, 3),),
                                                                         {"offset": 1, "dim1": 0, "dim2": 2})]),
           ref=_diag_embed_ref, torch_fn=_t("diag_embed"), covers=("diag_embed",)),
    OpInfo("diagflat", P.diagflat, _one([("2d", ((2, 2),), {})]), ref=lambda x: np.diagflat(x),
           torch_fn=_t("diagflat")),
    OpInfo("cross", P.cross, _cross_samples, ref=lambda a, b, dim: np.cross(a, b, axis=dim),
           torch_fn=_t("cross"), covers=("linalg_cross",)),
]


def _stack_samples(dtype, rng):
    return [SampleInput(([_arg((2, 3), dtype, rng), _arg((2, 1), dtype, rng)],), desc="2-d"),
            SampleInput(([_arg((3,), dtype, rng), _arg((2,), dtype, rng)],), desc="1-d")]


def _same_samples(dtype, rng):
    return [SampleInput(([_arg((2, 3), dtype, rng), _arg((2, 3), dtype, rng)],), desc="2-d"),
            SampleInput(([_arg((3,), dtype, rng), _arg((3,), dtype, rng)],), desc="1-d")]


OPS += [
    OpInfo("hstack", P.hstack, _stack_samples, ref=lambda ts: np.hstack(ts), torch_fn=_t("hstack")),
    OpInfo("vstack", P.vstack, _same_samples, ref=lambda ts: np.vstack(ts), torch_fn=_t("vstack")),
    OpInfo("dstack", P.dstack, _same_samples, ref=lambda ts: np.dstack(ts), torch_fn=_t("dstack")),
    OpInfo("column_stack", P.column_stack, _same_samples, ref=lambda ts: np.column_stack(ts),
           torch_fn=_t("column_stack")),
    OpInfo("diff", P.diff, _one([("1st", ((3, 5),), {}), ("2nd dim 0", ((4, 2),), {"n": 2, "dim": 0})]),
           ref=lambda x, n=1, dim=-1: np.diff(x, n, axis=dim), torch_fn=_t("diff")),
]


def _cdist_ref(x1, x2, p=2.0):
    return (np.abs(x1[..., :, None, :] - x2[..., None, :, :]) ** p).sum(-1) ** (1.0 / p)


OPS.append(OpInfo("cdist", P.cdist, lambda dtype, rng: [
    SampleInput((_arg((3, 2), dtype, rng), _arg((4, 2), dtype, rng)), desc="p 2"),
    SampleInput((_arg((2, 3, 2), dtype, rng), _arg((2, 2, 2), dtype, rng)), {"p": 3.0}, "batched p 3"),
    SampleInput((_arg((2, 2), dtype, rng), _arg((3, 2), dtype, rng)), {"p": 1.0}, "p 1")],
    ref=_cdist_ref, torch_fn=_t("cdist"), tolerances={"float32": (1e-5, 1e-5)}))

"""OpInfo of ops/strided.py: as_strided over a fresh (contiguous) tensor, whose storage is its
own memory, so the NumPy reference reads the same bytes: in bounds, overlapping (two output
elements reading one input element: their gradients add up), partial (input elements no
output reads: zero gradient), a zero stride, 0-d and empty results; as_strided_ (in place, on a
fresh copy) and as_strided_scatter (src written into a copy of the input at those positions);
select_scatter, slice_scatter and diagonal_scatter (src written into a copy where the view shows)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip, make_arg


def _samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng)
    v = make_arg((10,), dtype, rng)
    return [SampleInput((x, (4, 3), (1, 4)), desc="transpose"),
            SampleInput((x, (2, 2), (4, 1), 5), desc="offset"),
            SampleInput((v, (4, 3), (2, 1)), desc="overlapping windows"),
            SampleInput((v, (3,), (3,), 1), desc="partial"),
            SampleInput((v, (2, 3), (0, 2), 2), desc="zero stride"),
            SampleInput((v, (), (), 9), desc="0-d"),
            SampleInput((v, (0, 3), (1, 1), 4), desc="empty")]


def _ref(x, size, stride, storage_offset=0):
    flat = np.ascontiguousarray(x).reshape(-1)
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[storage_offset:], size, [s * item for s in stride]).copy()


def _torch():
    import torch
    return torch


def _torch_as_strided(*args, **kwargs):
    import torch
    return torch.as_strided(*args, **kwargs)


def _inplace(x, *args):
    return x.clone().as_strided_(*args)  # a copy made in the call: the sample's tensor stays a leaf


def _torch_inplace(x, *args):
    return x.clone().as_strided_(*args)


def _scatter_samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng)
    v = make_arg((10,), dtype, rng)
    return [SampleInput((x, make_arg((2, 2), dtype, rng), (2, 2), (4, 1), 5), desc="block"),
            SampleInput((x, make_arg((4, 3), dtype, rng), (4, 3), (1, 4)), desc="every element, transposed"),
            SampleInput((v, make_arg((3,), dtype, rng), (3,), (3,), 1), desc="strided"),
            SampleInput((v, make_arg((2, 2), dtype, rng), (2, 2), (1, 1), 2), desc="overlapping (last write wins)"),
            SampleInput((v, make_arg((), dtype, rng), (), (), 9), desc="0-d"),
            SampleInput((v, make_arg((0, 3), dtype, rng), (0, 3), (1, 1), 4), desc="empty")]


def _scatter_ref(x, src, size, stride, storage_offset=0):
    out = np.ascontiguousarray(x).copy()
    flat = out.reshape(-1)
    positions = storage_offset + sum(np.arange(n).reshape((n,) + (1,) * (len(size) - d - 1)) * st
                                     for d, (n, st) in enumerate(zip(size, stride)))
    for p, value in zip(np.broadcast_to(positions, size).reshape(-1), np.asarray(src).reshape(-1)):
        flat[p] = value  # C order: a position written twice keeps the last value
    return out


def _torch_scatter(*args, **kwargs):
    import torch
    return torch.as_strided_scatter(*args, **kwargs)


OPS = [OpInfo("as_strided", P.as_strided, _samples, ref=_ref, torch_fn=_torch_as_strided, covers=("as_strided",)),
       OpInfo("as_strided_", _inplace, _samples, ref=_ref, torch_fn=_torch_inplace, covers=("as_strided_",)),
       OpInfo("as_strided_scatter", P.as_strided_scatter, _scatter_samples, ref=_scatter_ref, torch_fn=_torch_scatter,
              skips=(Skip("vs_torch_grad", "PyTorch 2.13's AsStridedScatterBackward0 returns the gradient at the "
                          "written positions for the input (where the result does not depend on it) and nothing "
                          "elsewhere; PyTorch's own OpInfo marks its gradient test an expected failure. Ours passes "
                          "gradcheck and gradgradcheck"),))]



def _select_scatter_ref(x, src, dim, index):
    out = x.copy()
    out[(slice(None),) * dim + (index,)] = src
    return out


def _slice_scatter_ref(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    out[(slice(None),) * dim + (slice(start, end, step),)] = src
    return out


def _diagonal_scatter_ref(x, src, offset=0, dim1=0, dim2=1):
    out = x.copy()
    view = np.moveaxis(out, (dim1, dim2), (-2, -1))
    n = src.shape[-1]
    rows = np.arange(n) - min(offset, 0)
    view[..., rows, rows + offset] = src
    return out


def _part_samples(*cases):
    def gen(dtype, rng):
        return [SampleInput((make_arg(shape, dtype, rng), make_arg(part, dtype, rng)) + args, kwargs, desc)
                for shape, part, args, kwargs, desc in cases]
    return gen


OPS += [
    OpInfo("select_scatter", P.select_scatter,
           _part_samples(((3, 4), (4,), (0, 1), {}, "row"), ((3, 4), (3,), (1, -1), {}, "last column"),
                         ((2, 3, 2), (2, 2), (1, 2), {}, "3-d")),
           ref=_select_scatter_ref, torch_fn=lambda *a, **k: _torch().select_scatter(*a, **k)),
    OpInfo("slice_scatter", P.slice_scatter,
           _part_samples(((3, 4), (3, 2), (1, 0, 4, 2), {}, "every other column"),
                         ((4, 3), (2, 3), (), {"start": 1, "end": 3}, "rows 1:3"),
                         ((3, 4), (3, 2), (1, -2), {}, "negative start"),
                         ((3, 4), (3, 0), (1, 10, 12), {}, "empty")),
           ref=_slice_scatter_ref, torch_fn=lambda *a, **k: _torch().slice_scatter(*a, **k)),
    OpInfo("diagonal_scatter", P.diagonal_scatter,
           _part_samples(((3, 4), (3,), (), {}, "main"), ((3, 4), (3,), (1,), {}, "offset 1"),
                         ((4, 3), (3,), (-1,), {}, "offset -1"), ((3, 2, 2), (2, 2), (0, 0, 2), {}, "dims 0, 2")),
           ref=_diagonal_scatter_ref, torch_fn=lambda *a, **k: _torch().diagonal_scatter(*a, **k)),
]
def _narrow_ref(x, dim, start, length):
    return np.take(x, range(start % x.shape[dim], start % x.shape[dim] + length), axis=dim)


OPS += [
    OpInfo("narrow_copy", P.narrow_copy,
           lambda dtype, rng: [SampleInput((make_arg((3, 4), dtype, rng), 1, 1, 2), desc="columns 1:3"),
                               SampleInput((make_arg((3, 4), dtype, rng), 0, 3, 0), desc="empty")],
           ref=_narrow_ref, torch_fn=lambda *a: _torch().narrow_copy(*a)),
    OpInfo("narrow_copy", P.narrow_copy,
           lambda dtype, rng: [SampleInput((make_arg((4, 3), dtype, rng), 0, -2, 2), desc="negative start")],
           ref=_narrow_ref, torch_fn=lambda *a: _torch().narrow_copy(*a), variant="negative_start",
           skips=(Skip("vs_torch_grad", "PyTorch 2.13 cannot backpropagate narrow_copy with a negative start (its "
                       "backward raises a size mismatch); ours can (checked by gradcheck)"),)),
]

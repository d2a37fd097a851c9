"""OpInfos of einsum (ops/einsum.py)."""
import numpy as np

import pyautograd

from .core import OpInfo, SampleInput

F32, F64, I64, BOOL = np.float32, np.float64, np.int64, np.bool_


def _torch():
    """The torch module, imported only when the PyTorch comparison runs a torch_fn."""
    import torch
    return torch


def _rand(rng, shape, dtype, layout="contiguous"):
    """A random array of `shape`; layout 'transposed' or 'strided' gives a non-contiguous one."""
    shape = tuple(shape)
    if layout == "transposed":
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    if layout == "strided":
        return rng.standard_normal((2 * shape[0],) + shape[1:]).astype(dtype)[::2]
    return rng.standard_normal(shape).astype(dtype)


_EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 2)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ij,kj", [(3, 4), (2, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,j->ij", [(3,), (2,)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("bn,anm,bm->ba", [(2, 2), (3, 2, 3), (2, 3)]),
    ("iij,kj->ik", [(2, 2, 3), (4, 3)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("i,i->", [(0,), (0,)]),
]


def einsum_samples(dtype, rng):
    for eq, shapes in _EINSUM:
        layouts = ["transposed" if len(s) == 2 and i == 0 else "contiguous" for i, s in enumerate(shapes)]
        yield SampleInput((eq,) + tuple(_rand(rng, s, dtype, lay) for s, lay in zip(shapes, layouts)), desc=eq)


OPS = [
    OpInfo("einsum", lambda eq, *xs: pyautograd.einsum(eq, *xs), einsum_samples,
           ref=lambda eq, *xs: np.einsum(eq, *xs), torch_fn=lambda eq, *xs: _torch().einsum(eq, *xs),
           tolerances={"float32": (1e-5, 1e-4)}),
]

"""cartesian_prod and combinations: the rows of a product or of the r-combinations of 1-D tensors,
compositions of indexing and stack (PyTorch's last node, StackBackward0), so gradients flow back
to each element as often as it was picked."""
import itertools

import numpy as np

from .. import _creation
from . import indexing, shape, shape_more
from ._surface import declare


def _check_vector(t):
    if t.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors):
    """The Cartesian product of 1-D tensors: one row per tuple, the first tensor varying slowest
    (itertools.product's order). A single tensor is returned as it is, as in PyTorch."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        _check_vector(t)
    if len(tensors) == 1:
        return tensors[0]
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    grids = shape_more.meshgrid(*tensors, indexing="ij")
    return shape.stack([shape.reshape(g, -1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-`r` combinations of the elements of the 1-D `input` (with repeats when
    `with_replacement`), one per row, in itertools.combinations' order."""
    _check_vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _creation.empty(0, dtype=input.dtype)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return shape.stack([indexing.getitem(input, _creation.from_numpy(rows[:, k].copy())) for k in range(r)], 1)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
declare("cartesian_prod", cartesian_prod)
declare("combinations", combinations)

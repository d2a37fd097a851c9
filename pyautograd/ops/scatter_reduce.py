"""scatter_reduce and index_reduce: values reduced into a tensor at indexed positions by sum,
prod, mean, amax or amin (index_reduce: all but sum), with or without the target's own value
(include_self), primitives with PyTorch's nodes (ScatterReduceBackward0, IndexReduceBackward0).

index_reduce runs on scatter_reduce's kernel and formulas with its 1-D index spread over the
source's shape (the same positions); only its node's name differs. The gradients are PyTorch's:
prod's leaves out the zeros it may not divide by, amax/amin share the gradient evenly among the
tied maxima (or minima), and without include_self the scattered targets of input get none."""
import numpy as np

from .. import _creation, kernels
from . import _apply, indexing
from ._apply import DelayedError
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import public
from .indexing import _gather, _scatter_add, _scatter_value
from .pointwise import where

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


class _DoubleBackwardError(DelayedError):
    """The gradient of prod's src where two zeros meet at one target: PyTorch gives its first
    derivative but refuses a second one, and so does this node."""

    __slots__ = ()

    def apply(self, grad_outputs):
        raise RuntimeError(self.what)


def _refuse_double_backward(g, message):
    if g.grad_fn is None:
        return g
    t = _apply.Tensor._make(g._data, True)
    t.grad_fn = _DoubleBackwardError(message, g.grad_fn.next_functions)
    return t


def _counts(input, dim, index, include_self):
    """How many values each target's mean was taken over (at least 1), a constant tensor."""
    data = input._data
    start = np.full(data.shape, 1 if include_self else 0, data.dtype)
    n = kernels.scatter_reduce(start, dim, index, np.ones(index.shape, data.dtype), "sum", True)
    return _creation.tensor(np.maximum(n, 1))


def _prod_grads(grad, input, src, dim, index, include_self, result):
    masked_self = where(input == 0, 1.0, input)
    grad_self = grad * _scatter_reduce(masked_self, dim, index, src, "prod", include_self) / masked_self
    src_zero = src == 0
    zeros_at = _scatter_add(_creation.zeros(input.shape, dtype=input.dtype), dim, index, src_zero.to(input.dtype))
    src_zeros = _gather(zeros_at, dim, index)
    single_zero = src_zero & (src_zeros == 1)
    masked_src_result = _scatter_reduce(input, dim, index, where(single_zero, 1.0, src), "prod", include_self)
    grad_src = where(single_zero, _gather(grad * masked_src_result, dim, index),
                     _gather(grad * result, dim, index) / where(src_zero, 1.0, src))
    if bool((src_zeros._data > 1).any()):
        grad_src = _refuse_double_backward(grad_src, "scatter_reduce(): Double backward is unsupported for src "
                                                     "when >1 zeros in src are scattered to the same position. "
                                                     "Gradient is computed correctly but double backward is "
                                                     "unsupported.")
    return grad_self, grad_src


def _extreme_grads(grad, input, src, dim, index, result):
    value = _gather(result, dim, index)
    self_is = (input == result).to(input.dtype)
    src_is = (src == value).to(input.dtype)
    shared = grad / _scatter_add(self_is, dim, index, src_is)
    return self_is * shared, src_is * _gather(shared, dim, index)


def _grads(grad, input, src, dim, index, reduce, include_self, result):
    if reduce == "sum":
        grad_self, grad_src = grad, _gather(grad, dim, index)
    elif reduce == "prod":
        grad_self, grad_src = _prod_grads(grad, input, src, dim, index, include_self, result)
    elif reduce == "mean":
        n = _counts(input, dim, index, include_self)
        grad_self, grad_src = grad / n, _gather(grad, dim, index) / _gather(n, dim, index)
    else:
        grad_self, grad_src = _extreme_grads(grad, input, src, dim, index, result)
    if not include_self:
        grad_self = _scatter_value(grad_self, dim, index, 0.0)
    return grad_self, grad_src


_scatter_reduce = defop("scatter_reduce", "input, dim, index, src, reduce, include_self", kernels.scatter_reduce,
                        promote=None, tensors=("input", "src"), node_name="ScatterReduceBackward0",
                        grads={"*": _grads})
_index_reduce = defop("index_reduce", "input, dim, index, src, reduce, include_self", kernels.scatter_reduce,
                      promote=None, tensors=("input", "src"), node_name="IndexReduceBackward0",
                      grads={"*": _grads})


def _check_reduce(op, reduce, allowed, message):
    if reduce not in allowed:
        raise RuntimeError(message.format(reduce))
    return reduce


@public(method=True, inplace=True, out="exact")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """`input` with each src[p] reduced ("sum", "prod", "mean", "amax" or "amin") into position p of
    `index`, its dim `dim` replaced by index[p]; include_self=False leaves each scattered target's
    own value out of its reduction. Entries of src beyond the index's extent are not read."""
    Tensor = _apply.Tensor
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    _check_reduce("scatter_reduce", reduce, _REDUCTIONS,
                  "reduce argument must be either sum, prod, mean, amax or amin, got {}")
    dim, idx = indexing._scatter_checks("scatter_reduce", input, dim, index, src)
    if src.shape != idx.shape:  # the part of src that is read, so the rest gets zero gradients
        src = src[tuple(slice(0, n) for n in idx.shape)] if src.ndim else src
    return _scatter_reduce(input, dim, idx, src, reduce, bool(include_self))


@public(method=True, inplace=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of `input` with src[p] (or the number `value`) written at position p of `index`,
    its dim `dim` replaced by index[p]. Where an index repeats, which write remains is unspecified.
    The legacy reduce="add" or "multiply" combines the writes with the target instead (as
    scatter_reduce's "sum" and "prod"; PyTorch has no derivative for this form, pyautograd has)."""
    Tensor = _apply.Tensor
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if (src is None) == (value is None):
        raise TypeError("scatter(): expected exactly one of a Tensor `src` or a number `value`")
    if reduce is not None:
        legacy = {"add": "sum", "multiply": "prod"}
        if reduce not in legacy:
            raise RuntimeError("reduce argument must be either add or multiply.")
        if src is None:
            src = _creation.full(tuple(index.shape), value, dtype=input.dtype)
        return scatter_reduce(input, dim, index, src, legacy[reduce])
    dim, idx = indexing._scatter_checks("scatter", input, dim, index, src)
    if src is None:
        return _scatter_value(input, dim, idx, value)
    return indexing._scatter_src(input, dim, idx, src)


@public(method=True, inplace=True, out="exact")
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """`input` with the slices of `source` along `dim` reduced ("prod", "mean", "amax" or "amin")
    into its slices at the positions of the vector `index`; include_self=False leaves the indexed
    slices' own values out of their reductions."""
    Tensor = _apply.Tensor
    if not isinstance(source, Tensor):
        raise TypeError(f"index_reduce_(): argument 'source' (position 3) must be Tensor, not "
                        f"{type(source).__name__}")
    _check_reduce("index_reduce", reduce, _REDUCTIONS[1:],
                  "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {}.")
    d = wrap_dim(dim, max(input.ndim, 1), "index_reduce")
    idx = indexing._index_arg("index_reduce", index, "int32 or int64")
    if idx.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype}) and source ({source.dtype}) must have the "
                           f"same scalar type")
    in_shape, src_shape = list(input.shape) or [1], list(source.shape) or [1]
    if len(in_shape) != len(src_shape) or any(a != b for k, (a, b) in enumerate(zip(in_shape, src_shape))
                                              if k != d):
        raise RuntimeError(f"index_reduce_(): Source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    if src_shape[d] != idx.size:
        raise RuntimeError(f"index_reduce_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim) ({src_shape[d]})")
    indexing._check_index_values("index_reduce", idx, in_shape[d], d)
    spread = np.broadcast_to(idx.reshape([-1 if k == d else 1 for k in range(len(src_shape))]), src_shape)
    return _index_reduce(input, d, np.ascontiguousarray(spread).reshape(source.shape), source, reduce,
                         bool(include_self))

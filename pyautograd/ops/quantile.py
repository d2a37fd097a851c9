"""quantile and nanquantile: compositions, as PyTorch's (their nodes are those of the ops they run:
sort, gather, lerp, and a closing in-place squeeze, SqueezeBackward4).

The reduced dim is sorted (NaN sorts last); each quantile q sits at rank q * (n - 1) of the n
values (nanquantile: of the non-NaN values; quantile: a row with a NaN gets the last rank, so
its quantile is NaN); the interpolation picks the value below, above or nearest that rank, or
interpolates linearly (or halfway) between them. The ranks depend on the data only through NaN
counts, so they are computed on arrays and only the values carry gradients."""
import numbers

import numpy as np

from .. import _creation
from . import _apply
from ._dims import wrap_dim
from ._surface import public
from .indexing import gather
from .pointwise import lerp
from .selection import sort

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _q_array(q, input):
    """q as a 1-D array in input's dtype, and whether it was a scalar."""
    Tensor = _apply.Tensor
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        qa, scalar = q._data.reshape(-1), q.ndim == 0
    elif isinstance(q, numbers.Real) and not isinstance(q, bool):
        qa, scalar = np.asarray([q], input._data.dtype), True
    else:
        raise TypeError(f"quantile() received an invalid combination of arguments: q must be a float or a "
                        f"Tensor, not {type(q).__name__}")
    bad = (qa < 0) | (qa > 1)
    if bad.any():
        raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {qa[bad][0]}")
    return qa, scalar


def _ranks(sorted_data, qa, ignore_nan):
    """The fractional rank of each quantile in each sorted row: shape rows + (len(qa),)."""
    nan = np.isnan(sorted_data)
    if ignore_nan:
        valid = (~nan).sum(-1, keepdims=True).astype(sorted_data.dtype)
        ranks = qa * (valid - 1)
        return np.where(ranks < 0, 0, ranks).astype(sorted_data.dtype)  # an all-NaN row: rank 0, a NaN
    last = sorted_data.shape[-1] - 1
    ranks = np.broadcast_to(qa * sorted_data.dtype.type(last), nan.shape[:-1] + qa.shape)
    return np.where(nan.any(-1, keepdims=True), sorted_data.dtype.type(last), ranks).astype(sorted_data.dtype)


def _rows(input, dim, keepdim):
    """input with the reduced values along its last dim, the other dims as the result's."""
    if dim is None:
        return input.reshape([1] * input.ndim + [-1] if keepdim else [-1])
    d = wrap_dim(dim, input.ndim, "quantile")
    if input.ndim == 0:
        return input.reshape(1)
    return input.unsqueeze(-1).transpose(d, -1) if keepdim else input.movedim(d, -1)


def _quantile(op, input, q, dim, keepdim, interpolation, ignore_nan):
    if input.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if input._data.dtype.kind != "f" or input._data.dtype.itemsize < 4:
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if interpolation not in _MODES:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    qa, scalar = _q_array(q, input)
    values = sort(_rows(input, dim, keepdim), -1)[0]
    ranks = _ranks(values._data, qa, ignore_nan)
    if interpolation in ("lower", "higher", "nearest"):
        pick = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}[interpolation]  # round: half to even
        result = gather(values, -1, _creation.tensor(pick(ranks).astype(np.int64)))
    else:
        below = ranks.astype(np.int64)  # truncation, as PyTorch
        weights = np.full_like(ranks, 0.5) if interpolation == "midpoint" else (ranks - below).astype(ranks.dtype)
        result = lerp(gather(values, -1, _creation.tensor(below)),
                      gather(values, -1, _creation.tensor(np.ceil(ranks).astype(np.int64))),
                      _creation.tensor(weights))
    if not scalar:
        result = result.unsqueeze(0).transpose(0, -1)  # the quantiles first
    return result.squeeze_(-1)


@public(method=True, out="exact")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a number or a 1-D tensor in [0, 1]) of input's values along `dim`
    (of all of them when dim is None); a 1-D q adds a leading dim of its length. A NaN in the
    reduced values gives NaN. interpolation: "linear", "lower", "higher", "midpoint", "nearest"."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@public(method=True, out="exact")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile of the non-NaN values only (NaN where all the reduced values are NaN)."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, True)

"""Counting and searching ops (integer or bool results, never differentiable): unique,
unique_consecutive, bincount, histc, count_nonzero, isin, bucketize, searchsorted.

unique always returns sorted values (PyTorch's CPU kernel does the same for sorted=False).
Unlike PyTorch, unique's values never require grad (PyTorch marks them so, then refuses to
differentiate them).
"""
from .. import _creation, kernels
from . import _apply
from ._dims import wrap_dim, wrap_dims
from ._opdef import defop
from ._surface import declare

_unique = defop("unique", "input, dim", kernels.unique, promote=None, differentiable=False, num_outputs=3,
                tensors=("input",))
_unique_consecutive = defop("unique_consecutive", "input, dim", kernels.unique_consecutive, promote=None,
                            differentiable=False, num_outputs=3, tensors=("input",))
_bincount = defop("bincount", "input, weights, minlength", kernels.bincount, promote=None, differentiable=False,
                  tensors=("input", "weights"))
_histc = defop("histc", "input, bins, min, max", kernels.histc, promote=None, differentiable=False,
               tensors=("input",))
_count_nonzero = defop("count_nonzero", "input, dims", kernels.count_nonzero, promote=None, complex=True, differentiable=False,
                       tensors=("input",))
_isin = defop("isin", "elements, test_elements, invert", kernels.isin, promote=None, differentiable=False,
              tensors=("elements", "test_elements"))
_searchsorted = defop("searchsorted", "sorted_sequence, input, right", kernels.searchsorted, promote=None,
                      differentiable=False, tensors=("sorted_sequence", "input"))


def _pick(results, return_inverse, return_counts):
    values, inverse, counts = results
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out if len(out) > 1 else values


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The unique elements (sorted), and optionally the index of each input element in them and
    how often each occurs; with `dim`, the unique slices along it."""
    d = None if dim is None else wrap_dim(dim, input.ndim, "unique")
    return _pick(_unique(input, d), return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """The first element of each run of equal consecutive elements (optionally each element's run
    index and the run lengths); with `dim`, runs of equal slices."""
    d = None if dim is None else wrap_dim(dim, input.ndim, "unique_consecutive")
    return _pick(_unique_consecutive(input, d), return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    """Occurrences of each value 0..max of a 1-D non-negative integer tensor (or the sums of
    their weights)."""
    if input.ndim != 1 or input.is_floating_point():
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got {input.dtype} of shape "
                           f"{list(input.shape)})")
    if input.numel() and bool((input < 0).any()):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return _bincount(input, weights, int(minlength))


def histc(input, bins=100, min=0, max=0):  # noqa: A002 -- PyTorch's names
    """A histogram of `bins` equal bins over [min, max] ([input.min(), input.max()] when both are 0)."""
    if max < min:
        raise RuntimeError("max must be larger than min")
    return _histc(input, int(bins), float(min), float(max))


def count_nonzero(input, dim=None):
    """The number of non-zero elements, over `dim` (an int or a tuple; all when None)."""
    dims = None if dim is None else wrap_dims(dim, input.ndim, "count_nonzero")
    return _count_nonzero(input, dims)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of `elements` occurs in `test_elements` (a tensor or a number)."""
    if not isinstance(test_elements, _apply.Tensor):
        test_elements = _creation.tensor(test_elements)
    if not isinstance(elements, _apply.Tensor):
        elements = _creation.tensor(elements)
    return _isin(elements, test_elements, bool(invert))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of `input`, its insertion index in the sorted last dim of `sorted_sequence`
    (the first such index, or the last with right=True / side="right")."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)
    out = _searchsorted(sorted_sequence, input, bool(right))
    return out.int() if out_int32 else out


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value of `input` among the sorted 1-D `boundaries`."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn, _method, _out in (("bincount", bincount, True, None), ("bucketize", bucketize, None, "exact"),
                                  ("count_nonzero", count_nonzero, True, None), ("histc", histc, True, "exact"),
                                  ("isin", isin, None, "cast"), ("searchsorted", searchsorted, None, "exact"),
                                  ("unique", unique, True, None), ("unique_consecutive", unique_consecutive, True, None)):
    declare(_name, _fn, method=_method, out=_out)

"""Selection ops: sort, argsort, topk, kthvalue, median, mode.

Each returns the selected values with their int64 indices (a named tuple, as
torch.return_types). The gradient of the values goes back to the positions they were
taken from -- a scatter of the incoming gradient at the indices, itself differentiable
(its gradient is a gather), so double backward works.
"""
import numbers

from .. import _creation, kernels, return_types
from . import indexing
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import declare


def _zeros(shape, like):
    return _creation.zeros(shape, dtype=like.dtype)


def _scatter_back(grad, index, shape, dim, keepdim=True):
    """Zeros of `shape` with `grad` placed at `index` along `dim` (the selected positions)."""
    if not shape:
        return grad
    if not keepdim:
        grad, index = grad.unsqueeze(dim), index.unsqueeze(dim)
    return indexing._scatter_add(_zeros(shape, grad), dim, index._data, grad)


def _values_grad(grad, result, input_shapes, dim):
    return _scatter_back(grad[0], result[1], input_shapes[0], dim)


def _reduced_grad(grad, result, input_shapes, dim, keepdim):
    return _scatter_back(grad[0], result[1], input_shapes[0], dim, keepdim)


_sort = defop("sort", "input, dim, descending, stable", kernels.sort, promote=None, num_outputs=2,
              nondiff_outputs=(1,), grads={"input": _values_grad})
# sort(..., stable=...) is PyTorch's other overload, with its own node (SortBackward1).
_sort_stable = defop("sort_stable", "input, dim, descending, stable", kernels.sort, promote=None, num_outputs=2,
                     node_name="SortBackward1", nondiff_outputs=(1,), grads={"input": _values_grad})
_topk = defop("topk", "input, k, dim, largest, sorted", kernels.topk, promote=None, num_outputs=2,
              nondiff_outputs=(1,), grads={"input": _values_grad})
_kthvalue = defop("kthvalue", "input, k, dim, keepdim", kernels.kthvalue, promote=None, num_outputs=2,
                  nondiff_outputs=(1,), grads={"input": _reduced_grad})
_median_dim = defop("median_dim", "input, k, dim, keepdim", kernels.kthvalue, promote=None, num_outputs=2,
                    node_name="MedianBackward1", nondiff_outputs=(1,), grads={"input": _reduced_grad})
_mode = defop("mode", "input, dim, keepdim", kernels.mode, promote=None, num_outputs=2,
              nondiff_outputs=(1,), grads={"input": _reduced_grad})


def _median_forward(input):
    flat = input.reshape(-1)
    return kernels.kthvalue(flat, (flat.size - 1) // 2 + 1, 0, False)[0]


def _median_all_grad(grad, input, result):
    # PyTorch's evenly_distribute_backward: the elements equal to the median share the gradient.
    mask = input == result
    return (grad / mask.sum()) * mask


_median_all = defop("median_all", "input", _median_forward, promote=None, node_name="MedianBackward0",
                    grads={"input": _median_all_grad})


def _dim_size(op, input, dim):
    d = wrap_dim(dim, input.ndim, op)
    return d, (input._data.shape[d] if input.ndim else 1)


def _check_int(op, name, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}")


def sort(input, dim=-1, descending=False, stable=None):
    """(values, indices) of `input` sorted along `dim` (ascending unless `descending`; NaN largest).
    The sort is always stable here; passing `stable` selects PyTorch's other overload (SortBackward1).

    Example: ``torch.sort(torch.tensor([3., 1., 2.]))`` -> values [1, 2, 3], indices [1, 2, 0].
    """
    d, _ = _dim_size("sort", input, dim)
    op = _sort if stable is None else _sort_stable
    return return_types.sort(op(input, d, bool(descending), True))


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort `input` along `dim` (sort's second output)."""
    d, _ = _dim_size("argsort", input, dim)
    return _sort(input.detach(), d, bool(descending), bool(stable))[1]


def msort(input):
    """`input` sorted along its first dim (sort(input, 0).values)."""
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the `k` largest elements along `dim` (smallest if not `largest`),
    in order. As PyTorch, a k larger than the dim raises RuntimeError."""
    _check_int("topk", "k", k)
    d, size = _dim_size("topk", input, dim)
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range (k={k}, dim {d} of {list(input.shape)} has size {size})")
    return return_types.topk(_topk(input, int(k), d, bool(largest), bool(sorted)))


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element (1-based) along `dim`."""
    _check_int("kthvalue", "k", k)
    d, size = _dim_size("kthvalue", input, dim)
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} "
                           f"(k={k}, size {size})")
    return return_types.kthvalue(_kthvalue(input, int(k), d, bool(keepdim)))


def median(input, dim=None, keepdim=False):
    """The lower median of all elements (a 0-d tensor); with `dim`, (values, indices) of the
    lower median along it."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("median() input tensor cannot be empty")
        return _median_all(input)
    d, size = _dim_size("median", input, dim)
    if size == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    return return_types.median(_median_dim(input, (size - 1) // 2 + 1, d, bool(keepdim)))


def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along `dim` (the smallest among ties) and the
    index of its last occurrence."""
    d, size = _dim_size("mode", input, dim)
    if size == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    return return_types.mode(_mode(input, d, bool(keepdim)))


__all__ = ["argsort", "kthvalue", "median", "mode", "msort", "sort", "topk"]


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn, _out in (("sort", sort, "exact"), ("argsort", argsort, None), ("msort", msort, "exact"),
                         ("topk", topk, "exact"), ("kthvalue", kthvalue, "exact"), ("median", median, None),
                         ("mode", mode, "exact")):
    declare(_name, _fn, method=True, out=_out)

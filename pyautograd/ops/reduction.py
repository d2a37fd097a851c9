"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, vector
norms, logsumexp, the softmax family (with their fused backward ops) and all/any.

Formulas follow PyTorch's derivatives.yaml, including its choices where the
reduction is not differentiable: max/min over all elements spread the gradient
evenly over tied maxima (MaxBackward1), max/min along a dim send it to the
returned index only (MaxBackward0), amax/amin spread it evenly over the ties
of each slice, prod divides by the input only when no input is zero (else it
takes the products of the other elements, exact at any number of zeros), and
the 2-norm's gradient at 0 is 0.

Dims arrive normalized by the front ends (composite.py): a sorted tuple of
non-negative ints, or None for every dim.
"""
import math

import numpy as np

from .. import kernels
from .._creation import arange, ones_like, zeros_like
from ..graph import grad_mode
from ._opdef import defop
from .pointwise import isnan, where
from .shape import _cat


def _kept_shape(shape, dims):
    """`shape` with the reduced `dims` (None: all) kept as size 1."""
    return tuple(1 if dims is None or i in dims else s for i, s in enumerate(shape))


def _restore(t, shape, dims, keepdim):
    """A reduced tensor (a result or its gradient) in keepdim form, so it broadcasts over the input."""
    if keepdim or not shape:
        return t
    return t.reshape(_kept_shape(shape, dims))


def _expand_back(grad, shape, dims, keepdim):
    return _restore(grad, shape, dims, keepdim).expand(shape)


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


# -- sum, mean ----------------------------------------------------------------------------

sum_all = defop("sum_all", "input", lambda input: kernels.sum(input, None, False), promote=None,
                node_name="SumBackward0",
                grads={"input": lambda grad, input_shapes: grad.expand(input_shapes[0])})

sum_dim = defop("sum_dim", "input, dims, keepdim", kernels.sum, promote=None, node_name="SumBackward1",
                grads={"input": lambda grad, input_shapes, dims, keepdim:
                       _expand_back(grad, input_shapes[0], dims, keepdim)})

mean_all = defop("mean_all", "input", lambda input: kernels.mean(input, None, False), promote=None,
                 node_name="MeanBackward0",
                 grads={"input": lambda grad, input_shapes:
                        grad.expand(input_shapes[0]) / max(_count(input_shapes[0], range(len(input_shapes[0]))), 1)})

mean_dim = defop("mean_dim", "input, dims, keepdim", kernels.mean, promote=None, node_name="MeanBackward1",
                 grads={"input": lambda grad, input_shapes, dims, keepdim:
                        _expand_back(grad, input_shapes[0], dims, keepdim) / max(_count(input_shapes[0], dims), 1)})

# -- prod -----------------------------------------------------------------------------------


def _prod_forward(input, dim, keepdim):
    """The product over `dim` (None: every element) by multiplying halves pairwise
    (log2(n) kernel calls; there is no prod kernel)."""
    if dim is None or input.ndim == 0:
        v = kernels.reshape(input, (input.size,))
        out_shape = _kept_shape(input.shape, None) if keepdim else ()
    else:
        rest = [d for d in range(input.ndim) if d != dim]
        v = kernels.permute(input, tuple(rest) + (dim,))
        out_shape = _kept_shape(input.shape, (dim,)) if keepdim else tuple(input.shape[d] for d in rest)
    last = v.ndim - 1
    n = v.shape[last]
    if n == 0:  # the empty product is 1: (the empty sum) + 1, in the input's dtype
        return kernels.reshape(kernels.add(kernels.sum(v, (last,), False), 1), out_shape)
    while n > 1:
        half = n // 2
        paired = kernels.mul(kernels.getitem(v, (Ellipsis, slice(0, half))),
                             kernels.getitem(v, (Ellipsis, slice(half, 2 * half))))
        if n % 2:
            paired = kernels.concatenate((paired, kernels.getitem(v, (Ellipsis, slice(n - 1, n)))), last)
        v, n = paired, half + n % 2
    return kernels.copy(kernels.reshape(v, out_shape))


def _cumprod(t, dim):
    """Inclusive running products along `dim`, in differentiable ops (a log-depth scan)."""
    n = t.shape[dim]
    step = 1
    while step < n:
        t = _cat(t.narrow(dim, 0, step), t.narrow(dim, step, n - step) * t.narrow(dim, 0, n - step), dim=dim)
        step *= 2
    return t


def _exclusive_products(x, dim):
    """For each element along `dim`, the product of all the others, without division (so exact
    at zeros): running products from the front times running products from the back."""
    n = x.shape[dim]
    if n == 1:
        return ones_like(x)
    front = _cumprod(x.narrow(dim, 0, n - 1), dim)  # front[i] = x0 .. xi
    back = _cumprod(x.narrow(dim, 1, n - 1).flip(dim), dim).flip(dim)  # back[i] = x(i+1) .. x(n-1)
    middle = front.narrow(dim, 0, n - 2) * back.narrow(dim, 1, n - 2)
    # Every piece comes from x (no constant joins the cat), so all or none of them need a gradient.
    return _cat(back.narrow(dim, 0, 1), middle, front.narrow(dim, n - 2, 1), dim=dim)


def _prod_backward(grad, input, result, dim, keepdim):
    """PyTorch's prod_backward: grad * result / input without zeros, else the exclusive products."""
    if input.ndim == 0:
        return grad
    zeros = int((input == 0).sum())
    if dim is None:
        if zeros == 0:
            return grad * (result / input)
        if zeros > 1 and not grad_mode.is_grad_enabled():
            return zeros_like(input)
        return (grad * _exclusive_products(input.reshape(-1), 0)).reshape(input.shape)
    if not keepdim:
        grad, result = grad.unsqueeze(dim), result.unsqueeze(dim)
    if zeros == 0:
        return grad * (result / input)
    return grad * _exclusive_products(input, dim)


prod_all = defop("prod_all", "input", lambda input: _prod_forward(input, None, False), promote=None,
                 node_name="ProdBackward0",
                 grads={"input": lambda grad, input, result: _prod_backward(grad, input, result, None, False)})

prod_dim = defop("prod_dim", "input, dim, keepdim", _prod_forward, promote=None, node_name="ProdBackward1",
                 grads={"input": _prod_backward})

# -- max, min, amax, amin, argmax, argmin ------------------------------------------------------------


def _evenly_distribute(grad, input, result):
    """The gradient of a whole-tensor max/min, shared evenly by the elements equal to it."""
    mask = isnan(input) if bool(isnan(result)) else input == result
    return where(mask, grad / mask.sum(), 0.0)


max_all = defop("max_all", "input", lambda input: kernels.max(input, None, False), promote=None,
                node_name="MaxBackward1", grads={"input": _evenly_distribute})
min_all = defop("min_all", "input", lambda input: kernels.min(input, None, False), promote=None,
                node_name="MinBackward1", grads={"input": _evenly_distribute})


def _selecting(values, indices):
    def forward(input, dim, keepdim):
        if input.ndim == 0:
            return values(input, None, False), indices(input, None, False)
        return values(input, (dim,), keepdim), indices(input, dim, keepdim)
    return forward


def _select_backward(grad, result, input_shapes, dim, keepdim):
    """The gradient of a (values, indices) reduction: all to the returned index of each slice."""
    grad, index = grad[0], result[1]
    shape = input_shapes[0]
    if not shape:
        return grad
    if not keepdim:
        grad, index = grad.unsqueeze(dim), index.unsqueeze(dim)
    positions = arange(shape[dim]).reshape([n if d == dim else 1 for d, n in enumerate(shape)])
    return where(positions == index, grad, 0.0)


max_dim = defop("max_dim", "input, dim, keepdim", _selecting(kernels.max, kernels.argmax), promote=None,
                node_name="MaxBackward0", num_outputs=2, nondiff_outputs=(1,),
                grads={"input": _select_backward})
min_dim = defop("min_dim", "input, dim, keepdim", _selecting(kernels.min, kernels.argmin), promote=None,
                node_name="MinBackward0", num_outputs=2, nondiff_outputs=(1,),
                grads={"input": _select_backward})


def _amax_backward(grad, input, result, dims, keepdim):
    """PyTorch's scale_grad_by_count: each slice's gradient shared evenly by its ties."""
    shape = input.shape
    mask = _restore(result, shape, dims, keepdim) == input
    return _restore(grad, shape, dims, keepdim) / mask.sum(dims, keepdim=True) * mask


amax = defop("amax", "input, dims, keepdim", kernels.max, promote=None, grads={"input": _amax_backward})
amin = defop("amin", "input, dims, keepdim", kernels.min, promote=None, grads={"input": _amax_backward})

argmax = defop("argmax", "input, dim, keepdim", kernels.argmax, promote=None, differentiable=False,
               tensors=("input",))
argmin = defop("argmin", "input, dim, keepdim", kernels.argmin, promote=None, differentiable=False,
               tensors=("input",))

# -- var, std ---------------------------------------------------------------------------------------


def _var_backward(grad, input, dims, correction, keepdim):
    """PyTorch's var_backward: 2 / (N - correction) * grad * (input - mean)."""
    if input.ndim == 0 or dims is None:
        dof = input.numel() - correction
        if dof <= 0:
            # 2 / dof is infinite: inf where the input is off its mean, 0 * inf = nan on it.
            return grad * where(input == input.mean(), math.nan, math.inf)
        return (2.0 / dof) * grad * (input - input.mean())
    dof = _count(input.shape, dims) - correction
    scale = 2.0 / dof if dof else math.inf
    return scale * _restore(grad, input.shape, dims, keepdim) * (input - input.mean(dims, keepdim=True))


def _std_backward(grad, input, result, dims, correction, keepdim):
    """PyTorch's std_backward: the var gradient of grad / (2 std), 0 where std is 0."""
    return _var_backward(where(result == 0, 0.0, grad / (2 * result)), input, dims, correction, keepdim)


var = defop("var", "input, dims, correction, keepdim",
            lambda input, dims, correction, keepdim: kernels.var(input, dims, correction, keepdim),
            promote=None, grads={"input": _var_backward})
def _std_forward(input, dims, correction, keepdim):
    v = kernels.var(input, dims, correction, keepdim)
    if input.dtype.itemsize < 8 and np.isinf(v).any():
        # the variance of large float32 values overflows where their std does not (3e38 values
        # have a std of 3e38): PyTorch accumulates in double, so redo it in float64
        v = kernels.var(input.astype(np.float64), dims, correction, keepdim)
        return kernels.sqrt(v).astype(input.dtype)
    return kernels.sqrt(v)


std = defop("std", "input, dims, correction, keepdim", _std_forward, promote=None, grads={"input": _std_backward})

# -- vector norm ----------------------------------------------------------------------------------


def _vector_norm_forward(input, ord, dims, keepdim):
    if ord == 2:
        return kernels.sqrt(kernels.sum(kernels.mul(input, input), dims, keepdim))
    if ord == 0:
        return kernels.astype(kernels.sum(kernels.ne(input, 0), dims, keepdim), input.dtype)
    size = kernels.abs(input)
    if ord == math.inf:
        return kernels.max(size, dims, keepdim)
    if ord == -math.inf:
        return kernels.min(size, dims, keepdim)
    if ord == 1:
        return kernels.sum(size, dims, keepdim)
    return kernels.pow(kernels.sum(kernels.pow(size, ord), dims, keepdim), 1.0 / ord)


def _vector_norm_backward(grad, input, result, ord, dims, keepdim):
    """PyTorch's norm_backward, one branch per kind of order."""
    if ord == 0:
        return None
    shape = input.shape
    grad, norm = _restore(grad, shape, dims, keepdim), _restore(result, shape, dims, keepdim)
    if ord == 1:
        return input.sign() * grad
    if ord == 2:
        return grad * where(norm == 0, 0.0, input / norm)
    if math.isinf(ord):
        size = input.abs()
        mask = (size == norm) | isnan(size)
        return input.sign() * (grad / mask.sum(dims, keepdim=True) * mask)
    if ord < 1:
        scaled = input.sign() * where(input == 0, 0.0, input.abs() ** (ord - 1))
        return scaled * grad * norm ** (1 - ord)
    scaled = input.sign() * input.abs() ** (ord - 1) if ord < 2 else input * input.abs() ** (ord - 2)
    return scaled * where(norm == 0, 0.0, grad / norm ** (ord - 1))


linalg_vector_norm = defop("linalg_vector_norm", "input, ord, dims, keepdim", _vector_norm_forward,
                           promote=None, grads={"input": _vector_norm_backward})

# -- logsumexp ------------------------------------------------------------------------------------

logsumexp = defop("logsumexp", "input, dims, keepdim", kernels.logsumexp, promote="float",
                  grads={"input": lambda grad, input, result, dims, keepdim:
                         _restore(grad, input.shape, dims, keepdim)
                         * (input - _restore(result, input.shape, dims, keepdim)).exp()})

# -- softmax, log_softmax and their fused backward ops ------------------------------------------


def _softmax_double_backward(grad, grad_output, output, dim):
    """d/d(output) of output * (grad_output - sum(grad_output * output)), against `grad`."""
    return (grad_output * grad - (output * grad_output).sum(dim, keepdim=True) * grad
            - grad_output * (output * grad).sum(dim, keepdim=True))


_softmax_backward_data = defop(
    "_softmax_backward_data", "grad_output, output, dim", kernels.softmax_backward, promote=None,
    grads={"grad_output": lambda grad, output, dim: _softmax_backward_data(grad, output, dim),
           "output": _softmax_double_backward})

_log_softmax_backward_data = defop(
    "_log_softmax_backward_data", "grad_output, output, dim", kernels.log_softmax_backward, promote=None,
    grads={"grad_output": lambda grad, output, dim: grad - (grad * output.exp()).sum(dim, keepdim=True),
           "output": lambda grad, grad_output, output, dim:
           -grad_output.sum(dim, keepdim=True) * output.exp() * grad})

_softmax = defop("_softmax", "input, dim", kernels.softmax, promote=None,
                 grads={"input": lambda grad, result, dim: _softmax_backward_data(grad, result, dim)})
_log_softmax = defop("_log_softmax", "input, dim", kernels.log_softmax, promote=None,
                     grads={"input": lambda grad, result, dim: _log_softmax_backward_data(grad, result, dim)})

# -- all, any (no gradient) -------------------------------------------------------------------------


def _truth(result, input):
    # PyTorch keeps uint8 for uint8 inputs (a legacy rule); every other dtype gives bool.
    return kernels.astype(result, input.dtype) if input.dtype.kind == "u" else result


def _all_forward(input, dims, keepdim):
    return _truth(kernels.eq(kernels.sum(kernels.eq(input, 0), dims, keepdim), 0), input)


def _any_forward(input, dims, keepdim):
    return _truth(kernels.gt(kernels.sum(kernels.ne(input, 0), dims, keepdim), 0), input)


all_ = defop("all", "input, dims, keepdim", _all_forward, promote=None, differentiable=False,
             tensors=("input",))
any_ = defop("any", "input, dims, keepdim", _any_forward, promote=None, differentiable=False,
             tensors=("input",))

"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, vector
norms, logsumexp, the softmax family (with their fused backward ops) and all/any.

Formulas follow PyTorch's derivatives.yaml, including its choices where the
reduction is not differentiable: max/min over all elements spread the gradient
evenly over tied maxima (MaxBackward1), max/min along a dim send it to the
returned index only (MaxBackward0), amax/amin spread it evenly over the ties
of each slice, prod divides by the input only when no input is zero (else it
takes the products of the other elements, exact at any number of zeros), and
the 2-norm's gradient at 0 is 0.

Dims arrive normalized by the front ends (at the end of this file): a sorted tuple of
non-negative ints, or None for every dim.

The file ends with the family's front ends (``@public``): argument checks, the choice among
PyTorch's overloads (each overload a primitive above, with its own node name) and the ops
that are compositions; a primitive sharing its public name with its front end is named
``<name>_op`` here (the op and its node keep PyTorch's name).
"""
import builtins
import math
import numbers
import warnings

import numpy as np

from .. import _dtype, kernels, return_types
from .._creation import arange, ones_like, zeros
from .._tensor import Tensor
from ..graph.grad_mode import no_grad
from . import pointwise
from ._dims import wrap_dim, wrap_dims
from ._opdef import defop
from ._surface import public
from .pointwise import isnan, where
from .shape import _cat
from .decompositions import svdvals  # the SVD orders of matrix_norm and cond (issue 12)
from .linalg_more import inv_ex  # cond's inverse orders (issue 12)


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

sum_all = defop("sum_all", "input", lambda input: kernels.sum(input, None, False), promote=None, complex=True,
                node_name="SumBackward0",
                grads={"input": lambda grad, input_shapes: grad.expand(input_shapes[0])})

sum_dim = defop("sum_dim", "input, dims, keepdim", kernels.sum, promote=None, complex=True, node_name="SumBackward1",
                grads={"input": lambda grad, input_shapes, dims, keepdim:
                       _expand_back(grad, input_shapes[0], dims, keepdim)})

mean_all = defop("mean_all", "input", lambda input: kernels.mean(input, None, False), promote=None, complex=True,
                 node_name="MeanBackward0",
                 grads={"input": lambda grad, input_shapes:
                        grad.expand(input_shapes[0])
                        / builtins.max(_count(input_shapes[0], range(len(input_shapes[0]))), 1)})

mean_dim = defop("mean_dim", "input, dims, keepdim", kernels.mean, promote=None, complex=True,
                 node_name="MeanBackward1",
                 grads={"input": lambda grad, input_shapes, dims, keepdim:
                        _expand_back(grad, input_shapes[0], dims, keepdim)
                        / builtins.max(_count(input_shapes[0], dims), 1)})

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
        return (grad * _exclusive_products(input.reshape(-1), 0)).reshape(input.shape)
    if not keepdim:
        grad, result = grad.unsqueeze(dim), result.unsqueeze(dim)
    if zeros == 0:
        return grad * (result / input)
    return grad * _exclusive_products(input, dim)


def _prod_all_fast(grad, input, result):
    """prod's backward when no graph is built (its fast_backward): with two zeros or more, every
    product of the other elements is 0."""
    if input.ndim and np.count_nonzero(input == 0) > 1:
        return (np.zeros_like(input),)
    return (_prod_backward(Tensor._wrap(grad), Tensor._wrap(input), Tensor._wrap(result), None, False)._data,)


prod_all = defop("prod_all", "input", lambda input: _prod_forward(input, None, False), promote=None,
                 node_name="ProdBackward0",
                 grads={"input": lambda grad, input, result: _prod_backward(grad, input, result, None, False)},
                 fast_backward=_prod_all_fast)

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


amax_op = defop("amax", "input, dims, keepdim", kernels.max, promote=None, grads={"input": _amax_backward})
amin_op = defop("amin", "input, dims, keepdim", kernels.min, promote=None, grads={"input": _amax_backward})

argmax_op = defop("argmax", "input, dim, keepdim", kernels.argmax, promote=None, differentiable=False,
                  tensors=("input",))
argmin_op = defop("argmin", "input, dim, keepdim", kernels.argmin, promote=None, differentiable=False,
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


var_op = defop("var", "input, dims, correction, keepdim",
               lambda input, dims, correction, keepdim: kernels.var(input, dims, correction, keepdim),
               promote=None, grads={"input": _var_backward})


def _std_forward(input, dims, correction, keepdim):
    v = kernels.var(input, dims, correction, keepdim)
    if input.dtype.itemsize < 8 and np.isinf(v).any():
        # the variance of large float32 values overflows where their std does not (3e38 values
        # have a std of 3e38): PyTorch accumulates in double, so redo it in float64
        v = kernels.var(input.astype(np.float64), dims, correction, keepdim)
        with np.errstate(over="ignore"):  # a std past float32's range is inf, silently, as in PyTorch
            return kernels.sqrt(v).astype(input.dtype)
    return kernels.sqrt(v)


std_op = defop("std", "input, dims, correction, keepdim", _std_forward, promote=None, grads={"input": _std_backward})

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

logsumexp_op = defop("logsumexp", "input, dims, keepdim", kernels.logsumexp, promote="float",
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


# -- front ends: argument handling and the choice among the primitives above -----------------------

@public(method=True, out="dtype")
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over all elements, or over `dim` (an int or a tuple; empty: every dim)."""
    input = _product_input(input, dtype)
    if dim is None:
        return _as_bool_if(sum_all(input), dtype)
    return _as_bool_if(sum_dim(input, _reduce_dims(dim, input.ndim, "sum"), bool(keepdim)), dtype)


def _as_bool_if(result, dtype):
    """sum/prod with dtype=torch.bool give bools, as PyTorch (any / all of the input's truth);
    the bools are counted (or multiplied) in int64, so the result is that count's truth."""
    return result.to(_dtype.bool) if dtype is _dtype.bool else result


@public(method=True, out="cast")
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over all elements, or over `dim` (an int or a tuple; empty: every dim)."""
    dtype = _dtype.dtype_arg(dtype, "mean")
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point and not input.dtype.is_complex:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    if dim is None:
        return mean_all(input)
    return mean_dim(input, _reduce_dims(dim, input.ndim, "mean"), bool(keepdim))


# nansum: NaNs count as zero (one node, NansumBackward0, whose gradient skips them); nanmean is
# PyTorch's composite, nansum divided by the count of non-NaN elements (DivBackward0).
def _nansum_forward(input, dims, keepdim):
    return np.asarray(np.nansum(input, axis=dims, keepdims=keepdim), dtype=input.dtype)


nansum_op = defop("nansum", "input, dims, keepdim", _nansum_forward, promote=None,
                  grads={"input": lambda grad, input, input_shapes, dims, keepdim:
                         _expand_back(grad, input_shapes[0], dims, keepdim) * (~isnan(input)).to(grad.dtype)})


@public(method=True, out="dtype")
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum treating NaN as zero, over all elements or over `dim` (an int or a tuple)."""
    input = _product_input(input, dtype)
    dims = tuple(range(input.ndim)) if dim is None else _reduce_dims(dim, input.ndim, "nansum")
    return nansum_op(input, dims, bool(keepdim))


@public(method=True, out="cast")
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements, over all elements or over `dim` (NaN where all are NaN)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_type_name(input._data.dtype)}")
    count = (~isnan(input)).sum() if dim is None else (~isnan(input)).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype).div(count)


_TYPE_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
               "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _type_name(dtype):
    """PyTorch's scalar type name of a dtype, as its messages print it ('Float', 'Long')."""
    return _TYPE_NAMES[dtype.name]


def _dim_list(dim, ndim, op):
    """`dim` (an int or a sequence of ints) as a sorted tuple of non-negative dims."""
    parts = (dim,) if isinstance(dim, numbers.Integral) else dim
    if not isinstance(parts, (tuple, list)) or not builtins.all(
            isinstance(d, numbers.Integral) and not isinstance(d, builtins.bool) for d in parts):
        raise TypeError(f"{op}(): argument 'dim' must be int or tuple of ints, not {type(dim).__name__}")
    return wrap_dims(dim, ndim, op)


def _reduce_dims(dim, ndim, op):
    """`dim` (an int or a sequence of ints) as a sorted tuple of dims; an empty one means every
    dim, as in PyTorch."""
    return _dim_list(dim, ndim, op) or tuple(range(ndim))


def _shape_note(input):
    return f" (input of shape {list(input._data.shape)})"


def _require_nonempty(op, input, dims):
    """PyTorch's errors for a reduction without identity (max, amin, argmax...) over nothing:
    RuntimeError when no dim was given, IndexError naming the first empty reduced dim."""
    shape = input._data.shape
    if dims is None:
        if input._data.size == 0:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.{_shape_note(input)}")
        return
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.{_shape_note(input)}")


def _int_dim(op, dim):
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return dim


def _product_input(input, dtype):
    """The input of sum/prod: cast to `dtype`, or integers and bools widened to int64."""
    dtype = _dtype.dtype_arg(dtype, "sum")
    if dtype is not None:
        return input.to(dtype)
    if input.dtype.numpy_dtype.kind in "biu":
        return input.to(_dtype.int64)
    return input


@public(method=True, out="dtype")
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements (ProdBackward0), or along the int `dim` (ProdBackward1)."""
    input = _product_input(input, dtype)
    if dim is None:
        return _as_bool_if(prod_all(input), dtype)
    dim = wrap_dim(_int_dim("prod", dim), input.ndim, "prod")
    return _as_bool_if(prod_dim(input, dim, bool(keepdim)), dtype)


def _extreme(op, input, dim, keepdim, other, whole, along, binary, result_type):
    """max/min: over all elements, along an int dim ((values, indices)), or elementwise with `other`."""
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if other is not None:
        if not isinstance(other, Tensor) or dim is not None or keepdim:
            raise _overload_error(op, other if dim is None else dim)
        return binary(input, other)
    if dim is None:
        if keepdim:
            raise TypeError(f"{op}(): keepdim=True needs a dim; {op}(input) reduces every dim to a 0-d tensor")
        _require_nonempty(op, input, None)
        return whole(input)
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise _overload_error(op, dim)
    d = wrap_dim(dim, input.ndim, op)
    _require_nonempty(op, input, (d,) if input.ndim else ())
    return result_type(along(input, d, bool(keepdim)))


def _overload_error(op, got):
    return TypeError(f"{op}() received an invalid combination of arguments - got ({type(got).__name__}), but "
                     f"expected one of: (), (Tensor other), (int dim, bool keepdim = False)")


@public(method=True, out="exact")
def max(input, dim=None, keepdim=False, *, other=None):
    """The largest element (MaxBackward1, the gradient shared by ties); along `dim`, a
    (values, indices) named tuple (MaxBackward0, the gradient to the returned index);
    with a tensor `other`, the elementwise maximum."""
    return _extreme("max", input, dim, keepdim, other, max_all, max_dim,
                    pointwise.maximum, return_types.max)


@public(method=True, out="exact")
def min(input, dim=None, keepdim=False, *, other=None):
    """The smallest element; along `dim`, (values, indices); with `other`, the elementwise minimum."""
    return _extreme("min", input, dim, keepdim, other, min_all, min_dim,
                    pointwise.minimum, return_types.min)


def _amax_amin(op, fn, input, dim, keepdim):
    given = _dim_list(dim, input.ndim, op)
    _require_nonempty(op, input, given if given else None)
    return fn(input, given or tuple(range(input.ndim)), bool(keepdim))


@public(method=True, out="exact")
def amax(input, dim=(), keepdim=False):
    """The largest values over `dim` (an int or a tuple; empty: every dim); ties share the gradient."""
    return _amax_amin("amax", amax_op, input, dim, keepdim)


@public(method=True, out="exact")
def amin(input, dim=(), keepdim=False):
    """The smallest values over `dim` (an int or a tuple; empty: every dim); ties share the gradient."""
    return _amax_amin("amin", amin_op, input, dim, keepdim)


# aminmax: both extremes from one node (AminmaxBackward0), each gradient shared by its ties as amin's
# and amax's are.
def _aminmax_backward(grad, input, result, dims, keepdim):
    g_min, g_max = grad
    low, high = result
    return _amax_backward(g_min, input, low, dims, keepdim) + _amax_backward(g_max, input, high, dims, keepdim)


aminmax_op = defop("aminmax", "input, dims, keepdim",
                   lambda input, dims, keepdim: (kernels.min(input, dims, keepdim), kernels.max(input, dims, keepdim)),
                   promote=None, num_outputs=2, grads={"input": _aminmax_backward})


@public(method=True, out="exact")
def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over all elements, or over `dim` (an int), as torch.aminmax: a named tuple."""
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                               "no identity.")
        dims = tuple(range(input.ndim))
    else:
        d = wrap_dim(_int_dim("aminmax", dim), builtins.max(input.ndim, 1), "aminmax")
        if input.ndim and input._data.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if input.ndim else ()
    low, high = aminmax_op(input, dims, bool(keepdim))
    return return_types.aminmax((low, high))


def _arg_extreme(op, fn, input, dim, keepdim):
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{op}(): does not support bool input")
    if dim is None or input.ndim == 0:
        if dim is not None:
            wrap_dim(_int_dim(op, dim), 0, op)
        if input._data.size == 0:
            raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0."
                             f"{_shape_note(input)}")
        return fn(input, None, bool(keepdim))
    d = wrap_dim(_int_dim(op, dim), input.ndim, op)
    _require_nonempty(op, input, (d,))
    return fn(input, d, bool(keepdim))


@public(method=True, out="exact")
def argmax(input, dim=None, keepdim=False):
    """The int64 index of the largest element (in the flattened input, or along `dim`); first of ties."""
    return _arg_extreme("argmax", argmax_op, input, dim, keepdim)


@public(method=True, out="exact")
def argmin(input, dim=None, keepdim=False):
    """The int64 index of the smallest element (in the flattened input, or along `dim`); first of ties."""
    return _arg_extreme("argmin", argmin_op, input, dim, keepdim)


def _moment(op, fn, input, dim, unbiased, keepdim, correction):
    """var/std: sorts out PyTorch's overloads (dim, unbiased, keepdim) and (dim, *, correction)."""
    if isinstance(dim, bool):  # var(input, unbiased)
        if unbiased is not None:
            raise TypeError(f"{op}() received an invalid combination of arguments - got (bool, {type(unbiased).__name__})")
        dim, unbiased = None, dim
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{op}(): pass either unbiased or correction, not both (unbiased=True is correction=1)")
        if not isinstance(unbiased, bool):
            raise TypeError(f"{op}(): argument 'unbiased' must be bool, not {type(unbiased).__name__}")
        correction = 1 if unbiased else 0
    elif correction is None:
        correction = 1
    if input.dtype.is_complex:
        raise NotImplementedError(f"\"{op}\" not implemented for '{_type_name(input.dtype)}' (complex tensors are not "
                                  f"supported here; see docs/supported.md)")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"std and var only support floating point and complex dtypes (got {input.dtype})")
    shape = input._data.shape
    dims = None if dim is None else _reduce_dims(dim, input.ndim, op)
    count = input._data.size if dims is None else math.prod(shape[d] for d in dims)
    if count - correction <= 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      f"reduction factor (input numel divided by output numel). (reducing {count} "
                      f"element(s) of shape {list(shape)} with correction={correction})", UserWarning, stacklevel=3)
    return fn(input, dims, correction, bool(keepdim))


@public(method=True, out="cast")
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance over `dim` (None: all), dividing by N - correction (default 1; unbiased=False is 0)."""
    return _moment("var", var_op, input, dim, unbiased, keepdim, correction)


@public(method=True, out="cast")
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation over `dim` (None: all), the square root of var."""
    return _moment("std", std_op, input, dim, unbiased, keepdim, correction)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector ord-norm over `dim` (None or empty: every dim): ord 2, 1, inf, -inf, 0 (the count
    of nonzeros) or any other number p, (sum |x|^p)^(1/p). As torch.linalg.vector_norm."""
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.is_complex:
        raise NotImplementedError(f"\"linalg.vector_norm\" not implemented for '{_type_name(input.dtype)}' (complex "
                                  f"tensors are not supported here; see docs/supported.md)")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(input.dtype)}")
    if isinstance(ord, bool) or not isinstance(ord, numbers.Real):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be a number, not {type(ord).__name__}")
    given = () if dim is None else _dim_list(dim, input.ndim, "linalg.vector_norm")
    if math.isinf(ord):
        shape = input._data.shape
        if not given and input._data.size == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because "
                               f"the operation does not have an identity{_shape_note(input)}")
        for d in given:
            if shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on the dimension {d} "
                                   f"because this dimension is empty and the operation does not have an "
                                   f"identity{_shape_note(input)}")
    return linalg_vector_norm(input, ord, given or tuple(range(input.ndim)), bool(keepdim))


@public(method=True, out="exact")
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The norm as torch.norm: 'fro' (over at most 2 dims) and numbers are vector norms
    (LinalgVectorNormBackward0); the gradient of the 2-norm at 0 is 0."""
    if isinstance(p, str):
        ndims = 1 if dim is None or isinstance(dim, numbers.Integral) else len(dim)
        if p == "fro" and (dim is None or ndims <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":  # PyTorch's route: linalg.matrix_norm over the given dims (every dim by default)
            return matrix_norm(input, p, range(input.ndim) if dim is None else dim, keepdim, dtype=dtype)
        if p == "fro":
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


@public(method=True, out="cast")
def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over `dim` (an int or a tuple), computed stably; integers become float."""
    return logsumexp_op(input, _reduce_dims(dim, input.ndim, "logsumexp"), bool(keepdim))


def _softmax_input(op, input, dim, dtype):
    dtype = _dtype.dtype_arg(dtype, op)
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{op}\" not implemented for '{_type_name(input.dtype)}' (it needs a "
                                  f"floating point input; pass dtype=torch.float32 or convert with .float())")
    return input, wrap_dim(dim, input.ndim, op)


@public(method=True)
def softmax(input, dim, dtype=None):
    """exp(input) / sum(exp(input)) along `dim` (after casting to `dtype` if given)."""
    return _softmax(*_softmax_input("softmax", input, dim, dtype))


@public(method=True)
def log_softmax(input, dim, dtype=None):
    """input - logsumexp(input) along `dim` (after casting to `dtype` if given)."""
    return _log_softmax(*_softmax_input("log_softmax", input, dim, dtype))


def _truth_dims(op, input, dim):
    # Unlike the other reductions, all/any over an empty dim list reduce nothing (as PyTorch).
    return None if dim is None else _dim_list(dim, input.ndim, op)


@public(method=True, out="cast")
def all(input, dim=None, keepdim=False):
    """Whether every element (along `dim`, an int or a tuple) is nonzero: a bool tensor (uint8 for uint8)."""
    return all_(input, _truth_dims("all", input, dim), bool(keepdim))


@public(method=True, out="cast")
def any(input, dim=None, keepdim=False):
    """Whether some element (along `dim`, an int or a tuple) is nonzero: a bool tensor (uint8 for uint8)."""
    return any_(input, _truth_dims("any", input, dim), bool(keepdim))


def _require_tensors(op, input, other):
    for i, (name, x) in enumerate((("input", input), ("other", other))):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {i + 1}) must be Tensor, not {type(x).__name__}")


@public(method=True)
def equal(input, other):
    """True if the tensors have the same shape and equal elements (NaN is unequal to itself)."""
    _require_tensors("equal", input, other)
    if input._data.shape != other._data.shape:
        return False
    return builtins.bool(all_(pointwise.eq(input, other), None, False))


@public(method=True)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |input - other| <= atol + rtol * |other| (or equal, for infinities): a bool tensor."""
    _require_tensors("isclose", input, other)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input.dtype)} did not match {_type_name(other.dtype)} "
                           f"(isclose needs one dtype; convert one tensor with .to(other.dtype))")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {value}")
    close = pointwise.eq(input, other)
    if equal_nan and input.dtype.is_floating_point:
        close = close | (pointwise.isnan(input) & pointwise.isnan(other))
    if input.dtype is _dtype.bool or (rtol == 0 and atol == 0):
        return close
    with no_grad():
        actual = (input - other).abs()
        allowed = (other * rtol).abs() + atol
    return close | (pointwise.isfinite(actual) & pointwise.le(actual, allowed))


@public(method=True)
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds for every (broadcast) pair of elements."""
    _require_tensors("allclose", input, other)
    return builtins.bool(all(isclose(input, other, rtol, atol, equal_nan)))


# -- matrix norms and condition numbers (torch.linalg; issue 12) -------------------------------------
# The SVD orders reduce linalg.svdvals (ops/decompositions.py, which sits beside this family and
# imports nothing of it); cond's inverse orders use linalg.inv_ex.

def _order_text(ord):
    return f"{ord:g}" if isinstance(ord, float) else str(ord)


def _matrix_norm_dims(A, dim):
    """PyTorch's checks of matrix_norm: A float with at least 2 dims, dim two distinct dims."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(A.dtype)}")
    dims = [dim] if isinstance(dim, int) else list(dim)
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    d0, d1 = (wrap_dim(d, A.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    return d0, d1


def _square_float_matrix(op, A):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else ''} by {A.shape[-1] if A.ndim else ''} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_type_name(A.dtype)}")


def _singular_values_over(A, d0, d1, reduce, keepdim):
    """reduce(svdvals) over the matrices of dims (d0, d1), as PyTorch: those dims moved to the end,
    and moved back (as size-1 dims) with keepdim."""
    perm = [d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1]
    result = reduce(svdvals(A.permute(*perm)))
    if keepdim:
        back = [perm.index(d) for d in range(A.ndim)]
        result = result.unsqueeze(-1).unsqueeze(-1).permute(*back)
    return result


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """torch.linalg.matrix_norm: the ord-norm of each matrix of A (dims `dim`): 'fro', 'nuc' (the
    sum of singular values), 2 / -2 (the largest / smallest singular value), 1 / -1 (the largest /
    smallest column sum of |A|) and inf / -inf (row sums)."""
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif abs(ord) not in (1, 2, math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {_order_text(ord)} not supported.")
    d0, d1 = _matrix_norm_dims(A, dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "nuc":
        return _singular_values_over(A, d0, d1, lambda s: s.sum(-1), keepdim)
    if abs(ord) == 2:
        return _singular_values_over(A, d0, d1, lambda s: s.amax(-1) if ord > 0 else s.amin(-1), keepdim)
    if math.isinf(ord):  # the inf-norm is the 1-norm of the transpose
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:  # the first reduction removes a dim before d1
        d1 -= 1
    sums = vector_norm(A, 1, d0, keepdim)
    return sums.amax(d1, keepdim) if ord > 0 else sums.amin(d1, keepdim)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a matrix norm (matrix_norm) when ord is given with two dims (or for a
    2-D A without dim), else a vector norm (ord None: the 2-norm of the flattened input)."""
    dims = None if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    if dims is not None and len(dims) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dims}")
    if dims is None and ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dims) == 2 if dims is not None else A.ndim == 2)):
        return matrix_norm(A, ord, (0, 1) if dims is None else dims, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def cond(A, p=None):
    """torch.linalg.cond: the condition number of each matrix of A in the p-norm: p None or 2
    (largest over smallest singular value, any shape), -2 (the inverse ratio), or for square
    matrices 'fro', 'nuc', 1, -1, inf, -inf (norm(A) * norm(inv(A)); inf for a singular one)."""
    if isinstance(p, str):
        _square_float_matrix(f"linalg.cond(ord={p})", A)
        if p not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    else:
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
        p = 2 if p is None else p
        if abs(p) not in (1, 2, math.inf):
            raise RuntimeError(f"linalg.cond got an invalid norm type: {_order_text(p)}")
        if abs(p) != 2:
            _square_float_matrix(f"linalg.cond(ord={'inf' if p == math.inf else '-inf' if p == -math.inf else int(p)})",
                          A)
    if A.numel() == 0:  # NumPy leaves it undefined; PyTorch returns zeros
        return zeros(*A.shape[:-2], dtype=A.dtype)
    if p == "nuc":
        s = svdvals(A)
        return s.sum(-1) * s.reciprocal().sum(-1)
    if not isinstance(p, str) and abs(p) == 2:
        s = svdvals(A)
        largest, smallest = s.narrow(-1, 0, 1), s.narrow(-1, s.shape[-1] - 1, 1)
        return (smallest / largest if p < 0 else largest / smallest).squeeze(-1)
    inverse, info = inv_ex(A)
    # a singular matrix: an infinite inverse, as PyTorch fills it
    inverse = inverse.masked_fill((info > 0).unsqueeze(-1).unsqueeze(-1), math.inf)
    result = matrix_norm(A, p) * matrix_norm(inverse, p)
    return result.nan_to_num_(math.inf, math.inf, -math.inf)  # 0 * inf, for NumPy's answer

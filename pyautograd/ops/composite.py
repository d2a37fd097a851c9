"""Ops written only in other ops: argument handling and overload choice, no backward code.

Where PyTorch has several overloads with different backward nodes (pow with a
tensor or a number exponent, sum over all or some dims, clamp with one or two
bounds), the choice is made here and each overload is a primitive of its own.
"""
import builtins
import math
import numbers
import warnings

from .. import _dtype, return_types
from .._device import check_available
from .._tensor import Tensor
from ..graph.grad_mode import no_grad
from . import indexing, linalg, pointwise, reduction
from .einsum import einsum  # noqa: F401  (a composite; its own module for its size)
from . import shape as shape_mod
from ._dims import infer_size, size_args, wrap_dim, wrap_dims
from ._inplace import apply_shape_inplace


def pow(input, exponent):
    """input ** exponent, elementwise (either may be a number, not both)."""
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return pointwise.pow_tensor(input, exponent)
        return pointwise.pow_scalar(input, exponent)
    return pointwise.pow_base(input, exponent)


def square(input):
    """input ** 2."""
    return pointwise.pow_scalar(input, 2)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (RsubBackward0 for a tensor `other`, RsubBackward1 for a number)."""
    if isinstance(other, Tensor):
        return pointwise.rsub_tensor(input, other, alpha=alpha)
    return pointwise.rsub_scalar(input, other, alpha=alpha)


def div(input, other, *, rounding_mode=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor' (DivBackward2, a
    zero gradient; integers stay integers)."""
    if rounding_mode is None:
        return pointwise.div(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    return pointwise.div_mode(input, other, rounding_mode=rounding_mode)


true_divide = divide = div


def floor_divide(input, other):
    """Division rounded towards negative infinity."""
    return pointwise.div_mode(input, other, rounding_mode="floor")


def remainder(input, other):
    """input - floor(input / other) * other (the sign of the divisor, as Python's %)."""
    if isinstance(other, Tensor):
        return pointwise.remainder_tensor(input, other)
    return pointwise.remainder_scalar(input, other)


def lerp(input, end, weight):
    """input + weight * (end - input); `weight` a number (LerpBackward0) or a tensor (LerpBackward1)."""
    if isinstance(weight, Tensor):
        return pointwise.lerp_tensor(input, end, weight)
    return pointwise.lerp_scalar(input, end, weight)


def clamp(input, min=None, max=None):
    """Elementwise bound to [min, max]; the bounds are numbers or None (ClampBackward1), or
    tensors or None (ClampBackward0), as PyTorch's two overloads."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensor_bounds = [isinstance(b, Tensor) for b in (min, max) if b is not None]
    if builtins.all(tensor_bounds):
        return pointwise.clamp_tensor(input, min, max)
    if builtins.any(tensor_bounds):
        raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                        f"min={type(min).__name__}, max={type(max).__name__}), but expected one of:\n"
                        f" * (Tensor input, Tensor min = None, Tensor max = None)\n"
                        f" * (Tensor input, Number min = None, Number max = None)\n"
                        f"(make both bounds tensors, e.g. torch.full_like(input, max))")
    if not input.dtype.is_floating_point and builtins.any(isinstance(b, float) for b in (min, max)):
        input = input.to(_dtype.get_default_dtype())  # int tensor, float bound: a float result (PyTorch)
    return pointwise.clamp_scalar(input, min, max)


clip = clamp


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over all elements, or over `dim` (an int or a tuple; empty: every dim)."""
    input = _product_input(input, dtype)
    if dim is None:
        return reduction.sum_all(input)
    return reduction.sum_dim(input, _reduce_dims(dim, input.ndim, "sum"), bool(keepdim))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over all elements, or over `dim` (an int or a tuple; empty: every dim)."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    if dim is None:
        return reduction.mean_all(input)
    return reduction.mean_dim(input, _reduce_dims(dim, input.ndim, "mean"), bool(keepdim))


# -- reductions -------------------------------------------------------------------------------

_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
               "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool"}


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
    if dtype is not None:
        return input.to(dtype)
    if input.dtype.numpy_dtype.kind in "biu":
        return input.to(_dtype.int64)
    return input


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements (ProdBackward0), or along the int `dim` (ProdBackward1)."""
    input = _product_input(input, dtype)
    if dim is None:
        return reduction.prod_all(input)
    dim = wrap_dim(_int_dim("prod", dim), input.ndim, "prod")
    return reduction.prod_dim(input, dim, bool(keepdim))


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


def max(input, dim=None, keepdim=False, *, other=None):
    """The largest element (MaxBackward1, the gradient shared by ties); along `dim`, a
    (values, indices) named tuple (MaxBackward0, the gradient to the returned index);
    with a tensor `other`, the elementwise maximum."""
    return _extreme("max", input, dim, keepdim, other, reduction.max_all, reduction.max_dim,
                    pointwise.maximum, return_types.max)


def min(input, dim=None, keepdim=False, *, other=None):
    """The smallest element; along `dim`, (values, indices); with `other`, the elementwise minimum."""
    return _extreme("min", input, dim, keepdim, other, reduction.min_all, reduction.min_dim,
                    pointwise.minimum, return_types.min)


def _amax_amin(op, fn, input, dim, keepdim):
    given = _dim_list(dim, input.ndim, op)
    _require_nonempty(op, input, given if given else None)
    return fn(input, given or tuple(range(input.ndim)), bool(keepdim))


def amax(input, dim=(), keepdim=False):
    """The largest values over `dim` (an int or a tuple; empty: every dim); ties share the gradient."""
    return _amax_amin("amax", reduction.amax, input, dim, keepdim)


def amin(input, dim=(), keepdim=False):
    """The smallest values over `dim` (an int or a tuple; empty: every dim); ties share the gradient."""
    return _amax_amin("amin", reduction.amin, input, dim, keepdim)


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


def argmax(input, dim=None, keepdim=False):
    """The int64 index of the largest element (in the flattened input, or along `dim`); first of ties."""
    return _arg_extreme("argmax", reduction.argmax, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """The int64 index of the smallest element (in the flattened input, or along `dim`); first of ties."""
    return _arg_extreme("argmin", reduction.argmin, input, dim, keepdim)


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


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance over `dim` (None: all), dividing by N - correction (default 1; unbiased=False is 0)."""
    return _moment("var", reduction.var, input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation over `dim` (None: all), the square root of var."""
    return _moment("std", reduction.std, input, dim, unbiased, keepdim, correction)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector ord-norm over `dim` (None or empty: every dim): ord 2, 1, inf, -inf, 0 (the count
    of nonzeros) or any other number p, (sum |x|^p)^(1/p). As torch.linalg.vector_norm."""
    if dtype is not None:
        input = input.to(dtype)
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
    return reduction.linalg_vector_norm(input, ord, given or tuple(range(input.ndim)), bool(keepdim))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The norm as torch.norm: 'fro' (over at most 2 dims) and numbers are vector norms
    (LinalgVectorNormBackward0); the gradient of the 2-norm at 0 is 0."""
    if isinstance(p, str):
        ndims = 1 if dim is None or isinstance(dim, numbers.Integral) else len(dim)
        if p == "fro" and (dim is None or ndims <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            raise NotImplementedError("norm(p='nuc'): the nuclear norm needs an SVD, which pyautograd does "
                                      "not have")
        if p == "fro":
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over `dim` (an int or a tuple), computed stably; integers become float."""
    return reduction.logsumexp(input, _reduce_dims(dim, input.ndim, "logsumexp"), bool(keepdim))


def _softmax_input(op, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{op}\" not implemented for '{_type_name(input.dtype)}' (it needs a "
                                  f"floating point input; pass dtype=torch.float32 or convert with .float())")
    return input, wrap_dim(dim, input.ndim, op)


def softmax(input, dim, dtype=None):
    """exp(input) / sum(exp(input)) along `dim` (after casting to `dtype` if given)."""
    return reduction._softmax(*_softmax_input("softmax", input, dim, dtype))


def log_softmax(input, dim, dtype=None):
    """input - logsumexp(input) along `dim` (after casting to `dtype` if given)."""
    return reduction._log_softmax(*_softmax_input("log_softmax", input, dim, dtype))


def _truth_dims(op, input, dim):
    # Unlike the other reductions, all/any over an empty dim list reduce nothing (as PyTorch).
    return None if dim is None else _dim_list(dim, input.ndim, op)


def all(input, dim=None, keepdim=False):
    """Whether every element (along `dim`, an int or a tuple) is nonzero: a bool tensor (uint8 for uint8)."""
    return reduction.all_(input, _truth_dims("all", input, dim), bool(keepdim))


def any(input, dim=None, keepdim=False):
    """Whether some element (along `dim`, an int or a tuple) is nonzero: a bool tensor (uint8 for uint8)."""
    return reduction.any_(input, _truth_dims("any", input, dim), bool(keepdim))


def _require_tensors(op, input, other):
    for i, (name, x) in enumerate((("input", input), ("other", other))):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {i + 1}) must be Tensor, not {type(x).__name__}")


def equal(input, other):
    """True if the tensors have the same shape and equal elements (NaN is unequal to itself)."""
    _require_tensors("equal", input, other)
    if input._data.shape != other._data.shape:
        return False
    return builtins.bool(reduction.all_(pointwise.eq(input, other), None, False))


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


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds for every (broadcast) pair of elements."""
    _require_tensors("allclose", input, other)
    return builtins.bool(all(isclose(input, other, rtol, atol, equal_nan)))


def reshape(input, *shape):
    """`input` with a new shape: a view when the layout allows (ViewBackward0 for a contiguous
    input, ReshapeAliasBackward0 otherwise, as PyTorch), else a copy (UnsafeViewBackward0)."""
    shape = infer_size(size_args(shape), input._data.size)
    if input._data.flags.c_contiguous:
        return shape_mod.view(input, shape)
    if shape_mod.viewable(input, shape):
        return shape_mod._reshape_alias(input, shape)
    return shape_mod._unsafe_view(shape_mod.clone(input), shape)


def view(input, *shape):
    """A view of `input` with a new shape (-1 is inferred); raises if the layout forbids one."""
    return shape_mod.view(input, infer_size(size_args(shape), input._data.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Merges dims start_dim..end_dim into one."""
    nd = input.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, nd, "flatten"), wrap_dim(end_dim, nd, "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = input._data.shape
    if s == e:
        return input
    merged = 1
    for d in shp[s:e + 1]:
        merged *= d
    return reshape(input, shp[:s] + (merged,) + shp[e + 1:])


def unflatten(input, dim, sizes):
    """Splits dim `dim` into `sizes`."""
    dim = wrap_dim(dim, input.ndim, "unflatten")
    shp = input._data.shape
    sizes = infer_size(tuple(sizes), shp[dim])
    return view(input, shp[:dim] + tuple(sizes) + shp[dim + 1:])


def expand(input, *sizes):
    """A broadcast view of `input` with `sizes` (-1 keeps a dim)."""
    sizes = size_args(sizes)
    shp = input._data.shape
    lead = len(sizes) - len(shp)
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({len(shp)})")
    target = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
            s = shp[i - lead]
        elif i >= lead and shp[i - lead] != 1 and shp[i - lead] != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({shp[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shp)}")
        target.append(s)
    return shape_mod.expand(input, tuple(target))


def expand_as(input, other):
    """`input` expanded to `other`'s shape."""
    return expand(input, other.shape)


def broadcast_to(input, shape):
    """`input` broadcast to `shape`."""
    return expand(input, tuple(shape))


def permute(input, *dims):
    """A view with the dims reordered."""
    dims = size_args(dims)
    nd = input.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
                           f"to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, nd, "permute") for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return shape_mod.permute(input, dims)


def transpose(input, dim0, dim1):
    """A view with dims dim0 and dim1 swapped."""
    nd = input.ndim
    return shape_mod.transpose(input, wrap_dim(dim0, nd, "transpose"), wrap_dim(dim1, nd, "transpose"))


swapaxes = swapdims = transpose


def t(input):
    """The transpose of a tensor of at most 2 dims."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return shape_mod.t(input)


def movedim(input, source, destination):
    """Moves dims `source` to positions `destination`."""
    nd = input.ndim
    src = [wrap_dim(d, nd, "movedim") for d in ((source,) if isinstance(source, int) else source)]
    dst = [wrap_dim(d, nd, "movedim") for d in ((destination,) if isinstance(destination, int) else destination)]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return shape_mod.permute(input, tuple(order))


moveaxis = movedim


def _squeeze_form(ops, input, dim):
    """The squeeze overload for `dim` (None, an int or a sequence) and its wrapped argument."""
    if dim is None:
        return ops[0], ()
    if isinstance(dim, numbers.Integral):
        return ops[1], (wrap_dim(dim, input.ndim, "squeeze"),)
    return ops[2], (wrap_dims(tuple(dim), input.ndim, "squeeze"),)


def squeeze(input, dim=None):
    """`input` without size-1 dims (all, or those in `dim`, an int or a tuple), as a view."""
    op, args = _squeeze_form((shape_mod.squeeze, shape_mod.squeeze_dim, shape_mod.squeeze_dims), input, dim)
    return op(input, *args)


def squeeze_(input, dim=None):
    """squeeze in place: `input` takes the squeezed shape (same storage, version bumped)."""
    op, args = _squeeze_form((shape_mod.squeeze_, shape_mod.squeeze_dim_, shape_mod.squeeze_dims_), input, dim)
    return apply_shape_inplace(input, "squeeze_", op, args)


def unsqueeze_(input, dim):
    """unsqueeze in place: `input` takes a size-1 dim at `dim` (same storage, version bumped)."""
    return apply_shape_inplace(input, "unsqueeze_", shape_mod.unsqueeze_,
                               (wrap_dim(dim, input.ndim + 1, "unsqueeze_"),))


def unsqueeze(input, dim):
    """`input` with a size-1 dim inserted at `dim`."""
    return shape_mod.unsqueeze(input, wrap_dim(dim, input.ndim + 1, "unsqueeze"))


def _tensor_list(tensors, op):
    tensors = tuple(tensors)
    if not tensors:
        if op == "cat":  # torch.cat raises ValueError here, torch.stack RuntimeError
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{op}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    return tensors


def cat(tensors, dim=0):
    """The tensors joined along `dim` (same shape elsewhere)."""
    tensors = _tensor_list(tensors, "cat")
    nd = builtins.max(x.ndim for x in tensors)
    d = wrap_dim(dim, nd, "cat")
    parts = [x for x in tensors if not (x.ndim == 1 and x._data.shape[0] == 0)] or list(tensors[:1])
    ref = parts[0]._data.shape
    for i, x in enumerate(parts):
        s = x._data.shape
        if len(s) != len(ref) or builtins.any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                               f"{list(ref)} but got size {list(s)} for tensor number {i} in the list.")
    return shape_mod._cat(*parts, dim=d)


concat = concatenate = cat


def stack(tensors, dim=0):
    """The tensors (all the same shape) joined along a new dim."""
    tensors = _tensor_list(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 "
                               f"and {list(x._data.shape)} at entry {i}")
    return shape_mod._stack(*tensors, dim=wrap_dim(dim, len(ref) + 1, "stack"))


def matmul(input, other):
    """The matrix product with NumPy/PyTorch's 1-D and batch broadcasting rules.

    The 1-D cases take PyTorch's route, so grad_fn names match: a vector times a matrix is
    unsqueeze, mm and an in-place squeeze_ (SqueezeBackward4); a batch of matrices times a
    vector (or a vector times a batch) folds the batch into one mv (UnsafeViewBackward0).
    """
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return linalg.dot(input, other)
    if a == 2 and b == 1:
        return linalg.mv(input, other)
    if a == 1 and b == 2:
        return squeeze_(mm(unsqueeze(input, 0), other), 0)
    if a == 2 and b == 2:
        return linalg.mm(input, other)
    if b == 1:
        return _fold_mv(input, other)
    if a == 1:
        return _fold_mv(other.transpose(-2, -1), input)
    return linalg.matmul_nd(input, other)


def _fold_mv(batch, vector):
    """A batch of matrices (..., n, k) times a k-vector as one mv over the folded batch."""
    shape = batch._data.shape
    if shape[-1] != vector._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({math.prod(shape[:-1])}), mat ({math.prod(shape[:-1])}x"
                           f"{shape[-1]}), vec ({vector._data.shape[0]})")
    folded = reshape(batch, math.prod(shape[:-1]), shape[-1])
    return shape_mod._unsafe_view(linalg.mv(folded, vector), shape[:-1])


def mm(input, mat2):
    """The product of two matrices."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._data.shape[0]}x"
                           f"{input._data.shape[1]} and {mat2._data.shape[0]}x{mat2._data.shape[1]})")
    return linalg.mm(input, mat2)


def contiguous(input):
    """`input` itself when contiguous, else a contiguous copy."""
    return input if input._data.flags.c_contiguous else shape_mod.contiguous_copy(input)


def to(input, *args, **kwargs):
    """`input` converted to a dtype (returns `input` itself when nothing changes).

    Accepts to(dtype), to(device), to(device, dtype), to(other_tensor) and keywords.
    """
    dtype = kwargs.get("dtype")
    if kwargs.get("device") is not None:
        check_available(kwargs["device"])
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dtype.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, str) and a in _dtype._BY_NAME:
            dtype = a
        else:
            check_available(a)  # the CPU; CUDA and the rest refused as PyTorch's CPU build does
    if dtype is None:
        return input
    dtype = _dtype.to_dtype(dtype)
    if dtype is input.dtype and not kwargs.get("copy", False):
        return input
    if not dtype.is_floating_point:
        # As PyTorch: an integer or bool result cannot require grad, so the graph stops here
        # (continuing it would be a straight-through estimator nobody asked for).
        input = input.detach()
    return shape_mod._to_copy(input, dtype.numpy_dtype)


def numel(input):
    """The number of elements of `input`."""
    return input._data.size


def is_tensor(obj):
    """Whether `obj` is a pyautograd Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """Whether `input` has a floating point dtype."""
    return input.dtype.is_floating_point


def relu6(input):
    """min(max(input, 0), 6): hardtanh(input, 0, 6), with a zero gradient at 0 and 6."""
    return pointwise.hardtanh(input, 0.0, 6.0)


hardtanh = pointwise.hardtanh


getitem = indexing.getitem
narrow = indexing.narrow
select = indexing.select


# -- splitting and repeating --------------------------------------------------------------------

def _split_dim(input, dim, op):
    if input.ndim == 0:
        raise RuntimeError(f"{op} expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input.ndim, op)
    return d, input._data.shape[d]


def split(tensor, split_size_or_sections, dim=0):
    """Views of `tensor` cut along `dim`: pieces of split_size_or_sections elements each (the last
    may be smaller), or of the sizes listed in it."""
    d, size = _split_dim(tensor, dim, "split")
    if isinstance(split_size_or_sections, numbers.Integral):
        split_size = int(split_size_or_sections)
        if split_size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
        if split_size == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        return shape_mod.mark_views(shape_mod.split(tensor, split_size, d), tensor)
    return split_with_sizes(tensor, split_size_or_sections, d)


def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` cut along `dim` into pieces of the given sizes (which sum to its size)."""
    d, size = _split_dim(input, dim, "split_with_sizes")
    sizes = [int(n) for n in split_sizes]
    if builtins.any(n < 0 for n in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if builtins.sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    if not sizes:
        return ()
    return shape_mod.mark_views(shape_mod.split_with_sizes(input, tuple(sizes), d), input)


def chunk(input, chunks, dim=0):
    """`input` split along `dim` into `chunks` views of equal size (the last may be smaller, and
    fewer may come back when the size does not divide)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d, size = _split_dim(input, dim, "chunk")
    split_size = -(-size // chunks)
    if size == 0:
        return split_with_sizes(input, [0] * chunks, d)
    return split(input, split_size, d)


def unbind(input, dim=0):
    """The slices of `input` along `dim` (that dim removed), as a tuple of views."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim, "unbind")
    if input._data.shape[d] == 0:
        return ()
    return shape_mod.mark_views(shape_mod.unbind(input, d), input)


def repeat(input, *sizes):
    """`input` tiled sizes[i] times along each dim; extra leading sizes add new dims."""
    sizes = size_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           f"tensor (repeat dims {list(sizes)}, tensor shape {list(input._data.shape)})")
    padded = (1,) * (len(sizes) - input.ndim) + input._data.shape
    out = [n * r for n, r in zip(padded, sizes)]
    if builtins.any(r < 0 for r in sizes):
        bad = next(r * n for r, n in zip(sizes, padded) if r < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return shape_mod.repeat(input, sizes)


def tile(input, dims):
    """`input` repeated dims[i] times along each dim; missing leading dims count as 1."""
    dims = size_args((dims,)) if not isinstance(dims, numbers.Integral) else (int(dims),)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


# -- diagonals and products ---------------------------------------------------------------------

def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a view with that diagonal as the last dim;
    offset > 0 is above the main diagonal, < 0 below."""
    d1, d2 = wrap_dim(dim1, input.ndim, "diagonal"), wrap_dim(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return shape_mod.diagonal(input, int(offset), d1, d2)


def outer(input, vec2):
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j]."""
    for name, x in (("self", input), ("vec2", vec2)):
        if x.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x.ndim}-D")
    return input.reshape(input._data.shape[0], 1) * vec2


ger = outer


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch; input broadcasts to the result."""
    for name, x in (("batch1", batch1), ("batch2", batch2)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got shape {list(x._data.shape)})")
    (b, n, m), (b2, m2, p) = batch1._data.shape, batch2._data.shape
    if (b2, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {m}] but got: "
                           f"[{b2}, {m2}].")
    dts = (input.dtype, batch1.dtype, batch2.dtype)
    if len(set(dts)) != 1:
        raise RuntimeError(f"Input dtypes must be the same, got: input {dts[0].name}, batch1: {dts[1].name}, "
                           f"batch2: {dts[2].name}")
    expand(input, b, n, p)  # validates the broadcast with PyTorch's message
    return linalg.baddbmm(input, batch1, batch2, beta=beta, alpha=alpha)


# -- flips, rolls, scans ----------------------------------------------------------------------------

def flip(input, dims):
    """A copy of `input` reversed along `dims`."""
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    return shape_mod.flip(input, wrap_dims(dims, input.ndim, "flip") if input.ndim else ())


def roll(input, shifts, dims=None):
    """`input` rolled by `shifts` along `dims` (elements leaving one end come back at the other);
    without dims, the flattened tensor is rolled and the shape restored."""
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return shape_mod.roll(input, shifts[0], None)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return shape_mod.roll(input, shifts, tuple(wrap_dim(d, input.ndim, "roll") for d in dims))


def _scan_input(input, dim, dtype, op):
    if dtype is not None:
        input = to(input, dtype)
    elif not input.dtype.is_floating_point:
        input = to(input, _dtype.int64)  # PyTorch accumulates integers and bools in int64
    return input, wrap_dim(dim, input.ndim, op)


def cumsum(input, dim, *, dtype=None):
    """The running sum along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumsum")
    return shape_mod.cumsum(input, d)


def cumprod(input, dim, *, dtype=None):
    """The running product along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumprod")
    return shape_mod.cumprod(input, d)


def take_along_dim(input, indices, dim=None):
    """input's entries at `indices` along `dim` (gather after broadcasting the other dims), or at
    flat positions `indices` when dim is None."""
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype}")
    if dim is None:
        return indexing.gather(reshape(input, -1), 0, reshape(indices, -1))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    d = wrap_dim(dim, input.ndim, "take_along_dim")
    ishape, xshape = list(indices._data.shape), list(input._data.shape)
    wanted_x, wanted_i = list(xshape), list(ishape)
    wanted_x[d], wanted_i[d] = ishape[d], xshape[d]
    index_shape = indexing._broadcast_shape(tuple(wanted_x), tuple(ishape))
    input_shape = indexing._broadcast_shape(tuple(wanted_i), tuple(xshape))
    return indexing.gather(expand(input, input_shape), d, expand(indices, index_shape))

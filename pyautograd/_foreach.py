"""torch._foreach_*: one op applied to every tensor of a list.

PyTorch's multi-tensor ops are what optimizers, EMA weight averaging (``_foreach_lerp_``,
``_foreach_mul_`` then ``_foreach_add_``) and gradient clipping (``_foreach_norm``) call. Each
name here derives from the op it applies: ``_foreach_exp(xs)`` is ``[x.exp() for x in xs]``
and ``_foreach_exp_(xs)`` is ``x.exp_()`` on each, through the Tensor methods the op
declarations install, so values, dtypes, promotion, in-place checks and gradients are the
ops' own. The out-of-place forms return a tuple and the in-place forms the list of the tensors
they updated, as PyTorch 2.13's Python bindings do.

The second operand of a binary op may be a number, a list of numbers (one per tensor), a list
of tensors, or one tensor (used with every tensor of the list). A gradient through an
out-of-place form is recorded per tensor, so each result's ``grad_fn`` is the op's own node
(``MulBackward0``), where PyTorch records one ``ForeachMulBackward...`` node for the list.
"""
import numbers

from ._tensor import Tensor
from .linalg import vector_norm

UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1", "floor", "frac",
         "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal", "round", "rsqrt", "sigmoid", "sign", "sin",
         "sinh", "sqrt", "tan", "tanh", "trunc")
BINARY = ("add", "sub", "mul", "div", "clamp_max", "clamp_min", "maximum", "minimum", "pow")
WITH_ALPHA = ("add", "sub")  # alpha= scales a tensor operand, as in add/sub
NO_INPLACE_METHOD = ("maximum", "minimum")  # Tensor has no maximum_: the in-place form copies the result in
POINTWISE3 = ("addcmul", "addcdiv")


def _tensors(fn, xs, what="self"):
    """`xs` as a list of tensors; TypeError for anything else, RuntimeError for an empty list."""
    if not isinstance(xs, (list, tuple)) or not all(isinstance(x, Tensor) for x in xs):
        raise TypeError(f"{fn}(): argument '{what}' must be tuple of Tensors, not {type(xs).__name__}")
    if not xs:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return list(xs)


def _operands(fn, xs, other):
    """The second operand for each tensor of `xs`: a number, a number per tensor, a tensor per
    tensor, or one tensor for all, checked as PyTorch checks them."""
    if isinstance(other, (Tensor, numbers.Number)):
        return [other] * len(xs)
    if isinstance(other, (list, tuple)):
        if all(isinstance(o, Tensor) for o in other):
            if len(other) != len(xs):
                raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(xs)} and "
                                   f"{len(other)}")
            return list(other)
        if all(isinstance(o, numbers.Number) for o in other):
            if len(other) != len(xs):
                raise RuntimeError("Tensor list must have same number of elements as scalar list.")
            return list(other)
    raise TypeError(f"{fn}() received an invalid combination of arguments - got (list, {type(other).__name__}), "
                    "but expected a number, a list of numbers, a tensor or a list of tensors")


def _unary(name, inplace):
    fn = f"_foreach_{name}{'_' if inplace else ''}"

    def apply(self):
        xs = _tensors(fn, self)
        if inplace:
            for x in xs:
                getattr(x, name + "_")()
            return xs
        return tuple(getattr(x, name)() for x in xs)
    return fn, apply, f"``{name}`` of each tensor of a list{' (in place)' if inplace else ''}."


def _binary(name, inplace):
    fn = f"_foreach_{name}{'_' if inplace else ''}"

    def apply(self, other, **kwargs):
        if name == "pow" and not inplace and isinstance(self, numbers.Number):  # number ** each tensor
            return tuple(e.__rpow__(self) for e in _tensors(fn, other, "exponent"))
        xs = _tensors(fn, self)
        others = _operands(fn, xs, other)
        if kwargs and (name not in WITH_ALPHA or set(kwargs) != {"alpha"} or not isinstance(others[0], Tensor)):
            raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kwargs))}' "
                            "(alpha= scales a tensor operand of add and sub)")
        if not inplace:
            return tuple(getattr(x, name)(o, **kwargs) for x, o in zip(xs, others))
        for x, o in zip(xs, others):
            if name in NO_INPLACE_METHOD:
                x.copy_(getattr(x, name)(o))
            else:
                getattr(x, name + "_")(o, **kwargs)
        return xs
    return fn, apply, (f"``{name}`` of each tensor of a list with a number, a number or tensor per tensor, or "
                       f"one tensor{' (in place)' if inplace else ''}.")


def _pointwise3(name, inplace):
    fn = f"_foreach_{name}{'_' if inplace else ''}"

    def apply(self, tensor1, tensor2, value=1):
        xs = _tensors(fn, self)
        firsts = _operands(fn, xs, _tensors(fn, tensor1, "tensor1"))
        seconds = _operands(fn, xs, _tensors(fn, tensor2, "tensor2"))
        values = _operands(fn, xs, value.tolist() if isinstance(value, Tensor) else value)
        method = getattr(Tensor, name + "_" if inplace else name)
        results = [method(x, a, b, value=v) for x, a, b, v in zip(xs, firsts, seconds, values)]
        return xs if inplace else tuple(results)
    return fn, apply, (f"``{name}(self[i], tensor1[i], tensor2[i], value)`` for each i (value: a number, or one "
                       f"per tensor){' (in place)' if inplace else ''}.")


def _lerp(inplace):
    fn = f"_foreach_lerp{'_' if inplace else ''}"

    def apply(self, tensors1, weight):
        xs = _tensors(fn, self)
        ends = _operands(fn, xs, _tensors(fn, tensors1, "tensors1"))
        weights = _operands(fn, xs, weight)
        method = Tensor.lerp_ if inplace else Tensor.lerp
        results = [method(x, e, w) for x, e, w in zip(xs, ends, weights)]
        return xs if inplace else tuple(results)
    return fn, apply, f"``lerp(self[i], tensors1[i], weight)`` for each i{' (in place)' if inplace else ''}."


def _foreach_zero_(self):
    """Fills every tensor of a list with zeros (in place)."""
    xs = _tensors("_foreach_zero_", self)
    for x in xs:
        x.zero_()
    return xs


def _foreach_copy_(self, src, non_blocking=False):
    """Copies src[i] into self[i] for each i (in place)."""
    xs = _tensors("_foreach_copy_", self)
    for x, s in zip(xs, _operands("_foreach_copy_", xs, _tensors("_foreach_copy_", src, "src"))):
        x.copy_(s)
    return xs


def _foreach_clone(self):
    """A copy of each tensor of a list."""
    return tuple(x.clone() for x in _tensors("_foreach_clone", self))


def _foreach_norm(self, ord=2, dtype=None):
    """The vector norm of each tensor of a list (0-d tensors), as ``linalg.vector_norm``."""
    return tuple(vector_norm(x, ord, dtype=dtype) for x in _tensors("_foreach_norm", self))


def _foreach_powsum(self, ord=2, dtype=None):
    """sum(|x| ** ord) of each tensor of a list, in `dtype` if given (0-d tensors; ord 0 counts
    the elements, as 0 ** 0 is 1). Differentiable here; PyTorch 2.13 has no backward for it."""
    xs = _tensors("_foreach_powsum", self)
    return tuple(((x if dtype is None else x.to(dtype)).abs() ** ord).sum() for x in xs)  # cast first, as PyTorch


def _foreach_max(self):
    """The largest element of each tensor of a list (0-d tensors)."""
    return tuple(x.max() for x in _tensors("_foreach_max", self))


def _foreach_mm(self, mat2):
    """self[i] @ mat2[i] for each i (2-d tensors)."""
    xs = _tensors("_foreach_mm", self)
    return tuple(x.mm(m) for x, m in zip(xs, _operands("_foreach_mm", xs, _tensors("_foreach_mm", mat2, "mat2"))))


def _functions():
    made = [_unary(name, inplace) for name in UNARY for inplace in (False, True)]
    made += [_binary(name, inplace) for name in BINARY for inplace in (False, True)]
    made += [_pointwise3(name, inplace) for name in POINTWISE3 for inplace in (False, True)]
    made += [_lerp(inplace) for inplace in (False, True)]
    functions = {}
    for fn, apply, doc in made:
        apply.__name__ = apply.__qualname__ = fn
        apply.__doc__ = doc
        functions[fn] = apply
    for apply in (_foreach_zero_, _foreach_copy_, _foreach_clone, _foreach_norm, _foreach_powsum, _foreach_max,
                  _foreach_mm):
        functions[apply.__name__] = apply
    return functions


FUNCTIONS = _functions()

"""Bitwise ops on integer and bool tensors (never differentiable): bitwise_and/or/xor/not and the
shifts, behind the & | ^ ~ << >> operators. Floating inputs are refused as PyTorch refuses them
(it raises NotImplementedError "..._cpu" not implemented for 'Float'; here a TypeError naming
the dtype, since the operation does not exist for floats rather than being unfinished)."""
from .. import kernels
from . import _apply
from ._opdef import defop
from ._surface import declare


def _declare(name, arity):
    signature = "input, other" if arity == 2 else "input"
    return defop(name, signature, getattr(kernels, name), differentiable=False,
                 tensors=("input", "other") if arity == 2 else ("input",))


_ops = {name: _declare(name, 1 if name == "bitwise_not" else 2)
        for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
                     "bitwise_right_shift")}


def _check(name, *values):
    for v in values:
        if isinstance(v, _apply.Tensor):
            if v.is_floating_point():
                raise TypeError(f"'{name}' not implemented for '{v.dtype}': bitwise ops take integer or "
                                f"bool tensors")
        elif isinstance(v, float):
            raise TypeError(f"{name}(): a float operand ({v}) is not supported; bitwise ops take integers")


def _binary(name):
    op = _ops[name]

    def function(input, other):
        _check(name, input, other)
        return op(input, other)
    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, other): elementwise on integer or bool tensors (or an int)."
    return function


bitwise_and, bitwise_or, bitwise_xor = _binary("bitwise_and"), _binary("bitwise_or"), _binary("bitwise_xor")
bitwise_left_shift, bitwise_right_shift = _binary("bitwise_left_shift"), _binary("bitwise_right_shift")


def bitwise_not(input):
    """~input elementwise (logical not for bool tensors)."""
    _check("bitwise_not", input)
    return _ops["bitwise_not"](input)


def reflected(fn):
    """fn with its operands swapped (for __rand__ and friends)."""
    def method(self, other):
        return fn(other, self) if isinstance(other, _apply.Tensor) else fn(self, other)
    return method


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
# & | ^ ~ << >> on integer and bool tensors, as PyTorch's bitwise ops.
declare("bitwise_and", bitwise_and, method=True, inplace=True, out="cast",
        dunders={"__and__": None, "__rand__": reflected, "__iand__": None})
declare("bitwise_or", bitwise_or, method=True, inplace=True, out="cast",
        dunders={"__or__": None, "__ror__": reflected, "__ior__": None})
declare("bitwise_xor", bitwise_xor, method=True, inplace=True, out="cast",
        dunders={"__xor__": None, "__rxor__": reflected, "__ixor__": None})
declare("bitwise_not", bitwise_not, method=True, inplace=True, out="cast", dunders=("__invert__",))
declare("bitwise_left_shift", bitwise_left_shift, method=True, inplace=True, out="cast",
        dunders=("__lshift__",))
declare("bitwise_right_shift", bitwise_right_shift, method=True, inplace=True, out="cast",
        dunders=("__rshift__",))

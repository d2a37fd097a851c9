"""C wrappers for convolution (csrc/conv.c): forward, grad-input and grad-weight.

Signatures and results are the NumPy reference's (``_numpy/conv.py``). Every shape, stride
and size is checked here before a pointer reaches C (a bad one is a RuntimeError naming the
shapes, as PyTorch's); 1-D and 2-D convolutions go to the 3-D kernel with unit dims
prepended. The input of forward and grad-weight is passed with its own strides (a permuted
view needs no copy); weight and grad are made contiguous. Mixed or non-float dtypes and empty
tensors raise Unsupported (the dispatcher then runs the NumPy reference).
"""
import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from ..checks.conv import conv_output_size
from . import _marshal as m

__all__ = ["conv_forward", "conv_backward_input", "conv_backward_weight"]

# Crossover: none. The reference makes one tensordot per group over a strided window view
# (NumPy copies it into a temporary first) and scatters the grad-input tap by tap; the C
# kernel packs columns once and runs the blocked GEMM, winning from the smallest shapes.
SPECS = {name: KernelSpec(name, 0) for name in __all__}

_FORWARD = {dt: m.symbol("conv", "forward", dt) for dt in m.CTYPES}
_BACKWARD_INPUT = {dt: m.symbol("conv", "backward_input", dt) for dt in m.CTYPES}
_BACKWARD_WEIGHT = {dt: m.symbol("conv", "backward_weight", dt) for dt in m.CTYPES}


def _as3(values, fill):
    """A per-dim tuple padded at the front to three dims."""
    return (fill,) * (3 - len(values)) + tuple(int(v) for v in values)


def _geometry(op, x_shape, w_shape, stride, padding, dilation, groups):
    """Checks the arguments; returns (xshape5, wshape5, full output size, geom) for C."""
    nd = len(w_shape) - 2
    if not 1 <= nd <= 3 or len(x_shape) != nd + 2:
        raise RuntimeError(f"{op}: expected {nd + 2}-D input and weight with 1 to 3 spatial dims, got input "
                           f"{tuple(x_shape)} and weight {tuple(w_shape)}")
    for name, vals in (("stride", stride), ("padding", padding), ("dilation", dilation)):
        if len(vals) != nd:
            raise RuntimeError(f"{op}: {name} needs {nd} values for weight {tuple(w_shape)}, got {tuple(vals)}")
    if any(s <= 0 for s in stride) or any(d <= 0 for d in dilation) or any(p < 0 for p in padding):
        raise RuntimeError(f"{op}: stride and dilation must be positive and padding non-negative, got "
                           f"stride={tuple(stride)}, padding={tuple(padding)}, dilation={tuple(dilation)}")
    if groups <= 0 or w_shape[0] % groups or x_shape[1] != w_shape[1] * groups:
        raise RuntimeError(f"{op}: groups={groups} must divide the weight's {w_shape[0]} output channels and "
                           f"the input's channels must be weight.shape[1] * groups: input {tuple(x_shape)}, "
                           f"weight {tuple(w_shape)}")
    size = conv_output_size(x_shape[2:], w_shape[2:], stride, padding, dilation)
    if any(s < 1 for s in size):
        padded = tuple(s + 2 * p for s, p in zip(x_shape[2:], padding))
        raise RuntimeError(f"{op}: the kernel {tuple(w_shape[2:])} with dilation {tuple(dilation)} is larger than "
                           f"the padded input {padded} (input {tuple(x_shape)})")
    xshape = tuple(x_shape[:2]) + _as3(x_shape[2:], 1)
    wshape = tuple(w_shape[:2]) + _as3(w_shape[2:], 1)
    geom = _as3(stride, 1) + _as3(padding, 0) + _as3(dilation, 1)
    return xshape, wshape, size, geom


def _strides5(x):
    strides = m.elem_strides(x, x.shape)
    return strides[:2] + [0] * (5 - x.ndim) + strides[2:]


def _usable(*arrays):
    dt = arrays[0].dtype
    return dt in m.CTYPES and all(a.dtype == dt for a in arrays) and all(a.size for a in arrays)


def conv_forward(x, weight, stride, padding, dilation, groups):
    """The convolution of x (N, C_in, *S) with weight (C_out, C_in/groups, *K) (C)."""
    if not _usable(x, weight):
        raise Unsupported("mixed or non-float dtypes, or an empty tensor")
    xshape, wshape, size, geom = _geometry("conv_forward", x.shape, weight.shape, stride, padding, dilation, groups)
    w = np.ascontiguousarray(weight)
    out = empty((x.shape[0], weight.shape[0]) + size, x.dtype)
    m.check(_FORWARD[x.dtype](m.ptr(x), m.int64s(_strides5(x)), m.ptr(w), m.out_ptr(out), m.int64s(xshape),
                              m.int64s(wshape), m.int64s(_as3(size, 1)), m.int64s(geom), int(groups), m.threads[0]),
            "conv_forward")
    return out


def conv_backward_input(grad, weight, input_size, stride, padding, dilation, groups):
    """The gradient of conv_forward in its input of spatial size input_size (C)."""
    if not _usable(grad, weight):
        raise Unsupported("mixed or non-float dtypes, or an empty tensor")
    x_shape = (grad.shape[0], weight.shape[1] * groups) + tuple(input_size)
    xshape, wshape, size, geom = _geometry("conv_backward_input", x_shape, weight.shape, stride, padding, dilation,
                                           groups)
    if grad.ndim != weight.ndim or grad.shape[1] != weight.shape[0] or \
            any(o > s for o, s in zip(grad.shape[2:], size)):
        raise RuntimeError(f"conv_backward_input: grad {tuple(grad.shape)} does not fit weight "
                           f"{tuple(weight.shape)} and input size {tuple(input_size)} (at most {size} positions)")
    g, w = np.ascontiguousarray(grad), np.ascontiguousarray(weight)
    dx = empty(x_shape, grad.dtype)
    m.check(_BACKWARD_INPUT[grad.dtype](m.ptr(g), m.ptr(w), m.out_ptr(dx), m.int64s(xshape), m.int64s(wshape),
                                        m.int64s(_as3(grad.shape[2:], 1)), m.int64s(geom), int(groups),
                                        m.threads[0]),
            "conv_backward_input")
    return dx


def conv_backward_weight(x, grad, weight_size, stride, padding, dilation, groups):
    """The gradient of conv_forward in its weight of shape weight_size (C)."""
    if not _usable(x, grad):
        raise Unsupported("mixed or non-float dtypes, or an empty tensor")
    weight_size = tuple(int(s) for s in weight_size)
    xshape, wshape, size, geom = _geometry("conv_backward_weight", x.shape, weight_size, stride, padding, dilation,
                                           groups)
    if grad.shape != (x.shape[0], weight_size[0]) + size:
        raise RuntimeError(f"conv_backward_weight: grad {tuple(grad.shape)} should be "
                           f"{(x.shape[0], weight_size[0]) + size} for input {tuple(x.shape)} and weight "
                           f"{weight_size}")
    g = np.ascontiguousarray(grad)
    dw = empty(weight_size, x.dtype)
    m.check(_BACKWARD_WEIGHT[x.dtype](m.ptr(x), m.int64s(_strides5(x)), m.ptr(g), m.out_ptr(dw), m.int64s(xshape),
                                      m.int64s(wshape), m.int64s(_as3(size, 1)), m.int64s(geom), int(groups),
                                      m.threads[0]),
            "conv_backward_weight")
    return dw

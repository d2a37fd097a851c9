"""Convolution as three primitive ops that differentiate into one another.

With x the input, w the weight and g the incoming gradient, a convolution y = conv(x, w) is
linear in each argument, so its two backward maps are convolutions again:

    convolution_backward_input(g, w)  = conv's adjoint in x   (a transposed convolution of g),
    convolution_backward_weight(x, g) = conv's adjoint in w   (a convolution of x with g).

Each of the three is an op whose formulas are the other two (the identities follow from
<h, A_w^T g> = <A_w h, g> = <conv(h, w), g>):

    d conv                 : dx = backward_input(g, w),        dw = backward_weight(x, g)
    d backward_input(g, w) : dg = conv(h, w),                  dw = backward_weight(h, g)
    d backward_weight(x, g): dx = backward_input(g, h),        dg = conv(x, h)

so gradients of any order need no code of their own. A transposed convolution is
backward_input applied to its input (PyTorch's weight layout for it, (C_in, C_out / groups,
*K), is exactly the weight layout backward_input reads), which is why both are one op,
``convolution``, with a ``transposed`` flag and the node name ConvolutionBackward0, as in
PyTorch. The front ends in nn/_conv.py check and normalize the arguments.
"""
from .. import kernels
from ._opdef import defop
from . import reduction


def _bias_view(bias, ndim):
    return bias.reshape((1, -1) + (1,) * (ndim - 2))


def transposed_size(input_shape, weight_shape, stride, padding, dilation, output_padding):
    """The spatial size of a transposed convolution's output."""
    return tuple((s - 1) * st - 2 * p + d * (k - 1) + op + 1
                 for s, k, st, p, d, op in zip(input_shape[2:], weight_shape[2:], stride, padding, dilation,
                                               output_padding))


def _convolution_forward(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    if transposed:
        size = transposed_size(input.shape, weight.shape, stride, padding, dilation, output_padding)
        out = kernels.conv_backward_input(input, weight, size, stride, padding, dilation, groups)
    else:
        out = kernels.conv_forward(input, weight, stride, padding, dilation, groups)
    if bias is not None:
        out += bias.reshape((1, -1) + (1,) * (out.ndim - 2))
    return out


def _convolution_grads(grad, input, weight, stride, padding, dilation, transposed, groups, input_shapes,
                       needs_input_grad):
    need_input, need_weight, need_bias = needs_input_grad
    dx = dw = db = None
    if transposed:
        if need_input:
            dx = convolution(grad, weight, None, stride, padding, dilation, False, (0,) * len(stride), groups)
        if need_weight:
            dw = convolution_backward_weight(grad, input, input_shapes[1], stride, padding, dilation, groups)
    else:
        if need_input:
            dx = convolution_backward_input(grad, weight, input_shapes[0][2:], stride, padding, dilation, groups)
        if need_weight:
            dw = convolution_backward_weight(input, grad, input_shapes[1], stride, padding, dilation, groups)
    if need_bias:
        db = reduction.sum_dim(grad, (0,) + tuple(range(2, grad.ndim)), False)
    return dx, dw, db


convolution = defop(
    "convolution", "input, weight, bias, stride, padding, dilation, transposed, output_padding, groups",
    _convolution_forward, tensors=("input", "weight", "bias"), promote=None, node_name="ConvolutionBackward0",
    grads={"*": _convolution_grads},
    doc="N-d convolution (or transposed convolution) of (N, C, *S) input, zero padding, as torch.convolution; "
        "stride, padding, dilation and output_padding are tuples with one int per spatial dim.")


def _zeros(n):
    return (0,) * n


# Formula parameters: `h` is the incoming gradient (shaped like the op's output).
convolution_backward_input = defop(
    "convolution_backward_input", "grad_output, weight, input_size, stride, padding, dilation, groups",
    kernels.conv_backward_input, promote=None,
    grads={"grad_output": lambda h, weight, stride, padding, dilation, groups: convolution(
               h, weight, None, stride, padding, dilation, False, _zeros(len(stride)), groups),
           "weight": lambda h, grad_output, input_shapes, stride, padding, dilation, groups:
               convolution_backward_weight(h, grad_output, input_shapes[1], stride, padding, dilation, groups)},
    doc="The gradient of convolution with respect to its input of spatial size input_size: the transposed "
        "convolution of grad_output with weight.")

convolution_backward_weight = defop(
    "convolution_backward_weight", "input, grad_output, weight_size, stride, padding, dilation, groups",
    kernels.conv_backward_weight, promote=None,
    grads={"input": lambda h, grad_output, input_shapes, stride, padding, dilation, groups:
               convolution_backward_input(grad_output, h, input_shapes[0][2:], stride, padding, dilation, groups),
           "grad_output": lambda h, input, stride, padding, dilation, groups: convolution(
               input, h, None, stride, padding, dilation, False, _zeros(len(stride)), groups)},
    doc="The gradient of convolution with respect to its weight of shape weight_size: the correlation of "
        "input with grad_output.")

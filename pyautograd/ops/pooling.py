"""Pooling primitives: max (with indices), average and adaptive average/max, 2-D and 3-D.

The 2-D and 3-D forms are separate ops only because PyTorch names their nodes apart
(MaxPool2DWithIndicesBackward0, AvgPool3DBackward0...); one kernel serves both (it pools the
last len(kernel_size) axes, every axis before is a batch axis, so unbatched input needs no
reshaping). 1-D pooling is the 2-D op on an unsqueezed input (nn/_pooling.py), as in PyTorch.

Backward passes are ops too, so double backward works:
- max pooling's backward adds each gradient at its saved index (max_pool_backward); that is
  linear in the gradient, and its own gradient gathers at the same indices;
- average pooling is linear, so its backward (the transposed map) differentiates back into
  the forward pooling of the incoming gradient, and vice versa.
"""
from .. import kernels
from ._opdef import defop


def _flat_gather(h, indices, nd):
    lead = tuple(indices.shape[:indices.ndim - nd])
    flat = h.reshape(lead + (-1,))
    return flat.gather(-1, indices.reshape(lead + (-1,))).reshape(tuple(indices.shape))


max_pool_backward = defop(
    "max_pool_backward", "grad_output, indices, input_size", kernels.max_pool_backward,
    tensors=("indices",), promote=None,
    grads={"grad_output": lambda h, indices, input_size: _flat_gather(h, indices, len(input_size))},
    doc="The gradient of max pooling: grad_output added at the flat spatial positions `indices` of an "
        "input of spatial size input_size.")


def _max_pool_grads(grads, result, input_shapes, kernel_size):
    grad = grads[0]
    if grad is None:
        return (None,)
    return (max_pool_backward(grad, result[1], tuple(input_shapes[0][len(input_shapes[0]) - len(kernel_size):])),)


def _max_pool_op(nd):
    return defop(
        f"max_pool{nd}d_with_indices", "input, kernel_size, stride, padding, dilation, ceil_mode", kernels.max_pool,
        promote=None, num_outputs=2, nondiff_outputs=(1,), node_name=f"MaxPool{nd}DWithIndicesBackward0",
        tensors=("input",), grads={"*": lambda grads, result, input_shapes, kernel_size: _max_pool_grads(
            grads, result, input_shapes, kernel_size)},
        doc=f"{nd}-D max pooling of the last {nd} axes: (values, flat input positions of the maxima).")


max_pool2d_with_indices = _max_pool_op(2)
max_pool3d_with_indices = _max_pool_op(3)


def _adaptive_max_op(nd):
    return defop(
        f"adaptive_max_pool{nd}d", "input, output_size", kernels.adaptive_max_pool,
        promote=None, num_outputs=2, nondiff_outputs=(1,), node_name=f"AdaptiveMaxPool{nd}DBackward0",
        tensors=("input",), grads={"*": lambda grads, result, input_shapes, output_size: _max_pool_grads(
            grads, result, input_shapes, output_size)},
        doc=f"{nd}-D adaptive max pooling of the last {nd} axes to output_size: (values, flat positions).")


adaptive_max_pool2d = _adaptive_max_op(2)
adaptive_max_pool3d = _adaptive_max_op(3)



def _fractional_max_op(nd):
    return defop(
        f"fractional_max_pool{nd}d", "input, kernel_size, output_size, random_samples", kernels.fractional_max_pool,
        promote=None, num_outputs=2, nondiff_outputs=(1,), node_name=f"FractionalMaxPool{nd}DBackward0",
        tensors=("input", "random_samples"),
        grads={"*": lambda grads, result, input_shapes, kernel_size: _max_pool_grads(
            grads, result, input_shapes, kernel_size) + (None,)},
        doc=f"{nd}-D fractional max pooling of the last {nd} axes to output_size, windows of kernel_size placed by "
            f"random_samples: (values, flat positions).")


fractional_max_pool2d = _fractional_max_op(2)
fractional_max_pool3d = _fractional_max_op(3)

_AVG_PARAMS = "kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override"


def _spatial(input_shapes, kernel_size):
    shape = input_shapes[0]
    return tuple(shape[len(shape) - len(kernel_size):])


avg_pool_backward = defop(
    "avg_pool_backward", f"grad_output, input_size, {_AVG_PARAMS}", kernels.avg_pool_backward, promote=None,
    grads={"grad_output": lambda h, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override:
           _avg_ops[len(kernel_size)](h, kernel_size, stride, padding, ceil_mode, count_include_pad,
                                      divisor_override)},
    doc="The gradient of average pooling for an input of spatial size input_size.")


def _avg_pool_op(nd):
    return defop(
        f"avg_pool{nd}d", f"input, {_AVG_PARAMS}", kernels.avg_pool, promote=None,
        node_name=f"AvgPool{nd}DBackward0",
        grads={"input": lambda grad, input_shapes, kernel_size, stride, padding, ceil_mode, count_include_pad,
               divisor_override: avg_pool_backward(grad, _spatial(input_shapes, kernel_size), kernel_size, stride,
                                                   padding, ceil_mode, count_include_pad, divisor_override)},
        doc=f"{nd}-D average pooling of the last {nd} axes (PyTorch's divisor rules).")


avg_pool2d = _avg_pool_op(2)
avg_pool3d = _avg_pool_op(3)
_avg_ops = {2: avg_pool2d, 3: avg_pool3d}

adaptive_avg_pool_backward = defop(
    "adaptive_avg_pool_backward", "grad_output, input_size", kernels.adaptive_avg_pool_backward, promote=None,
    grads={"grad_output": lambda h, input_shapes, input_size: _adaptive_avg_ops[len(input_size)](
        h, tuple(input_shapes[0][len(input_shapes[0]) - len(input_size):]))},
    doc="The gradient of adaptive average pooling for an input of spatial size input_size.")


def _adaptive_avg_op(nd):
    return defop(
        f"adaptive_avg_pool{nd}d", "input, output_size", kernels.adaptive_avg_pool, promote=None,
        node_name=f"AdaptiveAvgPool{nd}DBackward0",
        grads={"input": lambda grad, input_shapes, output_size: adaptive_avg_pool_backward(
            grad, _spatial(input_shapes, output_size))},
        doc=f"{nd}-D adaptive average pooling of the last {nd} axes to output_size.")


adaptive_avg_pool2d = _adaptive_avg_op(2)
adaptive_avg_pool3d = _adaptive_avg_op(3)
_adaptive_avg_ops = {2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}

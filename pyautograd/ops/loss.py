"""Loss ops with fused kernels: cross-entropy from logits.

The forward and its gradient are each one fused pass over the logits
(kernels.cross_entropy / cross_entropy_backward). The fused backward has no
derivative of its own, so the op is declared once-differentiable: double
backward through it raises (the op database records supports_gradgrad=False
and a test checks that it raises).
"""
from .. import kernels
from ._opdef import defop


cross_entropy_fused = defop(
    "cross_entropy_fused", "input, target, weight, ignore_index, reduction, label_smoothing",
    lambda input, target, weight, ignore_index, reduction, label_smoothing: kernels.cross_entropy(
        input, target, weight=weight, ignore_index=ignore_index, reduction=reduction,
        label_smoothing=label_smoothing),
    tensors=("target", "weight"), promote=None, once_differentiable=True,
    node_name="NllLossBackward0",
    grads={"input": lambda grad, input, target, weight, ignore_index, reduction, label_smoothing:
           _ce_backward(grad, input, target, weight, ignore_index, reduction, label_smoothing)})


def _ce_backward(grad, input, target, weight, ignore_index, reduction, label_smoothing):
    from .._tensor import Tensor
    g = kernels.cross_entropy_backward(grad._data, input._data, target._data,
                                       weight=None if weight is None else weight._data,
                                       ignore_index=ignore_index, reduction=reduction,
                                       label_smoothing=label_smoothing)
    return Tensor._wrap(g)

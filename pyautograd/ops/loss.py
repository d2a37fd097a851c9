"""The loss ops with a kernel of their own (PyTorch's native losses).

Each forward is one kernel call that also reduces ("none", "mean" or "sum");
the backward formulas are Tensor ops, so double backward works. Arguments
arrive checked, broadcast and in one dtype from the front ends in
nn/_losses.py (promote=None here). Losses PyTorch writes from other ops
(l1_loss, kl_div, cross-entropy with probabilities) are composites there.

Cross-entropy with class indices is log_softmax then nll_loss, as in PyTorch
(its graph, NllLossBackward0 -> LogSoftmaxBackward0, is PyTorch's).
"""
from .. import kernels
from .._tensor import Tensor
from ._opdef import defop
from .pointwise import logsigmoid


def _per_element(grad, reduction, d):
    """grad as the factor of each element's derivative: divided by the element count
    for "mean" (d is the elementwise operand, broadcast already)."""
    return grad / d.numel() if reduction == "mean" else grad


def _mse_grad(grad, input, target, reduction):
    d = input - target
    return 2 * d * _per_element(grad, reduction, d)


def _smooth_l1_grad(grad, input, target, reduction, beta):
    d = input - target
    return (d / beta).clamp(-1, 1) * _per_element(grad, reduction, d)


def _huber_grad(grad, input, target, reduction, delta):
    d = input - target
    return d.clamp(-delta, delta) * _per_element(grad, reduction, d)


mse_loss = defop(
    "mse_loss", "input, target, reduction", kernels.mse_loss, promote=None,
    grads={"input": _mse_grad,
           "target": lambda grad, input, target, reduction: -_mse_grad(grad, input, target, reduction)})

smooth_l1_loss = defop(
    "smooth_l1_loss", "input, target, reduction, beta", kernels.smooth_l1_loss, promote=None,
    grads={"input": _smooth_l1_grad,
           "target": lambda grad, input, target, reduction, beta:
           -_smooth_l1_grad(grad, input, target, reduction, beta)})

huber_loss = defop(
    "huber_loss", "input, target, reduction, delta", kernels.huber_loss, promote=None,
    grads={"input": _huber_grad,
           "target": lambda grad, input, target, reduction, delta:
           -_huber_grad(grad, input, target, reduction, delta)})


# -- binary cross-entropy -------------------------------------------------------------------------

# PyTorch's floor under x (1 - x) in the gradient of binary_cross_entropy: 1e-12 as a float32
# (it matters where the input is exactly 0 or 1).
_BCE_EPS = 9.999999960041972e-13


def _weighted(g, weight, reduction, input):
    g = g if weight is None else g * weight
    return g / input.numel() if reduction == "mean" else g


def _bce_input_grad(grad, input, target, weight, reduction):
    g = grad * (input - target) / ((1 - input) * input).clamp(min=_BCE_EPS)
    return _weighted(g, weight, reduction, input)


def _bce_target_grad(grad, input, target, weight, reduction):
    # -logit(input), unclamped as in PyTorch (infinite where the input is exactly 0 or 1)
    g = grad * -(input / (1 - input)).log()
    return _weighted(g, weight, reduction, input)


binary_cross_entropy = defop(
    "binary_cross_entropy", "input, target, weight, reduction", kernels.binary_cross_entropy,
    tensors=("weight",), promote=None,
    grads={"input": _bce_input_grad, "target": _bce_target_grad})


def _bce_logits_input_grad(grad, input, target, weight, pos_weight, reduction):
    s = input.sigmoid()
    g = s - target if pos_weight is None else s * (1 + (pos_weight - 1) * target) - pos_weight * target
    return _weighted(grad * g, weight, reduction, input)


def _bce_logits_target_grad(grad, input, target, weight, pos_weight, reduction):
    g = -input if pos_weight is None else -input - (pos_weight - 1) * logsigmoid(input)
    return _weighted(grad * g, weight, reduction, input)


binary_cross_entropy_with_logits = defop(
    "binary_cross_entropy_with_logits", "input, target, weight, pos_weight, reduction",
    kernels.binary_cross_entropy_with_logits, tensors=("weight", "pos_weight"), promote=None,
    grads={"input": _bce_logits_input_grad, "target": _bce_logits_target_grad})


# -- negative log-likelihood ----------------------------------------------------------------------
# nll_loss is linear in its input: the gradient is the adjoint map (a scatter of -weight[t]),
# and the derivative of that scatter with respect to its incoming gradient is nll_loss again.

nll_loss_backward = defop(
    "nll_loss_backward", "grad_output, target, weight, reduction, ignore_index, shape",
    kernels.nll_loss_backward, tensors=("target", "weight"), promote=None,
    grads={"grad_output": lambda grad, target, weight, reduction, ignore_index:
           nll_loss(grad, target, weight, reduction, ignore_index)})


def _nll_grad(grad, target, weight, reduction, ignore_index, input_shapes):
    return nll_loss_backward(grad, target, weight, reduction, ignore_index, input_shapes[0])


def _declare_nll(name, node_name):
    # PyTorch has two ops, nll_loss ((C,), (N, C)) and nll_loss2d ((N, C, H, W)), one kernel
    # here; they differ only in the name of their node.
    return defop(name, "input, target, weight, reduction, ignore_index", kernels.nll_loss,
                 tensors=("target", "weight"), promote=None, node_name=node_name,
                 grads={"input": _nll_grad})


nll_loss = _declare_nll("nll_loss", "NllLossBackward0")
nll_loss2d = _declare_nll("nll_loss2d", "NllLoss2DBackward0")


# -- connectionist temporal classification --------------------------------------------------------
# PyTorch's _ctc_loss: the per-sample negative log-likelihood (N,) of log_probs (T, N, C). Its
# backward is a fused alpha-beta kernel with no derivative of its own in PyTorch either, hence
# once_differentiable. targets arrive padded (N, S_max) int64, the lengths as tuples of ints.

def _ctc_grad(grad, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, result):
    # runs under no_grad (once_differentiable): the fused kernel on the arrays
    return Tensor._make(kernels.ctc_loss_backward(grad._data, log_probs._data, targets._data, input_lengths,
                                                 target_lengths, result._data, blank, zero_infinity), False)


ctc_loss = defop(
    "_ctc_loss", "log_probs, targets, input_lengths, target_lengths, blank, zero_infinity", kernels.ctc_loss,
    tensors=("targets",), promote=None, once_differentiable=True, grads={"log_probs": _ctc_grad})


# -- the margin losses ----------------------------------------------------------------------------
# PyTorch's native soft_margin_loss (twice differentiable: its backward is written in Tensor ops
# here) and its class-index hinge losses, whose backward kernels have no derivative in PyTorch
# (once_differentiable). The front ends (nn/_margin_losses.py) check the arguments, broadcast the
# soft margin target and reject a target or weight that requires grad, as PyTorch does.

def _soft_margin_grad(grad, input, target, reduction):
    # d/dx log(1 + exp(-y x)) = -y sigmoid(-y x) (PyTorch writes it -y z / (1 + z), z = exp(-y x),
    # which is NaN where z overflows)
    return -target * (-target * input).sigmoid() * _per_element(grad, reduction, input)


soft_margin_loss = defop(
    "soft_margin_loss", "input, target, reduction", kernels.soft_margin_loss, tensors=("target",), promote=None,
    grads={"input": _soft_margin_grad})


def _multi_margin_grad(grad, input, target, p, margin, weight, reduction):
    # runs under no_grad (once_differentiable): the backward kernel on the arrays
    return Tensor._make(kernels.multi_margin_loss_backward(grad._data, input._data, target._data, p, margin,
                                                           None if weight is None else weight._data, reduction),
                        False)


multi_margin_loss = defop(
    "multi_margin_loss", "input, target, p, margin, weight, reduction", kernels.multi_margin_loss,
    tensors=("target", "weight"), promote=None, once_differentiable=True, grads={"input": _multi_margin_grad})


def _multilabel_margin_grad(grad, input, target, reduction):
    # runs under no_grad (once_differentiable): the backward kernel on the arrays
    return Tensor._make(kernels.multilabel_margin_loss_backward(grad._data, input._data, target._data, reduction),
                        False)


multilabel_margin_loss = defop(
    "multilabel_margin_loss", "input, target, reduction", kernels.multilabel_margin_loss, tensors=("target",),
    promote=None, once_differentiable=True, node_name="MultilabelMarginLossBackward0",
    grads={"input": _multilabel_margin_grad})

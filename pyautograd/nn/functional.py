"""torch.nn.functional: activations, linear, normalization and the losses (from nn/_losses.py)."""
from ..ops import linalg
from ..ops.composite import clamp, hardtanh, relu6  # noqa: F401
from ..ops.pointwise import elu, gelu, leaky_relu, logsigmoid, relu, sigmoid, silu, softplus, tanh  # noqa: F401
from ._losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,  # noqa: F401
                      kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss)


def linear(input, weight, bias=None):
    """input @ weight.T + bias, in one fused kernel call for 2-D input."""
    if input.ndim == 2:
        return linalg.linear_bias(input, weight, bias) if bias is not None else linalg.linear_nobias(input, weight)
    if input.ndim == 1:
        return linear(input.reshape(1, -1), weight, bias).reshape(-1)
    lead = input.shape[:-1]
    out = linear(input.reshape(-1, input.shape[-1]), weight, bias)
    return out.reshape(*lead, out.shape[-1])


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """softmax along `dim`."""
    return input.softmax(dim) if dtype is None else input.to(dtype).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log_softmax along `dim`."""
    return input.log_softmax(dim) if dtype is None else input.to(dtype).log_softmax(dim)

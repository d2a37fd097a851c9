"""nn.functional forms of the activations added for the everyday API (mish, hardswish,
hardsigmoid, celu, selu, softmin, glu, prelu, gumbel_softmax) and gaussian_nll_loss, with
PyTorch's signatures. The math is in ops/pointwise_more.py; ``inplace=True`` writes into the
input through the in-place machinery, as the other activations do."""
import math

from .. import _creation
from .._random import rng
from ..autograd import grad_mode
from ..ops import pointwise_more, reduction
from ._activation import _maybe_inplace, _softmax_dim


def mish(input, inplace=False):
    """input * tanh(softplus(input))."""
    return _maybe_inplace(pointwise_more.mish, "mish_", input, inplace)


def hardswish(input, inplace=False):
    """input * relu6(input + 3) / 6."""
    return _maybe_inplace(pointwise_more.hardswish, "hardswish_", input, inplace)


def hardsigmoid(input, inplace=False):
    """relu6(input + 3) / 6."""
    return _maybe_inplace(pointwise_more.hardsigmoid, "hardsigmoid_", input, inplace)


def celu(input, alpha=1.0, inplace=False):
    """input where input > 0, else alpha * (exp(input / alpha) - 1)."""
    return _maybe_inplace(pointwise_more.celu, "celu_", input, inplace, alpha)


def selu(input, inplace=False):
    """scale * elu(input, alpha) with the self-normalizing constants (node EluBackward0, as PyTorch)."""
    return _maybe_inplace(pointwise_more.selu, "selu_", input, inplace)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input) along `dim`."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return reduction.softmax(-input, dim, dtype)


def glu(input, dim=-1):
    """The first half of `dim` times the sigmoid of the second half."""
    return pointwise_more.glu(input, dim)


def prelu(input, weight):
    """input where input > 0, else weight * input (one weight per channel, or one shared)."""
    return pointwise_more.prelu(input, weight)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample of the Gumbel-softmax distribution over `dim` (soft), or its one-hot argmax with the
    soft sample's gradient (hard: the straight-through estimator, as PyTorch)."""
    draws = _creation.Tensor._wrap(rng(None).exponential(1.0, logits.shape).astype(logits._data.dtype))
    gumbels = -draws.log()
    y_soft = reduction.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = reduction.max(y_soft, dim, keepdim=True)[1]
    y_hard = _creation.zeros_like(logits).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """The negative log-likelihood of `target` under Normal(input, var): 0.5 * (log(var) +
    (input - target)**2 / var), plus 0.5 * log(2 pi) when `full`; var is clamped to eps without
    a gradient through the clamp, as PyTorch does."""
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _creation.full_like(input, float(var))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def softsign(input):
    """input / (1 + |input|), composed as PyTorch's F.softsign (DivBackward0)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """input - tanh(input), composed as PyTorch's F.tanhshrink (SubBackward0)."""
    return input - input.tanh()

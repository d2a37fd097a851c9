"""Random sampling ops: multinomial (category indices) and bernoulli (0/1 draws).

Both draw from the global generator or the ``generator=`` given (torch.manual_seed makes
them reproducible). bernoulli's result is differentiable with a zero gradient, as
PyTorch's BernoulliBackward0; multinomial returns indices (never requires grad).
"""
import numbers

import numpy as np

from .. import _creation, kernels
from .._random import rng
from ._opdef import defop
from ._surface import declare

_multinomial = defop("multinomial", "input, num_samples, replacement, generator",
                     lambda input, num_samples, replacement, generator:
                     kernels.multinomial(input, num_samples, replacement, rng(generator)),
                     promote=None, differentiable=False, tensors=("input",))
_bernoulli = defop("bernoulli", "input, generator",
                   lambda input, generator: kernels.bernoulli(input, rng(generator)),
                   promote=None, grads={"input": lambda grad: grad * 0})


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """`num_samples` category indices per row of `input` (1-D or 2-D non-negative weights),
    drawn with or without replacement; int64 of shape (..., num_samples).

    Example: ``torch.multinomial(probs, 1)`` samples the next token of a language model.
    """
    if input.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim (got shape {list(input.shape)})")
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if not isinstance(num_samples, numbers.Integral) or num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (got {num_samples})")
    categories = input.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError(f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                           f"(n_sample={num_samples}, {categories} categories)")
    w = input._data
    if not np.isfinite(w).all() or (w < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (w.reshape(-1, categories).sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and (np.count_nonzero(w.reshape(-1, categories), -1) < num_samples).any():
        raise RuntimeError(f"invalid multinomial distribution (with replacement=False, not enough non-negative "
                           f"category to sample): a row has fewer than {num_samples} non-zero weights")
    return _multinomial(input, int(num_samples), bool(replacement), generator)


def bernoulli(input, p=None, *, generator=None):
    """0/1 draws, 1 with probability `input` elementwise (or with the number `p`, input's shape)."""
    if p is not None:
        input = _creation.full(input.shape, float(p), dtype=input.dtype)
    w = input._data
    if not input.is_floating_point():
        raise RuntimeError(f"bernoulli only supports floating-point dtypes, got: {input.dtype}")
    if w.size and ((w < 0) | (w > 1) | np.isnan(w)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an issue to PyTorch.)")
    return _bernoulli(input, generator)


__all__ = ["bernoulli", "multinomial"]


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
declare("multinomial", multinomial, method=True)
declare("bernoulli", bernoulli, method=True)

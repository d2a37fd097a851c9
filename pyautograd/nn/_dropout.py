"""nn.functional.dropout: zeroes elements with probability p and scales the rest by 1 / (1 - p).

The mask is drawn from the global generator (or its state under manual_seed), so a seeded
run drops the same elements every time; the draws are not PyTorch's (see _random.py).
The output is input * noise with noise = mask / (1 - p), as in PyTorch (MulBackward0).
"""
from .. import _creation


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    """During training, each element is zeroed with probability `p` and the others are scaled by
    1 / (1 - p); returns `input` itself when not training or p == 0."""
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        noise = _creation.zeros((), dtype=input.dtype)
    else:
        keep = 1.0 - p
        noise = (_creation.rand(*input.shape, dtype=input.dtype) < keep).to(input.dtype) / keep
    return input.mul_(noise) if inplace else input * noise

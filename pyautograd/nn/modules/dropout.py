"""Dropout: zeroes elements with probability p in training mode (identity in eval mode)."""
from .. import functional as F
from .._dropout import _check_p
from ..module import Module


class Dropout(Module):
    """During training, zeroes each element with probability `p` and scales the others by
    1 / (1 - p); in eval mode returns its input. Reproducible under manual_seed."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        _check_p(p)
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"

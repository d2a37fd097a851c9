"""Dropout: zeroes elements with probability p in training mode (identity in eval mode); Dropout1d/2d/3d
(whole channels), AlphaDropout and FeatureAlphaDropout (for SELU networks)."""
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

class Dropout1d(Dropout):
    """Zeroes whole channels of (N, C, L) or (C, L) input with probability p in training."""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) input with probability p in training."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p in training."""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps a SELU network's mean and variance (dropped values to SELU's saturation)."""

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """AlphaDropout of whole channels."""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)

"""Bernoulli(probs | logits)."""
from ..nn import functional as F
from ..ops import sampling
from .categorical import _one_of
from .distribution import Distribution, broadcast_all


class Bernoulli(Distribution):
    """A 0/1 variable that is 1 with probability `probs` (or sigmoid(`logits`))."""

    arg_names = ("probs",)

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits)
        self.arg_names = ("probs",) if probs is not None else ("logits",)  # the repr shows the one given
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            eps = 1.1920928955078125e-07 if self.probs.dtype.name == "float32" else 2.220446049250313e-16
            clamped = self.probs.clamp(eps, 1 - eps)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            (self.logits,) = broadcast_all(logits)
            self.probs = self.logits.sigmoid()
        super().__init__(self.probs.shape, (), validate_args)
        if probs is not None:
            self._check("probs", self.probs, (self.probs >= 0) & (self.probs <= 1), "Interval(lower_bound=0.0, "
                        "upper_bound=1.0)")

    @property
    def mean(self):
        """probs."""
        return self.probs

    @property
    def mode(self):
        """1 where probs > 0.5, 0 where < 0.5 (NaN at 0.5, as PyTorch)."""
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        """probs * (1 - probs)."""
        return self.probs * (1 - self.probs)

    def _draw(self, shape):
        return sampling.bernoulli(self.probs.expand(*shape))

    def log_prob(self, value):
        """log P(value) for 0/1 values: -BCE(logits, value)."""
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        """BCE(logits, probs)."""
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

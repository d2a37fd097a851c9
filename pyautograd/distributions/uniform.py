"""Uniform(low, high)."""
from .. import _creation
from .distribution import Distribution, broadcast_all


class Uniform(Distribution):
    """The uniform distribution on [low, high)."""

    has_rsample = True
    arg_names = ("low", "high")

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, (), validate_args)
        self._check("low", self.low, self.low < self.high, "LessThan(upper_bound=high)")

    @property
    def mean(self):
        """(low + high) / 2."""
        return (self.high + self.low) / 2

    @property
    def stddev(self):
        """(high - low) / sqrt(12)."""
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        """(high - low) ** 2 / 12."""
        return (self.high - self.low).pow(2) / 12

    def _draw(self, shape):
        return self.rsample(shape[:len(shape) - len(self._batch_shape)])

    def rsample(self, sample_shape=()):
        """low + u * (high - low) with u ~ U[0, 1): differentiable in low and high."""
        u = _creation.rand(self._extended_shape(sample_shape), dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        """-log(high - low) inside [low, high), -inf outside."""
        inside = ((self.low <= value) & (value < self.high)).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def cdf(self, value):
        """P(X <= value), clamped to [0, 1]."""
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def entropy(self):
        """log(high - low)."""
        return (self.high - self.low).log()

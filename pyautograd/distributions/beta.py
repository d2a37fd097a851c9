"""Beta(concentration1, concentration0)."""
from .. import _creation
from .._random import rng
from ..ops import gamma_fns, pointwise_more
from .distribution import Distribution, broadcast_all


class Beta(Distribution):
    """The Beta distribution on (0, 1) with concentrations `concentration1` (alpha, the weight of
    1) and `concentration0` (beta, the weight of 0), both > 0.

    Samples are drawn (NumPy's Beta sampler on pyautograd's generator) but not reparameterized:
    there is no ``rsample`` (PyTorch's goes through Dirichlet's implicit gradient, which is not
    implemented here), so ``has_rsample`` is False. log_prob, entropy, mean and variance are
    differentiable in both concentrations."""

    arg_names = ()  # PyTorch's repr is "Beta()": its parameters live on an inner Dirichlet

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        super().__init__(self.concentration1.shape, (), validate_args)
        self._check("concentration1", self.concentration1, self.concentration1 > 0, "GreaterThan(lower_bound=0.0)")
        self._check("concentration0", self.concentration0, self.concentration0 > 0, "GreaterThan(lower_bound=0.0)")

    @property
    def mean(self):
        """concentration1 / (concentration1 + concentration0)."""
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        """The density's peak: (a - 1) / (a + b - 2) with a - 1 and b - 1 clamped at 0; where both
        concentrations are below 1 (peaks at both ends) 1, as PyTorch answers there."""
        a, b = self.concentration1, self.concentration0
        am1, bm1 = (a - 1).clamp(min=0), (b - 1).clamp(min=0)
        return (am1 / (am1 + bm1)).masked_fill((a < 1) & (b < 1), 1.0)

    @property
    def variance(self):
        """a b / ((a + b)^2 (a + b + 1)) for a = concentration1, b = concentration0."""
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def _draw(self, shape):
        a = self.concentration1.detach().expand(*shape)._data
        b = self.concentration0.detach().expand(*shape)._data
        draws = rng().beta(a, b, size=shape)
        return _creation.tensor(draws, dtype=self.concentration1.dtype)

    def log_prob(self, value):
        """The log density at `value` in [0, 1]."""
        a, b = self.concentration1, self.concentration0
        log_norm = gamma_fns.lgamma(a + b) - gamma_fns.lgamma(a) - gamma_fns.lgamma(b)
        return pointwise_more.xlogy(a - 1, value) + pointwise_more.xlogy(b - 1, 1 - value) + log_norm

    def entropy(self):
        """The differential entropy: log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)."""
        a, b = self.concentration1, self.concentration0
        total = a + b
        log_beta = gamma_fns.lgamma(a) + gamma_fns.lgamma(b) - gamma_fns.lgamma(total)
        return (log_beta - (a - 1) * gamma_fns.digamma(a) - (b - 1) * gamma_fns.digamma(b)
                + (total - 2) * gamma_fns.digamma(total))

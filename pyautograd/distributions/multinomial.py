"""Multinomial(total_count, probs | logits)."""
import numbers

from .. import _creation
from ..ops import gamma_fns
from ..type_info import finfo
from .categorical import Categorical
from .distribution import Distribution, broadcast_all


class Multinomial(Distribution):
    """The counts of `total_count` draws from the categories of the last dim of `probs`
    (non-negative, normalized here) or `logits`: events of shape (K,) summing to total_count.
    sample() draws the categories and counts them, in probs' dtype; log_prob and entropy are
    differentiable in the parameters."""

    arg_names = ()  # PyTorch's repr is "Multinomial()": its parameters live on an inner Categorical

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if isinstance(total_count, bool) or not isinstance(total_count, numbers.Integral):
            # PyTorch supports only one total_count for the whole batch.
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = int(total_count)
        self._categorical = Categorical(probs=probs, logits=logits, validate_args=validate_args)
        batch = tuple(self._categorical.batch_shape)
        super().__init__(batch, tuple(self._categorical.param_shape[-1:]), validate_args)

    @property
    def probs(self):
        """The normalized category probabilities."""
        return self._categorical.probs

    @property
    def logits(self):
        """The normalized log-probabilities."""
        return self._categorical.logits

    @property
    def param_shape(self):
        """The shape of probs."""
        return self._categorical.param_shape

    @property
    def mean(self):
        """total_count * probs."""
        return self.probs * self.total_count

    @property
    def variance(self):
        """total_count * probs * (1 - probs)."""
        return self.total_count * self.probs * (1 - self.probs)

    def _draw(self, shape):
        sample_shape = shape[:len(shape) - len(self._batch_shape) - 1]
        # total_count categories per sample, moved to the last dim, then counted per category.
        draws = self._categorical.sample((self.total_count,) + tuple(sample_shape))
        draws = draws.permute(*range(1, draws.ndim), 0)
        counts = _creation.zeros(shape, dtype=self.probs.dtype)
        return counts.scatter_add(-1, draws, _creation.ones(tuple(draws.shape), dtype=self.probs.dtype))

    def log_prob(self, value):
        """log P(counts = value): log(n! / prod x_i!) + sum x_i log p_i."""
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = gamma_fns.lgamma(value.sum(-1) + 1)
        log_factorial_xs = gamma_fns.lgamma(value + 1).sum(-1)
        # A category of probability 0 counted 0 times contributes 0 (not 0 * -inf).
        logits = logits.masked_fill((value == 0) & (logits == float("-inf")), 0.0)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self):
        """-E[log P(X)], summed exactly over each category's binomial count distribution."""
        n = self.total_count
        probs = self.probs
        log_factorial_n = gamma_fns.lgamma(_creation.tensor(float(n + 1), dtype=probs.dtype))
        term1 = n * self._categorical.entropy() - log_factorial_n
        # E[log x_i!] for x_i ~ Binomial(n, p_i): sum over k = 1..n (k = 0 adds log 0! = 0). The
        # binomial log-probabilities are PyTorch's, from logits of probs clamped to [eps, 1 - eps]
        # (so a category of probability 0 keeps finite gradients).
        eps = finfo(probs.dtype).eps
        clamped = probs.clamp(eps, 1 - eps)
        logits = clamped.log() - (-clamped).log1p()
        normalizer = n * (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2 \
            + n * (-logits.abs()).exp().log1p() - log_factorial_n
        support = _creation.arange(1, n + 1, dtype=probs.dtype).reshape((-1,) + (1,) * probs.ndim)
        log_factorial_k = gamma_fns.lgamma(support + 1)
        log_binomial = support * logits - log_factorial_k - gamma_fns.lgamma(n - support + 1) - normalizer
        term2 = (log_binomial.exp() * log_factorial_k).sum(0).sum(-1)
        return term1 + term2

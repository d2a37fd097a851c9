"""Categorical(probs | logits)."""
import numpy as np

from .. import _creation, _dtype
from ..nn import functional as F
from ..ops import reduction, sampling
from ..type_info import finfo
from .distribution import Distribution


def _one_of(probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class Categorical(Distribution):
    """A distribution over the categories 0..K-1 of the last dim of `probs` (non-negative,
    normalized here) or `logits` (unnormalized log-probabilities)."""

    arg_names = ("probs",)

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits)
        self.arg_names = ("probs",) if probs is not None else ("logits",)  # the repr shows the one given
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            # PyTorch's probs_to_logits: probs clamped to [eps, 1 - eps] first (a zero probability
            # has logit log(eps), and finite gradients).
            eps = finfo(probs.dtype).eps
            self.logits = self.probs.clamp(eps, 1 - eps).log()
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - reduction.logsumexp(logits, -1, keepdim=True)
            self.probs = F.softmax(self.logits, -1)
        self._num_events = self.probs.shape[-1]
        super().__init__(self.probs.shape[:-1], (), validate_args)
        if probs is not None:
            self._check("probs", probs, (probs >= 0), "Simplex()")

    @property
    def mean(self):
        """NaN: categories have no mean (as PyTorch)."""
        return _creation.full(self._batch_shape, float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        """The most probable category."""
        return self.probs.argmax(-1)

    @property
    def variance(self):
        """NaN (as PyTorch)."""
        return self.mean

    @property
    def param_shape(self):
        """The shape of probs."""
        return self.probs.shape

    def _draw(self, shape):
        n = 1
        for s in shape[:len(shape) - len(self._batch_shape)]:
            n *= s
        probs_2d = self.probs.reshape(-1, self._num_events)
        draws = sampling.multinomial(probs_2d, n, True).T  # (n, batch)
        return draws.reshape(shape)

    def log_prob(self, value):
        """log P(value) for integer category tensors (broadcast against the batch)."""
        value = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.logits.shape[:-1]) + (1,))
        value = value.expand(*shape)
        logits = self.logits.expand(*(shape[:-1] + (self._num_events,)))
        return logits.gather(-1, value).squeeze(-1)

    def entropy(self):
        """-sum(probs * log(probs)) over the categories."""
        logits = self.logits.clamp(min=finfo(self.logits.dtype).min)
        return -(self.probs * logits).sum(-1)

    def enumerate_support(self, expand=True):
        """The categories 0..K-1, shaped (K, 1, ..., 1) (expanded over the batch when `expand`)."""
        values = _creation.arange(self._num_events, dtype=_dtype.int64).reshape(
            (-1,) + (1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values

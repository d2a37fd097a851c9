"""torch.special: the special functions pyautograd has, under their torch.special names (the
same functions as the top-level ones: erf, erfinv, expm1, exp2, log1p, expit, logit, xlogy,
logsumexp, softmax, log_softmax, round; gammaln, digamma, psi, polygamma; erfc, i0), and
the exponentially scaled and first-order Bessel functions i0e, i1, i1e."""
from .ops import bessel, gamma_fns, pointwise, pointwise_more, reduction


def expit(input):
    """The logistic sigmoid, 1 / (1 + exp(-input))."""
    return pointwise.sigmoid(input)


erf, expm1, exp2, log1p, round = pointwise.erf, pointwise.expm1, pointwise.exp2, pointwise.log1p, pointwise.round  # noqa: A001
xlogy, erfinv = pointwise_more.xlogy, pointwise_more.erfinv
logit = pointwise_more.logit  # torch.logit's primitive (LogitBackward0)
logsumexp, softmax, log_softmax = reduction.logsumexp, reduction.softmax, reduction.log_softmax
# the gamma family (issue 12, small functions): torch.special's names for lgamma, digamma, polygamma
gammaln, digamma, psi, polygamma = gamma_fns.lgamma, gamma_fns.digamma, gamma_fns.digamma, gamma_fns.polygamma
# erfc and the modified Bessel functions of the first kind (issue 12)
erfc, i0 = pointwise.erfc, bessel.i0
i0e, i1, i1e = bessel.special_i0e, bessel.special_i1, bessel.special_i1e

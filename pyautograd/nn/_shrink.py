"""nn.functional forms of softshrink, hardshrink, threshold, rrelu and pdist with PyTorch's
signatures (issue 12). The math is in ops/shrink_distance.py; ``inplace=True`` writes into the
input through the in-place machinery, as the other activations do."""
from ..ops import shrink_distance
from ._activation import _maybe_inplace


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""
    return shrink_distance.softshrink(input, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    return shrink_distance.hardshrink(input, lambd)


def threshold(input, threshold, value, inplace=False):
    """`value` where input <= threshold, else input."""
    return _maybe_inplace(shrink_distance.threshold, "threshold_", input, inplace, threshold, value)


def threshold_(input, threshold, value):
    """threshold in place."""
    return shrink_distance.threshold_(input, threshold, value)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """input where input > 0, else input * a: a ~ U(lower, upper) per element when training,
    (lower + upper) / 2 otherwise."""
    return _maybe_inplace(shrink_distance.rrelu, "rrelu_", input, inplace, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """rrelu in place."""
    return shrink_distance.rrelu_(input, lower, upper, training)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows of a 2-d input (the upper triangle of
    cdist(input, input), row by row)."""
    return shrink_distance.pdist(input, p)

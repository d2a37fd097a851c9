"""trapezoid (and its older name trapz) and cumulative_trapezoid: the trapezoidal rule along one
dim, compositions of slices, sums and scalar products with PyTorch's last nodes (MulBackward1 with
a constant spacing, DivBackward1 with sample points x, CumsumBackward0)."""
import numbers

from .. import _creation
from . import indexing, pointwise, shape
from ._dims import wrap_dim
from ._surface import declare


def _halves(y, dim):
    """(y without its last slice along dim, y without its first)."""
    n = y.shape[dim]
    return indexing.narrow(y, dim, 0, n - 1), indexing.narrow(y, dim, 1, n - 1)


def _spacing(op, y, x, dim):
    """The differences of the sample points `x` along `dim`, laid out to broadcast against y's
    slices: a 1-D x runs along `dim`, a lower-rank x gains leading dims, as in PyTorch (the
    differences are taken first, then broadcast, as NumPy does)."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        sizes = [1] * y.ndim
        sizes[dim] = x.shape[0]
        x = shape.reshape(x, sizes)
    elif x.ndim < y.ndim:
        x = shape.reshape(x, [1] * (y.ndim - x.ndim) + list(x.shape))
    left, right = _halves(x, dim)
    return right - left


def _args(op, y, x, dx, dim):
    if x is not None and dx is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments: pass the sample points `x` "
                        f"or the spacing `dx`, not both")
    dim = wrap_dim(dim, y.ndim, op)
    if dx is not None and (isinstance(dx, bool) or not isinstance(dx, numbers.Real)):
        raise RuntimeError(f"{op}: Currently, we only support dx as a real number.")
    return dim, (1 if dx is None else dx)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of `y` along `dim` by the trapezoidal rule: over the sample points `x` (a
    tensor) when given, else with the constant spacing `dx` (default 1). Zero samples give 0."""
    dim, dx = _args("trapezoid", y, x, dx, dim)
    if y._data.dtype.kind == "b":
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    if x is not None and x._data.dtype.kind == "b":
        raise RuntimeError("trapezoid: received a bool input for `x`, but bool is not supported")
    if y.shape[dim] == 0:
        # NumPy's answer for no samples; PyTorch returns a fresh zero tensor (no history).
        return _creation.zeros(y.shape[:dim] + y.shape[dim + 1:], dtype=y.dtype)
    if x is not None:
        left, right = _halves(y, dim)
        return pointwise.div_scalar(((left + right) * _spacing("trapezoid", y, x, dim)).sum(dim), 2.0)
    # With constant spacing: dx * (the sum of y minus half its end points).
    ends = indexing.select(y, dim, 0) + indexing.select(y, dim, -1)
    return pointwise.mul_scalar(y.sum(dim) - pointwise.mul_scalar(ends, 0.5), dx)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running integral of `y` along `dim` by the trapezoidal rule (one value fewer than `y`
    has along `dim`): over the sample points `x` when given, else with the spacing `dx` (default 1)."""
    dim, dx = _args("cumulative_trapezoid", y, x, dx, dim)
    if y._data.dtype.kind == "b" or (x is not None and x._data.dtype.kind == "b"):
        raise RuntimeError("cumulative_trapezoid: received a bool input for `x` or `y`, but bool is not supported")
    if y.shape[dim] == 0:
        return _creation.zeros(y.shape, dtype=y.dtype)
    left, right = _halves(y, dim)
    if x is not None:
        return pointwise.div_scalar(((left + right) * _spacing("cumulative_trapezoid", y, x, dim)).cumsum(dim), 2.0)
    return pointwise.mul_scalar(left + right, dx / 2.0).cumsum(dim)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it). trapz is PyTorch's older name, with the same rule.
declare("trapezoid", trapezoid, aliases=("trapz",))
declare("cumulative_trapezoid", cumulative_trapezoid)

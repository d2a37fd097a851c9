"""renorm: the slices along one dim rescaled to a p-norm of at most maxnorm, a primitive with
PyTorch's node (RenormBackward0). Its gradient is PyTorch's: the identity on slices left
alone, and on the rescaled ones the derivative of x * maxnorm / (||x||_p + 1e-7), written in
Tensor ops so it differentiates again."""
import numbers

from .. import kernels
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import public
from .pointwise import sign, where
from .reduction import sum_dim, vector_norm

_EPS = 1e-7


def _norm_derivative(input, p, norm, dims):
    """d ||x||_p / dx over the slices, given their norms (nonzero where it is used)."""
    if p == float("inf"):
        at_max = (input.abs() == norm).to(input.dtype)
        return at_max * sign(input) / sum_dim(at_max, dims, True)
    power = where(input == 0, 0.0, input.abs() ** (p - 1))  # 0 where |x|^(p-1) would be 0 * inf
    return sign(input) * power / norm ** (p - 1)


def _renorm_grad(grad, input, p, dim, maxnorm):
    dims = tuple(d for d in range(input.ndim) if d != dim)
    norm = vector_norm(input, p, dims, keepdim=True)
    scaled = norm > maxnorm
    safe = where(scaled, norm, 1.0)  # the slices left alone never divide by their (maybe zero) norm
    factor = maxnorm / (safe + _EPS)
    inner = sum_dim(grad * input, dims, True)
    return where(scaled, factor * grad - factor / (safe + _EPS) * inner * _norm_derivative(input, p, safe, dims),
                 grad)


_renorm = defop("renorm", "input, p, dim, maxnorm", kernels.renorm, promote=None,
                grads={"input": _renorm_grad})


@public(method=True, inplace=True, out="exact")
def renorm(input, p, dim, maxnorm):
    """input with each slice along `dim` (input[..., i, ...]) whose p-norm exceeds `maxnorm`
    scaled down to norm maxnorm; the other slices are left as they are."""
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    for name, value in (("p", p), ("maxnorm", maxnorm)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"renorm(): argument '{name}' must be Number, not {type(value).__name__}")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input._data.dtype.kind not in "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {input.dtype}")
    d = wrap_dim(dim, input.ndim, "renorm")
    return _renorm(input, float(p), d, float(maxnorm))

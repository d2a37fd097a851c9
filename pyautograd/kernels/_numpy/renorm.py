"""renorm's kernel: each slice along `dim` whose p-norm exceeds maxnorm is scaled down to
maxnorm (by maxnorm / (norm + 1e-7), PyTorch's factor); the others are left as they are."""
import numpy as np

__all__ = ["renorm"]


def renorm(input, p, dim, maxnorm):
    """input with its slices along `dim` scaled to p-norm at most maxnorm (see the module notes)."""
    axes = tuple(d for d in range(input.ndim) if d != dim)
    a = np.abs(input)
    if p == np.inf:
        norm = a.max(axis=axes, keepdims=True)
    else:
        norm = (a ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)
    scale = np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(input.dtype)
    return (input * scale).astype(input.dtype, copy=False)

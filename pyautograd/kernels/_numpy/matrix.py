"""Matrix-structure kernels: triangles of the last two dims (NumPy only: memory moves)."""
import numpy as np

__all__ = ["tril", "triu"]


def tril(x, diagonal):
    """`x` with the elements above the `diagonal`-th diagonal of its last two dims zeroed."""
    return np.tril(x, diagonal)


def triu(x, diagonal):
    """`x` with the elements below the `diagonal`-th diagonal of its last two dims zeroed."""
    return np.triu(x, diagonal)

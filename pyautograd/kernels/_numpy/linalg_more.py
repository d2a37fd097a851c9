"""Matrix-inverse family kernels: inv, det, slogdet, solve, cholesky (NumPy's LAPACK; batched
over leading dims). A singular or not positive-definite input raises numpy.linalg.LinAlgError;
the ops layer turns it into PyTorch's error."""
import numpy as np

__all__ = ["linalg_inv", "linalg_det", "linalg_slogdet", "linalg_solve", "linalg_cholesky"]


def linalg_inv(a):
    """The inverse of each square matrix of `a`."""
    return np.linalg.inv(a)


def linalg_det(a):
    """The determinant of each square matrix of `a`."""
    return np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False)


def linalg_slogdet(a):
    """(sign, log|det|) of each square matrix of `a`."""
    sign, logabs = np.linalg.slogdet(a)
    return np.asarray(sign).astype(a.dtype, copy=False), np.asarray(logabs).astype(a.dtype, copy=False)


def linalg_solve(a, b, vector):
    """X with a @ X = b for each matrix of a; `vector`: b (and X) are vectors (batched)."""
    if vector:
        return np.linalg.solve(a, b[..., None])[..., 0]
    return np.linalg.solve(a, b)


def linalg_cholesky(a, upper):
    """The lower Cholesky factor L (a = L @ L^T; its upper form L^T when `upper`), from a's lower
    triangle."""
    lower = np.linalg.cholesky(a)
    return np.ascontiguousarray(np.swapaxes(lower, -1, -2)) if upper else lower

"""Matrix-inverse family kernels: inv, det, slogdet, solve, cholesky (NumPy's LAPACK; batched
over leading dims). inv, solve and cholesky return LAPACK's info per matrix beside the result,
as PyTorch's inv_ex, solve_ex and cholesky_ex do; the ops layer raises on it."""
import numpy as np

__all__ = ["linalg_inv_ex", "linalg_det", "linalg_slogdet", "linalg_solve_ex", "linalg_cholesky_ex"]


def _lu_solve(m, rhs):
    """(m^-1 rhs, info) for one square matrix by LU with partial pivoting, as LAPACK's getrf then
    getrs run it: info is the (1-based) position of the first zero pivot, 0 if none, and a zero
    pivot gives the inf/nan of the triangular solves."""
    n = m.shape[-1]
    lu = m.astype(m.dtype, copy=True)
    perm = np.arange(n)
    info = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(n):
            p = j + int(np.argmax(np.abs(lu[j:, j])))
            if p != j:
                lu[[j, p]] = lu[[p, j]]
                perm[[j, p]] = perm[[p, j]]
            if lu[j, j] != 0:
                lu[j + 1:, j] /= lu[j, j]
            elif info == 0:
                info = j + 1
            lu[j + 1:, j + 1:] -= np.outer(lu[j + 1:, j], lu[j, j + 1:])
        x = rhs.astype(np.result_type(m, rhs), copy=True)[perm]
        for i in range(n):  # L y = P rhs, L unit lower triangular
            x[i] -= lu[i, :i] @ x[:i]
        for i in range(n - 1, -1, -1):  # U x = y
            x[i] = (x[i] - lu[i, i + 1:] @ x[i + 1:]) / lu[i, i]
    return x, info


def linalg_inv_ex(a):
    """(inverse, info) of each square matrix of `a`: info (int32) is 0, or for a singular matrix
    the position of LU's first zero pivot (its "inverse" then holds the solves' inf/nan)."""
    info = np.zeros(a.shape[:-2], np.int32)
    try:
        return np.linalg.inv(a), info
    except np.linalg.LinAlgError:
        pass
    out = np.empty_like(a)
    for i in np.ndindex(*a.shape[:-2]):
        try:
            out[i] = np.linalg.inv(a[i])
        except np.linalg.LinAlgError:
            out[i], info[i] = _lu_solve(a[i], np.eye(a.shape[-1], dtype=a.dtype))
    return out, info


def linalg_det(a):
    """The determinant of each square matrix of `a`."""
    return np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False)


def linalg_slogdet(a):
    """(sign, log|det|) of each square matrix of `a`."""
    sign, logabs = np.linalg.slogdet(a)
    return np.asarray(sign).astype(a.dtype, copy=False), np.asarray(logabs).astype(a.dtype, copy=False)


def linalg_solve_ex(a, b, vector):
    """(X, info): X with a @ X = b for each matrix of a (`vector`: b and X are vectors, batched);
    info (int32, over the broadcast batch) is 0, or for a singular matrix the position of LU's
    first zero pivot (its X then holds the solves' inf/nan)."""
    b2 = b[..., None] if vector else b
    batch = np.broadcast_shapes(a.shape[:-2], b2.shape[:-2])
    a, b2 = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b2, batch + b2.shape[-2:])
    info = np.zeros(batch, np.int32)
    try:
        x = np.linalg.solve(a, b2)
    except np.linalg.LinAlgError:
        x = np.empty(batch + b2.shape[-2:], np.result_type(a, b2))
        for i in np.ndindex(*batch):
            try:
                x[i] = np.linalg.solve(a[i], b2[i])
            except np.linalg.LinAlgError:
                x[i], info[i] = _lu_solve(a[i], b2[i])
    return (x[..., 0] if vector else x), info


def _partial_cholesky(m):
    """(L, info) of one matrix that is not positive-definite, as LAPACK's unblocked potf2 leaves
    it: the columns before the failing one factored, the failing pivot's value on the diagonal,
    the rest of the lower triangle as it was; info the order of the failing leading minor."""
    n = m.shape[-1]
    low = np.tril(m).astype(m.dtype, copy=True)
    for j in range(n):
        ajj = m[j, j] - low[j, :j] @ low[j, :j]
        if not ajj > 0:  # also NaN
            low[j, j] = ajj
            return low, j + 1
        low[j, j] = np.sqrt(ajj)
        low[j + 1:, j] = (m[j + 1:, j] - low[j + 1:, :j] @ low[j, :j]) / low[j, j]
    return low, 0


def linalg_cholesky_ex(a, upper):
    """(L, info) per matrix: the lower Cholesky factor L (a = L @ L^T; its upper form L^T when
    `upper`) from a's lower triangle, and info (int32) 0, or the order of the first leading minor
    that is not positive-definite."""
    info = np.zeros(a.shape[:-2], np.int32)
    try:
        lower = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        lower = np.empty_like(a)
        for i in np.ndindex(*a.shape[:-2]):
            try:
                lower[i] = np.linalg.cholesky(a[i])
            except np.linalg.LinAlgError:
                lower[i], info[i] = _partial_cholesky(a[i])
    return (np.ascontiguousarray(np.swapaxes(lower, -1, -2)) if upper else lower), info

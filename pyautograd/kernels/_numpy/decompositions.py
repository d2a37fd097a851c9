"""Matrix decomposition kernels: svd, eigh, qr, pinv, lstsq, solve_triangular and the matrix
exponential (NumPy's LAPACK, batched over leading dims). The ops layer (ops/decompositions.py)
checks arguments and records gradients; these take and return arrays only."""
import numpy as np

from .linalg_more import linalg_cholesky_ex

__all__ = ["cholesky", "lu_unpack", "cholesky_solve", "cholesky_inverse", "triangular_solve", "linalg_lu_factor_ex", "linalg_lu", "linalg_lu_solve", "lu_permutation",
           "linalg_svd", "linalg_svdvals", "linalg_eigh", "linalg_eigvalsh", "linalg_qr", "linalg_pinv", "linalg_lstsq", "linalg_solve_triangular",
           "linalg_matrix_exp"]


def linalg_svd(a, full_matrices):
    """(U, S, Vh) of each matrix of `a`, singular values in descending order."""
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s.astype(a.dtype, copy=False), vh


def linalg_svdvals(a):
    """The singular values of each matrix of `a`, descending (no singular vectors computed)."""
    return np.linalg.svd(a, compute_uv=False).astype(a.dtype, copy=False)


def linalg_eigvalsh(a, uplo):
    """The eigenvalues of each symmetric matrix of `a`, ascending (no eigenvectors computed)."""
    return np.linalg.eigvalsh(a, UPLO=uplo).astype(a.dtype, copy=False)


def linalg_eigh(a, uplo):
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix of `a`, read
    from its lower ('L') or upper ('U') triangle."""
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return w.astype(a.dtype, copy=False), v


def linalg_qr(a, mode):
    """(Q, R) of each matrix of `a` (Householder, LAPACK's signs); mode 'r' gives an empty Q, as
    PyTorch does."""
    if mode == "r":
        return np.zeros((0,), a.dtype), np.linalg.qr(a, mode="r")
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


def _tolerance(s_max, atol, rtol):
    """max(atol, rtol * s_max) per matrix (atol, rtol: numbers or arrays over the batch)."""
    return np.maximum(np.asarray(atol, s_max.dtype)[..., None], np.asarray(rtol, s_max.dtype)[..., None] * s_max)


def linalg_pinv(a, atol, rtol, hermitian):
    """The pseudo-inverse of each matrix of `a`: singular values (|eigenvalues| when
    `hermitian`) at most max(atol, rtol * largest) are taken as zero."""
    if hermitian:
        w, v = np.linalg.eigh(a)
        mag = np.abs(w)
        tol = _tolerance(mag.max(-1, keepdims=True) if w.shape[-1] else mag[..., :1], atol, rtol)
        with np.errstate(divide="ignore"):
            winv = np.where(mag > tol, 1 / np.where(mag > tol, w, 1), 0).astype(a.dtype)
        return (v * winv[..., None, :]) @ np.swapaxes(v, -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    tol = _tolerance(s[..., :1], atol, rtol)
    sinv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(a.dtype)
    return (np.swapaxes(vh, -1, -2) * sinv[..., None, :]) @ np.swapaxes(u, -1, -2)


def linalg_lstsq(a, b, rcond, driver, vector):
    """(solution, residuals, rank, singular_values) of min ||a x - b|| per matrix, batch dims
    broadcast; what is filled follows the LAPACK driver PyTorch names (gelsy: the solution and
    the rank; gelsd/gelss: all four; gels: solution and residuals), the rest are empty."""
    if vector:
        b = b[..., None]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    (m, n), k = a.shape[-2:], b.shape[-1]
    if rcond is None:
        rcond = np.finfo(a.dtype).eps * max(m, n)
    x = np.empty(batch + (n, k), a.dtype)
    rank = np.empty(batch, np.int64)
    sv = np.empty(batch + (min(m, n),), a.dtype)
    for i in np.ndindex(*batch):
        x[i], _, rank[i], sv[i] = np.linalg.lstsq(a[i], b[i], rcond=rcond)
    full_rank = bool((rank == n).all())
    if driver != "gelsy" and m > n and (driver == "gels" or full_rank):
        residuals = np.square(a @ x - b).sum(-2).astype(a.dtype)
    else:
        residuals = np.zeros((0,), a.dtype)
    if driver == "gels":
        rank = np.zeros((0,), np.int64)
    if driver in ("gels", "gelsy"):
        sv = np.zeros((0,), a.dtype)
    return (x[..., 0] if vector else x), residuals, rank, sv


def _substitute(t, b, upper):
    """t^-1 b by substitution (a zero on the diagonal gives inf/nan, as LAPACK's trsm does)."""
    n = t.shape[-1]
    x = np.zeros(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:], np.result_type(t, b))
    rows = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in rows:
            acc = b[..., i, :] - (t[..., i:i + 1, :] @ x)[..., 0, :]
            x[..., i, :] = acc / t[..., i, i][..., None]
    return x


def linalg_solve_triangular(a, b, upper, left, unitriangular):
    """X with T X = B (left) or X T = B, T the upper or lower triangle of `a` (its diagonal taken
    as ones when `unitriangular`); batch dims broadcast."""
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t.copy()
        np.einsum("...ii->...i", t)[...] = 1
    if not left:  # X T = B  <=>  T^T X^T = B^T
        return np.swapaxes(linalg_solve_triangular(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2),
                                                   not upper, True, False), -1, -2)
    # Both to the full batch shape: NumPy < 2 reads a b with one dim fewer than t as vectors.
    batch = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t, b = np.broadcast_to(t, batch + t.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    try:
        return np.linalg.solve(t, b)
    except np.linalg.LinAlgError:  # a zero on the diagonal: PyTorch returns the inf/nan of substitution
        return _substitute(t, b, upper)


# Pade approximant of degree 13 (Higham 2005, "The scaling and squaring method for the matrix
# exponential revisited"): its coefficients, and the 1-norm up to which it is accurate to double
# precision without scaling.
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
           1.0)
_THETA13 = 5.371920351148152


def linalg_matrix_exp(a):
    """exp of each square matrix of `a`: scaling and squaring around a degree-13 Pade
    approximant, computed in float64 and cast back."""
    dtype = a.dtype
    x = a.astype(np.float64)
    n = x.shape[-1]
    if x.size == 0:
        return np.zeros(a.shape, dtype)
    norm = np.abs(x).sum(-2).max(-1)  # the 1-norm of each matrix
    # squarings per matrix (a non-finite norm: none, its result is non-finite anyway)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.ceil(np.log2(np.maximum(norm, 1e-300) / _THETA13))
    s = np.where(np.isfinite(s), np.maximum(s, 0), 0).astype(np.int64)
    x = x / np.ldexp(1.0, s)[..., None, None]
    b = _PADE13
    eye = np.eye(n)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    # undo the scaling: each matrix squared its own number of times
    for step in range(int(s.max()) if s.size else 0):
        more = (s > step)[..., None, None]
        r = np.where(more, r @ r, r)
    return r.astype(dtype)


def linalg_lu_factor_ex(a):
    """(LU, pivots, info) of each matrix of `a` by LU with partial pivoting, as LAPACK's getrf:
    L (unit lower, below the diagonal) and U packed in one matrix, the 1-based row swaps
    (int32, min(m, n) per matrix), and info (int32): 0, or the position of the first zero pivot."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    lu = np.array(a.reshape((-1, m, n)), dtype=a.dtype, copy=True)
    count = lu.shape[0]
    pivots = np.empty((count, k), np.int32)
    info = np.zeros(count, np.int32)
    every = np.arange(count)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(k):
            p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)  # the first largest, as idamax
            pivots[:, j] = p + 1
            row = lu[every, j].copy()
            lu[every, j] = lu[every, p]
            lu[every, p] = row
            pivot = lu[:, j, j]
            zero = pivot == 0
            info[(info == 0) & zero] = j + 1
            lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]  # LAPACK leaves a zero column as it is
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def lu_permutation(pivots, m, dtype):
    """The permutation matrices P (m x m) of LAPACK's row swaps: A = P L U."""
    batch = pivots.shape[:-1]
    flat = pivots.reshape((-1, pivots.shape[-1])) - 1
    perm = np.tile(np.arange(m), (flat.shape[0], 1))
    every = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        p = flat[:, j]
        here = perm[every, j].copy()
        perm[every, j] = perm[every, p]
        perm[every, p] = here
    P = np.zeros((flat.shape[0], m, m), dtype)
    P[every[:, None], perm, np.arange(m)[None, :]] = 1  # row perm[i] of A is row i of L U
    return P.reshape(batch + (m, m))


def _unpack(lu, pivots):
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    U = np.triu(lu[..., :k, :])
    return lu_permutation(pivots, m, lu.dtype), L, U


def linalg_lu(a):
    """(P, L, U) with a = P L U for each matrix of `a` (partial pivoting; L unit lower m x k, U
    upper k x n, k = min(m, n))."""
    lu, pivots, _ = linalg_lu_factor_ex(a)
    return _unpack(lu, pivots)


def linalg_lu_solve(lu, pivots, b, left, adjoint):
    """X from an LU factorization (lu_factor's LU and pivots): A X = B, A^T X = B (adjoint), or
    X A = B, X A^T = B (left=False); batch dims broadcast."""
    if not left:  # X A = B <=> A^T X^T = B^T, and X A^T = B <=> A X^T = B^T
        return np.swapaxes(linalg_lu_solve(lu, pivots, np.swapaxes(b, -1, -2), True, not adjoint), -1, -2)
    P, L, U = _unpack(lu, pivots)
    if adjoint:  # U^T L^T P^T X = B
        y = linalg_solve_triangular(np.swapaxes(U, -1, -2), b, False, True, False)
        y = linalg_solve_triangular(np.swapaxes(L, -1, -2), y, True, True, True)
        return P @ y
    y = linalg_solve_triangular(L, np.swapaxes(P, -1, -2) @ b, False, True, True)
    return linalg_solve_triangular(U, y, True, True, False)


def cholesky_solve(b, factor, upper):
    """X with (L L^T) X = b, L = `factor` (lower), or (U^T U) X = b (upper); batch dims broadcast."""
    if upper:
        y = linalg_solve_triangular(np.swapaxes(factor, -1, -2), b, False, True, False)
        return linalg_solve_triangular(factor, y, True, True, False)
    y = linalg_solve_triangular(factor, b, False, True, False)
    return linalg_solve_triangular(np.swapaxes(factor, -1, -2), y, True, True, False)


def cholesky_inverse(factor, upper):
    """The inverse of L L^T (upper: U^T U) from its Cholesky factor."""
    eye = np.broadcast_to(np.eye(factor.shape[-1], dtype=factor.dtype), factor.shape)
    return cholesky_solve(eye, factor, upper)


def triangular_solve(b, a, upper, transpose, unitriangular):
    """(X, a copy of a): X with T X = b, T the upper or lower triangle of `a` (transposed when
    `transpose`; unit diagonal when `unitriangular`); batch dims broadcast."""
    t = np.swapaxes(a, -1, -2) if transpose else a
    x = linalg_solve_triangular(t, b, upper != transpose, True, unitriangular)
    return x, np.array(np.broadcast_to(a, x.shape[:-2] + a.shape[-2:]))


def lu_unpack(lu, pivots, unpack_data, unpack_pivots):
    """(P, L, U) of lu_factor's packed (LU, pivots); the parts not asked for are empty."""
    P, L, U = _unpack(lu, pivots)
    empty = np.zeros((0,), lu.dtype)
    return (P if unpack_pivots else empty), (L if unpack_data else empty), (U if unpack_data else empty)


def cholesky(a, upper):
    """The Cholesky factor (torch.cholesky's): as linalg_cholesky_ex, raising numpy's LinAlgError
    with (flat batch index, order of the failing leading minor) when a matrix is not
    positive-definite."""
    factor, info = linalg_cholesky_ex(a, upper)
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        raise np.linalg.LinAlgError(int(bad[0]), int(flat[bad[0]]))
    return factor

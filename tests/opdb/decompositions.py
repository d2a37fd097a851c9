"""OpInfos of ops/decompositions.py: svd (linalg.svd, svdvals, torch.svd), eigh, eigvalsh, qr
(linalg.qr, torch.qr), pinv (pinverse), matrix_exp, matrix_power, lstsq, solve_triangular,
multi_dot, vander, linalg.diagonal, inv_ex, cholesky_ex; and of the matrix norms built on the
SVD (ops/reduction.py: linalg.matrix_norm, linalg.norm, linalg.cond, torch.norm's 'nuc').

Singular vectors and eigenvectors are determined up to sign, so the SVD and eigh entries test
gauge-invariant functions of the outputs, as PyTorch's OpInfos do: the reconstruction
U diag(S) Vh, the values themselves, and |U|, |Vh| (|V|); eigh's input is symmetrized in the
op (a + a^T), so its gradient is the one of a symmetric matrix. The random samples have
distinct singular values and eigenvalues (where the gradients exist)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip, make_arg

F32, F64, I64 = np.float32, np.float64, np.int64
_LOOSE = {"float32": (1e-4, 1e-4), "float64": (1e-10, 1e-9)}


def _torch():
    import torch
    return torch


def _mT(x):
    return x.swapaxes(-1, -2) if isinstance(x, np.ndarray) else x.transpose(-2, -1)


def _svd_gauge(U, S, Vh):
    """Sign-invariant functions of an SVD (any library): U diag(S) Vh, S, |U|, |Vh| over the first k
    singular vectors (the others of a full U or Vh are not determined by A)."""
    k = S.shape[-1]
    U, Vh = U[..., :k], Vh[..., :k, :]
    return (U * S[..., None, :]) @ Vh, S, abs(U), abs(Vh)


def _np_svd(a, full_matrices=True):
    return np.linalg.svd(a, full_matrices=full_matrices)


def _matrices(*specs):
    """Samples of one matrix argument: (shape, kwargs, desc) each."""
    def gen(dtype, rng):
        return [SampleInput((make_arg(shape, dtype, rng),), dict(kwargs), desc) for shape, kwargs, desc in specs]
    return gen


_SVD_SAMPLES = _matrices(((3, 3), {}, "square"), ((2, 4, 3), {"full_matrices": False}, "batched tall reduced"),
                         ((3, 5), {"full_matrices": False}, "wide reduced"), ((4, 3), {}, "tall full"),
                         ((2, 3, 4), {}, "batched wide full"))


def _torch_svd_ref(a, some=True, compute_uv=True):
    U, S, Vh = np.linalg.svd(a, full_matrices=not some)
    if not compute_uv:
        m, n = a.shape[-2:]
        return np.zeros(a.shape[:-2] + (m, m), a.dtype), S, np.zeros(a.shape[:-2] + (n, n), a.dtype)
    return _svd_gauge(U, S, Vh)


def _torch_svd_op(lib):
    def op(a, some=True, compute_uv=True):
        U, S, V = lib.svd(a, some=some, compute_uv=compute_uv)
        return _svd_gauge(U, S, _mT(V)) if compute_uv else (U, S, V)
    return op


def _symmetric(a):
    return a + _mT(a)


def _eigh_gauge(L, V):
    """Sign-invariant functions of an eigendecomposition: L, |V| and V diag(L) V^T."""
    return L, abs(V), (V * L[..., None, :]) @ _mT(V)


_SYM_SAMPLES = _matrices(((3, 3), {}, "lower"), ((2, 4, 4), {"UPLO": "U"}, "batched upper"))


def _qr_ref(a, mode="reduced"):
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


_QR_SAMPLES = _matrices(((4, 3), {}, "tall reduced"), ((2, 3, 5), {}, "batched wide"), ((3, 3), {"mode": "complete"},
                        "square complete"), ((3, 4), {"mode": "complete"}, "wide complete"))


def _pinv_ref(a, hermitian=False, atol=None, rtol=None):
    """Through the SVD in float64: singular values at most max(atol, rtol * the largest) dropped."""
    a = _symmetric(a) if hermitian else a
    u, s, vh = np.linalg.svd(a.astype(np.float64), full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol else np.finfo(a.dtype).eps * max(a.shape[-2:])
    keep = s > np.maximum(atol or 0.0, rtol * s[..., :1])
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0)
    return (_mT(vh) * inv_s[..., None, :] @ _mT(u)).astype(a.dtype)


def _pinv_op(lib):
    def op(a, hermitian=False, **tol):
        return lib.linalg.pinv(_symmetric(a) if hermitian else a, hermitian=hermitian, **tol)
    return op


_PINV_SAMPLES = _matrices(((4, 3), {}, "tall"), ((2, 3, 5), {}, "batched wide"),
                          ((3, 3), {"hermitian": True}, "hermitian"), ((3, 4), {"atol": 0.1, "rtol": 1e-3}, "tolerances"))


def _expm_ref(a):
    """exp(a) by eigendecomposition in complex128 (the samples are diagonalizable)."""
    w, v = np.linalg.eig(a.astype(np.float64))
    return (v @ (np.exp(w)[..., None] * np.linalg.inv(v))).real.astype(a.dtype)


def _matrix_power_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng, low=-1.0, high=1.0)
    out = [SampleInput((arg((3, 3)), n), desc=f"n={n}") for n in (0, 1, 2, 3, 6)]
    out.append(SampleInput((arg((2, 3, 3)), 5), desc="batched n=5"))
    if np.dtype(dtype).kind == "f":
        well = (arg((2, 3, 3)) + 3 * np.eye(3)).astype(dtype)
        out.append(SampleInput((well, -2), desc="batched n=-2"))
    return out


def _matrix_power_ref(a, n):
    if n < 0:
        a, n = np.linalg.inv(a), -n
    return np.linalg.matrix_power(a, n).astype(a.dtype)


def _lstsq_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 4, 3)), arg((2, 4, 2))), desc="tall gelsy"),
            SampleInput((arg((4, 3)), arg((4, 2))), {"driver": "gelsd"}, "gelsd residuals"),
            SampleInput((arg((2, 4, 3)), arg((2, 4))), {"driver": "gelss"}, "vector gelss"),
            SampleInput((arg((2, 3, 5)), arg((1, 3, 2))), desc="wide, broadcast batch"),
            SampleInput((arg((4, 3)), arg((4, 2))), {"driver": "gels"}, "gels")]


def _lstsq_ref(a, b, rcond=None, driver=None):
    """The four outputs of PyTorch's CPU drivers, from NumPy's gelsd per matrix."""
    driver = driver or "gelsy"
    vector = b.ndim == a.ndim - 1
    b2 = b[..., None] if vector else b
    batch = np.broadcast_shapes(a.shape[:-2], b2.shape[:-2])
    a_, b_ = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b2, batch + b2.shape[-2:])
    m, n = a.shape[-2:]
    x = np.linalg.pinv(a_.astype(np.float64)) @ b_
    s = np.linalg.svd(a_, compute_uv=False)
    rank = (s > np.finfo(a.dtype).eps * max(m, n) * s[..., :1]).sum(-1)
    res = (np.square(a_ @ x - b_).sum(-2).astype(a.dtype) if driver != "gelsy" and m > n
           else np.zeros((0,), a.dtype))
    rank = np.zeros((0,), np.int64) if driver == "gels" else rank.astype(np.int64)
    sv = s.astype(a.dtype) if driver in ("gelsd", "gelss") else np.zeros((0,), a.dtype)
    x = x.astype(a.dtype)
    return (x[..., 0] if vector else x), res, rank, sv


def _triangular(dtype, rng, shape):
    return (make_arg(shape, dtype, rng, low=-1.0, high=1.0) + 3 * np.eye(shape[-1])).astype(dtype)


def _solve_triangular_samples(dtype, rng):
    return [SampleInput((_triangular(dtype, rng, (3, 3)), make_arg((3, 2), dtype, rng)), {"upper": True}, "upper"),
            SampleInput((_triangular(dtype, rng, (2, 3, 3)), make_arg((2, 3, 4), dtype, rng)), {"upper": False},
                        "batched lower"),
            SampleInput((_triangular(dtype, rng, (3, 3)), make_arg((2, 2, 3), dtype, rng)),
                        {"upper": True, "left": False}, "right, broadcast batch"),
            SampleInput((_triangular(dtype, rng, (3, 3)), make_arg((3, 1), dtype, rng)),
                        {"upper": False, "unitriangular": True}, "unitriangular"),
            SampleInput((_triangular(dtype, rng, (2, 3, 3)), make_arg((3, 4), dtype, rng)), {"upper": True},
                        "batched A, one B")]


def _solve_triangular_ref(a, b, upper, left=True, unitriangular=False):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t - np.eye(t.shape[-1]) * t + np.eye(t.shape[-1])
    t = t.astype(a.dtype)
    return np.linalg.solve(t, b) if left else np.swapaxes(np.linalg.solve(_mT(t), _mT(b)), -1, -2)


def _multi_dot_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput(([arg((2, 3)), arg((3, 4))],), desc="two"),
            SampleInput(([arg((3,)), arg((3, 5)), arg((5, 2)), arg((2,))],), desc="vector ends"),
            SampleInput(([arg((4, 2)), arg((2, 5)), arg((5, 1)), arg((1, 3))],), desc="four")]


def _multi_dot_ref(tensors):
    return np.asarray(np.linalg.multi_dot(tensors))


def _vander_ref(x, N=None):
    n = x.shape[-1] if N is None else N
    return (x[..., None] ** np.arange(n)).astype(x.dtype)


def _spd(a):
    """a a^T + I: symmetric positive-definite (any library)."""
    return a @ _mT(a) + (np.eye(a.shape[-1], dtype=a.dtype) if isinstance(a, np.ndarray)
                         else P.eye(a.shape[-1], dtype=a.dtype) if isinstance(a, P.Tensor)
                         else _torch().eye(a.shape[-1], dtype=a.dtype))


def _np_lu_factor(a):
    """LU with partial pivoting (the first largest pivot, as LAPACK): packed LU, 1-based pivots."""
    m, n = a.shape[-2:]
    lu = np.array(a, dtype=np.float64).reshape(-1, m, n)
    piv = np.zeros((lu.shape[0], min(m, n)), np.int32)
    for b in range(lu.shape[0]):
        for j in range(min(m, n)):
            p = j + int(np.argmax(np.abs(lu[b, j:, j])))
            piv[b, j] = p + 1
            lu[b, [j, p]] = lu[b, [p, j]]
            lu[b, j + 1:, j] /= lu[b, j, j]
            lu[b, j + 1:, j + 1:] -= np.outer(lu[b, j + 1:, j], lu[b, j, j + 1:])
    return lu.reshape(a.shape).astype(a.dtype), piv.reshape(a.shape[:-2] + (min(m, n),))


def _np_lu(a):
    lu, piv = _np_lu_factor(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=a.dtype)
    U = np.triu(lu[..., :k, :])
    P = np.zeros(a.shape[:-2] + (m, m), a.dtype)
    for idx in np.ndindex(*a.shape[:-2]):
        perm = list(range(m))
        for j, p in enumerate(piv[idx] - 1):
            perm[j], perm[p] = perm[p], perm[j]
        P[idx][perm, range(m)] = 1
    return P, L, U


_LU_SAMPLES = _matrices(((3, 3), {}, "square"), ((2, 4, 3), {}, "batched tall"), ((3, 5), {}, "wide"))


def _lu_solve_samples(dtype, rng):
    out = []
    for left in (True, False):
        for adjoint in (False, True):
            a = _triangular(dtype, rng, (2, 3, 3)) + make_arg((2, 3, 3), dtype, rng, low=-0.5, high=0.5)
            b = make_arg((2, 3, 2) if left else (2, 2, 3), dtype, rng)
            out.append(SampleInput((a.astype(dtype), b), {"left": left, "adjoint": adjoint},
                                   f"left={left} adjoint={adjoint}"))
    return out


def _lu_solve_op(lib):
    def op(a, b, **k):  # lu_factor inside the op: the gradient reaches A through LU
        LU, pivots = lib.linalg.lu_factor(a)
        return lib.linalg.lu_solve(LU, pivots, b, **k)
    return op


def _np_lu_solve(a, b, left=True, adjoint=False):
    m = np.swapaxes(a, -1, -2) if adjoint else a
    return np.linalg.solve(m, b) if left else np.swapaxes(np.linalg.solve(_mT(m), _mT(b)), -1, -2)


def _factor(dtype, rng, shape):
    """A well-conditioned triangular Cholesky-like factor (positive diagonal)."""
    return np.tril(_triangular(dtype, rng, shape))


def _triangular_factor(lib, fn, position):
    def op(*args, upper=False):
        args = list(args)
        args[position] = args[position].triu() if upper else args[position].tril()
        return fn(*args, upper=upper)
    return op


def _cholesky_solve_samples(dtype, rng):
    return [SampleInput((make_arg((3, 2), dtype, rng), _factor(dtype, rng, (3, 3))), desc="lower"),
            SampleInput((make_arg((2, 3, 2), dtype, rng), _mT(_factor(dtype, rng, (3, 3)))), {"upper": True},
                        "upper, broadcast batch")]


def _np_cholesky_solve(b, factor, upper=False):
    a = _mT(factor) @ factor if upper else factor @ _mT(factor)
    return np.linalg.solve(np.broadcast_to(a, b.shape[:-2] + a.shape[-2:]), b).astype(b.dtype)


def _np_cholesky_inverse(factor, upper=False):
    return np.linalg.inv(_mT(factor) @ factor if upper else factor @ _mT(factor)).astype(factor.dtype)


def _triangular_solve_samples(dtype, rng):
    return [SampleInput((make_arg((3, 2), dtype, rng), _triangular(dtype, rng, (3, 3))), desc="upper"),
            SampleInput((make_arg((2, 3, 2), dtype, rng), _triangular(dtype, rng, (2, 3, 3))),
                        {"upper": False, "transpose": True}, "lower transposed"),
            SampleInput((make_arg((3, 1), dtype, rng), _triangular(dtype, rng, (3, 3))),
                        {"unitriangular": True}, "unitriangular")]


def _np_triangular_solve(b, a, upper=True, transpose=False, unitriangular=False):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t - np.eye(t.shape[-1]) * t + np.eye(t.shape[-1])
    t = _mT(t) if transpose else t
    return np.linalg.solve(t, b).astype(b.dtype), a


def _low_rank(dtype, rng):
    """A symmetric 4x4 matrix of rank 2."""
    b = make_arg((4, 2), dtype, rng)
    return (b @ b.T).astype(dtype)


def _matrix_rank_ref(a, atol=None, rtol=None, hermitian=False):
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    if rtol is None:
        rtol = 0.0 if atol else np.finfo(a.dtype).eps * max(a.shape[-2:])
    return (s > np.maximum(atol or 0.0, rtol * s.max(-1, keepdims=True))).sum(-1).astype(np.int64)


_INF = float("inf")


def _np_matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    return np.asarray(np.linalg.norm(a, ord, tuple(dim), keepdim), a.dtype)


def _matrix_norm_samples(dtype, rng):
    a = make_arg((2, 3, 4), dtype, rng)
    out = [SampleInput((a,), {"ord": o}, f"ord={o}") for o in ("fro", "nuc", 2, -2, 1, -1, _INF, -_INF)]
    out += [SampleInput((a,), {"ord": 2, "dim": (2, 0), "keepdim": True}, "ord=2 dims (2, 0) keepdim"),
            SampleInput((a,), {"ord": "nuc", "dim": (0, 2)}, "nuc dims (0, 2)"),
            SampleInput((a,), {"ord": 1, "dim": (2, 0)}, "ord=1 dims (2, 0)"),
            SampleInput((a,), {"ord": -_INF, "dim": (0, 2), "keepdim": True}, "ord=-inf keepdim")]
    return out


def _linalg_norm_samples(dtype, rng):
    return [SampleInput((make_arg((3, 4), dtype, rng),), {"ord": "nuc"}, "2-D nuc"),
            SampleInput((make_arg((3, 4), dtype, rng),), {"ord": 2}, "2-D ord=2 (a matrix norm)"),
            SampleInput((make_arg((2, 3, 4), dtype, rng),), {"ord": -1, "dim": (1, 2)}, "ord=-1 over two dims"),
            SampleInput((make_arg((2, 3, 4), dtype, rng),), {"ord": 3, "dim": 1}, "vector ord=3"),
            SampleInput((make_arg((2, 3, 4), dtype, rng),), {}, "flattened 2-norm")]


def _np_linalg_norm(a, ord=None, dim=None, keepdim=False):
    if dim is None and ord is None:
        return np.asarray(np.linalg.norm(a.reshape(-1)), a.dtype)
    if isinstance(dim, int):
        return np.asarray(np.sum(np.abs(a) ** ord, axis=dim) ** (1 / ord), a.dtype)
    return np.asarray(np.linalg.norm(a, ord, dim, keepdim), a.dtype)


def _cond_samples(*orders, wide=False):
    def gen(dtype, rng):
        sq = _triangular(dtype, rng, (2, 3, 3))
        out = [SampleInput((sq,), {"p": p}, f"p={p}") for p in orders]
        return out + ([SampleInput((make_arg((3, 5), dtype, rng),), {}, "wide, p=None")] if wide else [])
    return gen


def _np_cond(a, p=None):
    return np.asarray(np.linalg.cond(a, p), a.dtype)


OPS = [
    OpInfo("linalg_svd", lambda a, **k: _svd_gauge(*P.linalg.svd(a, **k)), _SVD_SAMPLES,
           ref=lambda a, **k: _svd_gauge(*_np_svd(a, **k)),
           torch_fn=lambda a, **k: _svd_gauge(*_torch().linalg.svd(a, **k)), tolerances=_LOOSE, covers=("linalg_svd",)),
    OpInfo("svdvals", lambda a: P.linalg.svdvals(a), _matrices(((3, 3), {}, "square"),
                                                                       ((2, 3, 5), {}, "batched wide")),
           ref=lambda a: np.linalg.svd(a, compute_uv=False), torch_fn=lambda a: _torch().linalg.svdvals(a),
           tolerances=_LOOSE, covers=("linalg_svdvals",)),
    OpInfo("svd", _torch_svd_op(P), _matrices(((4, 3), {}, "tall"), ((2, 3, 4), {"some": False}, "batched full"),
                                              ((3, 3), {"compute_uv": False}, "values only")),
           ref=_torch_svd_ref, torch_fn=lambda a, **k: _torch_svd_op(_torch())(a, **k), tolerances=_LOOSE),
    OpInfo("eigh", lambda a, **k: _eigh_gauge(*P.linalg.eigh(_symmetric(a), **k)), _SYM_SAMPLES,
           ref=lambda a, **k: _eigh_gauge(*np.linalg.eigh(_symmetric(a), **k)),
           torch_fn=lambda a, **k: _eigh_gauge(*_torch().linalg.eigh(_symmetric(a), **k)), tolerances=_LOOSE,
           covers=("linalg_eigh",)),
    OpInfo("eigvalsh", lambda a, **k: P.linalg.eigvalsh(_symmetric(a), **k), _SYM_SAMPLES,
           ref=lambda a, **k: np.linalg.eigvalsh(_symmetric(a), **k),
           torch_fn=lambda a, **k: _torch().linalg.eigvalsh(_symmetric(a), **k), tolerances=_LOOSE,
           covers=("linalg_eigvalsh",)),
    OpInfo("linalg_qr", lambda a, **k: tuple(P.linalg.qr(a, **k)), _QR_SAMPLES, ref=_qr_ref,
           torch_fn=lambda a, **k: tuple(_torch().linalg.qr(a, **k)), tolerances=_LOOSE,
           covers=("linalg_qr", "linalg_solve_triangular")),
    OpInfo("qr", lambda a, **k: tuple(P.qr(a, **k)), _matrices(((4, 3), {}, "tall"),
                                                              ((2, 3, 3), {"some": False}, "batched complete")),
           ref=lambda a, some=True: _qr_ref(a, "reduced" if some else "complete"),
           torch_fn=lambda a, **k: tuple(_torch().linalg.qr(a, "reduced" if k.get("some", True) else "complete")),
           tolerances=_LOOSE),
    OpInfo("pinv", _pinv_op(P), _PINV_SAMPLES, ref=_pinv_ref,
           torch_fn=lambda a, **k: _pinv_op(_torch())(a, **k), tolerances=_LOOSE, covers=("linalg_pinv",)),
    OpInfo("pinverse", P.pinverse, _matrices(((4, 3), {}, "tall"), ((2, 3, 5), {"rcond": 1e-10}, "batched wide")),
           ref=lambda a, rcond=1e-15: np.linalg.pinv(a, rcond=rcond).astype(a.dtype),
           torch_fn=lambda a, **k: _torch().pinverse(a, **k), tolerances=_LOOSE),
    OpInfo("matrix_exp", P.matrix_exp,
           lambda dtype, rng: [SampleInput((make_arg((3, 3), dtype, rng, low=-1, high=1),), desc="3x3"),
                               SampleInput((make_arg((2, 4, 4), dtype, rng, low=-2, high=2),), desc="batched, scaled")],
           ref=_expm_ref, torch_fn=lambda a: _torch().matrix_exp(a), tolerances=_LOOSE,
           covers=("linalg_matrix_exp",)),
    OpInfo("matrix_power", P.matrix_power, _matrix_power_samples, ref=_matrix_power_ref,
           torch_fn=lambda a, n: _torch().matrix_power(a, n), dtypes=(F32, F64, I64), tolerances=_LOOSE),
    OpInfo("lstsq", lambda a, b, **k: tuple(P.linalg.lstsq(a, b, **k)), _lstsq_samples, ref=_lstsq_ref,
           torch_fn=lambda a, b, **k: tuple(_torch().linalg.lstsq(a, b, **k)), tolerances=_LOOSE,
           covers=("linalg_lstsq",)),
    OpInfo("solve_triangular", lambda a, b, **k: P.linalg.solve_triangular(a, b, **k),
           _solve_triangular_samples, ref=_solve_triangular_ref,
           torch_fn=lambda a, b, **k: _torch().linalg.solve_triangular(a, b, **k), tolerances=_LOOSE),
    OpInfo("multi_dot", lambda ts: P.linalg.multi_dot(ts), _multi_dot_samples, ref=_multi_dot_ref,
           torch_fn=lambda ts: _torch().linalg.multi_dot(ts), tolerances=_LOOSE),
    OpInfo("vander", lambda x, **k: P.linalg.vander(x, **k),
           lambda dtype, rng: [SampleInput((make_arg((3,), dtype, rng),), desc="square"),
                               SampleInput((make_arg((2, 3), dtype, rng),), {"N": 5}, "batched N=5")],
           ref=_vander_ref, torch_fn=lambda x, **k: _torch().linalg.vander(x, **k), dtypes=(F32, F64, I64),
           tolerances=_LOOSE, variant="linalg"),
    # torch.vander: NumPy's decreasing powers by default
    OpInfo("vander", P.vander,
           lambda dtype, rng: [SampleInput((make_arg((3,), dtype, rng),), desc="default"),
                               SampleInput((make_arg((4,), dtype, rng),), {"N": 3, "increasing": True}, "increasing"),
                               SampleInput((make_arg((2,), dtype, rng),), {"N": 0}, "N=0")],
           ref=lambda x, N=None, increasing=False: np.vander(x, N, increasing).astype(
               x.dtype if x.dtype.kind == "f" else np.int64),
           torch_fn=lambda x, **k: _torch().vander(x, **k), dtypes=(F32, F64, I64), tolerances=_LOOSE,
           skips=(Skip("vs_torch_grad", "PyTorch 2.13's vander cannot backpropagate for N > 2 (its cumprod written "
                       "into a slice is then modified in place: RuntimeError in backward); ours differentiates "
                       "(checked by gradcheck)"),)),
    OpInfo("chain_matmul", P.chain_matmul,
           lambda dtype, rng: [SampleInput((make_arg((2, 3), dtype, rng), make_arg((3, 4), dtype, rng),
                                            make_arg((4, 2), dtype, rng)), desc="three"),
                               SampleInput((make_arg((2, 3), dtype, rng),), desc="one")],
           ref=lambda *ms: np.linalg.multi_dot(ms) if len(ms) > 1 else ms[0].copy(),
           torch_fn=lambda *ms: _torch().chain_matmul(*ms), tolerances=_LOOSE),
    OpInfo("matrix_rank", lambda a, **k: P.linalg.matrix_rank(a, **k),
           lambda dtype, rng: [SampleInput((make_arg((2, 4, 3), dtype, rng),), desc="full rank"),
                               SampleInput((_low_rank(dtype, rng),), desc="rank 2 of 4x4"),
                               SampleInput((_low_rank(dtype, rng),), {"hermitian": True}, "hermitian rank 2"),
                               SampleInput((make_arg((3, 3), dtype, rng),), {"atol": 2.0}, "atol")],
           ref=_matrix_rank_ref, torch_fn=lambda a, **k: _torch().linalg.matrix_rank(a, **k),
           supports_autograd=False),
    OpInfo("linalg_inv_ex", lambda a: tuple(P.linalg.inv_ex(a)),
           lambda dtype, rng: [SampleInput((_triangular(dtype, rng, (3, 3)),), desc="3x3"),
                               SampleInput((_triangular(dtype, rng, (2, 4, 4)),), desc="batched")],
           ref=lambda a: (np.linalg.inv(a), np.zeros(a.shape[:-2], np.int32)),
           torch_fn=lambda a: tuple(_torch().linalg.inv_ex(a)), tolerances=_LOOSE),
    OpInfo("linalg_cholesky_ex", lambda a, **k: tuple(P.linalg.cholesky_ex(_spd(a), **k)),
           lambda dtype, rng: [SampleInput((make_arg((3, 3), dtype, rng),), desc="lower"),
                               SampleInput((make_arg((2, 3, 3), dtype, rng),), {"upper": True}, "batched upper")],
           ref=lambda a, upper=False: (_mT(np.linalg.cholesky(_spd(a))) if upper else np.linalg.cholesky(_spd(a)),
                                       np.zeros(a.shape[:-2], np.int32)),
           torch_fn=lambda a, **k: tuple(_torch().linalg.cholesky_ex(_spd(a), **k)), tolerances=_LOOSE),
    OpInfo("matrix_norm", lambda a, **k: P.linalg.matrix_norm(a, **k), _matrix_norm_samples, ref=_np_matrix_norm,
           torch_fn=lambda a, **k: _torch().linalg.matrix_norm(a, **k), tolerances=_LOOSE,
           covers=("linalg_svd", "linalg_svdvals")),
    OpInfo("linalg_norm", lambda a, **k: P.linalg.norm(a, **k), _linalg_norm_samples, ref=_np_linalg_norm,
           torch_fn=lambda a, **k: _torch().linalg.norm(a, **k), tolerances=_LOOSE),
    OpInfo("norm", P.norm, lambda dtype, rng: [SampleInput((make_arg((3, 4), dtype, rng), "nuc"), desc="nuc"),
                                               SampleInput((make_arg((2, 3, 4), dtype, rng), "nuc", (0, 2), True),
                                                           desc="nuc over dims (0, 2), keepdim")],
           ref=lambda a, p, dim=(0, 1), keepdim=False: np.asarray(np.linalg.norm(a, p, dim, keepdim), a.dtype),
           torch_fn=lambda a, *args: _torch().norm(a, *args), tolerances=_LOOSE, variant="nuclear"),
    OpInfo("cond", lambda a, **k: P.linalg.cond(a, **k), _cond_samples(None, 2, -2, "nuc", wide=True), ref=_np_cond,
           torch_fn=lambda a, **k: _torch().linalg.cond(a, **k), tolerances={"float32": (1e-4, 1e-3),
                                                                              "float64": (1e-10, 1e-9)}),
    # the orders computed through the inverse: norm(A) * norm(inv(A))
    OpInfo("cond", lambda a, **k: P.linalg.cond(a, **k), _cond_samples("fro", 1, -1, _INF, -_INF), ref=_np_cond,
           torch_fn=lambda a, **k: _torch().linalg.cond(a, **k), tolerances={"float32": (1e-4, 1e-3),
                                                                              "float64": (1e-10, 1e-9)},
           variant="inverse",
           skips=(Skip("vs_torch_grad", "PyTorch 2.13 cannot backpropagate through these orders (it fills the "
                       "inverse saved by LinalgInvExBackward0 in place: RuntimeError in backward); ours "
                       "differentiates (checked by gradcheck)"),)),
    OpInfo("vecdot", lambda x, y, **k: P.linalg.vecdot(x, y, **k),
           lambda dtype, rng: [SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng)), desc="broadcast"),
                               SampleInput((make_arg((4, 2), dtype, rng), make_arg((4, 2), dtype, rng)), {"dim": 0},
                                           "dim 0")],
           ref=lambda x, y, dim=-1: np.asarray((x * y).sum(dim)), torch_fn=lambda x, y, **k: _torch().linalg.vecdot(x, y, **k),
           tolerances=_LOOSE),
    OpInfo("tensorinv", lambda a, **k: P.linalg.tensorinv(a, **k),
           lambda dtype, rng: [SampleInput(((_triangular(dtype, rng, (6, 6)) + make_arg((6, 6), dtype, rng) * 0.1)
                                            .astype(dtype).reshape(2, 3, 6),), {"ind": 2}, "(2, 3) x 6"),
                               SampleInput((_triangular(dtype, rng, (4, 4)).reshape(4, 2, 2),), {"ind": 1}, "ind=1")],
           ref=lambda a, ind=2: np.linalg.tensorinv(a, ind), torch_fn=lambda a, **k: _torch().linalg.tensorinv(a, **k),
           tolerances=_LOOSE,
           skips=(Skip("grad_fn", "PyTorch's inverse is laid out column-major (LAPACK's), so reshaping it is a "
                       "ReshapeAliasBackward0; pyautograd's is row-major (NumPy's), and the reshape a plain view "
                       "(ViewBackward0)"),)),
    OpInfo("tensorsolve", lambda a, b, **k: P.linalg.tensorsolve(a, b, **k),
           lambda dtype, rng: [SampleInput((_triangular(dtype, rng, (6, 6)).reshape(2, 3, 6), make_arg((2, 3), dtype, rng)),
                                           desc="(2, 3, 6)"),
                               SampleInput((np.ascontiguousarray(_triangular(dtype, rng, (6, 6)).reshape(6, 2, 3)
                                                                 .transpose(1, 0, 2)), make_arg((6,), dtype, rng)),
                                           {"dims": (0,)}, "dims")],
           ref=lambda a, b, dims=None: np.linalg.tensorsolve(a, b, dims),
           torch_fn=lambda a, b, **k: _torch().linalg.tensorsolve(a, b, **k), tolerances=_LOOSE),
    OpInfo("lu_factor", lambda a: tuple(P.linalg.lu_factor(a)), _LU_SAMPLES, ref=_np_lu_factor,
           torch_fn=lambda a: tuple(_torch().linalg.lu_factor(a)), tolerances=_LOOSE,
           covers=("linalg_lu_factor_ex", "lu_permutation")),
    OpInfo("lu_factor_ex", lambda a: tuple(P.linalg.lu_factor_ex(a)), _matrices(((2, 3, 3), {}, "batched")),
           ref=lambda a: _np_lu_factor(a) + (np.zeros(a.shape[:-2], np.int32),),
           torch_fn=lambda a: tuple(_torch().linalg.lu_factor_ex(a)), tolerances=_LOOSE),
    OpInfo("lu", lambda a: tuple(P.linalg.lu(a)), _LU_SAMPLES, ref=_np_lu,
           torch_fn=lambda a: tuple(_torch().linalg.lu(a)), tolerances=_LOOSE, covers=("linalg_lu",)),
    OpInfo("linalg_lu_solve", _lu_solve_op(P), _lu_solve_samples, ref=_np_lu_solve,
           torch_fn=lambda a, b, **k: _lu_solve_op(_torch())(a, b, **k), tolerances=_LOOSE,
           covers=("linalg_lu_solve",)),
    # The factor is made triangular inside the op (as PyTorch's gradcheck_wrapper_triangular_input):
    # the forward reads only its triangle, while the gradient formula is PyTorch's full matrix.
    OpInfo("cholesky_solve", _triangular_factor(P, P.cholesky_solve, 1), _cholesky_solve_samples,
           ref=_np_cholesky_solve, torch_fn=lambda b, f, **k: _triangular_factor(_torch(), _torch().cholesky_solve, 1)(
               b, f, **k), tolerances=_LOOSE),
    OpInfo("cholesky_inverse", _triangular_factor(P, P.cholesky_inverse, 0),
           lambda dtype, rng: [SampleInput((_factor(dtype, rng, (3, 3)),), desc="lower"),
                               SampleInput((_mT(_factor(dtype, rng, (2, 3, 3))),), {"upper": True}, "batched upper")],
           ref=_np_cholesky_inverse,
           torch_fn=lambda f, **k: _triangular_factor(_torch(), _torch().cholesky_inverse, 0)(f, **k),
           tolerances=_LOOSE),
    OpInfo("triangular_solve", lambda b, a, **k: tuple(P.triangular_solve(b, a, **k)), _triangular_solve_samples,
           ref=_np_triangular_solve, torch_fn=lambda b, a, **k: tuple(_torch().triangular_solve(b, a, **k)),
           tolerances=_LOOSE),
    OpInfo("lu_unpack", lambda a, **k: tuple(P.lu_unpack(*P.linalg.lu_factor(a), **k)),
           lambda dtype, rng: [SampleInput((make_arg((3, 3), dtype, rng),), desc="square"),
                               SampleInput((make_arg((2, 4, 3), dtype, rng),), desc="batched tall"),
                               SampleInput((make_arg((3, 5), dtype, rng),), desc="wide"),
                               SampleInput((make_arg((3, 3), dtype, rng),), {"unpack_pivots": False}, "no P")],
           ref=lambda a, unpack_pivots=True: (_np_lu(a) if unpack_pivots else (np.zeros((0,), a.dtype),)
                                              + _np_lu(a)[1:]),
           torch_fn=lambda a, **k: tuple(_torch().lu_unpack(*_torch().linalg.lu_factor(a), **k)), tolerances=_LOOSE),
    OpInfo("lu", lambda a, **k: tuple(P.lu(a, **k)), _matrices(((3, 3), {}, "square"),
                                                              ((2, 3, 4), {"get_infos": True}, "batched with info")),
           ref=lambda a, get_infos=False: _np_lu_factor(a) + ((np.zeros(a.shape[:-2], np.int32),) if get_infos else ()),
           torch_fn=lambda a, **k: tuple(_torch().lu(a, **k)), tolerances=_LOOSE, variant="torch"),
    OpInfo("lu_solve", lambda b, a: P.lu_solve(b, *P.linalg.lu_factor(a)),
           lambda dtype, rng: [SampleInput((make_arg((2, 3, 2), dtype, rng), _triangular(dtype, rng, (2, 3, 3))),
                                           desc="batched")],
           ref=lambda b, a: np.linalg.solve(a, b), tolerances=_LOOSE,
           torch_fn=lambda b, a: _torch().lu_solve(b, *_torch().linalg.lu_factor(a))),
    OpInfo("cholesky", lambda a, **k: P.cholesky(_spd(a), **k),
           lambda dtype, rng: [SampleInput((make_arg((3, 3), dtype, rng),), desc="lower"),
                               SampleInput((make_arg((2, 3, 3), dtype, rng),), {"upper": True}, "batched upper")],
           ref=lambda a, upper=False: (_mT(np.linalg.cholesky(_spd(a))) if upper else np.linalg.cholesky(_spd(a))),
           torch_fn=lambda a, **k: _torch().cholesky(_spd(a), **k), tolerances=_LOOSE, variant="torch"),
    OpInfo("linalg_diagonal", lambda a, **k: P.linalg.diagonal(a, **k),
           _matrices(((3, 4), {}, "2-D"), ((2, 3, 3), {"offset": 1}, "batched offset"),
                     ((3, 2, 4), {"dim1": 0, "dim2": 2}, "dims")),
           ref=lambda a, offset=0, dim1=-2, dim2=-1: np.diagonal(a, offset, dim1, dim2),
           torch_fn=lambda a, **k: _torch().linalg.diagonal(a, **k)),
]


# cov and corrcoef (issue 12): PyTorch's compositions, against np.cov / np.corrcoef
def _cov_samples(dtype, rng):
    x = make_arg((3, 5), dtype, rng)
    fw = np.array([1, 2, 0, 3, 1])
    aw = make_arg((5,), dtype, rng, low=0.2, high=1.0)
    return [SampleInput((x,), desc="3 variables"), SampleInput((make_arg((6,), dtype, rng),), desc="1-d"),
            SampleInput((x,), {"correction": 0}, "correction 0"), SampleInput((x,), {"fweights": fw}, "fweights"),
            SampleInput((x,), {"aweights": aw}, "aweights"),
            SampleInput((x,), {"correction": 2, "fweights": fw, "aweights": aw}, "both weights")]


def _cov_ref(x, correction=1, fweights=None, aweights=None):
    return np.asarray(np.cov(x, ddof=correction, fweights=fweights, aweights=aweights), dtype=x.dtype)


OPS += [
    OpInfo("cov", lambda x, **k: P.cov(x, **k), _cov_samples, ref=_cov_ref,
           torch_fn=lambda x, **k: _torch().cov(x, **k), tolerances=_LOOSE),
    OpInfo("corrcoef", P.corrcoef,
           lambda dtype, rng: [SampleInput((make_arg((3, 5), dtype, rng),), desc="3 variables"),
                               SampleInput((make_arg((2, 4), dtype, rng, noncontig=True),), desc="noncontig")],
           ref=lambda x: np.asarray(np.clip(np.corrcoef(x), -1, 1), dtype=x.dtype),
           torch_fn=lambda x: _torch().corrcoef(x), tolerances=_LOOSE),
]

"""torch.linalg's decompositions with PyTorch's gradients: svd (svdvals, torch.svd), eigh
(eigvalsh), qr (torch.qr), pinv (pinverse), matrix_exp, lstsq and solve_triangular, each a
primitive with PyTorch's node (LinalgSvdBackward0, LinalgEighBackward0, ...); and the
compositions matrix_power, matrix_rank, multi_dot, vander and linalg.diagonal.

The backward formulas are PyTorch's (svd_backward, linalg_eig_backward, linalg_qr_backward,
pinv_backward, linalg_lstsq_backward, linalg_solve_triangular_backward and the block-matrix
differential of matrix_exp), written in Tensor ops so that they differentiate again. The SVD and
eigh gradients divide by differences of singular values (eigenvalues): they are defined where
those are distinct, and through U, V only for losses invariant to the signs of the singular
vectors (as in PyTorch).
"""
import math
import warnings

import numpy as np

from .. import _creation, kernels, return_types
from .._dtype import int64
from .._tensor import Tensor
from ..graph.grad_mode import is_grad_enabled, no_grad
from ._dims import wrap_dim
from ._opdef import defop
from ._surface import public
from .linalg import matmul
from .linalg_more import LinAlgError, _cholesky_grad, _lapack, _square, inv, solve
from .matrix import tril, triu
from .pointwise import maximum
from .product_checks import SCALAR_NAMES
from .shape import cat, diagonal as _diagonal
from .shape_more import diag_embed


def _mT(x):
    return x.transpose(-2, -1)


def _type_name(x):
    return SCALAR_NAMES.get(x._data.dtype.name, x._data.dtype.name)


def _float_matrix(op, A, name="A"):
    """PyTorch's checks of a decomposition's input: a batch of matrices of a float dtype."""
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if not A.is_floating_point():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_type_name(A)}")


def _square_float(op, A):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else ''} by {A.shape[-1] if A.ndim else ''} matrices")
    _float_matrix(op, A)


def _absent(g):
    """Whether an incoming gradient is the zeros the engine passes for an output nothing used:
    PyTorch passes no gradient there and leaves out its terms (which also keeps svdvals and
    eigvalsh finite at repeated values)."""
    return not g.requires_grad and not g._data.any()


def _converged(op, fn, A, *args):
    """fn(A, *args), with LAPACK's failure to converge raised as PyTorch's LinAlgError. The SVD
    fails on a NaN as PyTorch's does (naming the batch element; an infinity gives NaNs, in
    PyTorch too); eigh cannot report LAPACK's error code."""
    if op == "linalg.svd":
        nan = np.isnan(A._data).any(axis=(-2, -1)).reshape(-1)
        if nan.any():
            where = f"(Batch element {np.flatnonzero(nan)[0]}): " if A.ndim > 2 else ""
            raise LinAlgError(f"{op}: {where}The algorithm failed to converge because the input matrix contained "
                              f"non-finite values.")
    try:
        return fn(A, *args)
    except np.linalg.LinAlgError:
        pass
    why = "has too many repeated eigenvalues" if op == "linalg.eigh" else "has too many repeated singular values"
    raise LinAlgError(f"{op}: The algorithm failed to converge because the input matrix is ill-conditioned or "
                      f"{why}.") from None


def _ones_diagonal(values):
    return diag_embed(_creation.ones_like(values))


# -- svd ---------------------------------------------------------------------------------------------

def _svd_grad(grad, result, full_matrices):
    """PyTorch's svd_backward (real case): the F-matrix formula, with the terms of U's (V's)
    complement when A is tall (wide)."""
    gU, gS, gVh = grad
    U, S, Vh = result
    k = S.shape[-1]
    if full_matrices:  # only the first k singular vectors are determined by A
        U, Vh, gU, gVh = U[..., :k], Vh[..., :k, :], gU[..., :k], gVh[..., :k, :]
    m, n = U.shape[-2], Vh.shape[-1]
    no_u, no_v, no_s = _absent(gU), _absent(gVh), _absent(gS)
    if no_u and no_v:
        if no_s:
            return None
        return matmul(U, gS.unsqueeze(-1) * Vh) if m >= n else matmul(U * gS.unsqueeze(-2), Vh)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _ones_diagonal(S)
    if not no_u:
        UhgU = matmul(_mT(U), gU)
        UhgU = UhgU - _mT(UhgU)
    if not no_v:
        VhgV = matmul(Vh, _mT(gVh))
        VhgV = VhgV - _mT(VhgV)
    if not no_u and not no_v:
        gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    elif no_u:
        gA = S.unsqueeze(-1) * VhgV / E
    else:
        gA = UhgU * S.unsqueeze(-2) / E
    if not no_s:
        gA = gA + diag_embed(gS)
    if m > n and not no_u:
        gA = matmul(U, gA)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - matmul(U, matmul(_mT(U), gUSinv))
        return matmul(gA, Vh)
    if m < n and not no_v:
        gA = matmul(gA, Vh)
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - matmul(matmul(SinvgVh, _mT(Vh)), Vh)
        return matmul(U, gA)
    return matmul(U, matmul(gA, Vh)) if m >= n else matmul(matmul(U, gA), Vh)


_svd = defop("linalg_svd", "A, full_matrices", kernels.linalg_svd, promote=None, num_outputs=3,
             node_name="LinalgSvdBackward0", grads={"A": _svd_grad})


# Values only, when no gradient is wanted: PyTorch's svdvals and eigvalsh skip the vectors then
# too (their gradient needs them, so with grad the full decompositions above run).
_svdvals = defop("linalg_svdvals", "A", kernels.linalg_svdvals, promote=None, differentiable=False)
_eigvalsh = defop("linalg_eigvalsh", "A, UPLO", kernels.linalg_eigvalsh, promote=None, differentiable=False,
                  tensors=("A",))


def _wants_grad(A):
    return A.requires_grad and is_grad_enabled()


def _no_driver(op, driver):
    if driver is not None:
        raise RuntimeError(f"torch.linalg.{op}: keyword argument `driver=` is only supported on CUDA inputs "
                           f"with cuSOLVER backend.")


def linalg_svd(A, full_matrices=True, *, driver=None):
    """torch.linalg.svd: (U, S, Vh) with A = U diag(S) Vh, S descending; full_matrices=False gives
    the reduced U (m, k) and Vh (k, n), k = min(m, n)."""
    _float_matrix("linalg.svd", A)
    _no_driver("svd", driver)
    return return_types.linalg_svd(_converged("linalg.svd", _svd, A, bool(full_matrices)))


def svdvals(A, *, driver=None):
    """torch.linalg.svdvals: the singular values of each matrix of A, in descending order."""
    _float_matrix("linalg.svd", A)
    _no_driver("svdvals", driver)
    if not _wants_grad(A):
        return _converged("linalg.svd", _svdvals, A)
    return _converged("linalg.svd", _svd, A, False)[1]


@public(method=True, out="exact")
def svd(input, some=True, compute_uv=True):
    """torch.svd (deprecated in PyTorch for linalg.svd): (U, S, V) with V, not Vh; with
    compute_uv=False, U and V are zeros of shapes (m, m) and (n, n)."""
    _float_matrix("linalg.svd", input)
    if compute_uv:
        U, S, Vh = _converged("linalg.svd", _svd, input, not some)
        return return_types.svd((U, S, _mT(Vh)))
    S = svdvals(input)
    *batch, m, n = input.shape
    return return_types.svd((_creation.zeros(*batch, m, m, dtype=input.dtype), S,
                             _creation.zeros(*batch, n, n, dtype=input.dtype)))


# -- eigh --------------------------------------------------------------------------------------------

def _eigh_grad(grad, result):
    """PyTorch's linalg_eig_backward, hermitian case: V (skew(V^T gV) / E + diag(gL)) V^T."""
    gL, gV = grad
    L, V = result
    no_l = _absent(gL)
    if _absent(gV):
        return None if no_l else matmul(V * gL.unsqueeze(-2), _mT(V))
    VhgV = matmul(_mT(V), gV)
    VhgV = 0.5 * (VhgV - _mT(VhgV))
    ret = VhgV / (L.unsqueeze(-2) - L.unsqueeze(-1) + _ones_diagonal(L))
    if not no_l:
        ret = ret + diag_embed(gL)
    return matmul(V, matmul(ret, _mT(V)))


_eigh = defop("linalg_eigh", "A, UPLO", kernels.linalg_eigh, promote=None, num_outputs=2,
              node_name="LinalgEighBackward0", grads={"A": _eigh_grad})


def _check_eigh(A, UPLO):
    _square_float("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L"):
    """torch.linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of each symmetric
    matrix of A, read from its lower (UPLO='L') or upper ('U') triangle."""
    _check_eigh(A, UPLO)
    return return_types.linalg_eigh(_converged("linalg.eigh", _eigh, A, UPLO))


def eigvalsh(A, UPLO="L"):
    """torch.linalg.eigvalsh: the eigenvalues of each symmetric matrix of A, ascending."""
    _check_eigh(A, UPLO)
    if not _wants_grad(A):
        return _converged("linalg.eigh", _eigvalsh, A, UPLO)
    return _converged("linalg.eigh", _eigh, A, UPLO)[0]


# -- solve_triangular --------------------------------------------------------------------------------

def _solve_triangular_grads(grad, needs_input_grad, A, result, upper, left, unitriangular):
    """PyTorch's linalg_solve_triangular_backward: gB = A^-T gX, gA = -gB X^T (left) kept to A's
    triangle (without the diagonal when unitriangular)."""
    gB = _solve_triangular(_mT(A), grad, not upper, left, unitriangular)
    gA = None
    if needs_input_grad[0]:
        Xh = _mT(result)
        gA = -matmul(gB, Xh) if left else -matmul(Xh, gB)
        gA = triu(gA, int(unitriangular)) if upper else tril(gA, -int(unitriangular))
    return gA, gB if needs_input_grad[1] else None


_solve_triangular = defop("linalg_solve_triangular", "A, B, upper, left, unitriangular",
                          kernels.linalg_solve_triangular, promote=None,
                          node_name="LinalgSolveTriangularBackward0", tensors=("A", "B"),
                          grads={"*": _solve_triangular_grads})


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: X with A X = B (left=False: X A = B), A upper or lower
    triangular (only that triangle is read; unitriangular: its diagonal is taken as ones);
    batch dims broadcast."""
    _float_matrix("linalg.solve_triangular", A)
    _float_matrix("linalg.solve_triangular", B, "B")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.solve_triangular: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve_triangular: Expected A and B to have the same dtype, but found A of type "
                           f"{_type_name(A)} and B of type {_type_name(B)} instead")
    k = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != k:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{k} and {B.shape[-2]}x{B.shape[-1]})")
    return _solve_triangular(A, B, bool(upper), bool(left), bool(unitriangular))


# -- torch.cholesky (deprecated in PyTorch for linalg.cholesky), with its own node ------------------

_cholesky_op = defop("cholesky", "input, upper", kernels.cholesky, promote=None,
                     grads={"input": lambda grad, result, upper: _cholesky_grad((grad,), (result,), upper)})


@public(method=True, out="exact")
def cholesky(input, upper=False):
    """torch.cholesky (deprecated in PyTorch for linalg.cholesky, with its warning): the lower
    Cholesky factor L of each symmetric positive-definite matrix (upper=True: U with A = U^T U);
    CholeskyBackward0, with linalg.cholesky's gradient."""
    _warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
                           "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
                           "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be "
                           "replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent "
                           "results for all valid (symmetric positive definite) inputs.")
    _square_float("cholesky", input)
    try:
        return _cholesky_op(input, bool(upper))
    except np.linalg.LinAlgError as exc:
        element, order = exc.args
        where = f"(Batch element {element}): " if input.ndim > 2 else ""
        raise LinAlgError(f"cholesky: {where}The factorization could not be completed because the input is not "
                          f"positive-definite (the leading minor of order {order} is not positive-definite).") from None


# -- the Cholesky and triangular solvers of torch's top level ------------------------------------------

def _cholesky_solve_grads(grad, needs_input_grad, input2, result, upper):
    """PyTorch's cholesky_solve_backward: B's gradient is a solve with the same factor; the factor's
    is -(G + G^T) L (lower) or -U (G + G^T) (upper), G = gB X^T."""
    g_b = _cholesky_solve(grad, input2, upper)
    g_factor = None
    if needs_input_grad[1]:
        common = matmul(g_b, _mT(result))
        common = common + _mT(common)
        g_factor = -matmul(input2, common) if upper else -matmul(common, input2)
    return g_b if needs_input_grad[0] else None, g_factor


_cholesky_solve = defop("cholesky_solve", "input, input2, upper", kernels.cholesky_solve, promote=None,
                        tensors=("input", "input2"), grads={"*": _cholesky_solve_grads})


def _factor_checks(op, B, factor):
    if B.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} dimensions instead")
    if factor.ndim < 2 or factor.shape[-1] != factor.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are "
                           f"{factor.shape[-2] if factor.ndim >= 2 else ''} by {factor.shape[-1]} matrices")
    if B.dtype != factor.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_type_name(B)} and A of "
                           f"type {_type_name(factor)} instead.")
    _float_matrix(op, factor)
    if B.shape[-2] != factor.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is {factor.shape[-1]} by "
                           f"{factor.shape[-1]} but each b matrix is {B.shape[-2]} by {B.shape[-1]}")


@public(method=True, out="exact")
def cholesky_solve(input, input2, upper=False):
    """torch.cholesky_solve: X with A X = input for A = L L^T given its Cholesky factor input2 = L
    (upper: A = U^T U); batch dims broadcast."""
    _factor_checks("cholesky_solve", input, input2)
    return _cholesky_solve(input, input2, bool(upper))


def _cholesky_inverse_grad(grad, input, result, upper):
    """PyTorch's cholesky_inverse_backward: -(A^-1 (G + G^T) A^-1) L, or -U (...) when upper."""
    common = matmul(result, matmul(grad + _mT(grad), result))
    return -matmul(input, common) if upper else -matmul(common, input)


_cholesky_inverse = defop("cholesky_inverse", "input, upper", kernels.cholesky_inverse, promote=None,
                          grads={"input": _cholesky_inverse_grad})


@public(method=True, out="exact")
def cholesky_inverse(input, upper=False):
    """torch.cholesky_inverse: the inverse of A = L L^T (upper: U^T U) from its Cholesky factor."""
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    _square_float("cholesky_inverse", input)
    return _cholesky_inverse(input, bool(upper))


def _triangular_solve_grads(grad, needs_input_grad, A, result, upper, transpose, unitriangular):
    """PyTorch's triangular_solve_backward: gb solves the transposed system; gA = -gb X^T kept to
    A's triangle, plus the gradient of the returned copy of A."""
    g_x, g_copy = grad
    g_b = _triangular_solve(g_x, A, upper, not transpose, unitriangular)[0]
    g_a = None
    if needs_input_grad[1]:
        X = result[0]
        g_a = -matmul(X, _mT(g_b)) if transpose else -matmul(g_b, _mT(X))
        g_a = triu(g_a, int(unitriangular)) if upper else tril(g_a, -int(unitriangular))
        g_a = g_a + g_copy
    return g_b if needs_input_grad[0] else None, g_a


_triangular_solve = defop("triangular_solve", "input, A, upper, transpose, unitriangular", kernels.triangular_solve,
                          promote=None, num_outputs=2, tensors=("input", "A"), grads={"*": _triangular_solve_grads})


@public(method=True, out="exact")
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (deprecated in PyTorch for linalg.solve_triangular, with its warning):
    (solution, cloned_coefficient): X with op(A) X = input, A upper or lower triangular (op(A) =
    A^T when transpose), and a copy of A."""
    _warn_once("triangular_solve", "torch.triangular_solve is deprecated in favor of linalg.solve_triangular and "
                                   "will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular "
                                   "has its arguments reversed and does not return a copy of one of the inputs.\n"
                                   "X = torch.triangular_solve(B, A).solution\nshould be replaced with\n"
                                   "X = torch.linalg.solve_triangular(A, B).")
    if input.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{input.ndim} dimensions instead")
    _factor_checks("triangular_solve", input, A)
    return return_types.triangular_solve(_triangular_solve(input, A, bool(upper), bool(transpose),
                                                           bool(unitriangular)))


# -- lu ----------------------------------------------------------------------------------------------

# The permutation matrix of LAPACK's row swaps (a constant of the backward formulas)
_lu_permutation = defop("lu_permutation", "pivots, m, dtype", kernels.lu_permutation, promote=None,
                        differentiable=False, tensors=("pivots",))


def _unpacked(LU, pivots):
    """(P, L, U) of a packed factorization, in Tensor ops (differentiable in LU)."""
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    L = tril(LU[..., :, :k], -1) + _creation.eye(m, k, dtype=LU.dtype)
    return _lu_permutation(pivots, m, LU._data.dtype), L, triu(LU[..., :k, :])


def _lu_backward(gL, gU, P, L, U):
    """PyTorch's linalg_lu_backward: A = P L U, square, wide (m < n) or tall (m > n)."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = tril(matmul(_mT(L), gL), -1) + triu(matmul(gU, _mT(U)))
        gA = _solve_triangular(_mT(U), gA, False, False, False)
        return matmul(P, _solve_triangular(_mT(L), gA, True, True, True))
    if m < n:
        gA = matmul(_mT(L), gL) - matmul(triu(gU), _mT(U))
        gA = _solve_triangular(_mT(U[..., :k]), tril(gA, -1), False, False, False)
        gA = cat([gA + triu(gU[..., :k]), gU[..., k:]], -1)
        return matmul(P, _solve_triangular(_mT(L), gA, True, True, True))
    gA = matmul(gU, _mT(U)) - matmul(_mT(L), tril(gL, -1))
    gA = _solve_triangular(_mT(L[..., :k, :]), triu(gA), True, True, True)
    gA = cat([gA + tril(gL[..., :k, :], -1), gL[..., k:, :]], -2)
    return matmul(P, _solve_triangular(_mT(U), gA, False, False, False))


def _lu_factor_grad(grad, result):
    """PyTorch's lu_factor_ex_backward: the LU gradient split into L's (its first k columns) and
    U's (its first k rows), through linalg_lu_backward."""
    LU, pivots, _ = result
    k = min(LU.shape[-2], LU.shape[-1])
    g = grad[0]
    return _lu_backward(g[..., :, :k], g[..., :k, :], *_unpacked(LU, pivots))


_lu_factor_ex = defop("linalg_lu_factor_ex", "A", kernels.linalg_lu_factor_ex, promote=None, num_outputs=3,
                      nondiff_outputs=(1, 2), node_name="LinalgLuFactorExBackward0", grads={"A": _lu_factor_grad})
_lu = defop("linalg_lu", "A", kernels.linalg_lu, promote=None, num_outputs=3, nondiff_outputs=(0,),
            node_name="LinalgLuBackward0", grads={"A": lambda grad, result: _lu_backward(grad[1], grad[2], *result)})


def _lu_input(op, A, pivot):
    if A.ndim < 2:
        raise RuntimeError(f"{op}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    if not A.is_floating_point():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_type_name(A)}")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def _zero_pivot(op, info):
    flat = info._data.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        where = f"(Batch element {bad[0]}): " if info.ndim else ""
        k = int(flat[bad[0]])
        raise RuntimeError(f"{op}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a division by "
                           f"zero. If you still want to perform the factorization, consider calling linalg.lu(A, "
                           f"pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """torch.linalg.lu_factor_ex: (LU, pivots, info) of each matrix of A by LU with partial
    pivoting: L (unit lower, below the diagonal) and U packed in LU, LAPACK's 1-based row swaps
    (int32), and info (int32): 0, or the position of U's first zero diagonal element."""
    _lu_input("torch.lu_factor", A, pivot)
    LU, pivots, info = _lu_factor_ex(A)
    if check_errors:
        _zero_pivot("torch.linalg.lu_factor_ex", info)
    return return_types.linalg_lu_factor_ex((LU, pivots, info))


def lu_factor(A, *, pivot=True):
    """torch.linalg.lu_factor: (LU, pivots) as lu_factor_ex gives them; a zero on U's diagonal
    raises (lu_solve would divide by it)."""
    _lu_input("torch.lu_factor", A, pivot)
    LU, pivots, info = _lu_factor_ex(A)
    _zero_pivot("torch.linalg.lu_factor", info)
    return return_types.linalg_lu_factor((LU, pivots))


def lu(A, *, pivot=True):
    """torch.linalg.lu: (P, L, U) with A = P L U: P a permutation matrix, L unit lower triangular
    (m x k), U upper triangular (k x n), k = min(m, n)."""
    _lu_input("linalg.lu", A, pivot)
    return return_types.linalg_lu(_lu(A))


def _lu_solve_grads(grad, needs_input_grad, LU, pivots, result, left, adjoint):
    """PyTorch's backward of lu_solve: B's gradient is a solve with the adjoint system; LU's is
    linalg_lu_solve_LU (through an auxiliary gR, in the two arrangements of left and adjoint)."""
    gX, X = grad, result
    gB = _lu_solve(LU, pivots, gX, left, not adjoint) if needs_input_grad[2] else None
    if not needs_input_grad[0]:
        return None, None, gB
    P, L, U = _unpacked(LU, pivots)
    if left != adjoint:
        gR = _solve_triangular(_mT(U), -matmul(gX if left else _mT(gX), _mT(X) if left else X), False, True, False)
        gL = tril(_solve_triangular(_mT(L), matmul(gR, _mT(U)), True, True, True), -1)
        return gL + triu(gR), None, gB
    gR = -matmul(matmul(matmul(_mT(P), X if left else _mT(X)), _mT(gX) if left else gX), P)
    gR = _solve_triangular(_mT(L), gR, True, False, True)
    gU = triu(_solve_triangular(_mT(U), matmul(_mT(L), gR), False, False, False))
    return tril(gR, -1) + gU, None, gB


_lu_solve = defop("linalg_lu_solve", "LU, pivots, B, left, adjoint", kernels.linalg_lu_solve, promote=None,
                  node_name="LinalgLuSolveBackward0", tensors=("LU", "pivots", "B"), grads={"*": _lu_solve_grads})


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """torch.linalg.lu_solve: X with A X = B (adjoint: A^T X = B; left=False: X A = B, X A^T = B),
    A given by lu_factor's (LU, pivots); batch dims broadcast."""
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if pivots._data.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    _square_float("torch.linalg.lu_solve", LU)
    if LU.dtype != B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_type_name(LU)} and B of type {_type_name(B)} instead")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    return _lu_solve(LU, pivots, B, bool(left), bool(adjoint))


def _lu_unpack_grad(grad, input_shapes, unpack_data):
    """PyTorch's lu_unpack_backward: L's strictly lower part and U's upper part, each in its place
    of the packed m x n matrix."""
    if not unpack_data:
        return None
    gL, gU = tril(grad[1], -1), triu(grad[2])
    *batch, m, n = input_shapes[0]
    if m < n:  # L is m x m: its gradient fills the first m columns
        gL = cat([gL, _creation.zeros(*batch, m, n - m, dtype=gL.dtype)], -1)
    elif m > n:  # U is n x n: its gradient fills the first n rows
        gU = cat([gU, _creation.zeros(*batch, m - n, n, dtype=gU.dtype)], -2)
    return gL + gU


_lu_unpack = defop("lu_unpack", "LU_data, LU_pivots, unpack_data, unpack_pivots", kernels.lu_unpack, promote=None,
                   num_outputs=3, nondiff_outputs=(0,), tensors=("LU_pivots",), grads={"LU_data": _lu_unpack_grad})


@public(out="exact")
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """torch.lu_unpack: (P, L, U) of lu_factor's (LU, pivots), A = P L U; with unpack_data=False L
    and U are empty, with unpack_pivots=False P is."""
    if LU_data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    if LU_pivots._data.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    return return_types.lu_unpack(_lu_unpack(LU_data, LU_pivots, bool(unpack_data), bool(unpack_pivots)))


@public("lu", method=True)
def torch_lu(A, pivot=True, get_infos=False):
    """torch.lu (deprecated in PyTorch for linalg.lu_factor, with its warning): (LU, pivots), or
    (LU, pivots, info) with get_infos."""
    _warn_once("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
                     "will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\n"
                     "should be replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n"
                     "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\n"
                     "LU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)")
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    return return_types._lu_with_info((LU, pivots, info)) if get_infos else (LU, pivots)


@public(method=True, out="exact")
def lu_solve(input, LU_data, LU_pivots):
    """torch.lu_solve (deprecated in PyTorch for linalg.lu_solve, with its warning): X with A X =
    input, A given by lu_factor's (LU_data, LU_pivots)."""
    _warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
                           "future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
                           "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
                           "X = torch.linalg.lu_solve(LU, pivots, B)")
    return linalg_lu_solve(LU_data, LU_pivots, input)


# -- qr ----------------------------------------------------------------------------------------------

_QR_MODES = ("reduced", "complete", "r")


def _qr_square_grad(gQ, gR, Q, R):
    """The gradient of A = QR with R square (m >= n): (gQ + Q syminvadj(triu(gR R^T - Q^T gQ))) R^-T,
    syminvadj(X) = X + X^T with the diagonal halved (copying R's upper triangle to the lower)."""
    M = matmul(gR, _mT(R)) - matmul(_mT(Q), gQ)
    upper = triu(M)
    sym = upper + _mT(triu(M, 1))
    return _solve_triangular(_mT(R), gQ + matmul(Q, sym), False, False, False)


def _qr_grad(grad, result, mode):
    """PyTorch's linalg_qr_backward (real case); A wide (m < n) is A = Q [U | V]: the square part
    X = Q U takes gQ + Y gV^T (Y = Q V), the rest gets Q gV."""
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                           "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    gQ, gR = grad
    Q, R = result
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    if m >= n:
        return _qr_square_grad(gQ, gR, Q, R)
    U, V = R[..., :m], R[..., m:]
    gU, gV = gR[..., :m], gR[..., m:]
    gX = _qr_square_grad(gQ + matmul(matmul(Q, V), _mT(gV)), gU, Q, U)
    return cat([gX, matmul(Q, gV)], -1)


_qr = defop("linalg_qr", "A, mode", kernels.linalg_qr, promote=None, num_outputs=2,
            node_name="LinalgQrBackward0", grads={"A": _qr_grad})


def linalg_qr(A, mode="reduced"):
    """torch.linalg.qr: (Q, R) with A = QR, Q orthonormal columns, R upper triangular. mode
    'reduced' (Q (m, k), R (k, n)), 'complete' (Q (m, m), R (m, n)) or 'r' (R only; Q empty)."""
    _float_matrix("linalg.qr", A)
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    return return_types.linalg_qr(_qr(A, mode))


_WARNED = set()  # PyTorch's deprecation warnings here are TORCH_WARN_ONCE: once per process


def _warn_once(name, message):
    if name not in _WARNED:
        _WARNED.add(name)
        warnings.warn(message, UserWarning, stacklevel=3)


@public(method=True)
def qr(input, some=True):
    """torch.qr (deprecated in PyTorch for linalg.qr, with its warning): the reduced (some=True) or
    complete QR."""
    _float_matrix("linalg.qr", input)
    _warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                     "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                     "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                     "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    return return_types.qr(_qr(input, "reduced" if some else "complete"))


# -- pinv --------------------------------------------------------------------------------------------

def _pinv_backward(grad, pinvA, A):
    """PyTorch's pinv_backward, arranged to multiply the smallest matrices."""
    m, n = A.shape[-2], A.shape[-1]
    pinvAh, gradh = _mT(pinvA), _mT(grad)
    if m <= n:
        K = matmul(gradh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (-_mT(matmul(pinvA, K)) + KpinvAh - matmul(matmul(A, pinvA), KpinvAh)
                + matmul(matmul(pinvAh, pinvA), gradh - matmul(K, A)))
    K = matmul(pinvA, gradh)
    pinvAhK = matmul(pinvAh, K)
    return (-_mT(matmul(K, pinvA)) + matmul(matmul(gradh - matmul(A, K), pinvA), pinvAh) + pinvAhK
            - matmul(matmul(pinvAhK, pinvA), A))


_pinv = defop("linalg_pinv", "A, atol, rtol, hermitian", kernels.linalg_pinv, promote=None,
              node_name="LinalgPinvBackward0",
              grads={"A": lambda grad, result, A: _pinv_backward(grad, result, A)})


def _tolerances(A, atol, rtol):
    """(atol, rtol) as numbers or arrays over the batch, with PyTorch's defaults: atol 0, and
    rtol = eps * max(m, n) unless atol is given and positive (then 0)."""
    def value(t):
        return t._data if isinstance(t, Tensor) else float(t)
    if rtol is None:
        positive_atol = atol is not None and bool(np.all(value(atol) > 0))
        rtol = 0.0 if positive_atol else float(np.finfo(A._data.dtype).eps) * max(A.shape[-2], A.shape[-1])
    return (0.0 if atol is None else value(atol)), value(rtol)


def _one_spelling(op, legacy_name, legacy, atol, rtol):
    if legacy is not None and (atol is not None or rtol is not None):
        raise TypeError(f"linalg.{op}(): pass {legacy_name} (the deprecated overload) or atol/rtol, not both")


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.pinv: the Moore-Penrose pseudo-inverse of each matrix of A; singular values
    (|eigenvalues| when hermitian) at most max(atol, rtol * the largest) count as zero. The
    deprecated overload's rcond is rtol."""
    _one_spelling("pinv", "rcond", rcond, atol, rtol)
    if rcond is not None:
        rtol = rcond
    if A.ndim < 2 or not A.is_floating_point():
        raise RuntimeError(f"linalg.pinv({_type_name(A)}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        _square_float("linalg.pinv", A)
    atol, rtol = _tolerances(A, atol, rtol)
    return _converged("linalg.eigh" if hermitian else "linalg.svd", _pinv, A, atol, rtol, bool(hermitian))


@public(method=True)
def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rtol=rcond."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.matrix_rank: the number of singular values (|eigenvalues| when hermitian)
    above max(atol, rtol * the largest), as int64 (no gradient). The deprecated overload's tol is
    an absolute tolerance (atol=tol, rtol=0)."""
    _float_matrix("linalg.matrix_rank", A)
    _one_spelling("matrix_rank", "tol", tol, atol, rtol)
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances(A, atol, rtol)
    with no_grad():
        s = eigvalsh(A).abs() if hermitian else svdvals(A)
        if s.shape[-1] == 0:
            return _creation.zeros(*s.shape[:-1], dtype=int64)
        a = _creation.tensor(atol, dtype=A.dtype).unsqueeze(-1)
        r = _creation.tensor(rtol, dtype=A.dtype).unsqueeze(-1)
        return (s > maximum(a, r * s.amax(-1, keepdim=True))).sum(-1)


# -- matrix_exp --------------------------------------------------------------------------------------

def _matrix_exp_grad(grad, A):
    """PyTorch's backward: the upper-right block of exp([[A^T, G], [0, A^T]])."""
    n = A.shape[-1]
    At = _mT(A)
    block = cat([cat([At, grad], -1), cat([_creation.zeros_like(At), At], -1)], -2)
    return matrix_exp(block)[..., :n, n:]


_matrix_exp = defop("linalg_matrix_exp", "A", kernels.linalg_matrix_exp, promote=None,
                    node_name="LinalgMatrixExpBackward0", grads={"A": _matrix_exp_grad})


@public(method=True)
def matrix_exp(A):
    """torch.linalg.matrix_exp (and torch.matrix_exp): the exponential of each square matrix of A
    (scaling and squaring around a degree-13 Pade approximant)."""
    _square_float("linalg.matrix_exp", A)
    return _matrix_exp(A)


# -- lstsq -------------------------------------------------------------------------------------------

def _lstsq_grads(grad, needs_input_grad, A, B, result, vector):
    """PyTorch's linalg_lstsq_backward: the solution's gradient through pinv(A); the residuals'
    (filled for m > n) is their direct derivative, the solution being stationary there:
    d||AX - B||^2 = 2 (AX - B) (dA X - dB)."""
    gX = grad[0].unsqueeze(-1) if vector else grad[0]
    B = B.unsqueeze(-1) if vector else B
    pinvA = pinv(A)
    gA = _pinv_backward(matmul(gX, _mT(B)), pinvA, A) if needs_input_grad[0] else None
    gB = matmul(_mT(pinvA), gX) if needs_input_grad[1] else None
    g_res = grad[1]
    if g_res.numel() and not _absent(g_res):
        X = result[0].unsqueeze(-1) if vector else result[0]
        weighted = 2 * (matmul(A, X) - B) * g_res.unsqueeze(-2)
        gA = None if gA is None else gA + matmul(weighted, _mT(X))
        gB = None if gB is None else gB - weighted
    if gB is not None and vector:
        gB = gB.squeeze(-1)
    return gA, gB


_lstsq = defop("linalg_lstsq", "A, B, rcond, driver, vector", kernels.linalg_lstsq, promote=None, num_outputs=4,
               nondiff_outputs=(2, 3), node_name="LinalgLstsqBackward0", tensors=("A", "B"),
               grads={"*": _lstsq_grads})

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: the least-squares solution of A X = B (batch dims broadcast) as the
    named tuple (solution, residuals, rank, singular_values). As on PyTorch's CPU, the driver
    ('gelsy' by default) decides what is filled: gelsy the rank; gelsd and gelss the rank, the
    singular values and (m > n, full rank) the residuals; gels the residuals (m > n)."""
    _float_matrix("linalg.lstsq", A)
    if B.ndim < 1:
        raise RuntimeError("linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A.dtype} and other's dtype {B.dtype}")
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B.ndim == A.ndim - 1
    if not (vector or B.ndim == A.ndim):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    if (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-{1 if vector else 2})")
    return return_types.linalg_lstsq(_lapack("lstsq", _lstsq, A, B, rcond, driver, vector,
                                             why="the least-squares solution did not converge"))


# -- compositions ------------------------------------------------------------------------------------

@public(method=True, out="exact")
def matrix_power(A, n):
    """torch.linalg.matrix_power (and torch.matrix_power): A to the integer power n by repeated
    squaring (n < 0: of inv(A); n = 0: the identity), with PyTorch's sequence of products."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else ''} by {A.shape[-1] if A.ndim else ''} matrices")
    n = int(n)
    if n == 0:
        return A.clone().copy_(_creation.eye(A.shape[-1], dtype=A.dtype).expand(*A.shape))
    if n < 0:
        _square("matrix_power", A)
        A, n = inv(A), -n
    if n == 1:
        return A.clone()
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    result = z = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def _chain_order(dims):
    """The cheapest parenthesization of a chain of matrices of shapes dims[i] x dims[i+1]: the
    split point of every sub-chain (the classic O(n^3) dynamic programme)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors):
    """torch.linalg.multi_dot: the product of a chain of matrices in the cheapest order; the
    first and last may be vectors (a row and a column)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        if i in (0, n - 1) and t.ndim not in (1, 2):
            which = "first" if i == 0 else "last"
            raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D")
        if 0 < i < n - 1 and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{tensors[0].dtype} and tensor {i} {t.dtype}")
    mats = list(tensors)
    out_shape = []
    if mats[0].ndim == 1:
        mats[0] = mats[0].unsqueeze(0)
    else:
        out_shape.append(mats[0].shape[0])
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1].unsqueeze(-1)
    else:
        out_shape.append(mats[-1].shape[1])
    for i in range(1, n):
        if mats[i - 1].shape[1] != mats[i].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(tensors[i - 1].shape)} and "
                               f"{list(tensors[i].shape)} cannot be multiplied")
    split = _chain_order([m.shape[0] for m in mats] + [mats[-1].shape[1]])

    def product(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))
    return product(0, n - 1).view(*out_shape)


@public(out="exact")
def chain_matmul(*matrices):
    """torch.chain_matmul (deprecated in PyTorch for linalg.multi_dot, with its warning): the
    product of matrices in the cheapest order; one matrix is returned as a copy."""
    _warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
                               "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors "
                               "rather than multiple parameters.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(list(matrices))


@public("vander")
def torch_vander(x, N=None, increasing=False):
    """torch.vander (NumPy's convention, unlike linalg.vander): the columns x^(N-1), ..., x^0 of
    a 1-D x (increasing=True: x^0 first); integer and bool x give int64."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = x.dtype if x.is_floating_point() or x.is_complex() else int64
    result = _creation.ones(x.shape[0], n, dtype=dtype)
    if n > 1:  # PyTorch writes the powers into a slice of ones (CopySlices), then flips
        result[:, 1:] = x.unsqueeze(1).expand(x.shape[0], n - 1).cumprod(1, dtype=dtype)
    return result if increasing else result.flip(1)


def vander(x, N=None):
    """torch.linalg.vander: the Vandermonde matrix of x, columns x^0, x^1, ..., x^(N-1)
    (N defaults to x.shape[-1]); batched over x's leading dims."""
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    column = x.unsqueeze(-1)
    return cat([_creation.ones_like(column), column.expand(*x.shape, n - 1).cumprod(-1)], -1)


def vecdot(x, y, *, dim=-1):
    """torch.linalg.vecdot: the dot products of x and y (broadcast) along `dim`."""
    for t in (x, y):
        if not t.is_floating_point():
            raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                               f"{_type_name(t)}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_type_name(x)} and y of type {_type_name(y)} instead")
    return (x * y).sum(dim)


def _prod_requirement(A, lead, what, rows=None):
    rows = math.prod(A.shape[:lead]) if rows is None else rows
    cols = math.prod(A.shape[lead:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[{what}:]) == "
                           f"prod(self.shape[:{what}]), but got {cols} != {rows}")
    return rows


def tensorinv(A, ind=2):
    """torch.linalg.tensorinv: the tensor X with tensordot(A, X, ind) the identity: the inverse of A
    seen as a prod(shape[:ind]) x prod(shape[ind:]) matrix, shaped shape[ind:] + shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    n = _prod_requirement(A, ind, "ind")
    return inv(A.reshape(n, n)).reshape(*A.shape[ind:], *A.shape[:ind])


def tensorsolve(A, B, dims=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.ndim) = B; `dims` of A are first moved
    to the end. X has shape A.shape[B.ndim:]."""
    if dims is not None:
        dims = [wrap_dim(d, A.ndim) for d in ([dims] if isinstance(dims, int) else dims)]
        A = A.permute(*[d for d in range(A.ndim) if d not in dims], *dims)
    n = _prod_requirement(A, B.ndim, "other.ndim", rows=B.numel())
    return solve(A.reshape(n, n), B.reshape(n)).reshape(*A.shape[B.ndim:])


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims as defaults."""
    return _diagonal(A, offset, dim1, dim2)


__all__ = ["LinAlgError", "eigh", "eigvalsh", "linalg_diagonal", "linalg_qr", "linalg_svd", "lstsq", "matrix_exp",
           "matrix_power", "matrix_rank", "multi_dot", "pinv", "pinverse", "qr", "solve_triangular", "svd", "svdvals",
           "vander", "chain_matmul", "torch_vander", "vecdot", "tensorinv", "tensorsolve", "lu", "lu_factor",
           "lu_factor_ex", "lu_solve", "cholesky_solve", "cholesky_inverse", "triangular_solve", "lu_unpack", "torch_lu", "linalg_lu_solve", "cholesky"]


# -- cov and corrcoef (issue 12): PyTorch's compositions, so their nodes are its (SqueezeBackward0,
# ClampBackward1) ----------------------------------------------------------------------------------

def _check_weights(w, name, n, kind_ok, kind_text):
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with {w.ndim} "
                           f"dimensions")
    if not kind_ok(w._data.dtype.kind):
        raise RuntimeError(f"cov(): expected {name} to have {kind_text} dtype but got {name} with "
                           f"{_type_name(w)} dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w.numel()} != {n}")
    if n and bool((w._data < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


@public(method=True)
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of `input` (observations in its columns;
    a 1-D input is one variable), with optional integer frequency and float observation weights,
    as torch.cov (NumPy's np.cov with ddof=correction)."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input._data.dtype.kind == "b":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.ndim < 2 else input
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, "fweights", n, lambda k: k in "iu", "integral")
        w = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", n, lambda k: k == "f", "floating point")
        w = aweights if w is None else w * aweights
    w_sum = w.sum() if w is not None else _creation.tensor(n, dtype=int64)
    if w is not None and not bool(w_sum._data != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm_factor = w_sum - correction
    if bool(norm_factor._data <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", stacklevel=2)
        norm_factor = norm_factor * 0
    x = x - avg.unsqueeze(1)
    c = (x.mm((x * w if w is not None else x).t()))
    return c.div(norm_factor).squeeze()


@public(method=True)
def corrcoef(input):
    """Pearson's correlation coefficients of the variables in the rows of `input`, clipped to
    [-1, 1], as torch.corrcoef (np.corrcoef)."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:  # one variable: nan where the variance is nan, inf or 0, else 1
        return c / c
    stddev = c.diagonal().sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    return c.clip(-1, 1)

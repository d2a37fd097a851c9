"""torch.linalg's inverse family with gradients: inv, det, slogdet, solve, cholesky (each a
primitive with PyTorch's node: LinalgInvExBackward0, LinalgDetBackward0, ...), with inv_ex and
cholesky_ex (the matrix norms are in ops/decompositions.py: some need the SVD). Backward
formulas are in Tensor ops, so they differentiate again. det's gradient assumes an invertible matrix (PyTorch
also handles singular ones through an SVD)."""
import numpy as np

from .. import kernels, return_types
from . import shape as shape_ops
from ._opdef import defop
from ._surface import declare
from .matrix import tril
from .pointwise import where
from .product_checks import SCALAR_NAMES
from .shape_more import diag_embed


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: the matrix is singular (or not positive-definite)."""


def _mT(x):
    return x.transpose(-2, -1)


def _lapack(op, fn, *args, why="the input matrix is singular"):
    try:
        return fn(*args)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"linalg.{op}: The factorization could not be completed because {why}.") from None


def _square(op, A):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else ''} by {A.shape[-1] if A.ndim else ''} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.{op}: Expected a floating point or complex tensor as input. Got "
                           f"{SCALAR_NAMES.get(A._data.dtype.name, A.dtype)}")


# inv and cholesky are PyTorch's inv_ex and cholesky_ex (their nodes' names), which return LAPACK's
# info beside the result (never differentiable); the front ends raise on a nonzero info.
_inv_ex = defop("linalg_inv_ex", "A", kernels.linalg_inv_ex, promote=None, num_outputs=2, nondiff_outputs=(1,),
                node_name="LinalgInvExBackward0",
                grads={"A": lambda grad, result: -(_mT(result[0]) @ grad[0] @ _mT(result[0]))})
_det = defop("linalg_det", "A", kernels.linalg_det, promote=None, node_name="LinalgDetBackward0",
             grads={"A": lambda grad, A, result: (grad * result).unsqueeze(-1).unsqueeze(-1) * _mT(inv(A))})
_slogdet = defop("linalg_slogdet", "A", kernels.linalg_slogdet, promote=None, num_outputs=2,
                 node_name="LinalgSlogdetBackward0",
                 grads={"A": lambda grad, A: grad[1].unsqueeze(-1).unsqueeze(-1) * _mT(inv(A))})


def _solve_grads(grad, needs_input_grad, A, result, vector):
    g = grad[0] if not vector else grad[0].unsqueeze(-1)
    x = result[0] if not vector else result[0].unsqueeze(-1)
    grad_b = _solve_ex(_mT(A), g, False)[0]
    grad_a = -(grad_b @ _mT(x)) if needs_input_grad[0] else None
    return grad_a, (grad_b.squeeze(-1) if vector else grad_b) if needs_input_grad[1] else None


_solve_ex = defop("linalg_solve_ex", "A, B, vector", kernels.linalg_solve_ex, promote=None, num_outputs=2,
                  nondiff_outputs=(1,), node_name="LinalgSolveExBackward0", tensors=("A", "B"),
                  grads={"*": _solve_grads})


def _cholesky_grad(grad, result, upper):
    L, gL = (_mT(result[0]), _mT(grad[0])) if upper else (result[0], grad[0])
    M = _mT(L) @ gL
    P = tril(M) - 0.5 * diag_embed(shape_ops.diagonal(M, 0, -2, -1))
    L_inv = inv(L)
    S = _mT(L_inv) @ P @ L_inv
    return 0.5 * (S + _mT(S))


_cholesky_ex = defop("linalg_cholesky_ex", "A, upper", kernels.linalg_cholesky_ex, promote=None, num_outputs=2,
                     nondiff_outputs=(1,), node_name="LinalgCholeskyExBackward0", grads={"A": _cholesky_grad})


def _raise_on_info(op, info, what):
    """PyTorch's LinAlgError for the first matrix whose info is nonzero (naming its batch element)."""
    flat = info._data.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        where = f"(Batch element {bad[0]}): " if info.ndim else ""
        raise LinAlgError(f"{op}: {where}{what(int(flat[bad[0]]))}")


def _singular(k):
    return f"The diagonal element {k} is zero, the inversion could not be completed because the input matrix is singular."


def _not_positive_definite(k):
    return (f"The factorization could not be completed because the input is not positive-definite (the leading "
            f"minor of order {k} is not positive-definite).")


def inv_ex(A, *, check_errors=False):
    """torch.linalg.inv_ex: (inverse, info) of each square matrix of A; info (int32) is 0, or for a
    singular matrix the position of the first zero pivot of its LU factorization (its "inverse"
    then holds inf/nan). check_errors=True raises LinAlgError instead."""
    _square("inv", A)
    inverse, info = _inv_ex(A)
    if check_errors:
        _raise_on_info("linalg.inv_ex", info, _singular)
    return return_types.linalg_inv_ex((inverse, info))


def inv(A):
    """The inverse of each square matrix of A (LinAlgError when one is singular)."""
    _square("inv", A)
    inverse, info = _inv_ex(A)
    _raise_on_info("linalg.inv", info, _singular)
    return inverse


def det(A):
    """The determinant of each square matrix of A."""
    _square("det", A)
    return _det(A)


def slogdet(A):
    """(sign, log|det|) of each square matrix of A: the determinant without overflow."""
    _square("slogdet", A)
    return return_types.linalg_slogdet(_slogdet(A))


def logdet(A):
    """log(det(A)): NaN where the determinant is negative, -inf where it is 0."""
    sign, logabs = slogdet(A)
    return where(sign < 0, float("nan"), where(sign == 0, float("-inf"), logabs))


def _solve_checked(A, B, left):
    """solve_ex's (X, info), with PyTorch's checks; left=False solves X A = B as A^T X^T = B^T."""
    _square("solve", A)
    if not left:
        X, info = _solve_checked(_mT(A), _mT(B), True)
        return _mT(X), info
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {A.dtype} "
                           f"and B of type {B.dtype} instead")
    return _solve_ex(A, B, vector)


def _solver_failed(k):
    return "The solver failed because the input matrix is singular."


def solve(A, B, *, left=True):
    """X with A @ X = B (B a matrix or a vector, batched); left=False solves X @ A = B."""
    X, info = _solve_checked(A, B, left)
    _raise_on_info("torch.linalg.solve", info, _solver_failed)
    return X


def solve_ex(A, B, *, left=True, check_errors=False):
    """torch.linalg.solve_ex: (result, info) of solve; info (int32) is 0, or for a singular matrix
    the position of the first zero pivot of its LU factorization (its result then holds inf/nan).
    check_errors=True raises LinAlgError instead."""
    X, info = _solve_checked(A, B, left)
    if check_errors:
        _raise_on_info("torch.linalg.solve_ex", info, _solver_failed)
    return return_types.linalg_solve_ex((X, info))


def cholesky(A, *, upper=False):
    """The Cholesky factor of each symmetric positive-definite matrix of A (from its lower triangle)."""
    _square("cholesky", A)
    L, info = _cholesky_ex(A, bool(upper))
    _raise_on_info("linalg.cholesky", info, _not_positive_definite)
    return L


def cholesky_ex(A, *, upper=False, check_errors=False):
    """torch.linalg.cholesky_ex: (L, info) per matrix; info (int32) is 0, or the order of the first
    leading minor that is not positive-definite (L then holds LAPACK's partial factorization).
    check_errors=True raises LinAlgError instead."""
    _square("cholesky", A)
    L, info = _cholesky_ex(A, bool(upper))
    if check_errors:
        _raise_on_info("linalg.cholesky_ex", info, _not_positive_definite)
    return return_types.linalg_cholesky_ex((L, info))


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
declare("det", det, method=True)
declare("logdet", logdet, method=True)
declare("slogdet", slogdet, method=True)
declare("inverse", inv, method=True, out="exact")

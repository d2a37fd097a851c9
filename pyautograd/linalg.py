"""pyautograd.linalg: the torch.linalg functions pyautograd has, with gradients: vector_norm,
matrix_norm (every order), norm, cond, vecdot, cross; inv, inv_ex, det, slogdet, solve, solve_ex,
cholesky, cholesky_ex; the decompositions svd, svdvals, eigh, eigvalsh, qr, lu, lu_factor(_ex),
lu_solve, pinv, lstsq, matrix_exp, solve_triangular; the compositions matrix_power, matrix_rank, multi_dot, tensorinv,
tensorsolve, vander, diagonal, matmul; and LinAlgError."""
from .ops.decompositions import (eigh, eigvalsh, lstsq, lu, lu_factor, lu_factor_ex, matrix_exp, matrix_power,
                                 matrix_rank, multi_dot, pinv, solve_triangular, svdvals, tensorinv, tensorsolve, vander,
                                 vecdot)
from .ops.decompositions import linalg_diagonal as diagonal
from .ops.decompositions import linalg_lu_solve as lu_solve
from .ops.decompositions import linalg_qr as qr
from .ops.decompositions import linalg_svd as svd
from .ops.linalg import matmul
from .ops.linalg_more import LinAlgError, cholesky, cholesky_ex, det, inv, inv_ex, slogdet, solve, solve_ex
from .ops.reduction import cond, matrix_norm, vector_norm
from .ops.reduction import linalg_norm as norm
from .ops.shape_more import linalg_cross as cross

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv",
           "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex",
           "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]

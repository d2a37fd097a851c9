"""pyautograd.linalg: the torch.linalg functions pyautograd has, with gradients: vector_norm,
norm, matrix_norm ("fro"), inv, det, slogdet, solve, cholesky, cross; the decompositions svd,
svdvals, eigh, eigvalsh, qr, pinv, lstsq, matrix_exp, solve_triangular; the compositions
matrix_power, matrix_rank, multi_dot, vander, diagonal, matmul; and LinAlgError."""
from .ops.decompositions import (eigh, eigvalsh, lstsq, matrix_exp, matrix_power, matrix_rank, multi_dot, pinv,
                                 solve_triangular, svdvals, vander)
from .ops.decompositions import linalg_diagonal as diagonal
from .ops.decompositions import linalg_qr as qr
from .ops.decompositions import linalg_svd as svd
from .ops.linalg import matmul
from .ops.linalg_more import LinAlgError, cholesky, det, inv, matrix_norm, norm, slogdet, solve
from .ops.reduction import vector_norm
from .ops.shape_more import linalg_cross as cross

__all__ = ["LinAlgError", "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "lstsq", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
           "slogdet", "solve", "solve_triangular", "svd", "svdvals", "vander", "vector_norm"]

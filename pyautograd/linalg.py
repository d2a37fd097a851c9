"""pyautograd.linalg: the torch.linalg functions pyautograd has: vector_norm, norm, matrix_norm
("fro"), inv, det, slogdet, solve, cholesky and cross (with gradients), and LinAlgError."""
from .ops.linalg_more import LinAlgError, cholesky, det, inv, matrix_norm, norm, slogdet, solve
from .ops.reduction import vector_norm
from .ops.shape_more import linalg_cross as cross

__all__ = ["LinAlgError", "cholesky", "cross", "det", "inv", "matrix_norm", "norm", "slogdet", "solve",
           "vector_norm"]

"""NumPy reference for the linalg kernels (see csrc/matmul.c for the C side).

* ``gemm(a, b, *, c=None, alpha=1.0, beta=0.0, out=None)``: alpha * a @ b + beta * c
  for 2-D a (M, K), b (K, N) and c broadcastable to (M, N).
* ``matmul(a, b, *, out=None)``: exactly ``np.matmul`` (1-D promotion, batch broadcasting).
* ``linear(x, weight, bias=None, *, activation=None, out=None)``: x @ weight.T + bias,
  then the activation (None, "relu", "gelu", "gelu_tanh"): a Linear layer's forward.

The shape checks live in kernels/checks/linalg.py, which the C wrappers call too,
so both backends accept the same inputs and fail with the same messages.
"""
import numpy as np

from .._fp import quiet
from ..checks.linalg import check_out, gemm_shape, linear_shape, matmul_shape  # noqa: F401  (the C side's too)
from . import pointwise

__all__ = ["gemm", "linear", "matmul"]

ACTIVATIONS = {None: None, "relu": pointwise.relu, "gelu": pointwise.gelu, "gelu_tanh": pointwise.gelu_tanh}


def _finish(op, result, dtype, out):
    result = np.asarray(result, dtype=dtype)
    if out is None:
        return result
    check_out(op, out, result.shape, dtype)
    out[...] = result
    return out


def gemm(a, b, *, c=None, alpha=1.0, beta=0.0, out=None):
    """alpha * a @ b + beta * c (NumPy reference).

    Args:
        a: (M, K) array; b: (K, N) array of the same float dtype.
        c: optional addend broadcastable to (M, N) (a bias row (N,), a column (M, 1), ...).
        alpha, beta: Python floats scaling the product and c (beta == 0: c is not read, so
            its NaN/inf do not propagate, as in BLAS and PyTorch).
        out: optional (M, N) array to write into.
    Returns:
        The (M, N) result (out when given).
    """
    gemm_shape(a, b, c)
    c = None if c is None else np.asarray(c, dtype=a.dtype)
    return _finish("gemm", quiet(_gemm_formula, a, b, c, float(alpha), float(beta)), a.dtype, out)


def _gemm_formula(a, b, c, alpha, beta):
    result = alpha * (a @ b)
    # beta == 0 ignores c, NaN and inf included (BLAS's and PyTorch's addmm convention)
    return result if c is None or beta == 0 else result + beta * c


def matmul(a, b, *, out=None):
    """np.matmul(a, b): matrix product with 1-D promotion and batch broadcasting (NumPy reference)."""
    try:
        result = quiet(np.matmul, a, b)
    except ValueError:
        matmul_shape(a, b)  # raises the message naming both shapes
        raise
    return _finish("matmul", result, result.dtype, out)


def linear(x, weight, bias=None, *, activation=None, out=None):
    """A Linear layer's forward: activation(x @ weight.T + bias) (NumPy reference).

    Args:
        x: (..., K) input; weight: (M, K); bias: optional (M,).
        activation: None, "relu", "gelu" (exact, with erf) or "gelu_tanh" (PyTorch's
            tanh approximation).
        out: optional (..., M) array to write into.
    Returns:
        The (..., M) result (out when given).
    """
    linear_shape(x, weight, bias, activation)
    y = quiet(np.matmul, x, weight.T)
    if bias is not None:
        y = quiet(np.add, y, bias)
    act = ACTIVATIONS[activation]
    if act is not None:
        y = act(np.asarray(y))
    return _finish("linear", y, np.result_type(x, weight), out)

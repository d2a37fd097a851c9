"""NumPy reference for the linalg kernels (see csrc/matmul.c for the C side).

* ``gemm(a, b, *, c=None, alpha=1.0, beta=0.0, out=None)``: alpha * a @ b + beta * c
  for 2-D a (M, K), b (K, N) and c broadcastable to (M, N).
* ``matmul(a, b, *, out=None)``: exactly ``np.matmul`` (1-D promotion, batch broadcasting).
* ``linear(x, weight, bias=None, *, activation=None, out=None)``: x @ weight.T + bias,
  then the activation (None, "relu", "gelu", "gelu_tanh"): a Linear layer's forward.

The shape checks live here, beside the reference, and the C wrappers call the
same functions, so both backends accept the same inputs and fail with the
same messages.
"""
import numpy as np

from .._fp import quiet
from . import pointwise

__all__ = ["gemm", "linear", "matmul"]

ACTIVATIONS = {None: None, "relu": pointwise.relu, "gelu": pointwise.gelu, "gelu_tanh": pointwise.gelu_tanh}


def _require_2d(op, name, x):
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{op}: {name} must be a numpy.ndarray, got {type(x).__name__}")
    if x.ndim != 2:
        raise ValueError(f"{op}: {name} must be 2-D, got shape {x.shape}")


def _inner_mismatch(op, a_name, a, b_name, b, ka, kb):
    return ValueError(f"{op}: inner dimensions do not match: {a_name} has shape {a.shape} and "
                      f"{b_name} has shape {b.shape} ({ka} != {kb})")


def gemm_shape(a, b, c):
    """(M, N, K) of gemm(a, b, c=c); raises ValueError/TypeError naming the shapes."""
    _require_2d("gemm", "a", a)
    _require_2d("gemm", "b", b)
    (m, k), (kb, n) = a.shape, b.shape
    if k != kb:
        raise _inner_mismatch("gemm", "a", a, "b", b, k, kb)
    if c is not None:
        c_shape = np.shape(c)
        if len(c_shape) > 2 or any(s not in (1, t) for s, t in zip(c_shape[::-1], (n, m))):
            raise ValueError(f"gemm: c of shape {c_shape} cannot be broadcast to the result's shape {(m, n)}")
    return m, n, k


def matmul_shape(a, b):
    """(out_shape, batch_shape, M, N, K) of np.matmul(a, b) with a, b at least 1-D.

    1-D operands are promoted (a to (1, K), b to (K, 1)) and their added dimension
    is left out of out_shape, as np.matmul does; batch dims broadcast.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"matmul: {name} must be a numpy.ndarray, got {type(x).__name__}")
        if x.ndim == 0:
            raise ValueError(f"matmul: {name} must be at least 1-D, got a 0-d array")
    m, k = (1, a.shape[0]) if a.ndim == 1 else a.shape[-2:]
    kb, n = (b.shape[0], 1) if b.ndim == 1 else b.shape[-2:]
    if k != kb:
        raise _inner_mismatch("matmul", "a", a, "b", b, k, kb)
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch dimensions of a {a.shape} and b {b.shape} "
                         f"cannot be broadcast together") from None
    out_shape = batch + ((m,) if a.ndim > 1 else ()) + ((n,) if b.ndim > 1 else ())
    return out_shape, batch, m, n, k


def linear_shape(x, weight, bias, activation):
    """The output shape of linear(x, weight, bias, activation=...); raises on bad input."""
    _require_2d("linear", "weight", weight)
    if not isinstance(x, np.ndarray) or x.ndim == 0:
        raise ValueError(f"linear: x must be an array of at least 1-D, got shape {np.shape(x)}")
    m, k = weight.shape
    if x.shape[-1] != k:
        raise _inner_mismatch("linear", "x", x, "weight", weight, x.shape[-1], k)
    if bias is not None and np.shape(bias) != (m,):
        raise ValueError(f"linear: bias must have shape {(m,)} for weight of shape {weight.shape}, "
                         f"got {np.shape(bias)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"linear: activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    return x.shape[:-1] + (m,)


def check_out(op, out, shape, dtype):
    """Checks a caller's `out`: an ndarray of exactly `shape` and `dtype`."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{op}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{op}: out has shape {out.shape} and dtype {out.dtype}, "
                         f"expected shape {tuple(shape)} and dtype {dtype}")


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

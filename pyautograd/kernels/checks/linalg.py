"""Argument checks of the linalg kernels (gemm, matmul, linear), shared by both backends."""
import numpy as np

# The activations linear() can fuse (the NumPy reference maps each to its function).
ACTIVATION_NAMES = (None, "relu", "gelu", "gelu_tanh")


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
    if activation not in ACTIVATION_NAMES:
        raise ValueError(f"linear: activation must be one of {list(ACTIVATION_NAMES)}, got {activation!r}")
    return x.shape[:-1] + (m,)


def check_out(op, out, shape, dtype):
    """Checks a caller's `out`: an ndarray of exactly `shape` and `dtype`."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{op}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{op}: out has shape {out.shape} and dtype {out.dtype}, "
                         f"expected shape {tuple(shape)} and dtype {dtype}")

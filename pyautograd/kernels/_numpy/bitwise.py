"""Bitwise kernels on integer and bool arrays (NumPy only): and, or, xor, not, shifts."""
import numpy as np

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift"]


def _keep(out, a, b):
    dtype = np.result_type(*[x for x in (a, b) if isinstance(x, np.ndarray)])
    return np.asarray(out).astype(dtype, copy=False)


def bitwise_and(a, b):
    """a & b elementwise."""
    return _keep(np.bitwise_and(a, b), a, b)


def bitwise_or(a, b):
    """a | b elementwise."""
    return _keep(np.bitwise_or(a, b), a, b)


def bitwise_xor(a, b):
    """a ^ b elementwise."""
    return _keep(np.bitwise_xor(a, b), a, b)


def bitwise_not(a):
    """~a elementwise (logical not for bool)."""
    return np.invert(a)


def bitwise_left_shift(a, b):
    """a << b elementwise."""
    return _keep(np.left_shift(a, b), a, b)


def bitwise_right_shift(a, b):
    """a >> b elementwise (arithmetic for signed integers)."""
    return _keep(np.right_shift(a, b), a, b)

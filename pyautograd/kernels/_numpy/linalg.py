"""NumPy reference for the linalg kernels (see csrc/matmul.c for the C side)."""
__all__ = []

"""NumPy reference for the reduce kernels (see csrc/reduce.c for the C side)."""
__all__ = []

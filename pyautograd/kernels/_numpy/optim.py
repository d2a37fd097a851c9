"""NumPy reference for the optim kernels (see csrc/optim.c for the C side)."""
__all__ = []

"""C wrappers for the reduce kernels."""
__all__ = []

# name -> KernelSpec for kernels whose dispatch differs from the pointwise defaults.
SPECS = {}

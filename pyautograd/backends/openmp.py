"""torch.backends.openmp: whether the kernels were built with OpenMP."""
from .. import kernels


def is_available():
    """True if pyautograd's C extension was compiled with OpenMP (its kernels run multi-threaded);
    False for a serial build (``PYAUTOGRAD_OPENMP=0`` or a compiler without OpenMP) or when the C
    kernels are missing and NumPy computes everything."""
    return kernels.openmp_available()

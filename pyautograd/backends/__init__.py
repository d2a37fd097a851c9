"""torch.backends as PyTorch's CPU build answers it: no cuDNN, no MPS, no CUDA; the flags
scripts set (``cudnn.benchmark``, ``cudnn.deterministic``, ``cuda.matmul.allow_tf32``) are
plain settings that read back what was set, and change nothing on the CPU.

Also the float32 matmul precision (``torch.set_float32_matmul_precision``): recorded and
read back; pyautograd's float32 matmuls always run in full float32 ("highest").
"""
import warnings

from . import cpu, cuda, cudnn, mps  # noqa: F401
from . import mkldnn, openmp  # noqa: F401  (issue 12: module paths)

__all__ = ["cpu", "cuda", "cudnn", "mps", "mkldnn", "openmp", "set_float32_matmul_precision", "get_float32_matmul_precision"]

_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """Records the float32 matmul precision ('highest', 'high' or 'medium'); another value warns
    and has no effect, as in PyTorch. Computation stays full float32 on the CPU."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      f"setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    cuda.matmul._precision[0] = precision


def get_float32_matmul_precision():
    """The recorded float32 matmul precision ('highest' unless set)."""
    return cuda.matmul._precision[0]

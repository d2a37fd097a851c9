"""DLPack exchange (torch.utils.dlpack): zero-copy tensors to and from PyTorch, NumPy, JAX...

``Tensor.__dlpack__``/``__dlpack_device__`` export a tensor's NumPy array, so
``np.from_dlpack(t)`` and ``torch.from_dlpack(t)`` share its memory; ``from_dlpack(x)``
wraps any DLPack producer (or a capsule from ``to_dlpack``) without a copy. Only CPU memory
exists here.
"""
import numpy as np

from .._creation import from_dlpack as _from_producer
from .._tensor import Tensor


class _Capsule:
    """Presents a bare DLPack capsule (from to_dlpack) as a producer for np.from_dlpack."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU


def to_dlpack(tensor):
    """A DLPack capsule sharing `tensor`'s memory (consumed once, by from_dlpack)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack: expected a Tensor, got {type(tensor).__name__}")
    return tensor.__dlpack__()


def from_dlpack(ext_tensor):
    """A tensor sharing memory with a DLPack producer or a capsule from to_dlpack."""
    if type(ext_tensor).__name__ == "PyCapsule":
        return Tensor._wrap(np.from_dlpack(_Capsule(ext_tensor)))
    return _from_producer(ext_tensor)

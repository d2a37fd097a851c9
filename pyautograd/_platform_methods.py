"""Tensor's device and memory methods, as PyTorch's CPU build answers them: every tensor is on
the CPU (``is_cpu``, ``cpu()`` is itself, ``get_device()`` is -1) and the calls that need an
accelerator raise what that build raises (``cuda()``, ``pin_memory()``)."""
from ._device import NO_ACCELERATOR, check_available
from .multiprocessing import shared


def cpu(self, memory_format=None):
    """This tensor (it is on the CPU already)."""
    return self


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """Raises AssertionError "Torch not compiled with CUDA enabled", as PyTorch's CPU build."""
    check_available("cuda")


def get_device(self):
    """-1: the CPU (PyTorch's answer for a CPU tensor)."""
    return -1


def pin_memory(self, device=None):
    """Raises RuntimeError: pinned memory needs an accelerator (PyTorch's CPU build raises too)."""
    raise RuntimeError(NO_ACCELERATOR + " (pin_memory needs an accelerator; pyautograd runs on the CPU only: "
                       "drop pin_memory, or pass pin_memory=False to the DataLoader)")


def is_pinned(self, device=None):
    """False: no tensor is in pinned memory."""
    return False


def share_memory_(self):
    """Moves this tensor's elements into shared memory (a no-op when they are there already);
    returns self. Processes forked afterwards, and those it is sent to through
    torch.multiprocessing, see and make the same writes. Views taken before the move keep the
    old memory (PyTorch moves the whole storage)."""
    if shared.locate(self._data) is None:
        self._data = shared.to_shared(self._data)
    return self


def is_shared(self):
    """Whether this tensor's elements are in shared memory (share_memory_)."""
    return shared.locate(self._data) is not None


def data_ptr(self):
    """The address of the first element."""
    return self._data.ctypes.data


METHODS = {"cpu": cpu, "cuda": cuda, "get_device": get_device, "pin_memory": pin_memory, "is_pinned": is_pinned,
           "data_ptr": data_ptr, "share_memory_": share_memory_, "is_shared": is_shared,
           "is_cpu": property(lambda self: True, doc="True: every tensor is on the CPU."),
           "is_sparse": property(lambda self: False, doc="False: tensors are dense (strided)."),
           "is_quantized": property(lambda self: False, doc="False: no quantized tensors."),
           "is_meta": property(lambda self: False, doc="False: every tensor holds data."),
           "nbytes": property(lambda self: self._data.nbytes, doc="Bytes taken by the elements."),
           "itemsize": property(lambda self: self._data.itemsize, doc="Bytes per element.")}
# tensormisc (issue 12): an XPU device answers as on PyTorch's CPU build; `name` is PyTorch's
# read-only name of a tensor's autograd metadata, set only by PyTorch's C++ internals (never from
# Python: assigning it raises), so every tensor's is None (it is not the named-tensor API).
METHODS["is_xpu"] = property(lambda self: False, doc="False: no tensor is on an XPU device.")
METHODS["name"] = property(lambda self: None, doc="None: PyTorch's read-only autograd name of a tensor, set only "
                                                   "by its C++ internals (never from Python).")

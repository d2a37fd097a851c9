"""torch.cpu: the device queries PyTorch answers for the CPU (always there, one device, nothing
to wait for) and its ``amp`` submodule (the deprecated CPU spellings of autocast and GradScaler)."""
from . import amp  # noqa: F401


def is_available():
    """True: the CPU is always available."""
    return True


def is_initialized():
    """True, as PyTorch answers for the CPU."""
    return True


def device_count():
    """1: PyTorch counts the CPU as one device."""
    return 1


def current_device():
    """'cpu', as PyTorch's torch.cpu.current_device()."""
    return "cpu"


def synchronize(device=None):
    """Returns at once: CPU work here is synchronous."""

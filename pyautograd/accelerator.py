"""torch.accelerator: the device-generic accelerator API, with no accelerator (as PyTorch's CPU
build): is_available() False, current_accelerator() None, and the calls that need a device
raise its RuntimeError."""
from ._device import NO_ACCELERATOR


def is_available():
    """False: there is no accelerator."""
    return False


def current_accelerator(check_available=False):
    """None: there is no accelerator."""
    return None


def device_count():
    """0: there is no accelerator."""
    return 0


def _none():
    raise RuntimeError(NO_ACCELERATOR + " (pyautograd runs on the CPU only)")


def current_device_index():
    """Raises RuntimeError: there is no accelerator device."""
    _none()


def set_device_index(device):
    """Raises RuntimeError: there is no accelerator device."""
    _none()


def synchronize(device=None):
    """Raises RuntimeError: there is no accelerator device."""
    _none()


current_device_idx = current_device_index
set_device_idx = set_device_index

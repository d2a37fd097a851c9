"""torch.xpu as PyTorch's build without Intel GPU support answers it: no device
(``is_available()`` False, ``device_count()`` 0, memory queries 0), seeding and ``empty_cache``
ignored, and the calls that need a device raising AssertionError "Torch not compiled with XPU
enabled", as there."""

NO_XPU = "Torch not compiled with XPU enabled"
_HINT = " (pyautograd runs on the CPU only: torch.xpu.is_available() is False)"


def _no_xpu():
    raise AssertionError(NO_XPU + _HINT)


def is_available():
    """False: there is no XPU device."""
    return False


def device_count():
    """0: there is no XPU device."""
    return 0


def is_initialized():
    """False: XPU is never initialized."""
    return False


def is_bf16_supported(including_emulation=True):
    """False: there is no XPU device."""
    return False


def init():
    """Raises AssertionError (no XPU support)."""
    _no_xpu()


def synchronize(device=None):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def current_device():
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def set_device(device):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def get_device_name(device=None):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def get_device_properties(device=None):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def get_device_capability(device=None):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def current_stream(device=None):
    """Raises AssertionError (no XPU device)."""
    _no_xpu()


def get_rng_state(device="xpu"):
    """Raises AssertionError (no XPU generator)."""
    _no_xpu()


def manual_seed(seed):
    """Seeds the XPU generator: none here (ignored, as PyTorch's build without XPU does)."""
    int(seed)


def manual_seed_all(seed):
    """Seeds every XPU generator: none here (ignored)."""
    int(seed)


def seed():
    """Ignored: no XPU generator."""


def seed_all():
    """Ignored: no XPU generator."""


def empty_cache():
    """Ignored: no XPU allocator holds memory."""


def memory_allocated(device=None):
    """0: no XPU memory."""
    return 0


def max_memory_allocated(device=None):
    """0: no XPU memory."""
    return 0


def memory_reserved(device=None):
    """0: no XPU memory."""
    return 0


def max_memory_reserved(device=None):
    """0: no XPU memory."""
    return 0


class Stream:
    """torch.xpu.Stream without XPU support: the class exists; making one raises RuntimeError."""

    def __init__(self, device=None, priority=0, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Stream" + _HINT)


class Event:
    """torch.xpu.Event without XPU support: the class exists; making one raises RuntimeError."""

    def __init__(self, enable_timing=False, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event" + _HINT)

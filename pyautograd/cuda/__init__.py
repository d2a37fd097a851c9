"""torch.cuda as PyTorch's CPU-only build answers it: no device, and the calls that need one
raise what that build raises.

Scripts probe CUDA before choosing a device (``torch.cuda.is_available()``), seed it
(``manual_seed_all``), and read memory statistics for their logs; all of that works and
tells the truth (no device, no CUDA memory). What needs a device -- ``synchronize``,
``current_device``, ``get_device_name``, a tensor on "cuda" -- raises AssertionError
"Torch not compiled with CUDA enabled", as PyTorch's CPU build does.
"""
import collections
import warnings

from .._device import NO_CUDA
from .._device import device as device_cls
from ..tensor_types import cuda_tensor_types as _cuda_tensor_types
from . import amp  # noqa: F401  (torch.cuda.amp)

_HINT = " (pyautograd runs on the CPU only: torch.cuda.is_available() is False)"


def _no_cuda():
    raise AssertionError(NO_CUDA + _HINT)


class OutOfMemoryError(RuntimeError):
    """PyTorch's error for an exhausted device memory (never raised here: there is no CUDA memory)."""


def is_available():
    """False: there is no CUDA device."""
    return False


def device_count():
    """0: there is no CUDA device."""
    return 0


def is_initialized():
    """False: CUDA is never initialized."""
    return False


def is_bf16_supported(including_emulation=True):
    """False: there is no CUDA device."""
    return False


def init():
    """Raises AssertionError, as in PyTorch's CPU build."""
    _no_cuda()


def manual_seed(seed):
    """Seeds the CUDA generators: with no device, nothing to seed (PyTorch's CPU build ignores it too)."""
    int(seed)


def manual_seed_all(seed):
    """Seeds every CUDA device's generator: none here (silently ignored, as in PyTorch's CPU build)."""
    int(seed)


def seed():
    """Seeds the CUDA generator randomly: nothing to seed."""


def seed_all():
    """Seeds every CUDA generator randomly: nothing to seed."""


def get_rng_state_all():
    """The RNG states of every CUDA device: an empty list."""
    return []


def set_rng_state_all(new_states):
    """Sets every CUDA device's RNG state: there are none."""


def get_rng_state(device="cuda"):
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def set_rng_state(new_state, device="cuda"):
    """Sets a CUDA device's RNG state: with no device, nothing to set (as PyTorch's CPU build)."""


def synchronize(device=None):
    """Raises AssertionError (no CUDA device to wait for), as PyTorch's CPU build."""
    _no_cuda()


def current_device():
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def current_stream(device=None):
    """Raises AssertionError (no CUDA device), as PyTorch's CPU build."""
    _no_cuda()


def default_stream(device=None):
    """Raises AssertionError (no CUDA device), as PyTorch's CPU build."""
    _no_cuda()


def initial_seed():
    """Raises AssertionError (no CUDA generator), as PyTorch's CPU build."""
    _no_cuda()


class Stream:
    """torch.cuda.Stream of PyTorch's CPU build: the class exists (for annotations and isinstance
    checks); making one raises RuntimeError."""

    def __init__(self, device=None, priority=0, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support" + _HINT)


class Event:
    """torch.cuda.Event of PyTorch's CPU build: the class exists; making one raises RuntimeError
    (PyTorch's "Tried to instantiate dummy base class Event")."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event" + _HINT)


def get_device_name(device=None):
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def get_device_properties(device=None):
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def get_device_capability(device=None):
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def mem_get_info(device=None):
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def ipc_collect():
    """Raises AssertionError (no CUDA device)."""
    _no_cuda()


def set_device(device):
    """Selects a CUDA device: PyTorch's CPU build raises AttributeError for any index >= 0 (a
    negative index is a no-op there too)."""
    index = device if isinstance(device, int) else device_cls(device).index
    if index is None or index >= 0:
        raise AttributeError(f"{NO_CUDA}: torch.cuda.set_device({device!r}) has no device to select "
                             f"(PyTorch's CPU build raises: module 'torch._C' has no attribute '_cuda_setDevice')"
                             + _HINT)


def empty_cache():
    """Releases cached CUDA memory: there is none."""


def memory_allocated(device=None):
    """Bytes of CUDA memory held by tensors: 0."""
    return 0


def max_memory_allocated(device=None):
    """Peak bytes of CUDA memory held by tensors: 0."""
    return 0


def memory_reserved(device=None):
    """Bytes of CUDA memory reserved by the caching allocator: 0."""
    return 0


def max_memory_reserved(device=None):
    """Peak bytes reserved by the caching allocator: 0."""
    return 0


def memory_stats(device=None):
    """The caching allocator's statistics: an empty OrderedDict (no allocator ran)."""
    return collections.OrderedDict()


def reset_peak_memory_stats(device=None):
    """PyTorch's CPU build raises AttributeError here (its CUDA binding is absent); so does this."""
    raise AttributeError(f"{NO_CUDA}: torch.cuda.reset_peak_memory_stats needs CUDA (PyTorch's CPU build "
                         f"raises: module 'torch._C' has no attribute '_cuda_resetPeakMemoryStats')" + _HINT)


def reset_max_memory_allocated(device=None):
    """Deprecated alias of reset_peak_memory_stats (warns, then raises as it does)."""
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, which "
                  "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


# torch.cuda.FloatTensor and friends: types no tensor here is an instance of; calling one raises.
globals().update(_cuda_tensor_types())

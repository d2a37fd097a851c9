"""torch.mps as PyTorch answers it on a machine without Apple's Metal backend (its Linux and
Windows builds): no device (``device_count()`` 0), ``manual_seed`` ignored, and the calls that
need the backend raising RuntimeError "Cannot execute <call>() without MPS backend.", as there."""

_HINT = " (pyautograd runs on the CPU only: torch.backends.mps.is_available() is False)"


def _no_mps(call):
    raise RuntimeError(f"Cannot execute {call}() without MPS backend." + _HINT)


def device_count():
    """0: there is no MPS device."""
    return 0


def is_available():
    """False: there is no MPS device."""
    return False


def manual_seed(seed):
    """Seeds the MPS generator: with no backend, nothing to seed (ignored, as PyTorch does)."""
    int(seed)


def seed():
    """Raises RuntimeError: no MPS generator."""
    _no_mps("getDefaultGenerator")


def get_rng_state(device="mps"):
    """Raises RuntimeError: no MPS generator."""
    _no_mps("getDefaultGenerator")


def set_rng_state(new_state, device="mps"):
    """Raises RuntimeError: no MPS generator."""
    _no_mps("getDefaultGenerator")


def synchronize():
    """Raises RuntimeError: no MPS device to wait for."""
    _no_mps("deviceSynchronize")


def empty_cache():
    """Raises RuntimeError: no MPS allocator."""
    _no_mps("emptyCache")


def set_per_process_memory_fraction(fraction):
    """Raises RuntimeError: no MPS allocator."""
    _no_mps("setMemoryFraction")


def current_allocated_memory():
    """Raises RuntimeError: no MPS allocator."""
    _no_mps("getCurrentAllocatedMemory")


def driver_allocated_memory():
    """Raises RuntimeError: no MPS allocator."""
    _no_mps("getDriverAllocatedMemory")


def recommended_max_memory():
    """Raises RuntimeError: no MPS device."""
    _no_mps("getRecommendedMaxMemory")

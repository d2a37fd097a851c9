"""Process-wide switches of PyTorch that have nothing to switch on the CPU engine, kept as
settings that read back what was set: deterministic algorithms (pyautograd's kernels are
deterministic already) and whether autocast is active (never, here)."""
_state = {"deterministic": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Records the request; every pyautograd kernel is deterministic, so nothing changes."""
    _state.update(deterministic=bool(mode), warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    """What use_deterministic_algorithms last set (False by default)."""
    return _state["deterministic"]


def is_autocast_enabled(device_type=None):
    """False: no autocast region is ever active here."""
    return False

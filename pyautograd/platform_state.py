"""Process-wide switches of PyTorch: deterministic algorithms (a setting that reads back what
was set: pyautograd's kernels are deterministic already), and autocast's state functions
(torch.is_autocast_enabled, get/set_autocast_dtype...), which read and set the per-thread
state of ``pyautograd.ops.autocast`` that torch.autocast regions change."""
import warnings

from .ops import autocast as _autocast

_state = {"deterministic": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Records the request; every pyautograd kernel is deterministic, so nothing changes."""
    _state.update(deterministic=bool(mode), warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    """What use_deterministic_algorithms last set (False by default)."""
    return _state["deterministic"]


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for `device_type` in this thread (no argument: "cuda", as PyTorch)."""
    return _autocast.is_enabled("cuda" if device_type is None else device_type)


def set_autocast_enabled(*args):
    """set_autocast_enabled(device_type, enabled), or set_autocast_enabled(enabled) for "cuda"."""
    if len(args) == 1:
        return _autocast.set_enabled("cuda", args[0])
    device_type, enabled = args
    return _autocast.set_enabled(device_type, enabled)


def get_autocast_dtype(device_type):
    """The autocast dtype of `device_type` (torch.bfloat16 for "cpu", torch.float16 for "cuda" by default)."""
    return _autocast.get_dtype(device_type)


def set_autocast_dtype(device_type, dtype):
    """Sets the autocast dtype of `device_type` (what torch.autocast(device_type) uses without dtype=)."""
    _autocast.set_dtype(device_type, dtype)


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated: is_autocast_enabled("cpu")."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return _autocast.is_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    """Deprecated: set_autocast_enabled("cpu", enabled)."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    _autocast.set_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    """Deprecated: get_autocast_dtype("cpu")."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return _autocast.get_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    """Deprecated: set_autocast_dtype("cpu", dtype)."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    _autocast.set_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    """Deprecated: get_autocast_dtype("cuda")."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return _autocast.get_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    """Deprecated: set_autocast_dtype("cuda", dtype)."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    _autocast.set_dtype("cuda", dtype)


def is_autocast_cache_enabled():
    """Whether autocast caches the lower-precision casts of float32 weights (True by default)."""
    return _autocast.is_cache_enabled()


def set_autocast_cache_enabled(enabled):
    """Sets whether autocast caches casts."""
    _autocast.set_cache_enabled(enabled)


def clear_autocast_cache():
    """Drops autocast's cached casts (done when the outermost autocast region exits)."""
    _autocast.clear_cache()


def autocast_increment_nesting():
    """One more autocast region entered in this thread; returns the depth."""
    return _autocast.increment_nesting()


def autocast_decrement_nesting():
    """One autocast region left; returns the depth."""
    return _autocast.decrement_nesting()

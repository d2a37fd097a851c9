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


# PyTorch's deprecated per-device spellings of the state functions above: (name, its argument,
# the autocast function it calls, the device). Each warns, naming the spelling to use instead.
_LEGACY = (
    ("is_autocast_cpu_enabled", "", "is_enabled", "cpu"),
    ("set_autocast_cpu_enabled", "enabled", "set_enabled", "cpu"),
    ("get_autocast_cpu_dtype", "", "get_dtype", "cpu"),
    ("set_autocast_cpu_dtype", "dtype", "set_dtype", "cpu"),
    ("get_autocast_gpu_dtype", "", "get_dtype", "cuda"),
    ("set_autocast_gpu_dtype", "dtype", "set_dtype", "cuda"),
)


def _legacy(name, arg, action, device):
    """The deprecated function `name`: `action` of ops.autocast for `device`, with the warning."""
    current = name.replace("_cpu", "").replace("_gpu", "")
    instead = f"{current}('{device}'" + (f", {arg})" if arg else ")")
    target = getattr(_autocast, action)

    def legacy(*value):
        _deprecated(f"{name}({arg})", instead)
        return target(device, *value)
    legacy.__name__ = legacy.__qualname__ = name
    legacy.__doc__ = f"Deprecated: {instead}."
    return legacy


for _spec in _LEGACY:
    globals()[_spec[0]] = _legacy(*_spec)


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

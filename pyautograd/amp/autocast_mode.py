"""torch.autocast / torch.amp.autocast, as PyTorch's CPU build runs them.

``autocast("cpu", dtype=torch.bfloat16)`` (the default CPU dtype; float16 too) runs the ops
of PyTorch's CPU autocast lists in lower precision or in float32 (the casts are made in
``pyautograd.ops.autocast``: linear, matmul and the convolutions in bfloat16, the losses in
float32...). It is a context manager and a decorator, nests (an inner region, enabled or
not, rules until it exits), and accepts ``cache_enabled``.

"cuda" autocast warns and does nothing (no CUDA device: PyTorch's CPU build does the same),
and so does "cpu" autocast with a dtype PyTorch's CPU autocast refuses (float32, float64).
"""
import functools
import warnings

from ..ops import autocast as _state


class autocast:
    """A context manager (and decorator) for mixed-precision regions; see the module notes."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        if device_type not in ("cpu", "cuda"):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}' "
                               f"(pyautograd has only the CPU)")
        self.fast_dtype = _state.get_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = _state.is_cache_enabled() if cache_enabled is None else bool(cache_enabled)
        self._enabled = bool(enabled)
        if not self._enabled:
            return
        if device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", UserWarning,
                          stacklevel=2)
            self._enabled = False
        elif getattr(self.fast_dtype, "name", None) not in _state.SUPPORTED_CPU_DTYPES:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                          UserWarning, stacklevel=2)
            self._enabled = False

    def __enter__(self):
        self.prev_cache_enabled = _state.is_cache_enabled()
        self.prev = _state.is_enabled(self.device)
        self.prev_fastdtype = _state.get_dtype(self.device)
        _state.set_enabled(self.device, self._enabled)
        if self._enabled:  # a refused dtype is never installed (it would be read as the autocast dtype)
            _state.set_dtype(self.device, self.fast_dtype)
        _state.increment_nesting()
        _state.set_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, *exc):
        if _state.decrement_nesting() == 0:
            _state.clear_cache()
        _state.set_enabled(self.device, self.prev)
        _state.set_dtype(self.device, self.prev_fastdtype)
        _state.set_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


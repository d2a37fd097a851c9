"""torch.autocast / torch.amp.autocast, as PyTorch's CPU build runs them.

"cuda" autocast warns and does nothing (no CUDA device: PyTorch's CPU build does the same),
and so does "cpu" autocast with a dtype PyTorch's CPU autocast refuses (float32, float64).
CPU autocast in bfloat16/float16 -- casting the ops of PyTorch's lists to the low precision
-- is not implemented: entering it raises RuntimeError rather than silently computing in
float32 (pass enabled=False, or leave it out, to run in float32).
"""
import functools
import warnings


class autocast:
    """A context manager (and decorator) for mixed-precision regions; see the module notes."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)
        if not self._enabled:
            return
        if device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", UserWarning,
                          stacklevel=2)
            self._enabled = False
        elif device_type == "cpu":
            if dtype is not None and getattr(dtype, "name", None) not in ("bfloat16", "float16"):
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                              UserWarning, stacklevel=2)
                self._enabled = False
        else:
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}' "
                               f"(pyautograd has only the CPU)")

    def __enter__(self):
        if self._enabled:
            name = getattr(self.fast_dtype, "name", "bfloat16")
            raise RuntimeError(f"autocast('cpu', dtype={name}) is not supported by pyautograd yet: it would run "
                               f"the region in float32 while PyTorch computes it in {name}. Pass enabled=False "
                               f"(or drop the autocast) to train in float32.")
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


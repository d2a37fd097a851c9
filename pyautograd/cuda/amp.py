"""torch.cuda.amp: the deprecated CUDA spellings of torch.amp's GradScaler and autocast.

As in PyTorch's CPU build they warn (deprecated), then behave as torch.amp's with device
"cuda": disabled, with the same warning.
"""
import warnings

from .. import amp as _amp


class GradScaler(_amp.GradScaler):
    """torch.cuda.amp.GradScaler(...): torch.amp.GradScaler("cuda", ...), deprecated."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(_amp.autocast):
    """torch.cuda.amp.autocast(...): torch.amp.autocast("cuda", ...), deprecated."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", dtype, enabled, cache_enabled)

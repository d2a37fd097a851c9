"""torch.cuda.amp.autocast_mode: the deprecated torch.cuda.amp.autocast."""
import warnings

from ... import amp as _amp


class autocast(_amp.autocast):
    """torch.cuda.amp.autocast(...): torch.amp.autocast("cuda", ...), deprecated."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", dtype, enabled, cache_enabled)

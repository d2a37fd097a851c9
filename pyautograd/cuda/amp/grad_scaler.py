"""torch.cuda.amp.grad_scaler: the deprecated torch.cuda.amp.GradScaler."""
import warnings

from ... import amp as _amp


class GradScaler(_amp.GradScaler):
    """torch.cuda.amp.GradScaler(...): torch.amp.GradScaler("cuda", ...), deprecated."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)

"""torch.cuda.amp: the deprecated CUDA spellings of torch.amp's GradScaler and autocast.

As in PyTorch's CPU build they warn (deprecated), then behave as torch.amp's with device
"cuda": disabled, with the same warning. They are defined at PyTorch's paths,
torch.cuda.amp.grad_scaler and torch.cuda.amp.autocast_mode.
"""
from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast"]

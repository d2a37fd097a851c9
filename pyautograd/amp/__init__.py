"""torch.amp: GradScaler and autocast as PyTorch's CPU build runs them (see their modules)."""
from . import autocast_mode, grad_scaler  # noqa: F401
from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast"]

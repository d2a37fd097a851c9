"""torch.cpu: only its ``amp`` submodule (the deprecated CPU spellings of autocast and GradScaler)."""
from . import amp  # noqa: F401

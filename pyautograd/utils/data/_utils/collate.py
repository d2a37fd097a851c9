"""torch.utils.data._utils.collate: ``default_collate`` and ``default_convert`` at PyTorch's
module path -- the same objects as ``pyautograd.utils.data.default_collate``/``default_convert``."""
from ..collate import default_collate, default_convert

__all__ = ["default_collate", "default_convert"]

"""torch.nn.modules.module: the path scripts import Module from (the same class as nn.Module)."""
from ..module import Module

__all__ = ["Module"]

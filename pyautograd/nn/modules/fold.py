"""torch.nn.modules.fold: the path scripts import Fold / Unfold from."""
from .image_extra import Fold, Unfold

__all__ = ["Fold", "Unfold"]

"""torch.nn.modules.pixelshuffle: the path scripts import PixelShuffle / PixelUnshuffle from."""
from .image import PixelShuffle, PixelUnshuffle

__all__ = ["PixelShuffle", "PixelUnshuffle"]

"""torch.nn.modules.channelshuffle: the path scripts import ChannelShuffle from."""
from .image import ChannelShuffle

__all__ = ["ChannelShuffle"]

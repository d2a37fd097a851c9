"""torch.nn.modules.upsampling: the path scripts import the upsampling layers from."""
from .image import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]

"""torch.nn.modules.instancenorm: the path scripts import the instance-norm layers from (the same
classes as nn.InstanceNorm1d/2d/3d)."""
from .image_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]

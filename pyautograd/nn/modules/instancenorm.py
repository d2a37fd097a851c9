"""torch.nn.modules.instancenorm: the instance-norm layers (the same classes as
nn.InstanceNorm1d/2d/3d, defined with GroupNorm in image_norm) and their Lazy forms, whose
num_features is read from the first input's dim 1 (see nn.modules.lazy)."""
from .batchnorm import _LazyNormBase
from .image_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


# PyTorch's lazy instance norms default to affine=True and track_running_stats=True (unlike
# InstanceNorm*d's False), and so do these.
class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """An InstanceNorm1d whose num_features is read from the first input (then it is one)."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """An InstanceNorm2d whose num_features is read from the first input (then it is one)."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """An InstanceNorm3d whose num_features is read from the first input (then it is one)."""

    cls_to_become = InstanceNorm3d

"""LayerNorm: normalization over the trailing dims of each sample."""
import numbers

from ... import _creation
from .. import _cross_map_lrn
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


class LayerNorm(Module):
    """Normalizes over the last len(normalized_shape) dims (mean 0, biased variance 1, plus eps),
    then applies a learned elementwise scale (weight, ones) and shift (bias, zeros)."""

    def __init__(self, normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_creation.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(_creation.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        """Weight back to ones, bias to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")

# torch.nn.modules.normalization also holds these (the same classes as nn.<Name>)
class CrossMapLRN2d(Module):
    """PyTorch's legacy cross-channel local response normalization of (N, C, H, W) input:
    x * (k + alpha / size * (running window sum of x^2 over channels)) ** -beta (see
    nn/_cross_map_lrn.py for the window's quirk kept from PyTorch)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return _cross_map_lrn.CrossMapLRN2d.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


from .attention import RMSNorm  # noqa: E402,F401
from .image_norm import GroupNorm, LocalResponseNorm  # noqa: E402,F401

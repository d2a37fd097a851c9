"""Linear, Bilinear and Identity."""
import math

from ... import _creation
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


class Identity(Module):
    """Returns its input unchanged."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


def _make_parameters(module, weight_shape, bias, dtype):
    """Registers `weight` (uninitialised, of weight_shape) and `bias` (one per output feature,
    or None), then draws them with the module's reset_parameters(), as PyTorch's layers do."""
    module.weight = Parameter(_creation.empty(weight_shape, dtype=dtype))
    if bias:
        module.bias = Parameter(_creation.empty(weight_shape[0], dtype=dtype))
    else:
        module.register_parameter("bias", None)
    module.reset_parameters()


class Linear(Module):
    """y = x @ weight.T + bias, with PyTorch's initialisation (kaiming-uniform weight,
    uniform bias in +-1/sqrt(fan_in))."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        _make_parameters(self, (out_features, in_features), bias, dtype)

    def reset_parameters(self):
        """Re-draws weight and bias as at construction."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y = x1 @ weight[k] @ x2 + bias[k] for each output feature k; weight and bias drawn
    uniform in +-1/sqrt(in1_features)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        _make_parameters(self, (out_features, in1_features, in2_features), bias, dtype)

    def reset_parameters(self):
        """Re-draws weight and bias uniform in +-1/sqrt(in1_features)."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear layer under another name, as in PyTorch (where it only marks MultiheadAttention's
    output projection for the quantization tools); it computes exactly what Linear does."""

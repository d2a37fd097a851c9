"""Linear, Bilinear and Identity."""
import math

from ... import _creation
from ...autograd import grad_mode
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin


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

# LazyLinear infers in_features from its first input. Until then its weight and bias are
# UninitializedParameters: real Parameter objects (so an optimizer built before the first forward
# holds them) whose shape and data cannot be read. The first call materializes them in place --
# same objects, now Parameters of the right shape, drawn by Linear's reset_parameters -- and the
# module becomes a Linear, as PyTorch's does (``type(m)`` is Linear afterwards; nn.modules.lazy).
class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose in_features is taken from the first input's last dim."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False, device, dtype)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self):
        """Draws weight and bias as Linear's, once they have a shape."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            Linear.reset_parameters(self)

    def initialize_parameters(self, input):
        """Materializes weight (out_features, input.shape[-1]) and bias, then draws them."""
        if not self.has_uninitialized_params():
            return
        with grad_mode.no_grad():
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()

"""Conv1d/2d/3d and ConvTranspose1d/2d/3d, with PyTorch's signatures, weight layouts and init.

Weights are (out_channels, in_channels / groups, *kernel_size) for a convolution and
(in_channels, out_channels / groups, *kernel_size) for a transposed one; both are drawn
kaiming-uniform with a = sqrt(5), the bias uniform in +-1/sqrt(fan_in), as PyTorch's
reset_parameters. A padding_mode other than 'zeros' pads the input with F.pad first and
convolves without padding.

The Lazy forms (LazyConv1d ... LazyConvTranspose3d) read in_channels from their first input
(see nn.modules.lazy) and then become the ordinary class, as PyTorch's.
"""
import math

from ... import _creation
from .. import _conv
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """The shared body of the convolution modules; subclasses set the spatial rank."""

    _nd = 0
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, output_padding=0, device=None, dtype=None):
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in _conv.expand_param(stride, nd, "stride")):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {set(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _conv.expand_param(kernel_size, nd, "kernel_size")
        self.stride = _conv.expand_param(stride, nd, "stride")
        self.padding = padding if isinstance(padding, str) else _conv.expand_param(padding, nd, "padding")
        self.dilation = _conv.expand_param(dilation, nd, "dilation")
        self.transposed = self._transposed
        self.output_padding = _conv.expand_param(output_padding, nd, "output_padding")
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._f_pad_amounts()
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(_creation.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _f_pad_amounts(self):
        """F.pad's amounts (last dim first) for a padding_mode other than zeros."""
        amounts = []
        if self.padding == "same":
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                amounts += [total // 2, total - total // 2]
        elif self.padding == "valid":
            amounts = [0, 0] * self._nd
        else:
            for p in reversed(self.padding):
                amounts += [p, p]
        return amounts

    def reset_parameters(self):
        """Re-draws weight and bias as at construction."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.weight.shape[2:])
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, 0, device, dtype)

    def _conv_forward(self, input, weight, bias):
        fn = type(self)._fn
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) input (or unbatched (C_in, L))."""

    _nd = 1
    _fn = staticmethod(_conv.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) input (or unbatched (C_in, H, W))."""

    _nd = 2
    _fn = staticmethod(_conv.conv2d)


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) input (or unbatched (C_in, D, H, W))."""

    _nd = 3
    _fn = staticmethod(_conv.conv3d)


class _ConvTranspose(_ConvNd):
    _transposed = True
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, device, dtype)

    def _output_padding(self, input, output_size):
        """The output_padding that yields `output_size` (PyTorch's rule), or the module's own."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        output_size = list(output_size)
        if len(output_size) == nd + 2 or (len(output_size) == nd + 1 and input.ndim == nd + 1):
            output_size = output_size[-nd:]
        if len(output_size) != nd:
            raise ValueError(f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or "
                             f"{nd + 2} elements (got {len(output_size)})")
        spatial = input.shape[-nd:]
        smallest = [(s - 1) * st - 2 * p + d * (k - 1) + 1 for s, st, p, d, k in
                    zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [lo + st - 1 for lo, st in zip(smallest, self.stride)]
        for want, lo, hi in zip(output_size, smallest, largest):
            if not lo <= want <= hi:
                raise ValueError(f"requested an output size of {tuple(output_size)}, but valid sizes range from "
                                 f"{smallest} to {largest} (for an input of {tuple(spatial)})")
        return tuple(want - lo for want, lo in zip(output_size, smallest))

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                              self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution ("deconvolution") over (N, C_in, L) input."""

    _nd = 1
    _fn = staticmethod(_conv.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution over (N, C_in, H, W) input."""

    _nd = 2
    _fn = staticmethod(_conv.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution over (N, C_in, D, H, W) input."""

    _nd = 3
    _fn = staticmethod(_conv.conv_transpose3d)


# -- the lazy forms: in_channels from the first input ------------------------------------------------

class _LazyConvXdMixin(LazyModuleMixin):
    """Sizes the weight (and bias) from the first input's channel dim, then draws them."""

    def reset_parameters(self):
        """Draws weight and bias as the ordinary convolution's, once they have a shape."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _get_in_channels(self, input):
        unbatched, batched = self._nd + 1, self._nd + 2
        if input.ndim not in (unbatched, batched):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {batched}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.ndim == batched else input.shape[0]

    def initialize_parameters(self, input, *args, **kwargs):
        """Materializes weight and bias for the input's channel count and draws them."""
        if not self.has_uninitialized_params():
            return
        self.in_channels = self._get_in_channels(input)
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            self.weight.materialize((self.in_channels, self.out_channels // self.groups) + self.kernel_size)
        else:
            self.weight.materialize((self.out_channels, self.in_channels // self.groups) + self.kernel_size)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()

    def _make_lazy(self, out_channels, bias, dtype):
        # built with zero channels (no draws), then the parameters wait for the first input
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)


class _LazyConv(_LazyConvXdMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._make_lazy(out_channels, bias, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device, dtype)
        self._make_lazy(out_channels, bias, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose in_channels is read from the first input (then it is a Conv1d)."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose in_channels is read from the first input (then it is a Conv2d)."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A Conv3d whose in_channels is read from the first input (then it is a Conv3d)."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d whose in_channels is read from the first input."""

    cls_to_become = ConvTranspose3d

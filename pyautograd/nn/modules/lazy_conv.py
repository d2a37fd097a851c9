"""Lazy modules: LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d and LazyBatchNorm1d/2d/3d, whose
input channel count is read from the first input, as PyTorch's.

Until that first call their parameters (and BatchNorm's running statistics) are empty
placeholders (printed with 0 input channels, as PyTorch prints them). The first forward fills
them in place -- the same Parameter objects get their data, so an optimizer that already holds
them keeps working -- draws them with the module's reset_parameters(), and turns the module
into its ordinary class (LazyConv2d becomes Conv2d), as PyTorch's cls_to_become does.
"""
from ... import _creation, _dtype
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d


class _LazyConv:
    _becomes = None

    def __init__(self, out_channels, kernel_size, *args, dtype=None, **kwargs):
        # Built with in_channels = groups (the smallest valid count), then emptied.
        groups = kwargs.get("groups", 1)
        self._becomes.__init__(self, groups, out_channels, kernel_size, *args, dtype=dtype, **kwargs)
        self.in_channels = 0
        self.weight.data = _creation.empty(0, dtype=dtype)
        if self.bias is not None:
            self.bias.data = _creation.empty(0, dtype=dtype)

    def has_uninitialized_params(self):
        """Whether the first forward has yet to size the parameters."""
        return self.weight.numel() == 0

    def _materialize(self, input):
        channel_dim = 0 if input.ndim == self._nd + 1 else 1
        self.in_channels = input.shape[channel_dim]
        groups = self.groups
        if self.transposed:
            shape = (self.in_channels, self.out_channels // groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // groups) + self.kernel_size
        self.weight.data = _creation.empty(shape, dtype=self.weight.dtype)
        if self.bias is not None:
            self.bias.data = _creation.empty(self.out_channels, dtype=self.bias.dtype)
        self.reset_parameters()
        self.__class__ = self._becomes

    def __call__(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self._materialize(input)  # now of the ordinary class
            return self(input, *args, **kwargs)
        return self._becomes.__call__(self, input, *args, **kwargs)


def _lazy_conv(name, becomes, doc):
    return type(name, (_LazyConv, becomes), {"_becomes": becomes, "__doc__": doc, "__module__": __name__})


LazyConv1d = _lazy_conv("LazyConv1d", Conv1d, "Conv1d whose in_channels is read from the first input.")
LazyConv2d = _lazy_conv("LazyConv2d", Conv2d, "Conv2d whose in_channels is read from the first input.")
LazyConv3d = _lazy_conv("LazyConv3d", Conv3d, "Conv3d whose in_channels is read from the first input.")
LazyConvTranspose1d = _lazy_conv("LazyConvTranspose1d", ConvTranspose1d,
                                 "ConvTranspose1d whose in_channels is read from the first input.")
LazyConvTranspose2d = _lazy_conv("LazyConvTranspose2d", ConvTranspose2d,
                                 "ConvTranspose2d whose in_channels is read from the first input.")
LazyConvTranspose3d = _lazy_conv("LazyConvTranspose3d", ConvTranspose3d,
                                 "ConvTranspose3d whose in_channels is read from the first input.")


class _LazyBatchNorm:
    _becomes = None

    def __init__(self, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._becomes.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype)

    def has_uninitialized_params(self):
        """Whether the first forward has yet to size the parameters and buffers."""
        return self.num_features == 0

    def __call__(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            for name in ("weight", "bias"):
                p = getattr(self, name)
                if p is not None:
                    p.data = _creation.empty(self.num_features, dtype=p.dtype)
            if self.track_running_stats:
                self.running_mean = _creation.zeros(self.num_features, dtype=self.running_mean.dtype)
                self.running_var = _creation.ones(self.num_features, dtype=self.running_var.dtype)
                self.num_batches_tracked = _creation.tensor(0, dtype=_dtype.long)
            self.reset_parameters()
            self.__class__ = self._becomes
            return self(input, *args, **kwargs)
        return self._becomes.__call__(self, input, *args, **kwargs)


def _lazy_bn(name, becomes):
    return type(name, (_LazyBatchNorm, becomes), {"_becomes": becomes, "__module__": __name__,
                                                  "__doc__": f"{becomes.__name__} whose num_features is read "
                                                             f"from the first input."})


LazyBatchNorm1d = _lazy_bn("LazyBatchNorm1d", BatchNorm1d)
LazyBatchNorm2d = _lazy_bn("LazyBatchNorm2d", BatchNorm2d)
LazyBatchNorm3d = _lazy_bn("LazyBatchNorm3d", BatchNorm3d)

"""Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle,
ChannelShuffle and the padding modules (ZeroPad*, ConstantPad*, ReflectionPad*,
ReplicationPad*, CircularPad* for 1 to 3 dims), with PyTorch's signatures and reprs."""
from .. import functional as F
from ..module import Module


class Upsample(Module):
    """Resamples (N, C, *spatial) input to `size` or by `scale_factor` (see F.interpolate)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) input."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) input with align_corners=True."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r)."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W)."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Reorders the channels of (N, g * k, *) input from (g, k) to (k, g)."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"


class _PadNd(Module):
    _nd = 0
    _mode = "constant"

    def __init__(self, padding, value=None):
        super().__init__()
        self.padding = (padding,) * (2 * self._nd) if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != 2 * self._nd:
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple of {2 * self._nd} ints, "
                             f"got {padding!r}")
        if value is not None:
            self.value = value

    def forward(self, input):
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        if self._mode == "constant" and not isinstance(self, _ZeroPad):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


class _ZeroPad(_PadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


def _pad_class(name, base, nd, mode, doc):
    return type(name, (base,), {"_nd": nd, "_mode": mode, "__doc__": doc, "__module__": __name__})


_DOCS = {"constant": "Pads the last {nd} dims with a constant `value`.",
         "zeros": "Pads the last {nd} dims with zeros.",
         "reflect": "Pads the last {nd} dims with their reflection (the edge not repeated).",
         "replicate": "Pads the last {nd} dims by repeating the edge values.",
         "circular": "Pads the last {nd} dims by wrapping around (circular padding)."}

ZeroPad1d, ZeroPad2d, ZeroPad3d = (_pad_class(f"ZeroPad{n}d", _ZeroPad, n, "constant", _DOCS["zeros"].format(nd=n))
                                   for n in (1, 2, 3))
ConstantPad1d, ConstantPad2d, ConstantPad3d = (
    _pad_class(f"ConstantPad{n}d", _PadNd, n, "constant", _DOCS["constant"].format(nd=n)) for n in (1, 2, 3))
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (
    _pad_class(f"ReflectionPad{n}d", _PadNd, n, "reflect", _DOCS["reflect"].format(nd=n)) for n in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (
    _pad_class(f"ReplicationPad{n}d", _PadNd, n, "replicate", _DOCS["replicate"].format(nd=n)) for n in (1, 2, 3))
CircularPad1d, CircularPad2d, CircularPad3d = (
    _pad_class(f"CircularPad{n}d", _PadNd, n, "circular", _DOCS["circular"].format(nd=n)) for n in (1, 2, 3))

"""Image rearrangement and resampling primitives: pixel_shuffle, pixel_unshuffle,
channel_shuffle, and interpolate's upsample_* ops (node names as PyTorch's:
UpsampleBilinear2DBackward0...).

The rearrangements are permutations, so each one's gradient is its inverse permutation
(pixel_shuffle <-> pixel_unshuffle; channel_shuffle with the complementary group count).
Resampling is linear, so its backward (upsample_backward, the transposed map) differentiates
back into the forward resampling of the incoming gradient, and vice versa.
"""
from .. import kernels
from ._opdef import defop

pixel_shuffle = defop(
    "pixel_shuffle", "input, upscale_factor", kernels.pixel_shuffle, promote=None,
    grads={"input": lambda grad, upscale_factor: pixel_unshuffle(grad, upscale_factor)},
    doc="(*, C * r^2, H, W) -> (*, C, H * r, W * r), as torch.pixel_shuffle.")

pixel_unshuffle = defop(
    "pixel_unshuffle", "input, downscale_factor", kernels.pixel_unshuffle, promote=None,
    grads={"input": lambda grad, downscale_factor: pixel_shuffle(grad, downscale_factor)},
    doc="(*, C, H * r, W * r) -> (*, C * r^2, H, W), as torch.pixel_unshuffle.")

channel_shuffle = defop(
    "channel_shuffle", "input, groups", kernels.channel_shuffle, promote=None,
    grads={"input": lambda grad, groups: channel_shuffle(grad, grad.shape[1] // groups)},
    doc="Channels of (N, g * k, *) input reordered from (g, k) to (k, g), as torch.channel_shuffle.")

# (mode, spatial dims) -> the upsample op; filled below
_UPSAMPLE = {}

upsample_backward = defop(
    "upsample_backward", "grad_output, input_size, mode, align_corners, scales", kernels.resample_backward,
    promote=None,
    grads={"grad_output": lambda h, input_shapes, input_size, mode, align_corners, scales: _UPSAMPLE[
        (mode, len(input_size))](h, tuple(input_shapes[0][len(input_shapes[0]) - len(input_size):]), align_corners,
                                 scales)},
    doc="The gradient of interpolate's resampling for an input of spatial size input_size.")


def _upsample_op(name, node, mode, nd):
    def grad_fn(grad, input_shapes, align_corners, scales):
        size = tuple(input_shapes[0][len(input_shapes[0]) - nd:])
        return upsample_backward(grad, size, mode, align_corners, scales)

    op = defop(name, "input, output_size, align_corners, scales",
               lambda input, output_size, align_corners, scales: kernels.resample(
                   input, output_size, mode, align_corners, scales),
               promote=None, node_name=node, grads={"input": grad_fn},
               doc=f"Resampling of the last {nd} axes to output_size, interpolate's mode {mode!r}.")
    _UPSAMPLE[(mode, nd)] = op
    return op


upsample_nearest1d = _upsample_op("upsample_nearest1d", "UpsampleNearest1DBackward0", "nearest", 1)
upsample_nearest2d = _upsample_op("upsample_nearest2d", "UpsampleNearest2DBackward0", "nearest", 2)
upsample_nearest3d = _upsample_op("upsample_nearest3d", "UpsampleNearest3DBackward0", "nearest", 3)
upsample_nearest_exact1d = _upsample_op("upsample_nearest_exact1d", "UpsampleNearestExact1DBackward0",
                                        "nearest-exact", 1)
upsample_nearest_exact2d = _upsample_op("upsample_nearest_exact2d", "UpsampleNearestExact2DBackward0",
                                        "nearest-exact", 2)
upsample_nearest_exact3d = _upsample_op("upsample_nearest_exact3d", "UpsampleNearestExact3DBackward0",
                                        "nearest-exact", 3)
upsample_linear1d = _upsample_op("upsample_linear1d", "UpsampleLinear1DBackward0", "linear", 1)
upsample_bilinear2d = _upsample_op("upsample_bilinear2d", "UpsampleBilinear2DBackward0", "bilinear", 2)
upsample_trilinear3d = _upsample_op("upsample_trilinear3d", "UpsampleTrilinear3DBackward0", "trilinear", 3)

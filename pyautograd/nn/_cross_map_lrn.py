"""CrossMapLRN2d's function, PyTorch's legacy (Lua Torch) cross-channel normalization: a once
differentiable autograd Function (its node CrossMapLRN2dBackward), computed on arrays.

The forward's scale is a running sum over channels, as PyTorch's: channel 0 sums the squares
of the first (size - 1) // 2 + 1 channels, and each next channel adds the square entering the
window and subtracts the one leaving it from channel pre_pad + 1 on (so channel 0's square is
never subtracted: PyTorch's quirk, kept so the values agree). The backward is PyTorch's too:
it uses the symmetric window, as the Lua module did."""
import numpy as np

from .. import _creation
from ..autograd.function import Function, once_differentiable


def _scale(x, size, alpha, k):
    channels = x.shape[1]
    sq = x * x
    scale = np.empty_like(x)
    pre_pad = int((size - 1) / 2 + 1)
    scale[:, 0] = sq[:, :min(pre_pad, channels)].sum(1)
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre_pad + 1:
            scale[:, c] += sq[:, c + pre_pad - 1]
        if c > pre_pad:
            scale[:, c] -= sq[:, c - pre_pad]
    return scale * (alpha / size) + k


class CrossMapLRN2d(Function):
    """The legacy cross-map LRN of (N, C, H, W) input."""

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        x = input.detach().numpy()
        scale = _scale(x, size, alpha, k)
        out = x * scale ** -beta
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        ctx.arrays = (x, scale, out)
        return _creation.tensor(out.astype(x.dtype, copy=False))

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, scale, out = ctx.arrays
        size = ctx.size
        g = grad_output.numpy()
        channels = x.shape[1]
        grad_input = scale ** -ctx.beta * g
        inverse_pre_pad = int(size - (size - 1) / 2)
        # one spare channel: size 1 puts the centre one channel in (PyTorch reads only zeros there)
        padded = np.zeros((x.shape[0], channels + size) + x.shape[2:], x.dtype)
        padded[:, inverse_pre_pad:inverse_pre_pad + channels] = g * out / scale
        accum = padded[:, :size - 1].sum(1)
        ratio = 2 * ctx.alpha * ctx.beta / size
        for c in range(channels):
            accum += padded[:, c + size - 1]
            grad_input[:, c] -= ratio * x[:, c] * accum
            accum -= padded[:, c]
        return _creation.tensor(grad_input.astype(x.dtype, copy=False)), None, None, None, None

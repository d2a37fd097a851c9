"""nn.functional's lp_pool1d/2d/3d, max_unpool1d/2d/3d, unfold and fold, as compositions.

- lp_pool: (sum over each window of x ** p) ** (1/p), through average pooling (as PyTorch).
- max_unpool: the pooled values scattered back to their indices in a zero plane.
- unfold (im2col) is a grouped convolution with a one-hot weight that copies each kernel
  tap of each channel to its own output channel; fold (col2im) is the transposed
  convolution with the same weight, so both are exact and differentiable to any order
  (their grad_fn is ConvolutionBackward0 here, PyTorch's Im2ColBackward0/Col2ImBackward0).
"""
import math

from .. import _creation
from ..ops import pointwise
from ._conv import conv2d, conv_transpose2d, expand_param
from ._pooling import avg_pool1d, avg_pool2d, avg_pool3d


def _lp_pool(nd, avg_pool, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = expand_param(kernel_size, nd, "kernel_size")
    out = avg_pool(input.pow(norm_type), kernel if nd > 1 else kernel_size, stride, 0, ceil_mode)
    return (out.sign() * pointwise.relu(out.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of input ** norm_type) ** (1 / norm_type), 1-D windows."""
    return _lp_pool(1, avg_pool1d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of input ** norm_type) ** (1 / norm_type), 2-D windows."""
    return _lp_pool(2, avg_pool2d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of input ** norm_type) ** (1 / norm_type), 3-D windows."""
    return _lp_pool(3, avg_pool3d, input, norm_type, kernel_size, stride, ceil_mode)


def _max_unpool(fname, nd, input, indices, kernel_size, stride, padding, output_size):
    kernel = expand_param(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None else expand_param(stride, nd, "stride")
    padding = expand_param(padding, nd, "padding")
    spatial = input.shape[input.ndim - nd:]
    default = tuple((s - 1) * st - 2 * p + k for s, st, p, k in zip(spatial, stride, padding, kernel))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-nd:]
        for want, base, st in zip(size, default, stride):
            if not base - st < want < base + st:
                raise ValueError(f"invalid output_size {tuple(output_size)} (dim must be between "
                                 f"{tuple(d - s + 1 for d, s in zip(default, stride))} and "
                                 f"{tuple(d + s - 1 for d, s in zip(default, stride))})")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{fname}: Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    lead = tuple(input.shape[:input.ndim - nd])
    flat = _creation.zeros(lead + (math.prod(size),), dtype=input.dtype)
    out = flat.scatter(-1, indices.reshape(lead + (-1,)), input.reshape(lead + (-1,)))
    return out.reshape(lead + size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool1d: values placed back at their indices, zeros elsewhere."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool2d: values placed back at their indices, zeros elsewhere."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool3d: values placed back at their indices, zeros elsewhere."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)


def _one_hot_weight(channels, kernel, dtype):
    """(C * kh * kw, 1, kh, kw): output channel c * kh * kw + t copies tap t of channel c."""
    taps = kernel[0] * kernel[1]
    w = _creation.zeros((channels * taps, 1) + tuple(kernel), dtype=dtype)
    eye = _creation.eye(taps, dtype=dtype).reshape((1, taps, 1) + tuple(kernel))
    return (w.reshape((channels, taps, 1) + tuple(kernel)) + eye).reshape((channels * taps, 1) + tuple(kernel))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C, H, W) -> (N, C * kh * kw, L): the sliding blocks (im2col), as torch's F.unfold."""
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    kernel = expand_param(kernel_size, 2, "kernel_size")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    c = x.shape[1]
    cols = conv2d(x, _one_hot_weight(c, kernel, x.dtype), None, stride, padding, dilation, groups=c)
    out = cols.reshape(x.shape[0], cols.shape[1], -1)
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C * kh * kw, L) -> (N, C, *output_size): blocks summed back (col2im), as torch's F.fold."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.ndim}D)")
    kernel = expand_param(kernel_size, 2, "kernel_size")
    size = expand_param(output_size, 2, "output_size")
    stride, padding, dilation = (expand_param(v, 2, n) for v, n in ((stride, "stride"), (padding, "padding"),
                                                                  (dilation, "dilation")))
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    taps = kernel[0] * kernel[1]
    if x.shape[1] % taps:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={x.shape[1]} and kernel_size={kernel}")
    blocks = [(s + 2 * p - d * (k - 1) - 1) // st + 1 for s, p, d, k, st in zip(size, padding, dilation, kernel, stride)]
    if x.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={x.shape[2]}.")
    c = x.shape[1] // taps
    grid = x.reshape(x.shape[0], x.shape[1], blocks[0], blocks[1])
    base = tuple((b - 1) * st - 2 * p + d * (k - 1) + 1 for b, st, p, d, k in zip(blocks, stride, padding, dilation, kernel))
    extra = tuple(s - b for s, b in zip(size, base))
    out = conv_transpose2d(grid, _one_hot_weight(c, kernel, x.dtype), None, stride, padding, extra, c, dilation)
    return out.squeeze(0) if unbatched else out

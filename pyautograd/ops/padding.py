"""nn.functional.pad: constant padding (the constant_pad_nd primitive; negative amounts crop)
and reflect, replicate and circular padding of the last 1 to 3 dims. It sits in the ops, not in
nn/, because torch.stft (ops/stft.py) pads its signal with it too.

The non-constant modes gather each padded dim through an index (index_select), so their
backward is index_select's (the gradient of a repeated element adds up) and their grad_fn
is IndexSelectBackward0 where PyTorch has ReflectionPad1DBackward0 and the like.
"""
import numpy as np

from .._creation import from_numpy
from . import autocast
from .indexing import index_select
from .nn_layers import constant_pad_nd

_MODES = ("constant", "reflect", "replicate", "circular")


def _source_positions(mode, size, lo, hi):
    """For each output position along a dim of `size` padded by (lo, hi): the input position."""
    j = np.arange(-lo, size + hi)
    if mode == "replicate":
        return np.clip(j, 0, size - 1)
    if mode == "circular":
        return j % size
    j = np.abs(j)  # reflect: mirror about the first and last elements
    return np.where(j >= size, 2 * (size - 1) - j, j)


def _check_non_constant(input, pad, mode):
    k = len(pad) // 2
    if not (1 <= k <= 3 and input.ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    for i in range(k):
        dim = input.ndim - 1 - i
        size, lo, hi = input.shape[dim], pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError(f"Padding value causes wrapping around more than once (padding ({lo}, {hi}) at "
                               f"dimension {dim} of input {list(input.shape)})")
        if mode == "replicate" and size == 0:
            raise RuntimeError(f"replicate padding of an empty dimension {dim} of input {list(input.shape)}")


def pad(input, pad, mode="constant", value=None):
    """Pads `input`: `pad` = (left, right) pairs from the last dim backwards, e.g. (1, 1, 2, 0)
    pads the last dim by 1 on each side and the one before by 2 at its start.

    mode: 'constant' (fill with `value`, default 0; negative amounts crop), 'reflect' (mirror
    without repeating the edge), 'replicate' (repeat the edge), 'circular' (wrap around).
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pad)} and input of dimension {input.ndim}")
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        for i in range(len(pad) // 2):
            if input.shape[input.ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1] < 0:
                raise RuntimeError(f"narrow(): length must be non-negative. (padding {pad} crops more than dim "
                                   f"{input.ndim - 1 - i} of input shape {list(input.shape)} holds)")
        return constant_pad_nd(input, pad, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    _check_non_constant(input, pad, mode)
    if autocast.on[0] and autocast.active() and (mode == "replicate" or (mode == "reflect" and len(pad) <= 4)):
        # PyTorch's CPU autocast runs replication_pad1d-3d and reflection_pad1d/2d in float32
        return autocast.call_fp32(_PAD, locals())
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        positions = _source_positions(mode, input.shape[dim], pad[2 * i], pad[2 * i + 1])
        out = index_select(out, dim, from_numpy(positions))
    return out


_PAD = pad  # inside pad, its own name is its argument's

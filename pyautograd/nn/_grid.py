"""nn.functional's affine_grid and grid_sample (2-D), as compositions of tensor ops.

affine_grid maps the output pixel centres (in [-1, 1] coordinates, see align_corners) through
each theta (N, 2, 3). grid_sample reads input (N, C, H, W) at grid (N, H_out, W_out, 2) points
(x then y, in [-1, 1]): bilinear mode blends the four neighbours (those outside the input count
as zeros, or with padding_mode='border' the coordinates are clamped into it), nearest mode takes
the nearest pixel (ties to even, as PyTorch). Gradients flow to both input and grid (through
the bilinear weights), from the ops they are made of; the grad_fn names are those ops', not
PyTorch's GridSampler2DBackward0.
"""
import warnings

from .. import _creation
from ..ops import autocast
from ..ops.shape import stack


def _base_coords(n, align_corners, dtype):
    if align_corners:
        return _creation.linspace(-1.0, 1.0, n, dtype=dtype) if n > 1 else _creation.zeros(1, dtype=dtype)
    return (_creation.arange(n, dtype=dtype) * 2 + 1) / n - 1


def affine_grid(theta, size, align_corners=None):
    """The (N, H, W, 2) sampling grid of the affine maps theta (N, 2, 3) for output size (N, C, H, W)."""
    align_corners = _default_align(align_corners)
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D sizes, for 2D affine transformations here. Got "
                                  f"size {list(size)}.")
    n, _, h, w = (int(s) for s in size)
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != n:
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. Got "
                         f"{list(theta.shape)}.")
    xs = _base_coords(w, align_corners, theta.dtype).reshape(1, w).expand(h, w)
    ys = _base_coords(h, align_corners, theta.dtype).reshape(h, 1).expand(h, w)
    base = stack([xs, ys, _creation.ones(h, w, dtype=theta.dtype)], -1).reshape(1, h * w, 3)
    return base.matmul(theta.transpose(1, 2)).reshape(n, h, w, 2)


def _default_align(align_corners):
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
                      "documentation of grid_sample for details.", stacklevel=3)
        return False
    return bool(align_corners)


def _unnormalize(coord, size, align_corners):
    return (coord + 1) / 2 * (size - 1) if align_corners else ((coord + 1) * size - 1) / 2


def _gather(flat, iy, ix, h, w, c):
    """flat (N, C, H*W) at integer positions (N, Ho, Wo) -> (N, C, Ho, Wo), zeros outside."""
    inside = ((ix >= 0) & (ix <= w - 1) & (iy >= 0) & (iy <= h - 1)).to(flat.dtype)
    idx = (iy.clamp(0, h - 1) * w + ix.clamp(0, w - 1)).long()
    n, ho, wo = idx.shape
    vals = flat.gather(2, idx.reshape(n, 1, ho * wo).expand(n, c, ho * wo)).reshape(n, c, ho, wo)
    return vals * inside.unsqueeze(1)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """input (N, C, H, W) sampled at grid (N, H_out, W_out, 2) -> (N, C, H_out, W_out)."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(grid_sample, locals())
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear' or 'nearest' here "
                         f"(bicubic is not implemented in pyautograd), but got: '{mode}'")
    if padding_mode not in ("zeros", "border"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros' or 'border' here "
                         f"(reflection is not implemented in pyautograd), but got: '{padding_mode}'")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sample(): expected 4D input (N, C, H, W) and grid (N, H_out, W_out, 2) with the "
                           f"same N, got input {list(input.shape)} and grid {list(grid.shape)}")
    align_corners = _default_align(align_corners)
    n, c, h, w = input.shape
    ix = _unnormalize(grid[..., 0], w, align_corners)
    iy = _unnormalize(grid[..., 1], h, align_corners)
    if padding_mode == "border":
        ix, iy = ix.clamp(0, w - 1), iy.clamp(0, h - 1)
    flat = input.reshape(n, c, h * w)
    if mode == "nearest":
        rx, ry = ix.round(), iy.round()
        out = _gather(flat, ry, rx, h, w, c)
        # The output is piecewise constant in grid: its gradient there is zero (PyTorch gives
        # zeros, not None); rounding's zero derivative carries that to grid.
        return out + ((rx - rx.detach()) + (ry - ry.detach())).unsqueeze(1)
    x0, y0 = ix.floor(), iy.floor()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = ix - x0, iy - y0
    wx0, wy0 = 1 - wx1, 1 - wy1
    out = _gather(flat, y0, x0, h, w, c) * (wy0 * wx0).unsqueeze(1)
    out = out + _gather(flat, y0, x1, h, w, c) * (wy0 * wx1).unsqueeze(1)
    out = out + _gather(flat, y1, x0, h, w, c) * (wy1 * wx0).unsqueeze(1)
    out = out + _gather(flat, y1, x1, h, w, c) * (wy1 * wx1).unsqueeze(1)
    return out



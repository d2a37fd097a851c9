"""OpInfos of interpolate (nearest, nearest-exact, linear, bilinear, trilinear, area),
pixel_shuffle, pixel_unshuffle and channel_shuffle. References: per-output-position source
formulas written out (PyTorch's rules) and index arithmetic, independent of the kernels'
matrix formulation."""
import itertools
import math

import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, Skip, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _axis_taps(n_in, n_out, mode, align_corners, scale):
    """[(source index, weight), ...] for each output index along one axis."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale else n_in / n_out
    taps = []
    for i in range(n_out):
        if mode == "nearest":
            taps.append([(min(int(math.floor(np.float32(i) * np.float32(s))), n_in - 1), 1.0)])
        elif mode == "nearest-exact":
            taps.append([(min(int(math.floor((i + 0.5) * s)), n_in - 1), 1.0)])
        else:
            pos = i * s if align_corners else max((i + 0.5) * s - 0.5, 0.0)
            lo = min(int(math.floor(pos)), n_in - 1)
            hi = min(lo + 1, n_in - 1)
            taps.append([(lo, 1.0 - (pos - lo)), (hi, pos - lo)])
    return taps


def _interpolate_ref(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                     recompute_scale_factor=None):
    nd = x.ndim - 2
    spatial = x.shape[2:]
    if size is not None:
        out = (size,) * nd if isinstance(size, int) else tuple(size)
        scales = (None,) * nd
    else:
        scales = (scale_factor,) * nd if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
        out = tuple(int(math.floor(n * f)) for n, f in zip(spatial, scales))
        if recompute_scale_factor:
            scales = (None,) * nd
    if mode == "area":
        res = np.empty(x.shape[:2] + out, x.dtype)
        for pos in itertools.product(*(range(o) for o in out)):
            box = tuple(slice((i * n) // o, -(-((i + 1) * n) // o)) for i, n, o in zip(pos, spatial, out))
            res[(Ellipsis,) + pos] = x[(Ellipsis,) + box].reshape(x.shape[:2] + (-1,)).mean(-1)
        return res
    taps = [_axis_taps(n, o, mode, bool(align_corners), s) for n, o, s in zip(spatial, out, scales)]
    res = np.zeros(x.shape[:2] + out, np.float64)
    for pos in itertools.product(*(range(o) for o in out)):
        for combo in itertools.product(*(taps[d][p] for d, p in enumerate(pos))):
            idx = tuple(c[0] for c in combo)
            res[(Ellipsis,) + pos] += math.prod(c[1] for c in combo) * x[(Ellipsis,) + idx]
    return res.astype(x.dtype)


def _interpolate_samples(dtype, rng):
    yield SampleInput((make_arg((2, 2, 4, 3), dtype, rng),), {"scale_factor": 2}, desc="nearest x2")
    yield SampleInput((make_arg((1, 2, 5), dtype, rng),), {"size": 3}, desc="nearest 1-D down")
    yield SampleInput((make_arg((1, 2, 3, 3, 2), dtype, rng),), {"size": (4, 2, 3)}, desc="nearest 3-D")
    yield SampleInput((make_arg((1, 2, 4, 3), dtype, rng),), {"scale_factor": 1.5, "mode": "nearest-exact"},
                      desc="nearest-exact")
    yield SampleInput((make_arg((1, 2, 5), dtype, rng),), {"size": 8, "mode": "nearest-exact"}, desc="nearest-exact 1-D")
    yield SampleInput((make_arg((1, 1, 2, 3, 2), dtype, rng),), {"scale_factor": 2, "mode": "nearest-exact"},
                      desc="nearest-exact 3-D")
    yield SampleInput((make_arg((2, 2, 4), dtype, rng),), {"size": 7, "mode": "linear"}, desc="linear")
    yield SampleInput((make_arg((1, 2, 3, 4), dtype, rng),), {"scale_factor": 2, "mode": "bilinear"},
                      desc="bilinear x2")
    yield SampleInput((make_arg((1, 2, 4, 3), dtype, rng),), {"size": (5, 2), "mode": "bilinear",
                                                              "align_corners": True}, desc="bilinear align_corners")
    yield SampleInput((make_arg((1, 1, 2, 3, 2), dtype, rng),), {"scale_factor": (1.5, 1, 2), "mode": "trilinear"},
                      desc="trilinear")
    yield SampleInput((make_arg((1, 2, 5, 5), dtype, rng),), {"scale_factor": 1.5, "mode": "bilinear",
                                                              "recompute_scale_factor": True}, desc="recompute scale")
    yield SampleInput((make_arg((2, 2, 6, 5), dtype, rng),), {"size": (4, 3), "mode": "area"}, desc="area")


def _pixel_shuffle_ref(x, r):
    n, c, h, w = x.shape
    out = np.empty((n, c // (r * r), h * r, w * r), x.dtype)
    for ch, i, j in itertools.product(range(c), range(h * r), range(w * r)):
        if ch < c // (r * r):
            out[:, ch, i, j] = x[:, ch * r * r + (i % r) * r + (j % r), i // r, j // r]
    return out


def _pixel_unshuffle_ref(x, r):
    n, c, h, w = x.shape
    out = np.empty((n, c * r * r, h // r, w // r), x.dtype)
    for ch, i, j in itertools.product(range(c * r * r), range(h // r), range(w // r)):
        src, rest = divmod(ch, r * r)
        out[:, ch, i, j] = x[:, src, i * r + rest // r, j * r + rest % r]
    return out


def _channel_shuffle_ref(x, groups):
    k = x.shape[1] // groups
    order = [g * k + i for i in range(k) for g in range(groups)]
    return x[:, order]


_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-10)}
_UPSAMPLE = ("upsample_nearest1d", "upsample_nearest2d", "upsample_nearest3d", "upsample_nearest_exact1d",
             "upsample_nearest_exact2d", "upsample_nearest_exact3d",
             "upsample_linear1d", "upsample_bilinear2d", "upsample_trilinear3d", "upsample_backward")
OPS = [
    OpInfo("interpolate", F.interpolate, _interpolate_samples, ref=_interpolate_ref, torch_fn=_torch_f("interpolate"),
           tolerances=_TOL, covers=_UPSAMPLE),
    OpInfo("pixel_shuffle", F.pixel_shuffle,
           lambda dtype, rng: [SampleInput((make_arg((2, 8, 2, 3), dtype, rng), 2)),
                               SampleInput((make_arg((1, 9, 2, 2), dtype, rng, noncontig=True), 3), desc="r=3")],
           ref=_pixel_shuffle_ref, torch_fn=_torch_f("pixel_shuffle")),
    OpInfo("pixel_unshuffle", F.pixel_unshuffle,
           lambda dtype, rng: [SampleInput((make_arg((2, 2, 4, 6), dtype, rng), 2))],
           ref=_pixel_unshuffle_ref, torch_fn=_torch_f("pixel_unshuffle")),
    OpInfo("channel_shuffle", F.channel_shuffle,
           lambda dtype, rng: [SampleInput((make_arg((2, 6, 3), dtype, rng), 3)),
                               SampleInput((make_arg((1, 4, 2, 2), dtype, rng), 2), desc="4-D")],
           ref=_channel_shuffle_ref, torch_fn=_torch_f("channel_shuffle")),
]


# -- unfold, fold, lp_pool, max_unpool -------------------------------------------------------------


def _unfold_ref(x, kernel_size, dilation=1, padding=0, stride=1):
    kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    d, p, s = ((v,) * 2 if isinstance(v, int) else v for v in (dilation, padding, stride))
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p[0], p[0]), (p[1], p[1])])
    oh = (xp.shape[-2] - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (xp.shape[-1] - d[1] * (kw - 1) - 1) // s[1] + 1
    cols = [xp[..., i * s[0] + a * d[0], j * s[1] + b * d[1]]
            for i in range(oh) for j in range(ow) for a, b in [(a, b) for a in range(kh) for b in range(kw)]]
    c = x.shape[-3]
    arr = np.stack(cols, -1).reshape(x.shape[:-3] + (c, oh * ow, kh * kw))
    return np.swapaxes(arr, -1, -2).reshape(x.shape[:-3] + (c * kh * kw, oh * ow))


def _fold_ref(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    d, p, s = ((v,) * 2 if isinstance(v, int) else v for v in (dilation, padding, stride))
    H, W = (output_size,) * 2 if isinstance(output_size, int) else output_size
    lead = x.shape[:-2]
    c = x.shape[-2] // (kh * kw)
    out = np.zeros(lead + (c, H + 2 * p[0], W + 2 * p[1]), x.dtype)
    oh = (H + 2 * p[0] - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (W + 2 * p[1] - d[1] * (kw - 1) - 1) // s[1] + 1
    blocks = x.reshape(lead + (c, kh, kw, oh, ow))
    for a, b, i, j in itertools.product(range(kh), range(kw), range(oh), range(ow)):
        out[..., i * s[0] + a * d[0], j * s[1] + b * d[1]] += blocks[..., a, b, i, j]
    return out[..., p[0]:p[0] + H, p[1]:p[1] + W]


def _lp_ref(nd):
    def ref(x, p, kernel_size, stride=None, ceil_mode=False):
        k = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
        s = k if stride is None else ((stride,) * nd if isinstance(stride, int) else tuple(stride))
        out = [(n - kk) // ss + 1 for n, kk, ss in zip(x.shape[-nd:], k, s)]
        res = np.empty(x.shape[:-nd] + tuple(out), x.dtype)
        for pos in itertools.product(*(range(o) for o in out)):
            box = tuple(slice(i * ss, i * ss + kk) for i, ss, kk in zip(pos, s, k))
            res[(Ellipsis,) + pos] = (x[(Ellipsis,) + box] ** p).reshape(x.shape[:-nd] + (-1,)).sum(-1) ** (1 / p)
        return res
    return ref


def _unpool_samples(nd):
    def samples(dtype, rng):
        import pyautograd.kernels as K
        x = make_arg((2, 2) + (4, 6, 4)[:nd], dtype, rng)
        values, indices = K.max_pool(x, (2,) * nd, (2,) * nd, (0,) * nd, (1,) * nd, False)
        yield SampleInput((values, indices, 2), grad_args=(0,))
        size = tuple(s + 1 for s in x.shape[2:])
        yield SampleInput((values, indices, 2), {"output_size": size}, grad_args=(0,), desc="output_size")
    return samples


def _unpool_ref(nd):
    def ref(x, indices, kernel_size, stride=None, padding=0, output_size=None):
        size = tuple(output_size) if output_size is not None else tuple(2 * s for s in x.shape[2:])
        out = np.zeros(x.shape[:2] + (int(np.prod(size)),), x.dtype)
        np.put_along_axis(out, indices.reshape(x.shape[:2] + (-1,)), x.reshape(x.shape[:2] + (-1,)), -1)
        return out.reshape(x.shape[:2] + size)
    return ref


_COMPOSED = "a composition here (its result ends in {}); PyTorch has its own node ({})"
OPS += [
    OpInfo("unfold", F.unfold,
           lambda dtype, rng: [SampleInput((make_arg((2, 2, 4, 5), dtype, rng), (2, 3))),
                               SampleInput((make_arg((2, 4, 5), dtype, rng), 2),
                                           {"dilation": (1, 2), "padding": 1, "stride": 2}, desc="unbatched")],
           ref=_unfold_ref, torch_fn=_torch_f("unfold"),
           skips=(Skip("grad_fn", _COMPOSED.format("ConvolutionBackward0", "Im2ColBackward0")),)),
    OpInfo("fold", F.fold,
           lambda dtype, rng: [SampleInput((make_arg((2, 8, 12), dtype, rng), (4, 5), 2)),
                               SampleInput((make_arg((12, 9), dtype, rng), (5, 6), (2, 3)),
                                           {"stride": 2, "padding": 1}, desc="unbatched, stride")],
           ref=_fold_ref, torch_fn=_torch_f("fold"),
           skips=(Skip("grad_fn", _COMPOSED.format("ConvolutionBackward0", "Col2ImBackward0")),)),
    OpInfo("lp_pool1d", F.lp_pool1d,
           lambda dtype, rng: [SampleInput((make_arg((2, 2, 7), dtype, rng, low=0.5, high=2), 2.0, 3)),
                               SampleInput((make_arg((2, 3, 6), dtype, rng, low=0.5, high=2), 1.5, 2), {"stride": 1})],
           ref=_lp_ref(1), torch_fn=_torch_f("lp_pool1d"), tolerances=_TOL),
    OpInfo("lp_pool2d", F.lp_pool2d,
           lambda dtype, rng: [SampleInput((make_arg((2, 2, 5, 6), dtype, rng, low=0.5, high=2), 2.0, (2, 3)))],
           ref=_lp_ref(2), torch_fn=_torch_f("lp_pool2d"), tolerances=_TOL),
    OpInfo("lp_pool3d", F.lp_pool3d,
           lambda dtype, rng: [SampleInput((make_arg((1, 2, 3, 4, 5), dtype, rng, low=0.5, high=2), 2.0, (2, 1, 3))),
                               SampleInput((make_arg((2, 3, 4, 4), dtype, rng, low=0.5, high=2), 3.0, 2),
                                           {"stride": (1, 2, 2)}, desc="unbatched, stride")],
           ref=_lp_ref(3), torch_fn=_torch_f("lp_pool3d"), tolerances=_TOL),
]
for _nd in (1, 2, 3):
    OPS.append(OpInfo(f"max_unpool{_nd}d", getattr(F, f"max_unpool{_nd}d"), _unpool_samples(_nd), ref=_unpool_ref(_nd),
                      torch_fn=_torch_f(f"max_unpool{_nd}d"),
                      skips=(Skip("grad_fn", _COMPOSED.format("ScatterBackward0", f"MaxUnpool{_nd}DBackward0")),)))


# -- affine_grid, grid_sample ---------------------------------------------------------------------


def _affine_grid_ref(theta, size, align_corners=None):
    n, _, h, w = size

    def base(k):
        if align_corners:
            return np.linspace(-1, 1, k)
        return (2 * np.arange(k) + 1) / k - 1
    out = np.empty((n, h, w, 2), theta.dtype)
    for b, i, j in itertools.product(range(n), range(h), range(w)):
        out[b, i, j] = theta[b] @ np.array([base(w)[j], base(h)[i], 1.0])
    return out


def _grid_sample_ref(x, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    n, c, h, w = x.shape
    ho, wo = grid.shape[1:3]
    out = np.zeros((n, c, ho, wo), x.dtype)

    def coord(v, size):
        p = (v + 1) / 2 * (size - 1) if align_corners else ((v + 1) * size - 1) / 2
        return min(max(p, 0), size - 1) if padding_mode == "border" else p

    def pixel(b, yy, xx):
        return x[b, :, yy, xx] if 0 <= yy < h and 0 <= xx < w else 0.0
    for b, i, j in itertools.product(range(n), range(ho), range(wo)):
        px, py = coord(grid[b, i, j, 0], w), coord(grid[b, i, j, 1], h)
        if mode == "nearest":
            out[b, :, i, j] = pixel(b, int(np.rint(py)), int(np.rint(px)))
            continue
        x0, y0 = int(math.floor(px)), int(math.floor(py))
        fx, fy = px - x0, py - y0
        out[b, :, i, j] = (pixel(b, y0, x0) * (1 - fx) * (1 - fy) + pixel(b, y0, x0 + 1) * fx * (1 - fy)
                           + pixel(b, y0 + 1, x0) * (1 - fx) * fy + pixel(b, y0 + 1, x0 + 1) * fx * fy)
    return out


def _grid_samples(dtype, rng):
    x = make_arg((2, 2, 4, 5), dtype, rng)
    grid = make_arg((2, 3, 2, 2), dtype, rng, low=-1.1, high=1.1)
    yield SampleInput((x, grid), desc="bilinear zeros")
    yield SampleInput((x, grid), {"padding_mode": "border", "align_corners": True}, desc="border, align_corners")
    yield SampleInput((x, grid), {"mode": "nearest"}, grad_args=(0,), desc="nearest")


_NOT_NATIVE = "a composition of gather/arithmetic here; PyTorch has {} (values and gradients are compared)"
OPS += [
    OpInfo("affine_grid", F.affine_grid,
           lambda dtype, rng: [SampleInput((make_arg((2, 2, 3), dtype, rng), (2, 1, 3, 4))),
                               SampleInput((make_arg((1, 2, 3), dtype, rng), (1, 3, 2, 2)), {"align_corners": True},
                                           desc="align_corners")],
           ref=_affine_grid_ref, torch_fn=_torch_f("affine_grid"), tolerances=_TOL,
           skips=(Skip("grad_fn", _NOT_NATIVE.format("AffineGridGeneratorBackward0")),)),
    OpInfo("grid_sample", F.grid_sample, _grid_samples, ref=_grid_sample_ref, torch_fn=_torch_f("grid_sample"),
           tolerances=_TOL, skips=(Skip("grad_fn", _NOT_NATIVE.format("GridSampler2DBackward0")),)),
]

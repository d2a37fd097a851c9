"""OpInfos of interpolate (nearest, nearest-exact, linear, bilinear, trilinear, area),
pixel_shuffle, pixel_unshuffle and channel_shuffle. References: per-output-position source
formulas written out (PyTorch's rules) and index arithmetic, independent of the kernels'
matrix formulation."""
import itertools
import math

import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, make_arg


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

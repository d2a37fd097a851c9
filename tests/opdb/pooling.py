"""OpInfos of pooling: max_pool1d/2d/3d, avg_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d,
adaptive_max_pool1d/2d/3d and fractional_max_pool2d/3d (their primitives and backward ops). References are direct loops
over output positions (PyTorch's window and divisor rules written out), independent of the
kernels' strided-window and matrix formulations. Random floats keep maxima untied."""
import itertools
import math

import numpy as np

import pyautograd as P
import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _torch():
    import torch
    return torch


def _t(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _out_len(n, k, s, p, d, ceil_mode):
    span = n + 2 * p - d * (k - 1) - 1
    o = (math.ceil(span / s) if ceil_mode else span // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _naive_max_pool(nd):
    def ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        k = _t(kernel_size, nd)
        s = k if stride is None else _t(stride, nd)
        p, d = _t(padding, nd), _t(dilation, nd)
        spatial = x.shape[-nd:]
        out = [_out_len(n, kk, ss, pp, dd, ceil_mode) for n, kk, ss, pp, dd in zip(spatial, k, s, p, d)]
        lead = x.shape[:-nd]
        values = np.empty(lead + tuple(out), x.dtype)
        index = np.empty(lead + tuple(out), np.int64)
        for b in np.ndindex(*lead):
            for pos in itertools.product(*(range(o) for o in out)):
                best, where = -np.inf, -1
                for tap in itertools.product(*(range(kk) for kk in k)):
                    at = [o * ss - pp + t * dd for o, ss, pp, t, dd in zip(pos, s, p, tap, d)]
                    if all(0 <= a < n for a, n in zip(at, spatial)) and x[b + tuple(at)] > best:
                        best, where = x[b + tuple(at)], int(np.ravel_multi_index(at, spatial))
                values[b + pos], index[b + pos] = best, where
        return (values, index) if return_indices else values
    return ref


def _naive_avg_pool(nd):
    def ref(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        k = _t(kernel_size, nd)
        s = k if stride is None else _t(stride, nd)
        p = _t(padding, nd)
        spatial = x.shape[-nd:]
        out = [_out_len(n, kk, ss, pp, 1, ceil_mode) for n, kk, ss, pp in zip(spatial, k, s, p)]
        lead = x.shape[:-nd]
        res = np.empty(lead + tuple(out), x.dtype)
        for pos in itertools.product(*(range(o) for o in out)):
            starts = [o * ss - pp for o, ss, pp in zip(pos, s, p)]
            ends = [min(st + kk, n + pp) for st, kk, n, pp in zip(starts, k, spatial, p)]
            padded_count = math.prod(e - st for st, e in zip(starts, ends))
            box = tuple(slice(max(st, 0), min(e, n)) for st, e, n in zip(starts, ends, spatial))
            patch = x[(Ellipsis,) + box]
            total = patch.reshape(lead + (-1,)).sum(-1)
            inner = math.prod(b.stop - b.start for b in box)
            div = divisor_override or (padded_count if count_include_pad else inner)
            res[(Ellipsis,) + pos] = total / div
        return res
    return ref


def _bounds(n, o, i):
    return (i * n) // o, -(-((i + 1) * n) // o)


def _naive_adaptive(nd, kind):
    def ref(x, output_size, return_indices=False):
        spatial = x.shape[-nd:]
        size = tuple(n if o is None else o for o, n in zip(_t(output_size, nd), spatial))
        lead = x.shape[:-nd]
        res = np.empty(lead + size, x.dtype)
        index = np.empty(lead + size, np.int64)
        for pos in itertools.product(*(range(o) for o in size)):
            box = tuple(slice(*_bounds(n, o, i)) for n, o, i in zip(spatial, size, pos))
            patch = x[(Ellipsis,) + box].reshape(lead + (-1,))
            if kind == "avg":
                res[(Ellipsis,) + pos] = patch.mean(-1)
                continue
            tap = patch.argmax(-1)
            res[(Ellipsis,) + pos] = np.take_along_axis(patch, tap[..., None], -1)[..., 0]
            local = np.unravel_index(tap, tuple(b.stop - b.start for b in box))
            index[(Ellipsis,) + pos] = np.ravel_multi_index(
                tuple(lo + b.start for lo, b in zip(local, box)), spatial)
        return (res, index) if return_indices else res
    return ref


_SP = {1: (7,), 2: (5, 6), 3: (3, 4, 3)}


def _max_samples(nd):
    def samples(dtype, rng):
        sp = _SP[nd]
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), 2), desc="kernel 2")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 3), {"stride": 2, "padding": 1}, desc="stride, padding")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 2), {"stride": 1, "dilation": 2, "ceil_mode": True},
                          desc="dilation, ceil_mode")
        yield SampleInput((make_arg((2,) + sp, dtype, rng), 3), {"stride": 2, "ceil_mode": True,
                                                                 "return_indices": True},
                          desc="unbatched, return_indices")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng, noncontig=True), 2), desc="non-contiguous")
    return samples


def _avg_samples(nd):
    def samples(dtype, rng):
        sp = _SP[nd]
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), 2), desc="kernel 2")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 3), {"stride": 2, "padding": 1}, desc="stride, padding")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 3),
                          {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
                          desc="ceil_mode, exclude pad")
        if nd > 1:
            yield SampleInput((make_arg((2,) + sp, dtype, rng), 2), {"ceil_mode": True, "divisor_override": 3},
                              desc="unbatched, divisor_override")
    return samples


def _adaptive_samples(nd, kind):
    def samples(dtype, rng):
        sp = _SP[nd]
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), 3), desc="not dividing")
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng), (2,) * nd), desc="tuple")
        yield SampleInput((make_arg((2,) + sp, dtype, rng), (None,) * (nd - 1) + (4,)), desc="unbatched, None")
        if kind == "max":
            yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 3), {"return_indices": True}, desc="indices")
        else:
            yield SampleInput((make_arg((1, 2) + sp, dtype, rng), 1), desc="global (a mean)")
    return samples


_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-10)}
OPS = []
for _nd in (1, 2, 3):
    OPS.append(OpInfo(f"max_pool{_nd}d", getattr(F, f"max_pool{_nd}d"), _max_samples(_nd), ref=_naive_max_pool(_nd),
                      torch_fn=_torch_f(f"max_pool{_nd}d"), tolerances=_TOL,
                      covers=(f"max_pool{max(_nd, 2)}d_with_indices", "max_pool_backward")))
    OPS.append(OpInfo(f"avg_pool{_nd}d", getattr(F, f"avg_pool{_nd}d"), _avg_samples(_nd), ref=_naive_avg_pool(_nd),
                      torch_fn=_torch_f(f"avg_pool{_nd}d"), tolerances=_TOL,
                      covers=(f"avg_pool{max(_nd, 2)}d", "avg_pool_backward")))
    OPS.append(OpInfo(f"adaptive_avg_pool{_nd}d", getattr(F, f"adaptive_avg_pool{_nd}d"), _adaptive_samples(_nd, "avg"),
                      ref=_naive_adaptive(_nd, "avg"), torch_fn=_torch_f(f"adaptive_avg_pool{_nd}d"), tolerances=_TOL,
                      covers=(f"adaptive_avg_pool{max(_nd, 2)}d", "adaptive_avg_pool_backward")))
    OPS.append(OpInfo(f"adaptive_max_pool{_nd}d", getattr(F, f"adaptive_max_pool{_nd}d"), _adaptive_samples(_nd, "max"),
                      ref=_naive_adaptive(_nd, "max"), torch_fn=_torch_f(f"adaptive_max_pool{_nd}d"), tolerances=_TOL,
                      covers=(f"adaptive_max_pool{max(_nd, 2)}d", "max_pool_backward")))


# fractional max pooling: the window placements are given (_random_samples), so the entries are
# deterministic; the reference places the windows with PyTorch's formula, one position at a time
_FRACTIONAL_U = np.array([[[0.3, 0.8, 0.55], [0.05, 0.61, 0.9]]])  # (batch 1, 2 planes, up to 3 axes)


def _fractional_call(lib, nd, kernel, size):
    def call(x):
        u = lib.tensor(_FRACTIONAL_U[..., :nd]).to(x.dtype)
        return getattr(lib.nn.functional, f"fractional_max_pool{nd}d")(x, kernel, size, _random_samples=u)
    return call


def _fractional_ref(nd, kernel, size):
    def ref(x):
        u = _FRACTIONAL_U[..., :nd].astype(x.dtype)
        lead = x.shape[:x.ndim - nd]
        xb = x.reshape((-1,) + x.shape[x.ndim - nd:])
        out = np.empty((xb.shape[0],) + size, x.dtype)
        axis_sample = (1, 0) if nd == 2 else (0, 1, 2)
        for plane in range(xb.shape[0]):
            starts = []
            for d in range(nd):
                n, k, o, s = xb.shape[1 + d], kernel[d], size[d], u.reshape(-1, nd)[plane, axis_sample[d]]
                alpha = x.dtype.type(n - k) / x.dtype.type(o - 1)
                starts.append([int(x.dtype.type(i + s) * alpha) - int(s * alpha) for i in range(o - 1)] + [n - k])
            for pos in itertools.product(*(range(o) for o in size)):
                box = tuple(slice(starts[d][p], starts[d][p] + kernel[d]) for d, p in enumerate(pos))
                out[(plane,) + pos] = xb[(plane,) + box].max()
        return out.reshape(lead + size)
    return ref


def _fractional_samples(nd):
    def samples(dtype, rng):
        sp = (7, 6, 5)[:nd]
        yield SampleInput((make_arg((1, 2) + sp, dtype, rng),), desc="batch")
        yield SampleInput((make_arg((2,) + sp, dtype, rng),), desc="unbatched")
    return samples


for _nd, _kernel, _size in ((2, (2, 3), (4, 3)), (3, (2, 2, 2), (3, 3, 2))):
    OPS.append(OpInfo(f"fractional_max_pool{_nd}d", _fractional_call(P, _nd, _kernel, _size), _fractional_samples(_nd),
                      ref=_fractional_ref(_nd, _kernel, _size),
                      torch_fn=lambda x, nd=_nd, k=_kernel, s=_size: _fractional_call(_torch(), nd, k, s)(x),
                      tolerances=_TOL, covers=(f"fractional_max_pool{_nd}d", "max_pool_backward")))

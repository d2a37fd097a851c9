"""OpInfos of the convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d (the primitive
convolution and its two backward ops, which gradgradcheck exercises).

The references are direct loops over output positions (and, for the transposed ones, a
scatter over input positions), independent of the im2col reference the kernels use.
Shapes are small so the float64 gradcheck/gradgradcheck stay fast.
"""
import itertools

import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _tuple(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _naive_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation by its definition: one window product per output position."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    stride, dilation = _tuple(stride, nd), _tuple(dilation, nd)
    k = w.shape[2:]
    if padding == "valid":
        padding = (0,) * nd
    extra = [0] * nd
    if padding == "same":
        totals = [d * (kk - 1) for d, kk in zip(dilation, k)]
        padding, extra = tuple(t // 2 for t in totals), [t % 2 for t in totals]
    padding = _tuple(padding, nd)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p + e) for p, e in zip(padding, extra)])
    out_size = [(s - d * (kk - 1) - 1) // st + 1 for s, kk, st, d in zip(xp.shape[2:], k, stride, dilation)]
    cin, cout = w.shape[1], w.shape[0] // groups
    out = np.zeros((x.shape[0], w.shape[0], *out_size), np.result_type(x, w))
    for pos in itertools.product(*(range(o) for o in out_size)):
        window = tuple(slice(p * st, p * st + d * (kk - 1) + 1, d) for p, st, d, kk in zip(pos, stride, dilation, k))
        for g in range(groups):
            patch = xp[(slice(None), slice(g * cin, (g + 1) * cin)) + window]
            wg = w[g * cout:(g + 1) * cout]
            out[(slice(None), slice(g * cout, (g + 1) * cout)) + pos] = np.tensordot(
                patch, wg, axes=(tuple(range(1, 2 + nd)), tuple(range(1, 2 + nd))))
    if b is not None:
        out += b.reshape((1, -1) + (1,) * nd)
    return out[0] if unbatched else out


def _naive_conv_transpose(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed convolution by its definition: each input element scatters weight * value."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    stride, padding = _tuple(stride, nd), _tuple(padding, nd)
    output_padding, dilation = _tuple(output_padding, nd), _tuple(dilation, nd)
    k = w.shape[2:]
    full = [(s - 1) * st + d * (kk - 1) + 1 + op for s, st, d, kk, op in
            zip(x.shape[2:], stride, dilation, k, output_padding)]
    cin, cout = w.shape[0] // groups, w.shape[1]
    out = np.zeros((x.shape[0], cout * groups, *full), np.result_type(x, w))
    for pos in itertools.product(*(range(s) for s in x.shape[2:])):
        window = tuple(slice(p * st, p * st + d * (kk - 1) + 1, d) for p, st, d, kk in zip(pos, stride, dilation, k))
        for g in range(groups):
            v = x[(slice(None), slice(g * cin, (g + 1) * cin)) + pos]  # (N, cin)
            contrib = np.einsum("nc,co...->no...", v, w[g * cin:(g + 1) * cin])
            out[(slice(None), slice(g * cout, (g + 1) * cout)) + window] += contrib
    crop = tuple(slice(p, f - p) for p, f in zip(padding, full))
    out = out[(slice(None), slice(None)) + crop]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * nd)
    return out[0] if unbatched else out


def _conv_samples(nd):
    sp = {1: (7,), 2: (5, 4), 3: (4, 3, 4)}[nd]
    k = {1: (3,), 2: (3, 2), 3: (2, 2, 2)}[nd]

    def samples(dtype, rng):
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), make_arg((3, 2) + k, dtype, rng),
                           make_arg((3,), dtype, rng)), desc="bias")
        yield SampleInput((make_arg((1, 4) + sp, dtype, rng), make_arg((4, 2) + k, dtype, rng)),
                          {"stride": 2, "padding": 1, "groups": 2}, desc="stride, padding, groups")
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), make_arg((2, 2) + k, dtype, rng)),
                          {"padding": (1,) * nd, "dilation": (2,) + (1,) * (nd - 1)}, desc="dilation")
        yield SampleInput((make_arg((1, 3) + sp, dtype, rng), make_arg((3, 1) + k, dtype, rng),
                           make_arg((3,), dtype, rng)), {"padding": "same", "groups": 3}, desc="depthwise, same")
        yield SampleInput((make_arg((2,) + sp, dtype, rng), make_arg((2, 2) + k, dtype, rng)),
                          {"padding": "valid"}, desc="unbatched, valid")
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng, noncontig=True), make_arg((2, 2) + k, dtype, rng)),
                          desc="non-contiguous input")
    return samples


def _conv_transpose_samples(nd):
    sp = {1: (4,), 2: (3, 2), 3: (2, 2, 2)}[nd]
    k = {1: (3,), 2: (3, 2), 3: (2, 2, 2)}[nd]

    def samples(dtype, rng):
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), make_arg((2, 3) + k, dtype, rng),
                           make_arg((3,), dtype, rng)), desc="bias")
        yield SampleInput((make_arg((1, 4) + sp, dtype, rng), make_arg((4, 1) + k, dtype, rng)),
                          {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
                          desc="stride, padding, output_padding, groups")
        yield SampleInput((make_arg((2, 2) + sp, dtype, rng), make_arg((2, 2) + k, dtype, rng)),
                          {"dilation": 2, "stride": (1,) * (nd - 1) + (2,)}, desc="dilation")
        yield SampleInput((make_arg((2,) + sp, dtype, rng), make_arg((2, 2) + k, dtype, rng)), desc="unbatched")
    return samples


_TOL = {"float32": (1e-5, 1e-4), "float64": (1e-12, 1e-9)}
_PRIMS = ("convolution", "convolution_backward_input", "convolution_backward_weight")

OPS = [OpInfo(f"conv{nd}d", getattr(F, f"conv{nd}d"), _conv_samples(nd), ref=_naive_conv,
              torch_fn=_torch_f(f"conv{nd}d"), tolerances=_TOL, covers=_PRIMS) for nd in (1, 2, 3)]
OPS += [OpInfo(f"conv_transpose{nd}d", getattr(F, f"conv_transpose{nd}d"), _conv_transpose_samples(nd),
               ref=_naive_conv_transpose, torch_fn=_torch_f(f"conv_transpose{nd}d"), tolerances=_TOL,
               covers=_PRIMS) for nd in (1, 2, 3)]

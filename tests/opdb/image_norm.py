"""OpInfos of the image normalizations: instance_norm, group_norm, local_response_norm
(compositions of existing primitives), against NumPy written from the definitions."""
import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, Skip, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _standardize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _view(c, ndim):
    return (1, c) + (1,) * (ndim - 2)


def _instance_ref(x, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    out = _standardize(x, tuple(range(2, x.ndim)), eps)
    if weight is not None:
        out = out * weight.reshape(_view(x.shape[1], x.ndim))
    if bias is not None:
        out = out + bias.reshape(_view(x.shape[1], x.ndim))
    return out.astype(x.dtype)


def _instance_samples(dtype, rng):
    yield SampleInput((make_arg((2, 3, 5), dtype, rng),), desc="1-D spatial")
    yield SampleInput((make_arg((2, 3, 3, 4), dtype, rng), None, None, make_arg((3,), dtype, rng),
                       make_arg((3,), dtype, rng)), desc="affine")
    yield SampleInput((make_arg((1, 2, 2, 3, 2), dtype, rng),), {"eps": 1e-3}, desc="3-D spatial, eps")


def _group_ref(x, num_groups, weight=None, bias=None, eps=1e-5):
    n, c = x.shape[:2]
    out = _standardize(x.reshape(n, num_groups, -1), (2,), eps).reshape(x.shape)
    if weight is not None:
        out = out * weight.reshape(_view(c, x.ndim))
    if bias is not None:
        out = out + bias.reshape(_view(c, x.ndim))
    return out.astype(x.dtype)


def _group_samples(dtype, rng):
    yield SampleInput((make_arg((2, 4, 3, 3), dtype, rng), 2, make_arg((4,), dtype, rng), make_arg((4,), dtype, rng)),
                      desc="2 groups, affine")
    yield SampleInput((make_arg((3, 6, 4), dtype, rng), 3), desc="(N, C, L), no affine")
    yield SampleInput((make_arg((2, 3), dtype, rng, low=-3, high=3), 1), {"eps": 1e-3}, desc="(N, C), one group")


def _lrn_ref(x, size, alpha=1e-4, beta=0.75, k=1.0):
    c = x.shape[1]
    sq = x * x
    acc = np.zeros_like(x)
    for ch in range(c):
        lo, hi = max(ch - size // 2, 0), min(ch + (size - 1) // 2 + 1, c)
        acc[:, ch] = sq[:, lo:hi].sum(axis=1)
    return (x / (k + alpha * acc / size) ** beta).astype(x.dtype)


def _lrn_samples(dtype, rng):
    yield SampleInput((make_arg((2, 5, 4), dtype, rng), 3), desc="3-D")
    yield SampleInput((make_arg((2, 4, 3, 3), dtype, rng), 2), {"alpha": 0.5, "beta": 0.6, "k": 2.0},
                      desc="4-D, parameters")
    yield SampleInput((make_arg((1, 3, 2, 2, 2), dtype, rng), 4), {"alpha": 0.3}, desc="5-D")


_TOL = {"float32": (1e-5, 1e-4), "float64": (1e-12, 1e-9)}
OPS = [
    OpInfo("instance_norm", F.instance_norm, _instance_samples, ref=_instance_ref, torch_fn=_torch_f("instance_norm"),
           tolerances=_TOL),
    OpInfo("group_norm", F.group_norm, _group_samples, ref=_group_ref, torch_fn=_torch_f("group_norm"),
           tolerances=_TOL,
           skips=(Skip("grad_fn", "group_norm is composed of native_layer_norm and the affine ops here (its "
                                  "result ends in AddBackward0/MulBackward0/ViewBackward0); PyTorch has a "
                                  "native_group_norm primitive (NativeGroupNormBackward0)"),)),
    OpInfo("local_response_norm", F.local_response_norm, _lrn_samples, ref=_lrn_ref,
           torch_fn=_torch_f("local_response_norm"), tolerances=_TOL),
]

"""OpInfos of nn.functional's layer functions: layer_norm, batch_norm, embedding, pad (their
primitives native_layer_norm, native_batch_norm, embedding, constant_pad_nd), and the
composites bilinear, normalize and cosine_similarity."""
import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, Skip, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _normalized(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


# -- layer_norm ---------------------------------------------------------------------------------


def _layer_norm_samples(dtype, rng):
    yield SampleInput((make_arg((4, 5), dtype, rng), [5], make_arg((5,), dtype, rng), make_arg((5,), dtype, rng)),
                      desc="2-D, affine")
    yield SampleInput((make_arg((2, 3, 4), dtype, rng), (3, 4), make_arg((3, 4), dtype, rng),
                       make_arg((3, 4), dtype, rng)), {"eps": 1e-3}, desc="two normalized dims, eps")
    yield SampleInput((make_arg((3, 4), dtype, rng), [4]), desc="no affine")
    yield SampleInput((make_arg((2, 2, 3), dtype, rng), [3], make_arg((3,), dtype, rng)), desc="weight only")
    yield SampleInput((make_arg((6,), dtype, rng), [6], None, make_arg((6,), dtype, rng)), desc="1-D, bias only")


def _layer_norm_ref(x, shape, weight=None, bias=None, eps=1e-5):
    k = 1 if isinstance(shape, int) else len(shape)
    out = _normalized(x, tuple(range(x.ndim - k, x.ndim)), eps)
    out = out * (1 if weight is None else weight) + (0 if bias is None else bias)
    return out.astype(x.dtype)


# -- batch_norm ---------------------------------------------------------------------------------


def _stats(c, dtype, rng):
    return make_arg((c,), dtype, rng), make_arg((c,), dtype, rng, low=0.5, high=2.0)


def _batch_norm_train_samples(dtype, rng):
    rm, rv = _stats(3, dtype, rng)
    w, b = make_arg((3,), dtype, rng), make_arg((3,), dtype, rng)
    yield SampleInput((make_arg((4, 3), dtype, rng), rm, rv, w, b), {"training": True}, desc="(N, C)",
                      grad_args=(0, 3, 4))
    yield SampleInput((make_arg((2, 3, 5), dtype, rng), rm, rv, w, b), {"training": True, "momentum": 0.3},
                      desc="(N, C, L)", grad_args=(0, 3, 4))
    yield SampleInput((make_arg((3, 3, 2, 2), dtype, rng), None, None), {"training": True, "eps": 1e-3},
                      desc="(N, C, H, W), no running stats, no affine")


def _batch_norm_eval_samples(dtype, rng):
    rm, rv = _stats(3, dtype, rng)
    w, b = make_arg((3,), dtype, rng), make_arg((3,), dtype, rng)
    yield SampleInput((make_arg((4, 3), dtype, rng), rm, rv, w, b), desc="(N, C)", grad_args=(0, 3, 4))
    yield SampleInput((make_arg((2, 3, 5), dtype, rng), rm, rv), desc="(N, C, L), no affine", grad_args=(0,))


def _batch_norm_ref(x, rm, rv, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    view = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        out = _normalized(x, axes, eps)
    else:
        out = (x - rm.reshape(view)) / np.sqrt(rv.reshape(view) + eps)
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out.astype(x.dtype)


# -- embedding ------------------------------------------------------------------------------------


def _embedding_samples(dtype, rng):
    w = make_arg((6, 3), dtype, rng)
    yield SampleInput((np.array([0, 2, 2, 5], np.int64), w), desc="1-D indices, repeats", grad_args=(1,))
    yield SampleInput((np.array([[1, 4], [4, 0]], np.int64), w), desc="2-D indices", grad_args=(1,))
    yield SampleInput((np.array([1, 2, 1], np.int32), w), {"padding_idx": 1}, desc="padding_idx", grad_args=(1,),
                      skip_gradcheck="the padding row gets no gradient by definition (compared with PyTorch)")
    yield SampleInput((np.array([3, 3, 0], np.int64), w), {"scale_grad_by_freq": True, "padding_idx": -1},
                      desc="scale_grad_by_freq", grad_args=(1,),
                      skip_gradcheck="scale_grad_by_freq divides by counts, not a derivative (compared with PyTorch)")


def _embedding_ref(indices, weight, padding_idx=None, scale_grad_by_freq=False):
    return weight[indices]


# -- pad --------------------------------------------------------------------------------------------


def _pad_samples(dtype, rng):
    yield SampleInput((make_arg((2, 3), dtype, rng), (1, 2)), desc="last dim")
    yield SampleInput((make_arg((2, 3, 4), dtype, rng), [0, 1, 2, 0]), {"value": 1.5}, desc="two dims, value")
    yield SampleInput((make_arg((3, 5), dtype, rng), (-1, 2, 1, -2)), desc="negative crops")
    yield SampleInput((make_arg((2, 2), dtype, rng), (1, 1, 1, 1)), {"mode": "constant", "value": -2.0},
                      desc="both dims")


def _pad_ref(x, pad, mode="constant", value=0.0):
    """Element by element, from the definition: out[i] = x[i - before] where that index lies
    inside x, else `value`; a negative amount shrinks the dim (a crop). Independent of the
    kernel, which crops by slicing and then calls np.pad."""
    before, after = [0] * x.ndim, [0] * x.ndim
    for i in range(len(pad) // 2):
        before[x.ndim - 1 - i], after[x.ndim - 1 - i] = pad[2 * i], pad[2 * i + 1]
    shape = tuple(n + b + a for n, b, a in zip(x.shape, before, after))
    out = np.full(shape, value, dtype=x.dtype)
    for idx in np.ndindex(*shape):
        src = tuple(i - b for i, b in zip(idx, before))
        if all(0 <= j < n for j, n in zip(src, x.shape)):
            out[idx] = x[src]
    return out


def _pad_mode_samples(dtype, rng):
    yield SampleInput((make_arg((2, 5), dtype, rng), (2, 3)), {"mode": "reflect"}, desc="reflect 2-D")
    yield SampleInput((make_arg((1, 2, 3, 3), dtype, rng), (1, 2, 2, 0)), {"mode": "replicate"},
                      desc="replicate 4-D")
    yield SampleInput((make_arg((1, 2, 4), dtype, rng), (3, 1)), {"mode": "circular"}, desc="circular 3-D")
    yield SampleInput((make_arg((1, 1, 2, 2, 3), dtype, rng), (1, 1, 0, 1, 1, 0)), {"mode": "reflect"},
                      desc="reflect 5-D")


_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad_mode_ref(x, pad, mode):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return np.pad(x, widths, mode=_NP_MODES[mode])


# -- bilinear, normalize, cosine_similarity ------------------------------------------------------------


def _bilinear_samples(dtype, rng):
    w, b = make_arg((4, 3, 2), dtype, rng), make_arg((4,), dtype, rng)
    yield SampleInput((make_arg((5, 3), dtype, rng), make_arg((5, 2), dtype, rng), w, b), desc="2-D with bias")
    yield SampleInput((make_arg((2, 3, 3), dtype, rng), make_arg((2, 3, 2), dtype, rng), w), desc="3-D, no bias")
    yield SampleInput((make_arg((3,), dtype, rng), make_arg((2,), dtype, rng), w, b), desc="1-D")


def _bilinear_ref(x1, x2, w, b=None):
    out = np.einsum("...i,kij,...j->...k", x1, w, x2)
    return (out + (0 if b is None else b)).astype(x1.dtype)


def _normalize_samples(dtype, rng):
    yield SampleInput((make_arg((4, 3), dtype, rng),), desc="rows")
    yield SampleInput((make_arg((2, 3, 4), dtype, rng),), {"p": 1.0, "dim": -1}, desc="p=1, last dim")
    yield SampleInput((make_arg((3, 2), dtype, rng),), {"dim": 0, "eps": 1e-3}, desc="dim 0, eps")


def _normalize_ref(x, p=2.0, dim=1, eps=1e-12):
    norm = (np.abs(x) ** p).sum(axis=dim, keepdims=True) ** (1 / p)
    return (x / np.maximum(norm, eps)).astype(x.dtype)


def _cosine_samples(dtype, rng):
    yield SampleInput((make_arg((4, 3), dtype, rng), make_arg((4, 3), dtype, rng)), desc="rows")
    yield SampleInput((make_arg((2, 3, 2), dtype, rng), make_arg((3, 2), dtype, rng)), {"dim": -1},
                      desc="broadcast, last dim")
    yield SampleInput((make_arg((3, 5), dtype, rng), make_arg((3, 5), dtype, rng)), {"dim": 0, "eps": 1e-6},
                      desc="dim 0, eps")


def _cosine_ref(x1, x2, dim=1, eps=1e-8):
    n1 = np.maximum(np.sqrt((x1 * x1).sum(axis=dim, keepdims=True)), eps)
    n2 = np.maximum(np.sqrt((x2 * x2).sum(axis=dim, keepdims=True)), eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis=dim).astype(np.result_type(x1, x2))


_REDUCED_TOL = {"float32": (1e-5, 1e-4), "float64": (1e-12, 1e-9)}

OPS = [
    OpInfo("layer_norm", F.layer_norm, _layer_norm_samples, ref=_layer_norm_ref, torch_fn=_torch_f("layer_norm"),
           covers=("native_layer_norm",), tolerances=_REDUCED_TOL),
    OpInfo("batch_norm", F.batch_norm, _batch_norm_train_samples, ref=_batch_norm_ref, variant="train",
           torch_fn=_torch_f("batch_norm"), covers=("native_batch_norm",), tolerances=_REDUCED_TOL),
    OpInfo("batch_norm", F.batch_norm, _batch_norm_eval_samples, ref=_batch_norm_ref, variant="eval",
           torch_fn=_torch_f("batch_norm"), covers=("native_batch_norm",), tolerances=_REDUCED_TOL),
    OpInfo("embedding", F.embedding, _embedding_samples, ref=_embedding_ref, torch_fn=_torch_f("embedding")),
    OpInfo("pad", F.pad, _pad_samples, ref=_pad_ref, torch_fn=_torch_f("pad"), covers=("constant_pad_nd",)),
    OpInfo("pad", F.pad, _pad_mode_samples, ref=_pad_mode_ref, torch_fn=_torch_f("pad"), variant="modes",
           skips=(Skip("grad_fn", "reflect/replicate/circular padding gathers through index_select here "
                                  "(IndexSelectBackward0); PyTorch has ReflectionPad1DBackward0 and the like"),)),
    OpInfo("bilinear", F.bilinear, _bilinear_samples, ref=_bilinear_ref, torch_fn=_torch_f("bilinear"),
           tolerances=_REDUCED_TOL),
    OpInfo("normalize", F.normalize, _normalize_samples, ref=_normalize_ref, torch_fn=_torch_f("normalize"),
           tolerances=_REDUCED_TOL),
    OpInfo("cosine_similarity", F.cosine_similarity, _cosine_samples, ref=_cosine_ref,
           torch_fn=_torch_f("cosine_similarity"), tolerances=_REDUCED_TOL),
]

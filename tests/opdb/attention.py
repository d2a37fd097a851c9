"""OpInfos of the sequence-model functions: scaled_dot_product_attention (its primitive
scaled_dot_product_fused_attention), rms_norm, and the fused LSTM/GRU steps."""
import numpy as np

import pyautograd.nn.functional as F
from pyautograd.ops import recurrent

from .core import OpInfo, SampleInput, Skip, make_arg


def _torch_f(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


# -- scaled_dot_product_attention -------------------------------------------------------------------


def _sdpa_samples(dtype, rng):
    yield SampleInput((make_arg((2, 3, 4), dtype, rng), make_arg((2, 5, 4), dtype, rng),
                       make_arg((2, 5, 3), dtype, rng)), desc="batched")
    yield SampleInput((make_arg((4, 3), dtype, rng), make_arg((6, 3), dtype, rng), make_arg((6, 2), dtype, rng)),
                      {"is_causal": True, "scale": 0.5}, desc="unbatched, causal, scale")
    yield SampleInput((make_arg((1, 2, 3, 4), dtype, rng), make_arg((1, 2, 5, 4), dtype, rng),
                       make_arg((1, 2, 5, 2), dtype, rng), make_arg((3, 5), dtype, rng)), desc="float mask")
    mask = rng.random((2, 1, 3, 5)) < 0.7
    mask[..., 0] = True
    yield SampleInput((make_arg((2, 2, 3, 4), dtype, rng), make_arg((2, 2, 5, 4), dtype, rng),
                       make_arg((2, 2, 5, 2), dtype, rng), mask), desc="bool mask")
    yield SampleInput((make_arg((1, 4, 3, 2), dtype, rng), make_arg((1, 2, 5, 2), dtype, rng),
                       make_arg((1, 2, 5, 3), dtype, rng)), {"enable_gqa": True}, desc="grouped query heads")


def _sdpa_ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    if enable_gqa:
        k = np.repeat(k, q.shape[-3] // k.shape[-3], axis=-3)
        v = np.repeat(v, q.shape[-3] // v.shape[-3], axis=-3)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    L, S = s.shape[-2:]
    if is_causal:
        s = np.where(np.tri(L, S, dtype=bool), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    return ((p / p.sum(axis=-1, keepdims=True)) @ v).astype(q.dtype)


# -- rms_norm ----------------------------------------------------------------------------------------


def _rms_samples(dtype, rng):
    yield SampleInput((make_arg((3, 4), dtype, rng), [4], make_arg((4,), dtype, rng)), desc="weight")
    yield SampleInput((make_arg((2, 3, 4), dtype, rng), (3, 4)), {"eps": 1e-3}, desc="two dims, eps")


def _rms_ref(x, shape, weight=None, eps=None):
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    out = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return (out * (1 if weight is None else weight)).astype(x.dtype)


# -- fused recurrent steps -------------------------------------------------------------------------------


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _lstm_samples(dtype, rng):
    yield SampleInput((make_arg((3, 8), dtype, rng), make_arg((3, 2), dtype, rng)), desc="batch 3, hidden 2")
    yield SampleInput((make_arg((1, 12), dtype, rng), make_arg((1, 3), dtype, rng)), desc="batch 1")


def _lstm_ref(gates, cx):
    i, f, g, o = np.split(gates, 4, axis=-1)
    cy = _sig(f) * cx + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(cy), cy


def _lstm_torch(gates, cx):
    import torch
    i, f, g, o = gates.chunk(4, -1)
    cy = torch.sigmoid(f) * cx + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(cy), cy


def _gru_samples(dtype, rng):
    yield SampleInput((make_arg((3, 6), dtype, rng), make_arg((3, 6), dtype, rng), make_arg((3, 2), dtype, rng)),
                      desc="batch 3, hidden 2")


def _gru_ref(gi, gh, hx):
    ir, iz, inn = np.split(gi, 3, axis=-1)
    hr, hz, hn = np.split(gh, 3, axis=-1)
    r, z = _sig(ir + hr), _sig(iz + hz)
    n = np.tanh(inn + r * hn)
    return (1 - z) * n + z * hx


def _gru_torch(gi, gh, hx):
    import torch
    ir, iz, inn = gi.chunk(3, -1)
    hr, hz, hn = gh.chunk(3, -1)
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(inn + r * hn)
    return (1 - z) * n + z * hx


def _layer_samples(dtype, rng):
    for steps, batch, hidden, reverse in ((3, 2, 2, False), (3, 2, 2, True), (1, 3, 1, False)):
        yield SampleInput((make_arg((steps * batch, 4 * hidden), dtype, rng, low=-1, high=1),
                           make_arg((4 * hidden, hidden), dtype, rng, low=-1, high=1),
                           make_arg((batch, hidden), dtype, rng, low=-1, high=1),
                           make_arg((batch, hidden), dtype, rng, low=-1, high=1)), {"reverse": reverse},
                          desc=f"steps {steps}, batch {batch}, hidden {hidden}" + (", reverse" if reverse else ""))


def _layer(xproj, w_hh, hx, cx, reverse=False):
    """(out (T, B, H), h_n, c_n) of recurrent.lstm_layer (its other two outputs are the backward's)."""
    return recurrent.lstm_layer(xproj, w_hh, hx, cx, reverse)[:3]


def _layer_ref(xproj, w_hh, hx, cx, reverse=False):
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch
    h, c, outs = hx, cx, [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        h, c = _lstm_ref(xproj[t * batch:(t + 1) * batch] + h @ w_hh.T, c)
        outs[t] = h
    return np.stack(outs), h, c


def _layer_torch(xproj, w_hh, hx, cx, reverse=False):
    import torch
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch
    h, c, outs = hx, cx, [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        h, c = _lstm_torch(xproj[t * batch:(t + 1) * batch] + h @ w_hh.T, c)
        outs[t] = h
    return torch.stack(outs), h, c


def _gru_layer_samples(dtype, rng):
    for steps, batch, hidden, bias, reverse in ((3, 2, 2, True, False), (2, 2, 3, False, True), (1, 1, 1, True, False)):
        yield SampleInput((make_arg((steps * batch, 3 * hidden), dtype, rng, low=-1, high=1),
                           make_arg((3 * hidden, hidden), dtype, rng, low=-1, high=1),
                           make_arg((3 * hidden,), dtype, rng, low=-1, high=1) if bias else None,
                           make_arg((batch, hidden), dtype, rng, low=-1, high=1)), {"reverse": reverse},
                          desc=f"steps {steps}, batch {batch}, hidden {hidden}" + ("" if bias else ", no bias")
                          + (", reverse" if reverse else ""))


def _steps(xproj, hx, reverse):
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch
    return batch, (range(steps - 1, -1, -1) if reverse else range(steps)), [None] * steps


def _gru_layer(xproj, w_hh, b_hh, hx, reverse=False):
    """(out, h_n) of recurrent.gru_layer (its third output is the backward's)."""
    return recurrent.gru_layer(xproj, w_hh, b_hh, hx, reverse)[:2]


def _gru_layer_ref(xproj, w_hh, b_hh, hx, reverse=False):
    batch, times, outs = _steps(xproj, hx, reverse)
    h = hx
    for t in times:
        gh = h @ w_hh.T + (0 if b_hh is None else b_hh)
        h = outs[t] = _gru_ref(xproj[t * batch:(t + 1) * batch], gh, h)
    return np.concatenate(outs), h


def _gru_layer_torch(xproj, w_hh, b_hh, hx, reverse=False):
    import torch
    batch, times, outs = _steps(xproj, hx, reverse)
    h = hx
    for t in times:
        gh = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
        h = outs[t] = _gru_torch(xproj[t * batch:(t + 1) * batch], gh, h)
    return torch.cat(outs), h


def _rnn_layer_samples(dtype, rng):
    for steps, batch, hidden, nonlinearity, reverse in ((3, 2, 3, "tanh", False), (2, 3, 2, "relu", True),
                                                       (1, 1, 1, "tanh", True)):
        # relu: pre-activations kept away from 0, where its derivative is a convention
        low = 0.2 if nonlinearity == "relu" else -1
        yield SampleInput((make_arg((steps * batch, hidden), dtype, rng, low=low, high=1),
                           make_arg((hidden, hidden), dtype, rng, low=low, high=1),
                           make_arg((batch, hidden), dtype, rng, low=low, high=1)),
                          {"nonlinearity": nonlinearity, "reverse": reverse},
                          desc=f"steps {steps}, batch {batch}, hidden {hidden}, {nonlinearity}"
                          + (", reverse" if reverse else ""))


def _rnn_layer_ref(xproj, w_hh, hx, nonlinearity="tanh", reverse=False):
    batch, times, outs = _steps(xproj, hx, reverse)
    h = hx
    for t in times:
        pre = xproj[t * batch:(t + 1) * batch] + h @ w_hh.T
        h = outs[t] = np.tanh(pre) if nonlinearity == "tanh" else np.maximum(pre, 0)
    return np.concatenate(outs), h


def _rnn_layer_torch(xproj, w_hh, hx, nonlinearity="tanh", reverse=False):
    import torch
    batch, times, outs = _steps(xproj, hx, reverse)
    h = hx
    for t in times:
        pre = xproj[t * batch:(t + 1) * batch] + h @ w_hh.T
        h = outs[t] = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
    return torch.cat(outs), h


_TOL = {"float32": (1e-5, 1e-4), "float64": (1e-12, 1e-9)}
_COMPOSITE_NODE = ("the fused step is one node here (LstmCellFusedBackward0 / GruCellFusedBackward0); the "
                   "reference written op by op in PyTorch ends in MulBackward0 / AddBackward0")

OPS = [
    OpInfo("scaled_dot_product_attention", F.scaled_dot_product_attention, _sdpa_samples, ref=_sdpa_ref,
           torch_fn=_torch_f("scaled_dot_product_attention"), covers=("scaled_dot_product_fused_attention",),
           tolerances=_TOL,
           skips=(Skip("grad_fn", "one fused node here (ScaledDotProductFusedAttentionBackward0); PyTorch's CPU "
                                  "path ends in UnsafeViewBackward0"),)),
    OpInfo("rms_norm", F.rms_norm, _rms_samples, ref=_rms_ref, torch_fn=_torch_f("rms_norm"), tolerances=_TOL),
    OpInfo("lstm_cell_fused", recurrent.lstm_cell_fused, _lstm_samples, ref=_lstm_ref, torch_fn=_lstm_torch,
           tolerances=_TOL, skips=(Skip("grad_fn", _COMPOSITE_NODE),)),
    OpInfo("gru_cell_fused", recurrent.gru_cell_fused, _gru_samples, ref=_gru_ref, torch_fn=_gru_torch,
           tolerances=_TOL, skips=(Skip("grad_fn", _COMPOSITE_NODE),)),
    OpInfo("lstm_layer", _layer, _layer_samples, ref=_layer_ref, torch_fn=_layer_torch, covers=("lstm_layer",),
           tolerances=_TOL,
           skips=(Skip("grad_fn", "one node per layer here, MkldnnRnnLayerBackward0 as PyTorch's CPU LSTM layer; the "
                                  "reference written step by step in PyTorch ends in MulBackward0"),)),
    OpInfo("gru_layer", _gru_layer, _gru_layer_samples, ref=_gru_layer_ref, torch_fn=_gru_layer_torch,
           covers=("gru_layer",), tolerances=_TOL,
           skips=(Skip("grad_fn", "one node per layer here (GruLayerBackward0); PyTorch records its GRU layer step "
                                  "by step, and the reference ends in AddBackward0"),)),
    OpInfo("rnn_layer", recurrent.rnn_layer, _rnn_layer_samples, ref=_rnn_layer_ref, torch_fn=_rnn_layer_torch,
           tolerances=_TOL,
           skips=(Skip("grad_fn", "one node per layer here (RnnLayerBackward0); PyTorch records its RNN layer step "
                                  "by step, and the reference ends in TanhBackward0 / ReluBackward0"),)),
]


# -- embedding_bag (composite) ------------------------------------------------------------------------


def _bag_samples(dtype, rng):
    w = make_arg((6, 3), dtype, rng)
    yield SampleInput((np.array([0, 2, 2, 5, 1], np.int64), w, np.array([0, 2, 2], np.int64)),
                      {"mode": "sum"}, desc="sum, an empty bag", grad_args=(1,))
    yield SampleInput((np.array([[1, 4], [4, 0]], np.int64), w), {"mode": "mean"}, desc="2-D mean", grad_args=(1,))


def _bag_ref(idx, w, offsets=None, mode="mean"):
    if idx.ndim == 2:
        bags = [w[row] for row in idx]
    else:
        ends = list(offsets[1:]) + [idx.size]
        bags = [w[idx[s:e]] for s, e in zip(offsets, ends)]
    red = {"sum": lambda b: b.sum(0), "mean": lambda b: b.mean(0)}[mode]
    return np.stack([red(b) if len(b) else np.zeros(w.shape[1], w.dtype) for b in bags]).astype(w.dtype)


OPS.append(OpInfo("embedding_bag", F.embedding_bag, _bag_samples, ref=_bag_ref,
                  torch_fn=_torch_f("embedding_bag"), tolerances=_TOL,
                  skips=(Skip("grad_fn", "a composite here (index_add, then a division for mean); PyTorch has "
                                         "EmbeddingBagBackward0"),)))

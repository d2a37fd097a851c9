"""Scaled dot-product attention: the fused, blocked primitive and its front end.

    scaled_dot_product_attention(q, k, v) = softmax(q @ k^T * scale + mask) @ v

The primitive ``scaled_dot_product_fused_attention`` runs the blocked online-softmax kernel
(kernels.sdpa_forward, never more than one block of the score matrix at a time) and returns
(out, lse). Its backward, in a plain backward pass (the engine runs formulas under no_grad),
is the blocked kernel kernels.sdpa_backward; under create_graph the same gradients are written
in differentiable Tensor ops (the full score matrix then exists, as it must for a second
derivative), so gradgradcheck holds, as for native_layer_norm.

The front end, F.scaled_dot_product_attention, is in nn/_attention.py; with dropout it takes the
composite path through attention_probabilities.
"""
import numpy as np

from .. import _creation, kernels
from .._tensor import Tensor
from ..graph import grad_mode
from . import linalg, reduction
from ._opdef import defop


def causal_mask(L, S):
    """The (L, S) bool tensor that is True where query i may see key j (j <= i), as
    torch.ones(L, S).tril()."""
    return _creation.tensor(np.tri(L, S, dtype=bool))


def attention_probabilities(query, key, attn_bias, is_causal, scale):
    """softmax(q k^T * scale + bias) in Tensor ops; a row with every key masked gives zeros."""
    s = linalg.matmul(query * scale, key.transpose(-2, -1))
    if attn_bias is not None:
        s = s + attn_bias
    if is_causal:
        s = s.masked_fill(~causal_mask(s.shape[-2], s.shape[-1]), float("-inf"))
    dead = (s == float("-inf")).all(-1, keepdim=True)
    if bool(dead.any()):
        s = s.masked_fill(dead, 0.0)
        return reduction.softmax(s, -1).masked_fill(dead, 0.0)
    return reduction.softmax(s, -1)


def _fused_grads(grads, query, key, value, attn_bias, is_causal, scale, result, needs_input_grad):
    dout = grads[0]
    if not grad_mode.is_grad_enabled():
        arrays = [None if t is None else t._data for t in (query, key, value, attn_bias)]
        out, lse = result[0]._data, result[1]._data
        dq, dk, dv, db = kernels.sdpa_backward(dout._data, *arrays, out, lse, bool(is_causal), float(scale),
                                               bool(needs_input_grad[3]))
        return tuple(None if g is None or not need else Tensor._wrap(g)
                     for g, need in zip((dq, dk, dv, db), needs_input_grad))
    # create_graph: the same formulas in Tensor ops, so they are differentiated again.
    p = attention_probabilities(query, key, attn_bias, is_causal, scale)
    dv = linalg.matmul(p.transpose(-2, -1), dout)
    dp = linalg.matmul(dout, value.transpose(-2, -1))
    ds = p * (dp - (dp * p).sum(-1, keepdim=True))
    dq = linalg.matmul(ds, key) * scale
    dk = linalg.matmul(ds.transpose(-2, -1), query) * scale
    return dq, dk, dv, ds if needs_input_grad[3] else None


scaled_dot_product_fused_attention = defop(
    "scaled_dot_product_fused_attention", "query, key, value, attn_bias, is_causal, scale",
    lambda q, k, v, bias, is_causal, scale: kernels.sdpa_forward(q, k, v, bias, bool(is_causal), float(scale)),
    tensors=("query", "key", "value", "attn_bias"), promote=None, num_outputs=2, nondiff_outputs=(1,),
    grads={"*": _fused_grads},
    doc="(out, logsumexp) of softmax(query @ key^T * scale + attn_bias, causal rows masked) @ value, "
        "computed block by block with an online softmax (the primitive behind "
        "F.scaled_dot_product_attention).")

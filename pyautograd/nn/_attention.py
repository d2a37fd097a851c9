"""F.scaled_dot_product_attention: argument checks, masks and grouped-query heads, then the fused
blocked primitive (ops/attention.py), or with dropout the composite path (the dropout mask needs
the attention weights whole, as in PyTorch's math backend)."""
import math

import numpy as np

from .. import _creation
from .._dtype import bool as bool_dtype
from ..ops import composite, pointwise
from ..ops.attention import attention_probabilities, scaled_dot_product_fused_attention
from ._dropout import dropout


def _check(query, key, value, attn_mask, is_causal, enable_gqa):
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(f"scaled_dot_product_attention: query, key and value must have at least 2 dims, got "
                           f"query {list(query.shape)}, key {list(key.shape)}, value {list(value.shape)}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
                           f"(..., S, Ev), got query {list(query.shape)}, key {list(key.shape)}, value "
                           f"{list(value.shape)}")
    if not (query.dtype == key.dtype == value.dtype) or not query.dtype.is_floating_point:
        raise RuntimeError(f"scaled_dot_product_attention: expected query, key and value of one floating dtype, "
                           f"got {query.dtype}, {key.dtype}, {value.dtype}")
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("scaled_dot_product_attention: _scaled_dot_product_attention: Explicit attn_mask "
                               "should not be set when is_causal=True")
        if attn_mask.dtype != bool_dtype and attn_mask.dtype != query.dtype:
            raise RuntimeError(f"scaled_dot_product_attention: Expected attn_mask dtype to be bool or to match "
                               f"query dtype, but got attn_mask.dtype: {attn_mask.dtype} and query.dtype: "
                               f"{query.dtype} instead.")
        target = tuple(query.shape[:-1]) + (key.shape[-2],)
        try:
            np.broadcast_shapes(tuple(attn_mask.shape), target)
        except ValueError:
            raise RuntimeError(f"scaled_dot_product_attention: attn_mask of shape {list(attn_mask.shape)} does not "
                               f"broadcast to the score shape {list(target)} (query {list(query.shape)}, key "
                               f"{list(key.shape)})") from None
    if enable_gqa and query.ndim >= 3:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError(f"scaled_dot_product_attention: number of heads in key/value must divide number of "
                               f"heads in query, got query {list(query.shape)}, key {list(key.shape)}, value "
                               f"{list(value.shape)}")


def _repeat_heads(t, heads):
    """t (..., H, S, E) with each head repeated heads // H times in place (repeat_interleave on dim -3)."""
    h = t.shape[-3]
    if h == heads:
        return t
    lead = tuple(t.shape[:-3])
    expanded = composite.broadcast_to(t.unsqueeze(-3), lead + (h, heads // h) + tuple(t.shape[-2:]))
    return expanded.reshape(*lead, heads, *t.shape[-2:])


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value, as torch.nn.functional.scaled_dot_product_attention.

    attn_mask: bool (True = may attend) or float (added to the scores), broadcastable to
    (..., L, S); is_causal: query i attends keys j <= i; scale: default 1/sqrt(E); dropout_p:
    dropout on the attention weights (always applied, as in PyTorch); enable_gqa: key/value
    heads (dim -3) are shared by groups of query heads. A row with every key masked gives zeros.
    """
    _check(query, key, value, attn_mask, is_causal, enable_gqa)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    if enable_gqa and query.ndim >= 3:
        key, value = _repeat_heads(key, query.shape[-3]), _repeat_heads(value, query.shape[-3])
    bias = attn_mask
    if attn_mask is not None and attn_mask.dtype == bool_dtype:
        bias = pointwise.where(attn_mask, _creation.tensor(0.0, dtype=query.dtype),
                               _creation.tensor(float("-inf"), dtype=query.dtype))
    if dropout_p > 0.0:
        p = attention_probabilities(query, key, bias, is_causal, scale)
        return composite.matmul(dropout(p, dropout_p, True), value)
    return scaled_dot_product_fused_attention(query, key, value, bias, bool(is_causal), scale)[0]

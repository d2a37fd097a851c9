"""F.scaled_dot_product_attention: argument checks, masks and grouped-query heads, then the fused
blocked primitive (ops/attention.py), or with dropout the composite path (the dropout mask needs
the attention weights whole, as in PyTorch's math backend)."""
import math

import numpy as np

from .. import _creation
from .._dtype import bool as bool_dtype
from ..ops import linalg, pointwise, reduction, shape
from ..ops import autocast
from ..ops.attention import attention_probabilities, scaled_dot_product_fused_attention
from ._dropout import dropout
from .attention import SDPBackend, enabled_backends


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
    expanded = shape.broadcast_to(t.unsqueeze(-3), lead + (h, heads // h) + tuple(t.shape[-2:]))
    return expanded.reshape(*lead, heads, *t.shape[-2:])


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value, as torch.nn.functional.scaled_dot_product_attention.

    attn_mask: bool (True = may attend) or float (added to the scores), broadcastable to
    (..., L, S); is_causal: query i attends keys j <= i; scale: default 1/sqrt(E); dropout_p:
    dropout on the attention weights (always applied, as in PyTorch); enable_gqa: key/value
    heads (dim -3) are shared by groups of query heads. A row with every key masked gives zeros.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(scaled_dot_product_attention, locals())
    _check(query, key, value, attn_mask, is_causal, enable_gqa)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    if enable_gqa and query.ndim >= 3:
        key, value = _repeat_heads(key, query.shape[-3]), _repeat_heads(value, query.shape[-3])
    bias = attn_mask
    if attn_mask is not None and attn_mask.dtype == bool_dtype:
        bias = pointwise.where(attn_mask, _creation.tensor(0.0, dtype=query.dtype),
                               _creation.tensor(float("-inf"), dtype=query.dtype))
    enabled = enabled_backends()
    if SDPBackend.FLASH_ATTENTION not in enabled and SDPBackend.MATH not in enabled:
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This is likely due to "
                           "turning off both the math kernel and the fused kernels (sdpa_kernel allows "
                           f"{sorted(b.name for b in enabled)}; on CPU only FLASH_ATTENTION and MATH exist).")
    if dropout_p > 0.0 or SDPBackend.FLASH_ATTENTION not in enabled:
        p = attention_probabilities(query, key, bias, is_causal, scale)
        if dropout_p > 0.0:
            p = dropout(p, dropout_p, True)
        return linalg.matmul(p, value)
    return scaled_dot_product_fused_attention(query, key, value, bias, bool(is_causal), scale)[0]


# -- multi-head attention -------------------------------------------------------------------------


def _float_mask(mask, dtype, name):
    """A bool mask (True = masked out, MultiheadAttention's convention) as an additive float mask."""
    if mask is None:
        return None
    if mask.dtype == bool_dtype:
        return pointwise.where(mask, _creation.tensor(float("-inf"), dtype=dtype), _creation.tensor(0.0, dtype=dtype))
    if not mask.dtype.is_floating_point:
        raise RuntimeError(f"multi_head_attention_forward: only bool and floating types of {name} are supported, "
                           f"got {mask.dtype}")
    return mask.to(dtype)


def _pad_last(mask):
    """mask with one more column of zeros (for the added bias_k / zero attention key)."""
    return None if mask is None else shape.cat([mask, _creation.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype)], -1)


def _check_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads):
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"MultiheadAttention: the shape of the 2D attn_mask is {list(attn_mask.shape)}, but "
                               f"should be {[tgt_len, src_len]} (target length, source length)")
        return attn_mask.unsqueeze(0)
    if attn_mask.ndim == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"MultiheadAttention: the shape of the 3D attn_mask is {list(attn_mask.shape)}, but "
                               f"should be {[bsz * num_heads, tgt_len, src_len]} (batch * num_heads, target "
                               f"length, source length)")
        return attn_mask
    raise RuntimeError(f"MultiheadAttention: attn_mask's dimension {attn_mask.ndim} is not supported (2-D or 3-D)")


def _batched(query, key, value, key_padding_mask, attn_mask):
    """Whether the inputs are batched (L, N, E) or unbatched (L, E), checking that they agree."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise RuntimeError(f"MultiheadAttention: for batched (3-D) query, expected key and value to be 3-D but "
                               f"found {key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise RuntimeError(f"MultiheadAttention: for batched (3-D) query, expected key_padding_mask to be None "
                               f"or 2-D but found {key_padding_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise RuntimeError(f"MultiheadAttention: for unbatched (2-D) query, expected key and value to be 2-D "
                               f"but found {key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise RuntimeError(f"MultiheadAttention: for unbatched (2-D) query, expected key_padding_mask to be "
                               f"None or 1-D but found {key_padding_mask.ndim}-D tensor instead")
        return False
    raise RuntimeError(f"MultiheadAttention: query should be unbatched 2-D or batched 3-D tensor but received "
                       f"{query.ndim}-D query tensor")


def linear(x, weight, bias=None):
    """x @ weight.T + bias over the last dim of x (any leading dims), by the fused 2-D kernels
    (the same as F.linear, which imports this module)."""
    flat = x.reshape(-1, x.shape[-1])
    out = linalg.linear_bias(flat, weight, bias) if bias is not None else linalg.linear_nobias(flat, weight)
    return out.reshape(*x.shape[:-1], weight.shape[0])


def _projections(query, key, value, num_heads, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                 q_proj_weight, k_proj_weight, v_proj_weight):
    E = query.shape[-1]
    if use_separate_proj_weight:
        weights = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        weights = tuple(in_proj_weight[i * E:(i + 1) * E] for i in range(3))
    biases = (None,) * 3 if in_proj_bias is None else tuple(in_proj_bias[i * E:(i + 1) * E] for i in range(3))
    for name, x, w in zip(("query", "key", "value"), (query, key, value), weights):
        if w.shape[-1] != x.shape[-1]:
            raise RuntimeError(f"MultiheadAttention: {name} has feature size {x.shape[-1]} (shape {list(x.shape)}) "
                               f"but its projection weight has shape {list(w.shape)}")
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention on (L, N, E) query and (S, N, kdim/vdim) key/value (or unbatched (L, E)),
    as torch.nn.functional.multi_head_attention_forward. Bool masks are True where attention is
    NOT allowed. Returns (output (L, N, E), weights (N, L, S) averaged over heads, or (N, H, L, S),
    or None when need_weights is False)."""
    batched = _batched(query, key, value, key_padding_mask, attn_mask)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise RuntimeError(f"MultiheadAttention: was expecting embedding dimension of {embed_dim_to_check}, but "
                           f"got query of shape {list(query.shape)}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise RuntimeError(f"MultiheadAttention: embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if key.shape[:2] != value.shape[:2]:
        raise RuntimeError(f"MultiheadAttention: key shape {list(key.shape)} does not match value shape "
                           f"{list(value.shape)}")
    if is_causal and attn_mask is None:
        raise RuntimeError("MultiheadAttention: need attn_mask if specifying the is_causal hint (you may use "
                           "Transformer.generate_square_subsequent_mask to make one)")
    dtype = query.dtype
    key_padding_mask = _float_mask(key_padding_mask, dtype, "key_padding_mask")
    attn_mask = _float_mask(attn_mask, dtype, "attn_mask")
    if attn_mask is not None:
        attn_mask = _check_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads)
    if key_padding_mask is not None and tuple(key_padding_mask.shape) != (bsz, src_len):
        raise RuntimeError(f"MultiheadAttention: expected key_padding_mask of shape {[bsz, src_len]} (batch, source "
                           f"length), but got {list(key_padding_mask.shape)}")
    q, k, v = _projections(query, key, value, num_heads, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                           q_proj_weight, k_proj_weight, v_proj_weight)
    if bias_k is not None and bias_v is not None:
        k = shape.cat([k, shape.broadcast_to(bias_k, (1, bsz, embed_dim))])
        v = shape.cat([v, shape.broadcast_to(bias_v, (1, bsz, embed_dim))])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    # (L, N, E) -> (N * H, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = (k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_k is None else static_k)
    v = (v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_v is None else static_v)
    if add_zero_attn:
        k = shape.cat([k, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], 1)
        v = shape.cat([v, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        kpm = shape.broadcast_to(key_padding_mask.reshape(bsz, 1, 1, src_len), (bsz, num_heads, 1, src_len))
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        scores = linalg.matmul(q * math.sqrt(1.0 / head_dim), k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = reduction.softmax(scores, -1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = linalg.matmul(weights, v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = (attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1
                     else attn_mask.reshape(bsz, num_heads, -1, src_len))
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, False)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    return (out if batched else out.squeeze(1)), None


# -- RMS normalization ------------------------------------------------------------------------------


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """input / sqrt(mean(input ** 2 over the trailing `normalized_shape` dims) + eps) * weight, as
    torch.nn.functional.rms_norm (eps defaults to the dtype's machine epsilon)."""
    shape = (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"rms_norm: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"rms_norm: expected weight of shape {list(shape)} (normalized_shape), but got "
                           f"{list(weight.shape)}")
    if eps is None:
        eps = float(np.finfo(np.dtype(input.dtype.name if input.dtype.is_floating_point else "float32")).eps)
    dims = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight

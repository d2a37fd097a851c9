"""Blocked, online-softmax scaled dot-product attention (forward and backward), the NumPy reference.

    out = softmax(q @ k^T * scale + bias, causal rows masked) @ v

The score matrix is never formed whole: queries are taken BLOCK rows at a time and keys BLOCK
columns at a time. The forward keeps, per query row, the running maximum m, the running
normalizer l and the running weighted sum of values, and rescales them by exp(m_old - m_new)
when a new key block raises the maximum (the online softmax); it returns the output and the
row's log-sum-exp lse = m + log(l). The backward recomputes each score block from q, k and lse:

    p = exp(s - lse),  D = rowsum(dout * out),
    dv += p^T @ dout,  ds = p * (dout @ v^T - D),  dq += ds @ k * scale,  dk += ds^T @ q * scale,

and dbias = ds when the bias needs a gradient (then the (..., L, S) gradient is formed: it is
the size of the bias the caller broadcast, so nothing is lost). A row whose every key is masked
(-inf) gives a zero output and zero gradients, as PyTorch's math path does.

Leading (batch, head) dims broadcast as in matmul; `bias` broadcasts to (..., L, S) (a view,
never copied). Causal masking is top-left aligned (query i sees keys j <= i), as
torch.ones(L, S).tril().
"""
import numpy as np

from .._alloc import empty_heads_like

__all__ = ["sdpa_forward", "sdpa_backward"]

BLOCK = 128


def _batch_shape(q, k, v, bias):
    shapes = [q.shape[:-2], k.shape[:-2], v.shape[:-2]]
    if bias is not None:
        shapes.append(bias.shape[:-2] if bias.ndim >= 2 else ())
    return np.broadcast_shapes(*shapes)


def _scores(qs, k, bias, causal, i0, i1, j0, j1):
    """The score block s[i0:i1, j0:j1] (qs already scaled), masked."""
    s = qs @ np.swapaxes(k[..., j0:j1, :], -1, -2)
    if bias is not None:
        s = s + bias[..., i0:i1, j0:j1]
    if causal and j1 - 1 > i0:
        rows = np.arange(i0, i1)[:, None]
        cols = np.arange(j0, j1)[None, :]
        s = np.where(cols > rows, -np.inf, s)
    return s


def _key_end(causal, i1, S):
    """Keys past the block's last query are all masked under causal: skip them."""
    return min(S, i1) if causal else S


def sdpa_forward(q, k, v, bias, causal, scale, block=BLOCK):
    """(out, lse): attention of q (..., L, E) over k (..., S, E), v (..., S, Ev)."""
    batch = _batch_shape(q, k, v, bias)
    L, S, Ev = q.shape[-2], k.shape[-2], v.shape[-1]
    dt = np.result_type(q, k, v)
    q = np.broadcast_to(q, batch + q.shape[-2:])
    bias = None if bias is None else np.broadcast_to(bias, batch + (L, S))
    _, out = empty_heads_like(q, batch, L, Ev, dt)  # laid out as the C kernel's
    out[...] = 0
    lse = np.full(batch + (L,), -np.inf, dt)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for i0 in range(0, L, block):
            i1 = min(L, i0 + block)
            qs = q[..., i0:i1, :] * dt.type(scale)
            m = np.full(batch + (i1 - i0,), -np.inf, dt)
            l = np.zeros(batch + (i1 - i0,), dt)
            acc = np.zeros(batch + (i1 - i0, Ev), dt)
            for j0 in range(0, _key_end(causal, i1, S), block):
                j1 = min(S, j0 + block)
                s = _scores(qs, k, bias, causal, i0, i1, j0, j1)
                m_new = np.maximum(m, s.max(axis=-1))
                shift = np.where(np.isneginf(m_new), 0, m_new)  # a row masked so far stays at p = 0
                p = np.exp(s - shift[..., None])
                alpha = np.exp(m - shift)
                l = l * alpha + p.sum(axis=-1)
                acc = acc * alpha[..., None] + p @ v[..., j0:j1, :]
                m = m_new
            seen = l > 0
            out[..., i0:i1, :] = np.where(seen[..., None], acc / np.where(seen, l, 1)[..., None], 0)
            lse[..., i0:i1] = np.where(seen, m + np.log(np.where(seen, l, 1)), -np.inf)
    return out, lse


def sdpa_backward(dout, q, k, v, bias, out, lse, causal, scale, bias_grad, block=BLOCK):
    """(dq, dk, dv, dbias) of sdpa_forward; dq/dk/dv have the broadcast batch shape (the caller
    sums broadcast dims away); dbias is None unless bias_grad."""
    batch = _batch_shape(q, k, v, bias)
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    dt = np.result_type(q, k, v)
    q = np.broadcast_to(q, batch + q.shape[-2:])
    k = np.broadcast_to(k, batch + k.shape[-2:])
    v = np.broadcast_to(v, batch + v.shape[-2:])
    bias = None if bias is None else np.broadcast_to(bias, batch + (L, S))
    dout = np.broadcast_to(dout, batch + (L, v.shape[-1]))
    scale = dt.type(scale)
    D = (dout * out).sum(axis=-1)
    dq = np.zeros(batch + (L, E), dt)
    dk = np.zeros(batch + (S, E), dt)
    dv = np.zeros(batch + (S, v.shape[-1]), dt)
    dbias = np.zeros(batch + (L, S), dt) if bias_grad else None
    live_lse = np.where(np.isneginf(lse), 0, lse)
    with np.errstate(invalid="ignore", over="ignore"):
        for i0 in range(0, L, block):
            i1 = min(L, i0 + block)
            qs = q[..., i0:i1, :] * scale
            do = dout[..., i0:i1, :]
            for j0 in range(0, _key_end(causal, i1, S), block):
                j1 = min(S, j0 + block)
                s = _scores(qs, k, bias, causal, i0, i1, j0, j1)
                p = np.exp(s - live_lse[..., i0:i1, None])
                p = np.where(np.isneginf(lse[..., i0:i1, None]), 0, p)
                dv[..., j0:j1, :] += np.swapaxes(p, -1, -2) @ do
                ds = p * (do @ np.swapaxes(v[..., j0:j1, :], -1, -2) - D[..., i0:i1, None])
                dq[..., i0:i1, :] += (ds @ k[..., j0:j1, :]) * scale
                dk[..., j0:j1, :] += np.swapaxes(ds, -1, -2) @ qs
                if dbias is not None:
                    dbias[..., i0:i1, j0:j1] = ds
    return dq, dk, dv, dbias

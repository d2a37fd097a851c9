"""Hand-written NumPy references for ``python -m bench seq``: a character-level LSTM language
model training step (embedding, stacked LSTM, linear head, cross-entropy, Adam) with its backward
through time written out, and scaled dot-product attention computed the direct way (the whole
score matrix), forward and backward."""
import numpy as np

from . import seq_models


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class CharLSTMTrainer:
    """One Adam step per call of step(idx, target) on the weights in `state` (PyTorch's names)."""

    def __init__(self, state, layers, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.p = {k: v.copy() for k, v in state.items()}
        self.layers, self.lr, self.betas, self.eps = layers, lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    def _lstm_forward(self, x, l):
        p = self.p
        B, T, _ = x.shape
        H = p[f"lstm.weight_hh_l{l}"].shape[1]
        xw = x @ p[f"lstm.weight_ih_l{l}"].T + p[f"lstm.bias_ih_l{l}"] + p[f"lstm.bias_hh_l{l}"]
        h, c = np.zeros((B, H), x.dtype), np.zeros((B, H), x.dtype)
        cache, hs = [], np.empty((B, T, H), x.dtype)
        for t in range(T):
            g = xw[:, t] + h @ p[f"lstm.weight_hh_l{l}"].T
            i, f, gg, o = _sigmoid(g[:, :H]), _sigmoid(g[:, H:2 * H]), np.tanh(g[:, 2 * H:3 * H]), _sigmoid(g[:, 3 * H:])
            c_prev, h_prev = c, h
            c = f * c + i * gg
            tc = np.tanh(c)
            h = o * tc
            hs[:, t] = h
            cache.append((i, f, gg, o, c_prev, h_prev, tc))
        return hs, cache

    def _lstm_backward(self, x, dhs, cache, l, grads):
        p = self.p
        B, T, H = dhs.shape
        W_hh = p[f"lstm.weight_hh_l{l}"]
        dh_next, dc_next = np.zeros((B, H), x.dtype), np.zeros((B, H), x.dtype)
        dgates = np.empty((B, T, 4 * H), x.dtype)
        dW_hh = np.zeros_like(W_hh)
        for t in range(T - 1, -1, -1):
            i, f, gg, o, c_prev, h_prev, tc = cache[t]
            dh = dhs[:, t] + dh_next
            dc = dc_next + dh * o * (1 - tc * tc)
            dg = np.concatenate([dc * gg * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - gg * gg),
                                 dh * tc * o * (1 - o)], axis=1)
            dgates[:, t] = dg
            dW_hh += dg.T @ h_prev
            dh_next = dg @ W_hh
            dc_next = dc * f
        flat = dgates.reshape(B * T, 4 * H)
        grads[f"lstm.weight_ih_l{l}"] = flat.T @ x.reshape(B * T, -1)
        grads[f"lstm.weight_hh_l{l}"] = dW_hh
        grads[f"lstm.bias_ih_l{l}"] = grads[f"lstm.bias_hh_l{l}"] = flat.sum(0)
        return (flat @ p[f"lstm.weight_ih_l{l}"]).reshape(x.shape)

    def step(self, idx, target):
        p = self.p
        x = p["emb.weight"][idx]
        inputs, caches = [], []
        for l in range(self.layers):
            inputs.append(x)
            x, cache = self._lstm_forward(x, l)
            caches.append(cache)
        B, T, H = x.shape
        logits = x.reshape(B * T, H) @ p["head.weight"].T + p["head.bias"]
        logits -= logits.max(1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(1, keepdims=True)
        n = B * T
        loss = -np.log(prob[np.arange(n), target.reshape(-1)]).mean()
        dlogits = prob
        dlogits[np.arange(n), target.reshape(-1)] -= 1
        dlogits /= n
        grads = {"head.weight": dlogits.T @ x.reshape(n, H), "head.bias": dlogits.sum(0)}
        dx = (dlogits @ p["head.weight"]).reshape(B, T, H)
        for l in range(self.layers - 1, -1, -1):
            dx = self._lstm_backward(inputs[l], dx, caches[l], l, grads)
        demb = np.zeros_like(p["emb.weight"])
        np.add.at(demb, idx.reshape(-1), dx.reshape(n, -1))
        grads["emb.weight"] = demb
        self._adam(grads)
        return loss

    def _adam(self, grads):
        self.t += 1
        b1, b2 = self.betas
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            mhat = self.m[k] / (1 - b1 ** self.t)
            vhat = self.v[k] / (1 - b2 ** self.t)
            self.p[k] -= self.lr * mhat / (np.sqrt(vhat) + self.eps)


def sdpa_step(q, k, v, dout):
    """Causal attention forward and backward with the whole (L, L) score matrix: (out, dq, dk, dv)."""
    L, E = q.shape[-2:]
    scale = 1 / np.sqrt(E)
    s = q @ np.swapaxes(k, -1, -2) * scale
    s = np.where(np.tri(L, dtype=bool), s, -np.inf)
    s -= s.max(-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(-1, keepdims=True)
    out = p @ v
    dv = np.swapaxes(p, -1, -2) @ dout
    dp = dout @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(-1, keepdims=True)) * scale
    return out, ds @ k, np.swapaxes(ds, -1, -2) @ q, dv


def lstm_step(quick):
    """bench seq's char-LSTM step (seq_models.lstm_step's sizes, tokens and weights), by hand."""
    s = seq_models.lstm_sizes(quick)
    idx, target = seq_models.tokens(s, 0)
    trainer = CharLSTMTrainer(seq_models.lstm_state(s), s["layers"])
    return lambda: trainer.step(idx, target)


def sdpa_call(L):
    """seq_models.sdpa_step's attention forward and backward, by hand."""
    q, k, v, g = seq_models.sdpa_arrays(L)
    return lambda: sdpa_step(q, k, v, g)

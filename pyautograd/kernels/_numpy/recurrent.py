"""One time step of an LSTM or GRU, fused: the gate nonlinearities and the state update, and the
backward of both, each in one call (the NumPy reference of the C kernels in csrc/recurrent.c).

The matrix products stay outside: the caller computes the input projection of every time step
as one GEMM and the recurrent product per step, and hands the pre-activation gates here.
Gate order is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).

LSTM:  i, f, o = sigmoid(.), g = tanh(.);  c = f * c_prev + i * g;  h = o * tanh(c).
GRU:   r, z = sigmoid(gi + gh);  n = tanh(gi_n + r * gh_n);  h = (1 - z) * n + z * h_prev,
       where gi = x W_ih^T + b_ih and gh = h_prev W_hh^T + b_hh (b_hh's n part sits inside r *).

lstm_layer_forward / lstm_layer_backward run one LSTM layer in one direction over all the steps
of a padded batch (rows of step t at t * B): the recurrent product and the fused step per step,
and in backward the weight's gradient as one product over all steps; gru_layer_* and
rnn_layer_* (tanh or relu) likewise.

The backward kernels recompute the activations from the saved pre-activations (cheaper than
storing them, and the same numbers).
"""
import numpy as np

__all__ = ["lstm_cell_forward", "lstm_cell_backward", "gru_cell_forward", "gru_cell_backward",
           "lstm_layer_forward", "lstm_layer_backward", "gru_layer_forward", "gru_layer_backward",
           "rnn_layer_forward", "rnn_layer_backward"]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_acts(gates):
    i, f, g, o = np.split(gates, 4, axis=-1)
    return _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)


def lstm_cell_forward(gates, cx):
    """(hy, cy) from pre-activation gates (B, 4H) and the cell state cx (B, H)."""
    with np.errstate(over="ignore"):
        i, f, g, o = _lstm_acts(gates)
    cy = f * cx + i * g
    return o * np.tanh(cy), cy


def lstm_cell_backward(dhy, dcy, gates, cx, cy):
    """(dgates, dcx) of lstm_cell_forward, given the gradients of hy and cy (either may be None)."""
    with np.errstate(over="ignore"):
        i, f, g, o = _lstm_acts(gates)
    tc = np.tanh(cy)
    dc = np.zeros_like(cy) if dcy is None else dcy.copy()
    if dhy is not None:
        dc += dhy * o * (1 - tc * tc)
        do = dhy * tc
    else:
        do = np.zeros_like(cy)
    dgates = np.concatenate([dc * g * i * (1 - i), dc * cx * f * (1 - f), dc * i * (1 - g * g),
                             do * o * (1 - o)], axis=-1)
    return dgates, dc * f


def _gru_acts(gi, gh):
    ir, iz, inn = np.split(gi, 3, axis=-1)
    hr, hz, hn = np.split(gh, 3, axis=-1)
    r = _sigmoid(ir + hr)
    z = _sigmoid(iz + hz)
    n = np.tanh(inn + r * hn)
    return r, z, n, hn


def gru_cell_forward(gi, gh, hx):
    """hy from the input gates gi (B, 3H), the hidden gates gh (B, 3H) and hx (B, H)."""
    with np.errstate(over="ignore"):
        r, z, n, _ = _gru_acts(gi, gh)
    return (1 - z) * n + z * hx


def gru_cell_backward(dhy, gi, gh, hx):
    """(dgi, dgh, dhx) of gru_cell_forward (dhx is the direct part, z * dhy; the part through
    gh is the caller's GEMM)."""
    with np.errstate(over="ignore"):
        r, z, n, hn = _gru_acts(gi, gh)
    dan = dhy * (1 - z) * (1 - n * n)
    daz = dhy * (hx - n) * z * (1 - z)
    dar = dan * hn * r * (1 - r)
    dgi = np.concatenate([dar, daz, dan], axis=-1)
    dgh = np.concatenate([dar, daz, dan * r], axis=-1)
    return dgi, dgh, dhy * z


def _times(steps, reverse):
    return range(steps - 1, -1, -1) if reverse else range(steps)


def lstm_layer_forward(xproj, w_hh, h0, c0, reverse=False):
    """(out, cs, gates) of one LSTM layer in one direction: xproj (T * B, 4H) is x W_ih^T + b_ih
    + b_hh of every step, w_hh (4H, H), h0 and c0 (B, H); out and cs (T * B, H) hold h and c of
    every step, gates (T * B, 4H) the pre-activations (for the backward)."""
    batch, hidden = h0.shape
    steps = xproj.shape[0] // batch if batch else 0
    dt = np.result_type(xproj, w_hh, h0, c0)
    out, cs = np.empty((steps * batch, hidden), dt), np.empty((steps * batch, hidden), dt)
    gates = np.empty((steps * batch, 4 * hidden), dt)
    h, c = h0, c0
    for t in _times(steps, reverse):
        rows = slice(t * batch, (t + 1) * batch)
        gates[rows] = xproj[rows] + h @ w_hh.T
        out[rows], cs[rows] = lstm_cell_forward(gates[rows], c)
        h, c = out[rows], cs[rows]
    return out, cs, gates


def lstm_layer_backward(dout, dhn, dcn, gates, cs, out, w_hh, h0, c0, reverse=False):
    """(dxproj, dh0, dc0, dw_hh) of lstm_layer_forward, from the gradients of out, of the final
    h and of the final c (any may be None) and the forward's arrays."""
    batch, hidden = h0.shape
    steps = gates.shape[0] // batch if batch else 0
    dgates = np.empty_like(gates)
    dh = np.zeros_like(h0) if dhn is None else np.array(dhn, dtype=h0.dtype)
    dc = np.zeros_like(c0) if dcn is None else np.array(dcn, dtype=c0.dtype)
    dw = np.zeros_like(w_hh)
    order = list(_times(steps, reverse))
    for s in range(steps - 1, -1, -1):
        t = order[s]
        rows = slice(t * batch, (t + 1) * batch)
        if dout is not None:
            dh = dh + dout[rows]
        if s:
            prev = slice(order[s - 1] * batch, (order[s - 1] + 1) * batch)
            hprev, cprev = out[prev], cs[prev]
        else:
            hprev, cprev = h0, c0
        dgates[rows], dc = lstm_cell_backward(dh, dc, gates[rows], cprev, cs[rows])
        dh = dgates[rows] @ w_hh
        dw += dgates[rows].T @ hprev
    return dgates, dh, dc, dw


def _prev(order, s, batch, out, h0):
    """The state the s-th step taken started from: h0, or the previous step's output rows."""
    if not s:
        return h0
    t = order[s - 1]
    return out[t * batch:(t + 1) * batch]


def gru_layer_forward(xproj, w_hh, b_hh, h0, reverse=False):
    """(out, gh) of one GRU layer in one direction: xproj (T * B, 3H) = x W_ih^T + b_ih of every
    step, w_hh (3H, H), b_hh (3H,) or None, h0 (B, H); out (T * B, H) holds h of every step, gh
    (T * B, 3H) = h_prev W_hh^T + b_hh (for the backward)."""
    batch, hidden = h0.shape
    steps = xproj.shape[0] // batch if batch else 0
    dt = np.result_type(xproj, w_hh, h0)
    out, gh = np.empty((steps * batch, hidden), dt), np.empty((steps * batch, 3 * hidden), dt)
    h = h0
    for t in _times(steps, reverse):
        rows = slice(t * batch, (t + 1) * batch)
        gh[rows] = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
        out[rows] = gru_cell_forward(xproj[rows], gh[rows], h)
        h = out[rows]
    return out, gh


def gru_layer_backward(dout, dhn, xproj, gh, out, w_hh, h0, has_bias=True, reverse=False):
    """(dxproj, dh0, dw_hh, db_hh) of gru_layer_forward (db_hh None without a bias), from the
    gradients of out and of the final h (either may be None)."""
    batch, hidden = h0.shape
    steps = xproj.shape[0] // batch if batch else 0
    dxproj, dgh = np.empty_like(gh), np.empty_like(gh)
    dh = np.zeros_like(h0) if dhn is None else np.array(dhn, dtype=h0.dtype)
    dw = np.zeros_like(w_hh)
    order = list(_times(steps, reverse))
    for s in range(steps - 1, -1, -1):
        t = order[s]
        rows = slice(t * batch, (t + 1) * batch)
        if dout is not None:
            dh = dh + dout[rows]
        hprev = _prev(order, s, batch, out, h0)
        dxproj[rows], dgh[rows], direct = gru_cell_backward(dh, xproj[rows], gh[rows], hprev)
        dh = direct + dgh[rows] @ w_hh
        dw += dgh[rows].T @ hprev
    return dxproj, dh, dw, (dgh.sum(0) if has_bias else None)


def rnn_layer_forward(xproj, w_hh, h0, nonlinearity="tanh", reverse=False):
    """out of one Elman RNN layer in one direction: xproj (T * B, H) = x W_ih^T + b_ih + b_hh of
    every step, w_hh (H, H), h0 (B, H); out (T * B, H) holds h of every step."""
    batch, hidden = h0.shape
    steps = xproj.shape[0] // batch if batch else 0
    out = np.empty((steps * batch, hidden), np.result_type(xproj, w_hh, h0))
    h = h0
    for t in _times(steps, reverse):
        rows = slice(t * batch, (t + 1) * batch)
        pre = xproj[rows] + h @ w_hh.T
        out[rows] = np.tanh(pre) if nonlinearity == "tanh" else np.maximum(pre, 0)  # relu(-inf) = 0, NaN stays
        h = out[rows]
    return out


def rnn_layer_backward(dout, dhn, out, w_hh, h0, nonlinearity="tanh", reverse=False):
    """(dxproj, dh0, dw_hh) of rnn_layer_forward (the gradient of the pre-activations first),
    from the gradients of out and of the final h (either may be None)."""
    batch, hidden = h0.shape
    steps = out.shape[0] // batch if batch else 0
    dxproj = np.empty_like(out)
    dh = np.zeros_like(h0) if dhn is None else np.array(dhn, dtype=h0.dtype)
    dw = np.zeros_like(w_hh)
    order = list(_times(steps, reverse))
    for s in range(steps - 1, -1, -1):
        t = order[s]
        rows = slice(t * batch, (t + 1) * batch)
        if dout is not None:
            dh = dh + dout[rows]
        h = out[rows]
        dxproj[rows] = dh * (1 - h * h) if nonlinearity == "tanh" else np.where(h > 0, dh, 0)  # an inf gradient is cut to 0, as in PyTorch
        dh = dxproj[rows] @ w_hh
        dw += dxproj[rows].T @ _prev(order, s, batch, out, h0)
    return dxproj, dh, dw

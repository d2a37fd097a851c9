"""One time step of an LSTM or GRU, fused: the gate nonlinearities and the state update, and the
backward of both, each in one call (the NumPy reference of the C kernels in csrc/recurrent.c).

The matrix products stay outside: the caller computes the input projection of every time step
as one GEMM and the recurrent product per step, and hands the pre-activation gates here.
Gate order is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).

LSTM:  i, f, o = sigmoid(.), g = tanh(.);  c = f * c_prev + i * g;  h = o * tanh(c).
GRU:   r, z = sigmoid(gi + gh);  n = tanh(gi_n + r * gh_n);  h = (1 - z) * n + z * h_prev,
       where gi = x W_ih^T + b_ih and gh = h_prev W_hh^T + b_hh (b_hh's n part sits inside r *).

The backward kernels recompute the activations from the saved pre-activations (cheaper than
storing them, and the same numbers).
"""
import numpy as np

__all__ = ["lstm_cell_forward", "lstm_cell_backward", "gru_cell_forward", "gru_cell_backward"]


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

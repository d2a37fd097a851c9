"""The fused time step of an LSTM and a GRU as primitive ops (the recurrent layers in
nn/modules/rnn.py loop over time calling these).

lstm_cell_fused(gates, cx) -> (hy, cy) takes the pre-activation gates (B, 4H) -- the input
projection plus the recurrent product plus both biases -- and the cell state; gru_cell_fused(gi,
gh, hx) -> hy takes the input gates x W_ih^T + b_ih and the hidden gates h W_hh^T + b_hh (B, 3H).
The matrix products stay in the layer (one GEMM for all steps' input projections, one per step
for the recurrence).

A plain backward (the engine runs formulas under no_grad) is one fused kernel call per step
(kernels.lstm_cell_backward / gru_cell_backward, NumPy or C); with create_graph the same
gradients are written in differentiable Tensor ops, so these ops are twice differentiable.

lstm_layer(xproj, w_hh, hx, cx, reverse) is a whole LSTM layer in one direction over a padded
batch, one node as PyTorch's CPU LSTM layer (MkldnnRnnLayerBackward0): the time loop runs in
one kernel call (kernels.lstm_layer_forward, which packs W_hh once for every step's GEMM), and
its backward is one call too, with W_hh's gradient as one GEMM over all the steps rather than
one per step summed by the engine. gru_layer and rnn_layer (tanh or relu) do the same for the
GRU and Elman layers (GruLayerBackward0, RnnLayerBackward0: PyTorch records those layers step by
step, with no node of its own to match).
"""
from .. import kernels
from .._tensor import Tensor
from ..graph import grad_mode
from . import pointwise, shape
from ._opdef import defop


def _wrap(arrays, needs):
    return tuple(Tensor._wrap(a) if need else None for a, need in zip(arrays, needs))


def _lstm_grads(grads, gates, cx, result, needs_input_grad):
    dhy, dcy = grads
    if not grad_mode.is_grad_enabled():
        return _wrap(kernels.lstm_cell_backward(dhy._data, dcy._data, gates._data, cx._data, result[1]._data),
                     needs_input_grad)
    i, f, g, o = shape.chunk(gates, 4, -1)
    i, f, g, o = pointwise.sigmoid(i), pointwise.sigmoid(f), pointwise.tanh(g), pointwise.sigmoid(o)
    tc = pointwise.tanh(f * cx + i * g)
    dc = dcy + dhy * o * (1 - tc * tc)
    dgates = shape.cat([dc * g * i * (1 - i), dc * cx * f * (1 - f), dc * i * (1 - g * g),
                            dhy * tc * o * (1 - o)], -1)
    return dgates, dc * f


lstm_cell_fused = defop(
    "lstm_cell_fused", "gates, cx", kernels.lstm_cell_forward, tensors=("gates", "cx"), promote="common",
    num_outputs=2, grads={"*": _lstm_grads},
    doc="(hy, cy) of one LSTM step from pre-activation gates (B, 4H) in PyTorch's order (i, f, g, o) and the "
        "cell state cx (B, H): cy = f * cx + i * g, hy = o * tanh(cy).")


def _gru_grads(grad, gi, gh, hx, needs_input_grad):
    if not grad_mode.is_grad_enabled():
        return _wrap(kernels.gru_cell_backward(grad._data, gi._data, gh._data, hx._data), needs_input_grad)
    ir, iz, inn = shape.chunk(gi, 3, -1)
    hr, hz, hn = shape.chunk(gh, 3, -1)
    r, z = pointwise.sigmoid(ir + hr), pointwise.sigmoid(iz + hz)
    n = pointwise.tanh(inn + r * hn)
    dan = grad * (1 - z) * (1 - n * n)
    daz = grad * (hx - n) * z * (1 - z)
    dar = dan * hn * r * (1 - r)
    return shape.cat([dar, daz, dan], -1), shape.cat([dar, daz, dan * r], -1), grad * z


gru_cell_fused = defop(
    "gru_cell_fused", "gi, gh, hx", kernels.gru_cell_forward, tensors=("gi", "gh", "hx"), promote="common",
    grads={"*": _gru_grads},
    doc="hy of one GRU step from the input gates gi = x W_ih^T + b_ih and hidden gates gh = hx W_hh^T + b_hh "
        "(B, 3H, order r, z, n) and hx (B, H): n = tanh(gi_n + r * gh_n), hy = (1 - z) * n + z * hx.")


def _lstm_layer_forward(xproj, w_hh, hx, cx, reverse):
    out, cs, gates = kernels.lstm_layer_forward(xproj, w_hh, hx, cx, reverse)
    batch, hidden = hx.shape
    steps = out.shape[0] // batch if batch else 0
    # out as (T, B, H), PyTorch's layer output (so a layer's output is this node, as there)
    out3 = out.reshape(steps, batch, hidden)
    if not steps:
        return out3, hx.copy(), cx.copy(), gates, cs
    last = slice(0, batch) if reverse else slice((steps - 1) * batch, steps * batch)
    return out3, out[last].copy(), cs[last].copy(), gates, cs


def _lstm_layer_fast(grads, w_hh, hx, cx, reverse, result):
    dout, dhn, dcn = grads[:3]
    out, _, _, gates, cs = (r._data if isinstance(r, Tensor) else r for r in result)
    hidden = hx.shape[1]
    dxproj, dh0, dc0, dw = kernels.lstm_layer_backward(None if dout is None else dout.reshape(-1, hidden), dhn, dcn,
                                                       gates, cs, out.reshape(-1, hidden), w_hh, hx, cx, reverse)
    return dxproj, dw, dh0, dc0


def _lstm_layer_grads(grads, xproj, w_hh, hx, cx, reverse, result):
    """The layer's gradients in differentiable Tensor ops (for create_graph): the forward again
    step by step, then back through time with the fused step's formula. (`result` is read by
    the fused backward on arrays, which runs when no graph is built.)"""
    dout, dh, dc = grads[:3]
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch if batch else 0
    pieces = shape.split(xproj, batch, 0) if steps else []
    douts = shape.unbind(dout, 0) if steps else []
    h, c, record = hx, cx, []
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        gates = pieces[t] + h.mm(w_hh.t())
        hy, cy = lstm_cell_fused(gates, c)
        record.append((t, gates, h, c, cy))
        h, c = hy, cy
    dgates, dw = [None] * steps, None
    for t, gates, hprev, cprev, cy in reversed(record):
        dh = dh + douts[t]
        dgates[t], dc = _lstm_grads((dh, dc), gates, cprev, (None, cy), (True, True))
        dh = dgates[t].mm(w_hh)
        term = dgates[t].t().mm(hprev)
        dw = term if dw is None else dw + term
    dxproj = shape.cat(dgates, 0) if steps else xproj * 0
    return dxproj, dw, dh, dc


lstm_layer = defop(
    "lstm_layer", "xproj, w_hh, hx, cx, reverse=False", _lstm_layer_forward, tensors=("xproj", "w_hh", "hx", "cx"),
    promote="common", num_outputs=5, nondiff_outputs=(3, 4), grads={"*": _lstm_layer_grads},
    fast_backward=_lstm_layer_fast, node_name="MkldnnRnnLayerBackward0",
    doc="One LSTM layer in one direction over a padded batch: from xproj (T * B, 4H) = x W_ih^T + b_ih + b_hh "
        "of every step (rows of step t at t * B), w_hh (4H, H) and the states hx, cx (B, H), returns (out "
        "(T, B, H), h_n, c_n, cell states (T * B, H), gates (T * B, 4H)); the last two are what the backward "
        "reads. reverse=True walks time from the last step.")


def _gru_layer_forward(xproj, w_hh, b_hh, hx, reverse):
    out, gh = kernels.gru_layer_forward(xproj, w_hh, b_hh, hx, reverse)
    batch = hx.shape[0]
    steps = out.shape[0] // batch if batch else 0
    if not steps:
        return out, hx.copy(), gh
    return out, out[slice(0, batch) if reverse else slice((steps - 1) * batch, steps * batch)].copy(), gh


def _gru_layer_fast(grads, xproj, w_hh, b_hh, hx, reverse, result):
    out, _, gh = (r._data if isinstance(r, Tensor) else r for r in result)
    dxproj, dh0, dw, db = kernels.gru_layer_backward(grads[0], grads[1], xproj, gh, out, w_hh, hx, b_hh is not None,
                                                     reverse)
    return dxproj, dw, db, dh0


def _gru_layer_grads(grads, xproj, w_hh, b_hh, hx, reverse, result):
    """gru_layer's gradients in differentiable Tensor ops (for create_graph), as _lstm_layer_grads.
    (`result` is read by the fused backward on arrays.)"""
    dout, dh = grads[:2]
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch if batch else 0
    pieces = shape.split(xproj, batch, 0) if steps else []
    douts = shape.split(dout, batch, 0) if steps else []
    h, record = hx, []
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        gh = h.mm(w_hh.t()) if b_hh is None else h.mm(w_hh.t()) + b_hh
        record.append((t, gh, h))
        h = gru_cell_fused(pieces[t], gh, h)
    dxs, dw, db = [None] * steps, None, None
    for t, gh, hprev in reversed(record):
        dh = dh + douts[t]
        dxs[t], dgh, direct = _gru_grads(dh, pieces[t], gh, hprev, (True, True, True))
        dh = direct + dgh.mm(w_hh)
        term, bterm = dgh.t().mm(hprev), dgh.sum(0)
        dw = term if dw is None else dw + term
        db = bterm if db is None else db + bterm
    return (shape.cat(dxs, 0) if steps else xproj * 0), dw, (None if b_hh is None else db), dh


gru_layer = defop(
    "gru_layer", "xproj, w_hh, b_hh, hx, reverse=False", _gru_layer_forward, tensors=("xproj", "w_hh", "b_hh", "hx"),
    promote="common", num_outputs=3, nondiff_outputs=(2,), grads={"*": _gru_layer_grads},
    fast_backward=_gru_layer_fast,
    doc="One GRU layer in one direction over a padded batch: from xproj (T * B, 3H) = x W_ih^T + b_ih of every "
        "step, w_hh (3H, H), b_hh (3H,) or None and hx (B, H), returns (out (T * B, H), h_n, the hidden gates "
        "(T * B, 3H), which the backward reads).")


def _rnn_layer_forward(xproj, w_hh, hx, nonlinearity, reverse):
    out = kernels.rnn_layer_forward(xproj, w_hh, hx, nonlinearity, reverse)
    batch = hx.shape[0]
    steps = out.shape[0] // batch if batch else 0
    if not steps:
        return out, hx.copy()
    return out, out[slice(0, batch) if reverse else slice((steps - 1) * batch, steps * batch)].copy()


def _rnn_layer_fast(grads, w_hh, hx, nonlinearity, reverse, result):
    out = result[0]._data if isinstance(result[0], Tensor) else result[0]
    dxproj, dh0, dw = kernels.rnn_layer_backward(grads[0], grads[1], out, w_hh, hx, nonlinearity, reverse)
    return dxproj, dw, dh0


def _rnn_layer_grads(grads, xproj, w_hh, hx, nonlinearity, reverse, result):
    """rnn_layer's gradients in differentiable Tensor ops (for create_graph), as _lstm_layer_grads.
    (`result` is read by the fused backward on arrays.)"""
    dout, dh = grads
    batch = hx.shape[0]
    steps = xproj.shape[0] // batch if batch else 0
    pieces = shape.split(xproj, batch, 0) if steps else []
    douts = shape.split(dout, batch, 0) if steps else []
    h, record = hx, []
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        pre = pieces[t] + h.mm(w_hh.t())
        hy = pointwise.tanh(pre) if nonlinearity == "tanh" else pointwise.relu(pre)
        record.append((t, h, hy))
        h = hy
    dxs, dw = [None] * steps, None
    for t, hprev, hy in reversed(record):
        dh = dh + douts[t]
        dxs[t] = dh * (1 - hy * hy) if nonlinearity == "tanh" else dh * (hy > 0)
        dh = dxs[t].mm(w_hh)
        term = dxs[t].t().mm(hprev)
        dw = term if dw is None else dw + term
    return (shape.cat(dxs, 0) if steps else xproj * 0), dw, dh


rnn_layer = defop(
    "rnn_layer", "xproj, w_hh, hx, nonlinearity='tanh', reverse=False", _rnn_layer_forward,
    tensors=("xproj", "w_hh", "hx"), promote="common", num_outputs=2, grads={"*": _rnn_layer_grads},
    fast_backward=_rnn_layer_fast,
    doc="One Elman RNN layer in one direction over a padded batch: from xproj (T * B, H) = x W_ih^T + b_ih + b_hh "
        "of every step, w_hh (H, H) and hx (B, H), returns (out (T * B, H), h_n); nonlinearity 'tanh' or 'relu'.")

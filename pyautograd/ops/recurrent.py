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

"""C wrappers for the fused LSTM / GRU steps (csrc/recurrent.c).

Signatures and results are the NumPy reference's (_numpy/recurrent.py). The wrappers check
that the arrays are 2-D float32/float64 of one dtype with the shapes the step implies (gates
(B, 4H) or (B, 3H), states (B, H)) and make them contiguous; anything else raises
checks.Unsupported (the dispatcher then runs the reference), so no pointer reaches C with
a wrong length.
"""
import numpy as np

from .._alloc import empty
from .._registry import KernelSpec
from ..checks import Unsupported
from . import _marshal as m

__all__ = ["lstm_cell_forward", "lstm_cell_backward", "gru_cell_forward", "gru_cell_backward"]

# Crossover: none. The NumPy step makes about fifteen ufunc passes (and temporaries) forward and
# twenty backward; C makes one, so it wins from the smallest batch.
SPECS = {name: KernelSpec(name, 0) for name in __all__}

_SYMBOLS = {name: {dt: m.symbol("rnn", name, dt) for dt in m.CTYPES} for name in __all__}


def _operands(gates_per_unit, gates, *states):
    """(dtype, batch, hidden, contiguous arrays) when C can take them, else None."""
    if not isinstance(gates, np.ndarray) or gates.ndim != 2 or gates.shape[1] % gates_per_unit:
        return None
    dt = gates.dtype
    if dt not in m.CTYPES:
        return None
    batch, hidden = gates.shape[0], gates.shape[1] // gates_per_unit
    for s in states:
        if s is None:
            continue
        if not isinstance(s, np.ndarray) or s.dtype != dt:
            return None
        if s.shape not in ((batch, hidden), (batch, gates_per_unit * hidden)):
            return None
    return dt, batch, hidden, [None if s is None else np.ascontiguousarray(s) for s in (gates,) + states]


def lstm_cell_forward(gates, cx):
    """(hy, cy) of one LSTM step (C)."""
    ops = _operands(4, gates, cx)
    if ops is None or cx.shape != (gates.shape[0], gates.shape[1] // 4):
        raise Unsupported("lstm_cell_forward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, hidden, (g, c) = ops
    hy, cy = empty((batch, hidden), dt), empty((batch, hidden), dt)
    m.check(_SYMBOLS["lstm_cell_forward"][dt](m.ptr(g), m.ptr(c), m.out_ptr(hy), m.out_ptr(cy), batch, hidden,
                                         m.threads[0]), "lstm_cell_forward")
    return hy, cy


def lstm_cell_backward(dhy, dcy, gates, cx, cy):
    """(dgates, dcx) of one LSTM step (C)."""
    ops = _operands(4, gates, dhy, dcy, cx, cy)
    if ops is None:
        raise Unsupported("lstm_cell_backward: operands the C kernel does not take (dtype, shape or layout)")
    state = (gates.shape[0], gates.shape[1] // 4)
    if any(a is not None and a.shape != state for a in (dhy, dcy, cx, cy)):
        raise Unsupported("lstm_cell_backward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, hidden, (g, dh, dc, c0, c1) = ops
    dgates, dcx = empty(g.shape, dt), empty((batch, hidden), dt)
    m.check(_SYMBOLS["lstm_cell_backward"][dt](m.ffi.NULL if dh is None else m.ptr(dh), m.ffi.NULL if dc is None
                                          else m.ptr(dc), m.ptr(g), m.ptr(c0), m.ptr(c1), m.out_ptr(dgates),
                                          m.out_ptr(dcx), batch, hidden, m.threads[0]), "lstm_cell_backward")
    return dgates, dcx


def gru_cell_forward(gi, gh, hx):
    """hy of one GRU step (C)."""
    ops = _operands(3, gi, gh, hx)
    if ops is None or gh.shape != gi.shape or hx.shape != (gi.shape[0], gi.shape[1] // 3):
        raise Unsupported("gru_cell_forward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, hidden, (a, b, h) = ops
    hy = empty((batch, hidden), dt)
    m.check(_SYMBOLS["gru_cell_forward"][dt](m.ptr(a), m.ptr(b), m.ptr(h), m.out_ptr(hy), batch, hidden, m.threads[0]),
            "gru_cell_forward")
    return hy


def gru_cell_backward(dhy, gi, gh, hx):
    """(dgi, dgh, dhx) of one GRU step (C)."""
    ops = _operands(3, gi, gh, hx, dhy)
    if ops is None:
        raise Unsupported("gru_cell_backward: operands the C kernel does not take (dtype, shape or layout)")
    state = (gi.shape[0], gi.shape[1] // 3)
    if gh.shape != gi.shape or hx.shape != state or dhy.shape != state:
        raise Unsupported("gru_cell_backward: operands the C kernel does not take (dtype, shape or layout)")
    dt, batch, hidden, (a, b, h, dh) = ops
    dgi, dgh, dhx = empty(a.shape, dt), empty(a.shape, dt), empty((batch, hidden), dt)
    m.check(_SYMBOLS["gru_cell_backward"][dt](m.ptr(dh), m.ptr(a), m.ptr(b), m.ptr(h), m.out_ptr(dgi), m.out_ptr(dgh),
                                         m.out_ptr(dhx), batch, hidden, m.threads[0]), "gru_cell_backward")
    return dgi, dgh, dhx


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

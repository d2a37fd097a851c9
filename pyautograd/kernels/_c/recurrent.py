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

__all__ = ["lstm_cell_forward", "lstm_cell_backward", "gru_cell_forward", "gru_cell_backward",
           "lstm_layer_forward", "lstm_layer_backward", "gru_layer_forward", "gru_layer_backward",
           "rnn_layer_forward", "rnn_layer_backward"]

# Crossover: none. The NumPy step makes about fifteen ufunc passes (and temporaries) forward and
# twenty backward; C makes one, so it wins from the smallest batch.
SPECS = {name: KernelSpec(name, 0) for name in __all__}
# the layer's backward: the incoming gradients may be None, its saved gates decide
SPECS["lstm_layer_backward"] = KernelSpec("lstm_layer_backward", 0, size_args=(3,))
SPECS["gru_layer_backward"] = KernelSpec("gru_layer_backward", 0, size_args=(2,))
SPECS["rnn_layer_backward"] = KernelSpec("rnn_layer_backward", 0, size_args=(2,))

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


def _layer_operands(name, xproj, w_hh, h0, c0, states=(), saved=()):
    """(dtype, steps, batch, hidden) of a layer call, or Unsupported: every array float32/float64
    of one dtype and of the shape the layer implies (so no pointer reaches C with a wrong
    length). xproj is the (T * B, 4H) array (dgates' shape); `states` are dout, dhn, dcn (each
    may be None), `saved` gates, cs, out."""
    refuse = Unsupported(f"{name}: operands the C kernel does not take (dtype, shape or layout)")
    if not all(isinstance(a, np.ndarray) for a in (xproj, w_hh, h0, c0, *saved)):
        raise refuse
    dt = xproj.dtype
    if dt not in m.CTYPES or h0.ndim != 2 or xproj.ndim != 2:
        raise refuse
    batch, hidden = h0.shape
    if batch == 0 or hidden == 0 or xproj.shape[0] % batch:
        raise refuse
    steps = xproj.shape[0] // batch
    state, rows, gates = (batch, hidden), (steps * batch, hidden), (steps * batch, 4 * hidden)
    expect = [(xproj, gates), (w_hh, (4 * hidden, hidden)), (h0, state), (c0, state)]
    expect += list(zip(states, (rows, state, state))) + list(zip(saved, (gates, rows, rows)))
    for a, shape in expect:
        if a is not None and (not isinstance(a, np.ndarray) or a.dtype != dt or a.shape != shape):
            raise refuse
    return dt, steps, batch, hidden


def _c(a):
    return None if a is None else np.ascontiguousarray(a)


def _p(a):
    return m.ffi.NULL if a is None else m.ptr(a)


def lstm_layer_forward(xproj, w_hh, h0, c0, reverse=False):
    """(out, cs, gates) of one LSTM layer in one direction (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_operands("lstm_layer_forward", xproj, w_hh, h0, c0)
    xproj, w_hh, h0, c0 = (_c(a) for a in (xproj, w_hh, h0, c0))
    out, cs = empty((steps * batch, hidden), dt), empty((steps * batch, hidden), dt)
    gates = empty((steps * batch, 4 * hidden), dt)
    m.check(_SYMBOLS["lstm_layer_forward"][dt](m.ptr(xproj), m.ptr(w_hh), m.ptr(h0), m.ptr(c0), m.out_ptr(out),
                                               m.out_ptr(cs), m.out_ptr(gates), steps, batch, hidden,
                                               int(bool(reverse)), m.threads[0]), "lstm_layer_forward")
    return out, cs, gates


def lstm_layer_backward(dout, dhn, dcn, gates, cs, out, w_hh, h0, c0, reverse=False):
    """(dxproj, dh0, dc0, dw_hh) of lstm_layer_forward (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_operands("lstm_layer_backward", gates, w_hh, h0, c0,
                                               (dout, dhn, dcn), (gates, cs, out))
    dout, dhn, dcn, gates, cs, out, w_hh, h0, c0 = (_c(a) for a in (dout, dhn, dcn, gates, cs, out, w_hh, h0, c0))
    dgates = empty(gates.shape, dt)
    dh0, dc0, dw = empty((batch, hidden), dt), empty((batch, hidden), dt), empty(w_hh.shape, dt)
    m.check(_SYMBOLS["lstm_layer_backward"][dt](_p(dout), _p(dhn), _p(dcn), m.ptr(gates), m.ptr(cs), m.ptr(out),
                                                m.ptr(w_hh), m.ptr(h0), m.ptr(c0), m.out_ptr(dgates),
                                                m.out_ptr(dh0), m.out_ptr(dc0), m.out_ptr(dw), steps, batch,
                                                hidden, int(bool(reverse)), m.threads[0]), "lstm_layer_backward")
    return dgates, dh0, dc0, dw


def _checked(name, dt, *pairs):
    """Unsupported unless every (array or None, shape) pair is None or an ndarray of dtype dt
    and that shape."""
    for a, shape in pairs:
        if a is not None and (not isinstance(a, np.ndarray) or a.dtype != dt or a.shape != shape):
            raise Unsupported(f"{name}: operands the C kernel does not take (dtype, shape or layout)")


def _layer_sizes(name, xproj, h0, gates):
    """(dtype, steps, batch, hidden) from xproj (steps * batch, gates * hidden) and h0."""
    if not (isinstance(xproj, np.ndarray) and isinstance(h0, np.ndarray) and xproj.dtype in m.CTYPES
            and xproj.ndim == 2 and h0.ndim == 2 and h0.shape[0] and h0.shape[1]
            and xproj.shape[0] % h0.shape[0] == 0 and xproj.shape[1] == gates * h0.shape[1]):
        raise Unsupported(f"{name}: operands the C kernel does not take (dtype, shape or layout)")
    batch, hidden = h0.shape
    return xproj.dtype, xproj.shape[0] // batch, batch, hidden


def gru_layer_forward(xproj, w_hh, b_hh, h0, reverse=False):
    """(out, gh) of one GRU layer in one direction (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_sizes("gru_layer_forward", xproj, h0, 3)
    _checked("gru_layer_forward", dt, (w_hh, (3 * hidden, hidden)), (b_hh, (3 * hidden,)), (h0, (batch, hidden)))
    if w_hh is None:
        raise Unsupported("gru_layer_forward: no w_hh")
    xproj, w_hh, b_hh, h0 = (_c(a) for a in (xproj, w_hh, b_hh, h0))
    out, gh = empty((steps * batch, hidden), dt), empty((steps * batch, 3 * hidden), dt)
    m.check(_SYMBOLS["gru_layer_forward"][dt](m.ptr(xproj), m.ptr(w_hh), _p(b_hh), m.ptr(h0), m.out_ptr(out),
                                              m.out_ptr(gh), steps, batch, hidden, int(bool(reverse)),
                                              m.threads[0]), "gru_layer_forward")
    return out, gh


def gru_layer_backward(dout, dhn, xproj, gh, out, w_hh, h0, has_bias=True, reverse=False):
    """(dxproj, dh0, dw_hh, db_hh) of gru_layer_forward (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_sizes("gru_layer_backward", xproj, h0, 3)
    rows, state = (steps * batch, hidden), (batch, hidden)
    _checked("gru_layer_backward", dt, (dout, rows), (dhn, state), (gh, xproj.shape), (out, rows),
             (w_hh, (3 * hidden, hidden)))
    if gh is None or out is None or w_hh is None:
        raise Unsupported("gru_layer_backward: a saved array is missing")
    dout, dhn, xproj, gh, out, w_hh, h0 = (_c(a) for a in (dout, dhn, xproj, gh, out, w_hh, h0))
    dxproj, dh0, dw = empty(xproj.shape, dt), empty(state, dt), empty(w_hh.shape, dt)
    db = empty((3 * hidden,), dt) if has_bias else None
    m.check(_SYMBOLS["gru_layer_backward"][dt](_p(dout), _p(dhn), m.ptr(xproj), m.ptr(gh), m.ptr(out), m.ptr(w_hh),
                                               m.ptr(h0), m.out_ptr(dxproj), m.out_ptr(dh0), m.out_ptr(dw),
                                               m.ffi.NULL if db is None else m.out_ptr(db), steps, batch, hidden,
                                               int(bool(reverse)), m.threads[0]), "gru_layer_backward")
    return dxproj, dh0, dw, db


def _relu_flag(name, nonlinearity):
    if nonlinearity not in ("tanh", "relu"):
        raise Unsupported(f"{name}: nonlinearity {nonlinearity!r}")
    return int(nonlinearity == "relu")


def rnn_layer_forward(xproj, w_hh, h0, nonlinearity="tanh", reverse=False):
    """out of one Elman RNN layer in one direction (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_sizes("rnn_layer_forward", xproj, h0, 1)
    _checked("rnn_layer_forward", dt, (w_hh, (hidden, hidden)), (h0, (batch, hidden)))
    relu = _relu_flag("rnn_layer_forward", nonlinearity)
    if w_hh is None:
        raise Unsupported("rnn_layer_forward: no w_hh")
    xproj, w_hh, h0 = (_c(a) for a in (xproj, w_hh, h0))
    out = empty((steps * batch, hidden), dt)
    m.check(_SYMBOLS["rnn_layer_forward"][dt](m.ptr(xproj), m.ptr(w_hh), m.ptr(h0), m.out_ptr(out), steps, batch,
                                              hidden, relu, int(bool(reverse)), m.threads[0]), "rnn_layer_forward")
    return out


def rnn_layer_backward(dout, dhn, out, w_hh, h0, nonlinearity="tanh", reverse=False):
    """(dxproj, dh0, dw_hh) of rnn_layer_forward (C; see the NumPy reference)."""
    dt, steps, batch, hidden = _layer_sizes("rnn_layer_backward", out, h0, 1)
    state = (batch, hidden)
    _checked("rnn_layer_backward", dt, (dout, out.shape), (dhn, state), (w_hh, (hidden, hidden)))
    relu = _relu_flag("rnn_layer_backward", nonlinearity)
    if w_hh is None:
        raise Unsupported("rnn_layer_backward: no w_hh")
    dout, dhn, out, w_hh, h0 = (_c(a) for a in (dout, dhn, out, w_hh, h0))
    dxproj, dh0, dw = empty(out.shape, dt), empty(state, dt), empty(w_hh.shape, dt)
    m.check(_SYMBOLS["rnn_layer_backward"][dt](_p(dout), _p(dhn), m.ptr(out), m.ptr(w_hh), m.ptr(h0),
                                               m.out_ptr(dxproj), m.out_ptr(dh0), m.out_ptr(dw), steps, batch,
                                               hidden, relu, int(bool(reverse)), m.threads[0]), "rnn_layer_backward")
    return dxproj, dh0, dw


# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

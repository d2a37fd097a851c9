"""The sequence-model C kernels against their NumPy references: blocked attention forward and
backward (float32/float64, causal, shared and per-head bias with broadcast strides, lengths that
are not multiples of the block and that span several query and key blocks), the fused LSTM/GRU steps; and operands the C kernels do not
take go to the reference instead of reaching C."""
import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels import _numpy as ref

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built")

TOL = {np.float32: 2e-5, np.float64: 1e-12}


def _close(a, b, dtype):
    if a is None or b is None:
        assert a is None and b is None
        return
    np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("L, S, causal, bias", [(5, 7, False, None), (70, 130, True, None), (33, 33, False, "shared"),
                                                (40, 90, True, "per-head"), (9, 4, False, "broadcast-row"),
                                                (200, 300, True, None), (301, 130, True, "shared"),
                                                (130, 257, False, "per-head")])
def test_sdpa_c_matches_reference(dtype, L, S, causal, bias):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s).astype(dtype) for s in ((2, 3, L, 8), (2, 3, S, 8), (2, 3, S, 5)))
    b = {None: None, "shared": rng.standard_normal((L, S)), "per-head": rng.standard_normal((2, 3, L, S)),
         "broadcast-row": rng.standard_normal((1, S))}[bias]
    b = None if b is None else b.astype(dtype)
    dout = rng.standard_normal((2, 3, L, 5)).astype(dtype)
    with K.use_backend("c"):
        out, lse = K.sdpa_forward(q, k, v, b, causal, 0.3)
        grads = K.sdpa_backward(dout, q, k, v, b, out, lse, causal, 0.3, b is not None)
    rout, rlse = ref.sdpa_forward(q, k, v, b, causal, 0.3)
    rgrads = ref.sdpa_backward(dout, q, k, v, b, rout, rlse, causal, 0.3, b is not None)
    _close(out, rout, dtype)
    _close(lse, rlse, dtype)
    for g, r in zip(grads, rgrads):
        _close(g, r, dtype)


def test_sdpa_c_fully_masked_rows_and_fallbacks():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((1, 4, 3)) for _ in range(3))
    bias = np.zeros((4, 4))
    bias[2] = -np.inf
    with K.use_backend("c"):
        out, lse = K.sdpa_forward(q, k, v, bias, False, 1.0)
        assert np.all(out[0, 2] == 0) and np.isneginf(lse[0, 2])
        # batch dims that broadcast between q and k, or a float32 / float64 mix: the reference runs
        q2 = rng.standard_normal((2, 4, 3))
        out2, _ = K.sdpa_forward(q2, k, v, None, False, 1.0)
        np.testing.assert_allclose(out2, ref.sdpa_forward(q2, k, v, None, False, 1.0)[0])
        out3, _ = K.sdpa_forward(q.astype(np.float32), k, v, None, False, 1.0)
        assert out3.shape == (1, 4, 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_recurrent_steps_c_match_reference(dtype):
    rng = np.random.default_rng(2)
    gates, cx, dh, dc = (rng.standard_normal(s).astype(dtype) * 3 for s in ((5, 28), (5, 7), (5, 7), (5, 7)))
    gi, gh = (rng.standard_normal((5, 21)).astype(dtype) * 3 for _ in range(2))
    with K.use_backend("c"):
        h, c = K.lstm_cell_forward(gates, cx)
        dg, dcx = K.lstm_cell_backward(dh, dc, gates, cx, c)
        hy = K.gru_cell_forward(gi, gh, cx)
        gru = K.gru_cell_backward(dh, gi, gh, cx)
        # a non-contiguous view is copied, a wrong shape goes to the reference (which raises)
        h2, _ = K.lstm_cell_forward(np.asfortranarray(gates), cx)
        with pytest.raises(ValueError):
            K.lstm_cell_forward(gates, cx[:, :3])
    rh, rc = ref.lstm_cell_forward(gates, cx)
    for a, b in zip((h, c, h2, *ref.lstm_cell_backward(dh, dc, gates, cx, rc)), (rh, rc, rh, dg, dcx)):
        _close(a, b, dtype)
    _close(hy, ref.gru_cell_forward(gi, gh, cx), dtype)
    for a, b in zip(gru, ref.gru_cell_backward(dh, gi, gh, cx)):
        _close(a, b, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_c_masked_blocks_match_reference(dtype, causal):
    # a boolean-style mask (-inf bias) scattered over several query and key blocks, rows masked
    # whole, head sizes that are not multiples of the GEMM's tiles
    rng = np.random.default_rng(3)
    L, S = 283, 197
    q, k, v = (rng.standard_normal(s).astype(dtype) for s in ((2, L, 40), (2, S, 40), (2, S, 17)))
    bias = np.where(rng.random((L, S)) < 0.3, -np.inf, 0.0).astype(dtype)
    bias[[0, 100, 282]] = -np.inf
    bias[150, :] = -np.inf
    bias[150, 190] = 0.0  # one visible key, in the last key block
    dout = rng.standard_normal((2, L, 17)).astype(dtype)
    with K.use_backend("c"):
        out, lse = K.sdpa_forward(q, k, v, bias, causal, 0.2)
        grads = K.sdpa_backward(dout, q, k, v, bias, out, lse, causal, 0.2, True)
    rout, rlse = ref.sdpa_forward(q, k, v, bias, causal, 0.2)
    rgrads = ref.sdpa_backward(dout, q, k, v, bias, rout, rlse, causal, 0.2, True)
    assert np.all(out[:, 0] == 0) and np.isneginf(lse[:, 282]).all()
    _close(out, rout, dtype)
    _close(lse, rlse, dtype)
    for g, r in zip(grads, rgrads):
        _close(g, r, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("steps, batch, hidden", [(3, 32, 64), (2, 37, 20), (4, 5, 17), (1, 1, 3), (2, 9, 300)])
@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_c_matches_reference(dtype, steps, batch, hidden, reverse):
    """The whole-layer kernels (W_hh packed once, 8-row tiles for whole groups of 8 rows and a
    zero-padded copy for the rest, several K slices from hidden 300 on) against the reference,
    with and without each incoming gradient."""
    rng = np.random.default_rng(steps * batch + hidden)
    xproj = rng.standard_normal((steps * batch, 4 * hidden)).astype(dtype)
    w_hh = (rng.standard_normal((4 * hidden, hidden)) / np.sqrt(hidden)).astype(dtype)
    h0, c0 = (rng.standard_normal((batch, hidden)).astype(dtype) for _ in range(2))
    dout = rng.standard_normal((steps * batch, hidden)).astype(dtype)
    dhn, dcn = (rng.standard_normal((batch, hidden)).astype(dtype) for _ in range(2))
    want = ref.lstm_layer_forward(xproj, w_hh, h0, c0, reverse)
    with K.use_backend("c"):
        got = K.lstm_layer_forward(xproj, w_hh, h0, c0, reverse)
    for a, b in zip(got, want):
        _close(a, b, dtype)
    out, cs, gates = want
    for grads in ((dout, dhn, dcn), (dout, None, None), (None, dhn, None), (None, None, dcn)):
        with K.use_backend("c"):
            got = K.lstm_layer_backward(*grads, gates, cs, out, w_hh, h0, c0, reverse)
        for a, b in zip(got, ref.lstm_layer_backward(*grads, gates, cs, out, w_hh, h0, c0, reverse)):
            _close(a, b, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("steps, batch, hidden", [(3, 32, 64), (2, 37, 20), (1, 1, 3), (2, 9, 300)])
@pytest.mark.parametrize("reverse", [False, True])
def test_gru_and_rnn_layers_c_match_reference(dtype, steps, batch, hidden, reverse):
    """The GRU (with and without b_hh) and Elman (tanh, relu) layer kernels against the reference."""
    rng = np.random.default_rng(steps * batch + hidden)
    h0 = rng.standard_normal((batch, hidden)).astype(dtype)
    dout = rng.standard_normal((steps * batch, hidden)).astype(dtype)
    dhn = rng.standard_normal((batch, hidden)).astype(dtype)
    for bias in (True, False):
        xproj = rng.standard_normal((steps * batch, 3 * hidden)).astype(dtype)
        w_hh = (rng.standard_normal((3 * hidden, hidden)) / np.sqrt(hidden)).astype(dtype)
        b_hh = rng.standard_normal(3 * hidden).astype(dtype) if bias else None
        want = ref.gru_layer_forward(xproj, w_hh, b_hh, h0, reverse)
        with K.use_backend("c"):
            got = K.gru_layer_forward(xproj, w_hh, b_hh, h0, reverse)
        for a, b in zip(got, want):
            _close(a, b, dtype)
        for grads in ((dout, dhn), (dout, None), (None, dhn)):
            args = (*grads, xproj, want[1], want[0], w_hh, h0, bias, reverse)
            with K.use_backend("c"):
                got = K.gru_layer_backward(*args)
            for a, b in zip(got, ref.gru_layer_backward(*args)):
                _close(a, b, dtype)
    for nonlinearity in ("tanh", "relu"):
        xproj = rng.standard_normal((steps * batch, hidden)).astype(dtype)
        w_hh = (rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)).astype(dtype)
        want = ref.rnn_layer_forward(xproj, w_hh, h0, nonlinearity, reverse)
        with K.use_backend("c"):
            _close(K.rnn_layer_forward(xproj, w_hh, h0, nonlinearity, reverse), want, dtype)
        for grads in ((dout, dhn), (dout, None), (None, dhn)):
            args = (*grads, want, w_hh, h0, nonlinearity, reverse)
            with K.use_backend("c"):
                got = K.rnn_layer_backward(*args)
            for a, b in zip(got, ref.rnn_layer_backward(*args)):
                _close(a, b, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["projection", "three-batch", "step-rows", "one-head"])
def test_sdpa_c_reads_strided_heads_in_place(dtype, layout):
    """q, k, v as a Transformer's projection gives them ((B, L, 3, H, E) split and viewed as
    (B, H, L, E)), with three batch dims, with rows that are not contiguous (copied), one head:
    the same values as the reference on contiguous copies; out, dq, dk, dv laid out like their
    inputs (heads side by side), as PyTorch's CPU attention lays them out."""
    rng = np.random.default_rng(4)
    B, L, H, E = 3, 70, 4, 8
    if layout == "three-batch":
        qkv = rng.standard_normal((2, B, L, 3, H, E)).astype(dtype)
        q, k, v = (qkv[:, :, :, i].transpose(0, 1, 3, 2, 4) for i in range(3))
    elif layout == "step-rows":
        base = rng.standard_normal((3, B, H, 2 * L, E)).astype(dtype)
        q, k, v = (base[i, :, :, ::2] for i in range(3))
    else:
        heads = 1 if layout == "one-head" else H
        qkv = rng.standard_normal((B, L, 3 * heads * E)).astype(dtype)
        q, k, v = (qkv[:, :, i * heads * E:(i + 1) * heads * E].reshape(B, L, heads, E).transpose(0, 2, 1, 3)
                   for i in range(3))
    dout = np.ascontiguousarray(rng.standard_normal(q.shape).astype(dtype).swapaxes(-3, -2)).swapaxes(-3, -2)
    with K.use_backend("c"):
        out, lse = K.sdpa_forward(q, k, v, None, True, 0.4)
        grads = K.sdpa_backward(dout, q, k, v, None, out, lse, True, 0.4, False)
    contiguous = [np.ascontiguousarray(x) for x in (q, k, v, dout)]
    rout, rlse = ref.sdpa_forward(*contiguous[:3], None, True, 0.4)
    rgrads = ref.sdpa_backward(contiguous[3], *contiguous[:3], None, rout, rlse, True, 0.4, False)
    _close(out, rout, dtype)
    _close(lse, rlse, dtype)
    for g, r in zip(grads, rgrads):
        _close(g, r, dtype)
    side_by_side = layout in ("projection", "three-batch")
    for result in (out, *grads[:3]):
        assert (result.strides[-3] < result.strides[-2]) == side_by_side
        assert result.strides[-1] == result.itemsize
    # the reference lays its output out the same way
    assert ref.sdpa_forward(q, k, v, None, True, 0.4)[0].strides == out.strides

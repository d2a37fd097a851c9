"""Recurrent layers against PyTorch with the same weights (torch's state_dict loaded into ours):
RNN/LSTM/GRU over layers, directions, batch_first, bias, proj_size, given or omitted initial
states, unbatched and packed input (values, final states, gradients of inputs, states and every
parameter); the cells; nn.utils.rnn; parameter layout and init; the fused step kernels'
backward against the op-by-op formula; gradcheck; and the errors."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd import kernels
from pyautograd.nn.utils import rnn as rnn_utils

torch = pytest.importorskip("torch")
TU = torch.nn.utils.rnn


def _close(ours, theirs, tol=1e-9):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _pair(rng, shape):
    a = rng.standard_normal(shape)
    return pag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _twins(cls, *args, **kwargs):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, cls)(*args, **kwargs).double()
    ours = getattr(nn, cls)(*args, dtype=pag.float64, **kwargs)
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in sd.values()]
    ours.load_state_dict({k: pag.tensor(v.numpy()) for k, v in sd.items()})
    return ours, theirs


def _flat(out):
    """The tensors of an RNN's result, flattened ((out, h) or (out, (h, c)))."""
    first, rest = out
    if isinstance(first, (rnn_utils.PackedSequence, TU.PackedSequence)):
        first = first.data
    return [first] + (list(rest) if isinstance(rest, tuple) else [rest])


def _compare(ours, theirs, x, tx, h=None, th=None):
    res = ours(x, h) if h is not None else ours(x)
    tres = theirs(tx, th) if th is not None else theirs(tx)
    outs, touts = _flat(res), _flat(tres)
    for a, b in zip(outs, touts):
        _close(a, b)
    rng = np.random.default_rng(9)
    grads = [rng.standard_normal(tuple(a.shape)) for a in outs]
    pag.autograd.backward(outs, [pag.tensor(g) for g in grads])
    torch.autograd.backward(touts, [torch.tensor(g) for g in grads])
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, tparams[name].grad)
    return res, tres


CASES = [
    ("RNN", (3, 4), {}),
    ("RNN", (3, 4), {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("RNN", (3, 4), {"bias": False, "batch_first": True}),
    ("LSTM", (3, 4), {}),
    ("LSTM", (3, 4), {"num_layers": 2, "bidirectional": True, "batch_first": True}),
    ("LSTM", (3, 5), {"proj_size": 2, "num_layers": 2}),
    ("LSTM", (3, 5), {"proj_size": 3, "bidirectional": True, "bias": False}),
    ("GRU", (3, 4), {}),
    ("GRU", (3, 4), {"num_layers": 3, "bidirectional": True}),
    ("GRU", (3, 4), {"bias": False, "batch_first": True, "num_layers": 2}),
]


@pytest.mark.parametrize("given_h0", [False, True])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[2]}")
def test_layer_matches_torch(case, given_h0):
    cls, args, kwargs = case
    ours, theirs = _twins(cls, *args, **kwargs)
    rng = np.random.default_rng(1)
    T, N = 5, 3
    x, tx = _pair(rng, (N, T, args[0]) if kwargs.get("batch_first") else (T, N, args[0]))
    h = th = None
    if given_h0:
        layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
        hsize = kwargs.get("proj_size") or args[1]
        (h0, th0) = _pair(rng, (layers, N, hsize))
        if cls == "LSTM":
            c0, tc0 = _pair(rng, (layers, N, args[1]))
            h, th = (h0, c0), (th0, tc0)
        else:
            h, th = h0, th0
    _compare(ours, theirs, x, tx, h, th)
    _close(x.grad, tx.grad)
    if given_h0:
        for a, b in zip(h if cls == "LSTM" else [h], th if cls == "LSTM" else [th]):
            _close(a.grad, b.grad)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(cls):
    ours, theirs = _twins(cls, 3, 4, num_layers=2)
    rng = np.random.default_rng(2)
    x, tx = _pair(rng, (6, 3))
    res, tres = _compare(ours, theirs, x, tx)
    assert tuple(res[0].shape) == (6, 4)
    _close(x.grad, tx.grad)


def test_dropout_between_layers_only_in_training():
    ours, theirs = _twins("LSTM", 3, 4, num_layers=2, dropout=0.5)
    x = pag.randn(5, 2, 3, dtype=pag.float64)
    ours.eval()
    theirs.eval()
    _close(ours(x)[0], theirs(torch.tensor(x.numpy()))[0])
    ours.train()
    pag.manual_seed(0)
    a = ours(x)[0]
    pag.manual_seed(0)
    b = ours(x)[0]
    pag.manual_seed(1)
    c = ours(x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert not np.allclose(a.detach().numpy(), c.detach().numpy())
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("cls, kwargs", [("LSTM", {"bidirectional": True, "num_layers": 2}),
                                         ("GRU", {"bidirectional": True}), ("RNN", {"batch_first": True})])
def test_packed_sequence_matches_torch(cls, kwargs, enforce_sorted):
    ours, theirs = _twins(cls, 3, 4, **kwargs)
    rng = np.random.default_rng(3)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 4]
    bf = kwargs.get("batch_first", False)
    x, tx = _pair(rng, (4, 5, 3) if bf else (5, 4, 3))
    packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first=bf, enforce_sorted=enforce_sorted)
    tpacked = TU.pack_padded_sequence(tx, lengths, batch_first=bf, enforce_sorted=enforce_sorted)
    np.testing.assert_array_equal(packed.batch_sizes.numpy(), tpacked.batch_sizes.numpy())
    _close(packed.data, tpacked.data)
    res, tres = _compare(ours, theirs, packed, tpacked)
    _close(x.grad, tx.grad)
    padded, lens = rnn_utils.pad_packed_sequence(res[0], batch_first=bf, total_length=6)
    tpadded, tlens = TU.pad_packed_sequence(tres[0], batch_first=bf, total_length=6)
    _close(padded, tpadded)
    np.testing.assert_array_equal(lens.numpy(), tlens.numpy())


def test_rnn_utils_match_torch():
    rng = np.random.default_rng(4)
    seqs = [_pair(rng, (n, 2)) for n in (4, 2, 3)]
    for bf in (False, True):
        for side in ("right", "left"):
            _close(rnn_utils.pad_sequence([s for s, _ in seqs], bf, -1.0, side),
                   TU.pad_sequence([t for _, t in seqs], bf, -1.0, side))
    p = rnn_utils.pack_sequence([s for s, _ in seqs], enforce_sorted=False)
    tp = TU.pack_sequence([t for _, t in seqs], enforce_sorted=False)
    _close(p.data, tp.data)
    np.testing.assert_array_equal(p.sorted_indices.numpy(), tp.sorted_indices.numpy())
    np.testing.assert_array_equal(p.unsorted_indices.numpy(), tp.unsorted_indices.numpy())
    padded, lengths = rnn_utils.pad_packed_sequence(p, batch_first=True, padding_value=7.0)
    tpadded, tlengths = TU.pad_packed_sequence(tp, batch_first=True, padding_value=7.0)
    _close(padded, tpadded)
    np.testing.assert_array_equal(lengths.numpy(), tlengths.numpy())
    padded.sum().backward()
    tpadded.sum().backward()
    for (s, t) in seqs:
        _close(s.grad, t.grad)
    back = rnn_utils.unpack_sequence(p)
    for b, (s, _) in zip(back, seqs):
        _close(b, s)


def test_rnn_utils_errors():
    x = pag.randn(4, 3, 2)
    with pytest.raises(RuntimeError, match=r"sorted in decreasing order.*\[2, 4, 1\].*\[4, 3, 2\]"):
        rnn_utils.pack_padded_sequence(x, [2, 4, 1])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn_utils.pack_padded_sequence(x, [2, 0, 1], enforce_sorted=False)
    p = rnn_utils.pack_padded_sequence(x, [4, 2, 1])
    with pytest.raises(ValueError, match="total_length=3 and max sequence length being 4"):
        rnn_utils.pad_packed_sequence(p, total_length=3)


@pytest.mark.parametrize("cls, kwargs", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu", "bias": False}),
                                         ("LSTMCell", {}), ("GRUCell", {}), ("GRUCell", {"bias": False})])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(cls, kwargs, batched):
    ours, theirs = _twins(cls, 3, 4, **kwargs)
    rng = np.random.default_rng(5)
    shape = (2,) if batched else ()
    x, tx = _pair(rng, shape + (3,))
    h, th = _pair(rng, shape + (4,))
    if cls == "LSTMCell":
        c, tc = _pair(rng, shape + (4,))
        out, tout = ours(x, (h, c)), theirs(tx, (th, tc))
    else:
        out, tout = (ours(x, h),), (theirs(tx, th),)
    grads = [rng.standard_normal(tuple(o.shape)) for o in out]
    for a, b in zip(out, tout):
        _close(a, b)
    pag.autograd.backward(list(out), [pag.tensor(g) for g in grads])
    torch.autograd.backward(list(tout), [torch.tensor(g) for g in grads])
    _close(x.grad, tx.grad)
    _close(h.grad, th.grad)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, tparams[name].grad)
    # h omitted: zeros
    _close(ours(x)[0] if cls == "LSTMCell" else ours(x), theirs(tx)[0] if cls == "LSTMCell" else theirs(tx))


def test_parameters_layout_and_init():
    m = nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    t = torch.nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [[tuple(w.shape) for w in ws] for ws in m.all_weights] == [[tuple(w.shape) for w in ws]
                                                                      for ws in t.all_weights]
    bound = 1 / np.sqrt(8)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.9 * bound
    m.flatten_parameters()  # a no-op, as on PyTorch's CPU build
    assert repr(m) == repr(t)
    assert repr(nn.RNN(2, 3, nonlinearity="relu")) == repr(torch.nn.RNN(2, 3, nonlinearity="relu"))


def test_errors_name_layer_and_shapes():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match=r"LSTM: input.size\(-1\) must be equal to input_size. Expected 3, got 6"):
        lstm(pag.randn(5, 2, 6))
    with pytest.raises(RuntimeError, match=r"LSTM: Expected hidden\[0\] size \(1, 2, 4\), got \[1, 3, 4\]"):
        lstm(pag.randn(5, 2, 3), (pag.randn(1, 3, 4), pag.randn(1, 2, 4)))
    with pytest.raises(RuntimeError, match=r"GRU: Expected hidden size \(2, 2, 4\), got \[1, 2, 4\]"):
        nn.GRU(3, 4, num_layers=2)(pag.randn(5, 2, 3), pag.randn(1, 2, 4))
    with pytest.raises(RuntimeError, match=r"GRUCell: input has inconsistent input_size: got 5 expected 3"):
        nn.GRUCell(3, 4)(pag.randn(2, 5))
    with pytest.raises(RuntimeError, match=r"LSTMCell: Expected hidden\[1\] size \(2, 4\), got \[2, 5\]"):
        nn.LSTMCell(3, 4)(pag.randn(2, 3), (pag.randn(2, 4), pag.randn(2, 5)))
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    # an empty sequence, batched or not: PyTorch's RuntimeError
    for layer in (nn.LSTM(3, 4), nn.GRU(3, 4, batch_first=True), nn.RNN(3, 4)):
        for x in (pag.randn(2, 0, 3) if layer.batch_first else pag.randn(0, 2, 3), pag.randn(0, 3)):
            with pytest.raises(RuntimeError, match=r"Expected sequence length to be larger than 0 in RNN"):
                layer(x)


@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True}, {"num_layers": 2}, {"bidirectional": True},
                                    {"num_layers": 2, "dropout": 0.5}])
def test_lstm_output_node_is_pytorchs(kwargs):
    """On padded float32 input each LSTM layer is one node, MkldnnRnnLayerBackward0, as PyTorch's
    CPU layer there (in float64 PyTorch records the steps): the output's grad_fn, and the layer
    nodes right under a transpose or a cat of directions, are named as PyTorch's. (Under a layer
    node the graphs differ: here the layer's input is its input projection, x W_ih^T + b, there
    the layer below itself.)"""
    ours, theirs = nn.LSTM(3, 4, **kwargs), torch.nn.LSTM(3, 4, **kwargs)
    a = np.random.default_rng(4).standard_normal((5, 2, 3)).astype(np.float32)
    x, tx = pag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)

    def top(out):
        g = out.grad_fn
        if g.name() == "MkldnnRnnLayerBackward0":
            return g.name()
        return g.name(), sorted(n.name() for n, _ in g.next_functions if n is not None)
    assert top(ours(x)[0]) == top(theirs(tx)[0])


def test_gradcheck_through_time():
    pag.manual_seed(0)
    for layer in (nn.LSTM(2, 3, bidirectional=True, proj_size=2, dtype=pag.float64),
                  nn.GRU(2, 3, num_layers=2, dtype=pag.float64), nn.RNN(2, 3, dtype=pag.float64)):
        x = pag.randn(4, 2, 2, dtype=pag.float64, requires_grad=True)
        params = list(layer.parameters())[:2]

        def fn(x, *ps, layer=layer):
            return layer(x)[0]
        assert pag.autograd.gradcheck(fn, (x, *params))
    lstm = nn.LSTM(2, 2, dtype=pag.float64)
    x = pag.randn(3, 1, 2, dtype=pag.float64, requires_grad=True)
    assert pag.autograd.gradgradcheck(lambda x: lstm(x)[0], (x,))


@pytest.mark.parametrize("backend_name", ["numpy", "c"])
def test_fused_step_backward_equals_op_by_op(backend_name):
    """kernels.lstm_cell_backward / gru_cell_backward against the gradients of the step written
    in separate Tensor ops (differentiated by the engine)."""
    if backend_name == "c" and not kernels.c_available():
        pytest.skip("C kernels not built")
    rng = np.random.default_rng(6)
    gates, cx = rng.standard_normal((3, 8)), rng.standard_normal((3, 2))
    dh, dc = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    g, c = pag.tensor(gates, requires_grad=True), pag.tensor(cx, requires_grad=True)
    i, f, gg, o = g.chunk(4, -1)
    cy = i.sigmoid() * gg.tanh() + f.sigmoid() * c
    hy = o.sigmoid() * cy.tanh()
    pag.autograd.backward([hy, cy], [pag.tensor(dh), pag.tensor(dc)])
    with kernels.use_backend(backend_name):
        h2, c2 = kernels.lstm_cell_forward(gates, cx)
        dgates, dcx = kernels.lstm_cell_backward(dh, dc, gates, cx, c2)
    np.testing.assert_allclose(h2, hy.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dgates, g.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dcx, c.grad.numpy(), rtol=1e-12, atol=1e-12)

    gi, gh, hx = rng.standard_normal((3, 6)), rng.standard_normal((3, 6)), rng.standard_normal((3, 2))
    a, b, h = (pag.tensor(v, requires_grad=True) for v in (gi, gh, hx))
    ir, iz, inn = a.chunk(3, -1)
    hr, hz, hn = b.chunk(3, -1)
    r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
    n = (inn + r * hn).tanh()
    hy = (1 - z) * n + z * h
    hy.backward(pag.tensor(dh))
    with kernels.use_backend(backend_name):
        out = kernels.gru_cell_forward(gi, gh, hx)
        dgi, dgh, dhx = kernels.gru_cell_backward(dh, gi, gh, hx)
    np.testing.assert_allclose(out, hy.detach().numpy(), rtol=1e-12, atol=1e-12)
    for mine, ref in ((dgi, a.grad), (dgh, b.grad), (dhx, h.grad)):
        np.testing.assert_allclose(mine, ref.numpy(), rtol=1e-12, atol=1e-12)

"""Attention and Transformers against PyTorch: F.scaled_dot_product_attention (masks, causal,
scale, GQA; values and gradients; the blocked kernel's memory), nn.MultiheadAttention and the
Transformer layers with PyTorch's state_dict loaded into ours (same keys and shapes, same
outputs and gradients in eval mode), RMSNorm, and the errors."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.nn.functional as F
from pyautograd import kernels

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(rng, shape, grad=True):
    a = rng.standard_normal(shape)
    return pag.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(ours, theirs, tol=1e-9):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _load(ours, theirs):
    """Copies torch module `theirs`' state into `ours` after checking keys and shapes agree."""
    sd = theirs.state_dict()
    mine = ours.state_dict()
    assert list(mine) == list(sd)
    assert [tuple(v.shape) for v in mine.values()] == [tuple(v.shape) for v in sd.values()]
    ours.load_state_dict({k: pag.tensor(v.detach().numpy()) for k, v in sd.items()})


# -- scaled_dot_product_attention -------------------------------------------------------------------------

SDPA_CASES = [
    ((2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 6), {}),
    ((2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 6), {"is_causal": True}),
    ((5, 4), (7, 4), (7, 3), {"scale": 0.3}),
    ((2, 4, 5, 4), (2, 2, 7, 4), (2, 2, 7, 6), {"enable_gqa": True}),
    ((1, 2, 300, 8), (1, 2, 260, 8), (1, 2, 260, 4), {"is_causal": True}),  # several blocks
    ((2, 2, 5, 4), (2, 2, 7, 4), (2, 2, 7, 6), {"mask": "float"}),
    ((2, 2, 5, 4), (2, 2, 7, 4), (2, 2, 7, 6), {"mask": "bool"}),
    ((1, 2, 260, 8), (1, 2, 200, 8), (1, 2, 200, 4), {"mask": "float"}),
]


@pytest.mark.parametrize("backend_name", ["numpy", "c"])
@pytest.mark.parametrize("case", SDPA_CASES, ids=lambda c: f"{c[0]}-{sorted(c[3])}")
def test_sdpa_matches_torch(case, backend_name):
    if backend_name == "c" and not kernels.c_available():
        pytest.skip("C kernels not built")
    qs, ks, vs, kw = case
    rng = np.random.default_rng(0)
    (q, tq), (k, tk), (v, tv) = (_pair(rng, s) for s in (qs, ks, vs))
    kw, tkw = dict(kw), dict(kw)
    mask = kw.pop("mask", None)
    tkw.pop("mask", None)
    if mask == "float":
        pm, tm = _pair(rng, (qs[-2], ks[-2]))
        kw["attn_mask"], tkw["attn_mask"] = pm, tm
    elif mask == "bool":
        m = rng.random((1, qs[1], qs[-2], ks[-2])) < 0.6
        m[0, 0, 1] = False  # a row with every key masked: zeros, as PyTorch
        kw["attn_mask"], tkw["attn_mask"] = pag.tensor(m), torch.tensor(m)
    with kernels.use_backend(backend_name):
        out = F.scaled_dot_product_attention(q, k, v, **kw)
        g = rng.standard_normal(tuple(out.shape))
        out.backward(pag.tensor(g))
    tout = TF.scaled_dot_product_attention(tq, tk, tv, **tkw)
    tout.backward(torch.tensor(g))
    _close(out, tout)
    for a, b in ((q, tq), (k, tk), (v, tv)) + (((kw["attn_mask"], tkw["attn_mask"]),) if mask == "float" else ()):
        _close(a.grad, b.grad)


def test_sdpa_gradgradcheck():
    rng = np.random.default_rng(1)
    args = [pag.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3))]
    mask = pag.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    fn = lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m)  # noqa: E731
    assert pag.autograd.gradcheck(fn, (*args, mask))
    assert pag.autograd.gradgradcheck(fn, (*args, mask))
    causal = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)  # noqa: E731
    assert pag.autograd.gradcheck(causal, args)
    assert pag.autograd.gradgradcheck(causal, args)


def test_sdpa_dropout_scales_and_drops():
    rng = np.random.default_rng(2)
    q, k = pag.tensor(rng.standard_normal((64, 8))), pag.tensor(rng.standard_normal((64, 8)))
    v = pag.ones(64, 1, dtype=pag.float64)
    pag.manual_seed(0)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    # each output is the sum of the kept weights / 0.5: not all 1, averaging to about 1
    assert not np.allclose(out, 1.0)
    assert abs(out.mean() - 1.0) < 0.2
    pag.manual_seed(0)
    again = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    np.testing.assert_array_equal(out, again)


@pytest.mark.parametrize("backend_name", ["numpy", "c"])
def test_sdpa_kernel_never_forms_the_score_matrix(backend_name):
    """The blocked kernel's largest temporary is one block of scores, not (L, S)."""
    import tracemalloc
    if backend_name == "c" and not kernels.c_available():
        pytest.skip("C kernels not built")
    rng = np.random.default_rng(3)
    L, E = 1024, 16
    q, k, v = (rng.standard_normal((1, 2, L, E)).astype(np.float32) for _ in range(3))
    full = 2 * L * L * 4
    with kernels.use_backend(backend_name):
        tracemalloc.start()
        out, lse = kernels.sdpa_forward(q, k, v, None, True, 0.25)
        kernels.sdpa_backward(np.ones_like(out), q, k, v, None, out, lse, True, 0.25, False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < full / 2, (peak, full)


def test_sdpa_errors():
    q = pag.randn(2, 5, 4)
    with pytest.raises(RuntimeError, match=r"\[2, 5, 4\].*\[2, 7, 3\]"):
        F.scaled_dot_product_attention(q, pag.randn(2, 7, 3), pag.randn(2, 7, 3))
    with pytest.raises(RuntimeError, match=r"attn_mask of shape \[4, 7\].*\[2, 5, 7\]"):
        F.scaled_dot_product_attention(q, pag.randn(2, 7, 4), pag.randn(2, 7, 3), attn_mask=pag.zeros(4, 7))
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=pag.zeros(5, 5), is_causal=True)


# -- MultiheadAttention ------------------------------------------------------------------------------------

MHA_CASES = [
    ({}, {}),
    ({"batch_first": True}, {"need_weights": False}),
    ({"bias": False}, {"average_attn_weights": False}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"attn_mask": "bool"}),
    ({"kdim": 5, "vdim": 3}, {"key_padding_mask": True}),
    ({"batch_first": True}, {"key_padding_mask": True, "attn_mask": "float", "need_weights": False}),
    ({}, {"unbatched": True}),
]


@pytest.mark.parametrize("case", MHA_CASES, ids=str)
def test_multihead_attention_matches_torch(case):
    ctor, call = case
    call = dict(call)
    rng = np.random.default_rng(4)
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(8, 2, **ctor).double().eval()
    ours = nn.MultiheadAttention(8, 2, dtype=pag.float64, **ctor).eval()
    _load(ours, theirs)
    L, S, N = 4, 6, 3
    unbatched = call.pop("unbatched", False)
    bf = ctor.get("batch_first", False)

    def shape(n, d):
        return (n, d) if unbatched else ((N, n, d) if bf else (n, N, d))
    (q, tq), (k, tk), (v, tv) = (_pair(rng, shape(n, d)) for n, d in
                                 ((L, 8), (S, ctor.get("kdim", 8)), (S, ctor.get("vdim", 8))))
    kw, tkw = {}, {}
    if call.pop("key_padding_mask", False):
        m = rng.random((N, S)) < 0.3
        m[:, 0] = False
        kw["key_padding_mask"], tkw["key_padding_mask"] = pag.tensor(m), torch.tensor(m)
    mask = call.pop("attn_mask", None)
    if mask == "bool":
        m = np.triu(np.ones((L, S), bool), 1)
        kw["attn_mask"], tkw["attn_mask"] = pag.tensor(m), torch.tensor(m)
    elif mask == "float":
        m = rng.standard_normal((N * 2, L, S))
        kw["attn_mask"], tkw["attn_mask"] = pag.tensor(m), torch.tensor(m)
    kw.update(call)
    tkw.update(call)
    out, w = ours(q, k, v, **kw)
    tout, tw = theirs(tq, tk, tv, **tkw)
    _close(out, tout)
    if tw is None:
        assert w is None
    else:
        _close(w, tw)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(pag.tensor(g))
    tout.backward(torch.tensor(g))
    for a, b in ((q, tq), (k, tk), (v, tv)):
        _close(a.grad, b.grad)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, tparams[name].grad)


def test_multihead_attention_init_and_layout():
    m = nn.MultiheadAttention(12, 3, add_bias_kv=True, kdim=4)
    t = torch.nn.MultiheadAttention(12, 3, add_bias_kv=True, kdim=4)
    assert list(m.state_dict()) == list(t.state_dict())
    assert m.in_proj_weight is None and tuple(m.k_proj_weight.shape) == (12, 4)
    assert np.all(m.in_proj_bias.detach().numpy() == 0) and np.all(m.out_proj.bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (12 + 12))  # xavier-uniform of q_proj_weight
    assert np.abs(m.q_proj_weight.detach().numpy()).max() <= bound
    assert np.abs(m.q_proj_weight.detach().numpy()).max() > bound * 0.8


def test_multihead_attention_errors():
    with pytest.raises(RuntimeError, match="embed_dim must be divisible by num_heads.*10.*3"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(AssertionError):  # PyTorch's kind too
        nn.MultiheadAttention(10, 3)
    m = nn.MultiheadAttention(8, 2)
    x = pag.randn(5, 2, 8)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \[4, 5\].*\[5, 5\]"):
        m(x, x, x, attn_mask=pag.zeros(4, 5))
    with pytest.raises(RuntimeError, match=r"key_padding_mask of shape \[2, 5\].*\[3, 5\]"):
        m(x, x, x, key_padding_mask=pag.zeros(3, 5).bool())
    with pytest.raises(RuntimeError, match=r"embedding dimension of 8.*\[5, 2, 6\]"):
        m(pag.randn(5, 2, 6), x, x)
    with pytest.raises(RuntimeError, match=r"key has feature size 6.*\[5, 2, 6\].*\[8, 8\]"):
        m(x, pag.randn(5, 2, 6), x)


# -- RMSNorm ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"eps": 1e-3}, {"elementwise_affine": False}])
def test_rms_norm_matches_torch(kw):
    rng = np.random.default_rng(5)
    x, tx = _pair(rng, (3, 4, 5))
    ours, theirs = nn.RMSNorm((4, 5), dtype=pag.float64, **kw), torch.nn.RMSNorm((4, 5), **kw).double()
    with torch.no_grad():
        if theirs.weight is not None:
            theirs.weight.normal_()
    _load(ours, theirs)
    out, tout = ours(x), theirs(tx)
    _close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    _close(x.grad, tx.grad)
    if ours.weight is not None:
        _close(ours.weight.grad, theirs.weight.grad)
    # float32 default eps is float32's
    x32 = rng.standard_normal((2, 3)).astype(np.float32) * 1e-4
    _close(F.rms_norm(pag.tensor(x32), [3]), TF.rms_norm(torch.tensor(x32), [3]), 1e-5)
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\].*\[3, 4, 5\]"):
        F.rms_norm(x, [4])


# -- Transformer layers --------------------------------------------------------------------------------

LAYER_CASES = [
    {},
    {"norm_first": True, "activation": "gelu"},
    {"batch_first": True, "bias": False},
    {"activation": "callable"},
]


def _layer_kwargs(kw, lib):
    kw = dict(kw)
    if kw.get("activation") == "callable":
        kw["activation"] = lib.nn.functional.silu
    return kw


def _run_pair(ours, theirs, inputs, kwargs_pair=({}, {})):
    rng = np.random.default_rng(6)
    _load(ours, theirs)
    ours.eval()
    theirs.eval()
    pairs = [_pair(rng, s) for s in inputs]
    out = ours(*[p for p, _ in pairs], **kwargs_pair[0])
    tout = theirs(*[t for _, t in pairs], **kwargs_pair[1])
    _close(out, tout, 1e-8)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(pag.tensor(g))
    tout.backward(torch.tensor(g))
    for p, t in pairs:
        _close(p.grad, t.grad, 1e-8)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, tparams[name].grad, 1e-8)


@pytest.mark.parametrize("kw", LAYER_CASES, ids=str)
def test_encoder_layer_matches_torch(kw):
    torch.manual_seed(0)
    theirs = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, **_layer_kwargs(kw, torch)).double()
    ours = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, dtype=pag.float64, **_layer_kwargs(kw, pag))
    shape = (3, 5, 8) if kw.get("batch_first") else (5, 3, 8)
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    _run_pair(ours, theirs, [shape], ({"src_mask": pag.tensor(mask)}, {"src_mask": torch.tensor(mask)}))


@pytest.mark.parametrize("kw", LAYER_CASES, ids=str)
def test_decoder_layer_matches_torch(kw):
    torch.manual_seed(0)
    theirs = torch.nn.TransformerDecoderLayer(8, 2, 16, **_layer_kwargs(kw, torch)).double()
    ours = nn.TransformerDecoderLayer(8, 2, 16, dtype=pag.float64, **_layer_kwargs(kw, pag))
    bf = kw.get("batch_first")
    shapes = [(3, 4, 8), (3, 6, 8)] if bf else [(4, 3, 8), (6, 3, 8)]
    kpm = np.zeros((3, 6), bool)
    kpm[1, 4:] = True
    _run_pair(ours, theirs, shapes, ({"memory_key_padding_mask": pag.tensor(kpm)},
                                     {"memory_key_padding_mask": torch.tensor(kpm)}))


def test_transformer_matches_torch():
    torch.manual_seed(0)
    theirs = torch.nn.Transformer(8, 2, 2, 2, 16, batch_first=True).double()
    ours = nn.Transformer(8, 2, 2, 2, 16, batch_first=True, dtype=pag.float64)
    tmask = nn.Transformer.generate_square_subsequent_mask(4, dtype=pag.float64)
    _close(tmask, torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64))
    _run_pair(ours, theirs, [(2, 5, 8), (2, 4, 8)],
              ({"tgt_mask": tmask}, {"tgt_mask": torch.tensor(tmask.numpy())}))
    with pytest.raises(RuntimeError, match="batch number of src and tgt.*\\[2, 5, 8\\].*\\[3, 4, 8\\]"):
        ours(pag.randn(2, 5, 8, dtype=pag.float64), pag.randn(3, 4, 8, dtype=pag.float64))


def test_transformer_init_is_xavier():
    m = nn.Transformer(16, 2, 1, 1, 32)
    w = m.encoder.layers[0].linear1.weight.detach().numpy()
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert m.encoder.layers[0] is not m.encoder.layers[0 - 1] or len(m.encoder.layers) == 1


def test_activation_error():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_sdpa_kernel_chooses_the_backend():
    from pyautograd.nn.attention import SDPBackend, sdpa_kernel
    from pyautograd.ops import attention as attention_ops
    rng = np.random.default_rng(7)
    q, k, v = (pag.tensor(rng.standard_normal((1, 2, 5, 4)), requires_grad=True) for _ in range(3))
    fused = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    with sdpa_kernel(SDPBackend.MATH):
        math_out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
        again = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert fused.grad_fn.op is attention_ops.scaled_dot_product_fused_attention.op
    assert again.grad_fn.op is attention_ops.scaled_dot_product_fused_attention.op
    assert type(math_out.grad_fn).__name__ != type(fused.grad_fn).__name__
    _close(math_out, fused)
    with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
        with pytest.raises(RuntimeError, match="No viable backend"):
            F.scaled_dot_product_attention(q, k, v)
    assert SDPBackend.FLASH_ATTENTION == torch.nn.attention.SDPBackend.FLASH_ATTENTION.value

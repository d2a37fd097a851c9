"""bfloat16 (through ml_dtypes) and CPU autocast (issue 12, mixed precision).

Without PyTorch: the dtype, rounding, promotion, printing, the float32 computation of
bfloat16 kernels on both backends, autograd, optimizers, serialization, and autocast's
casts and state. With PyTorch: the same values, dtypes and grad_fn names as PyTorch's.
"""
import io
import threading
import warnings

import ml_dtypes
import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn.functional as F
from pyautograd import kernels

BF16 = np.dtype(ml_dtypes.bfloat16)
BACKENDS = ["numpy", "c"] if kernels.c_available() else ["numpy"]


def _bf16(values):
    return np.asarray(values, dtype=np.float32).astype(BF16)


def _f32(t):
    return t.detach().numpy().astype(np.float32)


# -- the dtype ---------------------------------------------------------------------------------

def test_dtype_object():
    d = P.bfloat16
    assert repr(d) == "torch.bfloat16" and d.is_floating_point and d.is_signed and d.itemsize == 2
    assert d.numpy_dtype == BF16 and P.tensor([1.0]).bfloat16().dtype is d
    info = P.finfo(P.bfloat16)
    assert (info.bits, info.eps, info.resolution, info.dtype) == (16, 2.0 ** -7, 0.01, "bfloat16")
    assert info.tiny == info.smallest_normal == 2.0 ** -126
    assert info.max == float(ml_dtypes.finfo(ml_dtypes.bfloat16).max) == -info.min


def test_floating_predicates_see_bfloat16():
    # bfloat16's NumPy kind is "V": the predicates that read a kind must not say "not floating"
    x = P.tensor([1.5, float("inf"), -float("inf"), float("nan")], dtype=P.bfloat16)
    assert x.is_floating_point() and P.is_floating_point(x)
    assert P.isposinf(x).tolist() == [False, True, False, False]
    assert P.isneginf(x).tolist() == [False, False, True, False]


def test_creation_and_conversions():
    a = P.tensor([1.0, 2.0], dtype=P.bfloat16)
    assert a.dtype is P.bfloat16 and a.numpy().dtype == BF16
    assert P.tensor([1, 2]).bfloat16().dtype is P.bfloat16
    assert P.ones(2).to(P.bfloat16).dtype is P.bfloat16 and P.zeros(2, dtype=P.bfloat16).dtype is P.bfloat16
    assert a.float().dtype is P.float32 and a.half().dtype is P.float16 and a.bfloat16() is a
    raw = np.ones(3, BF16)
    assert P.from_numpy(raw).dtype is P.bfloat16 and P.tensor(raw).dtype is P.bfloat16
    assert P.tensor(1.5, dtype=P.bfloat16).item() == 1.5
    assert P.ones(2, dtype=P.bfloat16).type() == "torch.BFloat16Tensor"
    m = P.nn.Linear(2, 3).bfloat16()
    assert m.weight.dtype is P.bfloat16 and m(P.ones(4, 2, dtype=P.bfloat16)).dtype is P.bfloat16


def test_rounding_is_to_nearest_even():
    one = 1.0
    ulp = 2.0 ** -7  # bfloat16's spacing at 1
    t = P.tensor([one + ulp / 2, one + 3 * ulp / 2, one + ulp * 0.51, -(one + ulp / 2)], dtype=P.bfloat16)
    assert t.tolist() == [1.0, 1.0 + 2 * ulp, 1.0 + ulp, -1.0]
    assert P.tensor([3.1234567], dtype=P.float32).to(P.bfloat16).item() == 3.125


def test_conversion_goes_through_float32_as_torch():
    # 1 + 2**-8 + 2**-30: float32 makes it the tie 1 + 2**-8, which rounds to even (1.0);
    # a direct float64 -> bfloat16 rounding would give 1 + 2**-7. PyTorch converts via float.
    v = 1 + 2 ** -8 + 2 ** -30
    assert P.tensor([v], dtype=P.bfloat16).item() == 1.0
    assert P.tensor([v], dtype=P.float64).bfloat16().item() == 1.0
    assert P.as_tensor([v], dtype=P.bfloat16).item() == 1.0
    assert P.tensor([2 ** 24 + 1 + 2 ** 17]).bfloat16().item() == 16908288.0


def test_anomaly_mode_finds_bfloat16_nans():
    y = P.tensor([0.0], dtype=P.bfloat16, requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        with P.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="'LogBackward0' returned nan values"):
                (y.log() * 0).sum().backward()


@pytest.mark.parametrize("other, expected", [
    (lambda: P.ones(3, dtype=P.float16), P.float32),
    (lambda: P.ones(3), P.float32),
    (lambda: P.ones(3, dtype=P.float64), P.float64),
    (lambda: P.arange(3), P.bfloat16),
    (lambda: 1, P.bfloat16),
    (lambda: 1.5, P.bfloat16),
    (lambda: P.tensor(1.0, dtype=P.float64), P.bfloat16),  # a 0-d tensor does not widen a vector
])
def test_promotion(other, expected):
    x = P.ones(3, dtype=P.bfloat16)
    assert (x + other()).dtype is expected
    assert P.promote_types(P.bfloat16, P.float16) is P.float32
    assert (P.arange(3) + P.tensor(1.0, dtype=P.bfloat16)).dtype is P.bfloat16


def test_printing():
    assert repr(P.tensor([1.0, 2.0, 3.1234567], dtype=P.bfloat16)) == \
        "tensor([1.0000, 2.0000, 3.1250], dtype=torch.bfloat16)"
    assert repr(P.tensor(1.5, dtype=P.bfloat16)) == "tensor(1.5000, dtype=torch.bfloat16)"
    x = P.tensor([1.0], dtype=P.bfloat16, requires_grad=True)
    assert repr(x * 2) == "tensor([2.], dtype=torch.bfloat16, grad_fn=<MulBackward0>)"
    assert repr(P.ones(0, dtype=P.bfloat16)) == "tensor([], dtype=torch.bfloat16)"


# -- computing: widened to float32, rounded once ---------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_kernels_compute_in_float32_and_round_once(backend):
    rng = np.random.default_rng(0)
    raw = _bf16(rng.standard_normal(4096))
    wide = raw.astype(np.float32)
    with kernels.use_backend(backend):
        x = P.from_numpy(raw.copy())
        assert P.ones(1000, dtype=P.bfloat16).sum().item() == 1000.0  # bfloat16 accumulation stops at 256
        for got, want in [(x.exp(), np.exp(wide)), (x.tanh(), np.tanh(wide)), (x * 1.3, wide * np.float32(1.3)),
                          (x / 3, wide / np.float32(3)), (x.sum(), wide.sum(dtype=np.float32)),
                          (x + 1.3, wide + np.float32(ml_dtypes.bfloat16(1.3)))]:
            assert got.dtype is P.bfloat16
            np.testing.assert_array_equal(_f32(got), np.asarray(want).astype(BF16).astype(np.float32))
        m = P.from_numpy(_bf16(rng.standard_normal((64, 32))))
        np.testing.assert_array_equal(_f32(m @ m.T), (_f32(m) @ _f32(m).T).astype(BF16).astype(np.float32))


def test_views_and_inplace_stay_bfloat16():
    x = P.zeros(2, 3, dtype=P.bfloat16)
    v = x.view(6)
    t = x.t()
    v[0] = 1.5
    assert x[0, 0].item() == 1.5 and t[0, 0].item() == 1.5
    x.add_(1).mul_(2)
    assert x.dtype is P.bfloat16 and x[0, 0].item() == 5.0 and v[1].item() == 2.0
    out = P.empty(3, dtype=P.bfloat16)
    P.add(P.ones(3, dtype=P.bfloat16), 0.5, out=out)
    assert out.tolist() == [1.5, 1.5, 1.5]


def test_float16_is_unchanged():
    h = P.ones(3000, dtype=P.float16)
    assert (h + h).dtype is P.float16 and (h + 1.5).dtype is P.float16
    assert h.sum().dtype is P.float16
    assert (P.ones(2, dtype=P.float16) + P.ones(2)).dtype is P.float32


def test_autograd_gives_bfloat16_gradients():
    w = P.tensor([0.5, -1.25, 2.0], dtype=P.bfloat16, requires_grad=True)
    y = (w * w).exp().sum()
    y.backward()
    assert y.dtype is P.bfloat16 and w.grad.dtype is P.bfloat16
    wide = np.array([0.5, -1.25, 2.0], np.float32)
    np.testing.assert_allclose(_f32(w.grad), 2 * wide * np.exp(wide * wide), rtol=2 ** -6)


def test_optimizers_update_bfloat16_parameters():
    for make in (lambda ps: P.optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: P.optim.Adam(ps, lr=0.1)):
        p = P.nn.Parameter(P.tensor([1.0, -2.0, 3.0], dtype=P.bfloat16))
        ref = P.nn.Parameter(P.tensor([1.0, -2.0, 3.0]))
        for param in (p, ref):
            opt = make([param])
            for _ in range(2):
                opt.zero_grad()
                (param * param).sum().backward()
                opt.step()
        assert p.dtype is P.bfloat16 and p.grad.dtype is P.bfloat16
        np.testing.assert_allclose(_f32(p), _f32(ref), rtol=2 ** -6)


# -- serialization ------------------------------------------------------------------------------

def test_save_load_round_trip(tmp_path):
    x = P.tensor([1.1, 2.2, -3.3], dtype=P.bfloat16, requires_grad=True)
    buf = io.BytesIO()
    P.save({"x": x, "y": x.detach() * 2, "raw": np.ones(2, BF16), "f": P.ones(2)}, buf)
    buf.seek(0)
    got = P.load(buf)
    assert got["x"].dtype is P.bfloat16 and got["x"].requires_grad and P.equal(got["x"], x)
    assert got["raw"].dtype == BF16 and got["f"].dtype is P.float32
    path = tmp_path / "x.pt"
    P.save([x], path)
    assert P.equal(P.load(path, mmap=True)[0], x)
    model = P.nn.Linear(2, 2).bfloat16()
    P.save(model, path)  # a whole object: the pickle format
    assert P.load(path, weights_only=False).weight.dtype is P.bfloat16


def test_load_refuses_a_bfloat16_entry_that_is_not_2_bytes(tmp_path):
    import json  # noqa: I001
    import zipfile
    path = tmp_path / "x.pt"
    P.save({"f": P.ones(2)}, path)
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(entries["manifest.json"])
    manifest["bfloat16_arrays"] = [0]
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    with pytest.raises(RuntimeError, match="declares array 0 bfloat16"):
        P.load(path)


def test_safetensors_bf16(tmp_path):
    pytest.importorskip("safetensors")
    from pyautograd.utils import safetensors as st
    x = P.tensor([1.1, -2.2], dtype=P.bfloat16)
    assert P.equal(st.load(st.save({"x": x}))["x"], x)
    st.save_file({"x": x}, tmp_path / "x.safetensors")
    assert st.load_file(tmp_path / "x.safetensors")["x"].dtype is P.bfloat16


# -- autocast -----------------------------------------------------------------------------------

def test_autocast_casts_the_lists():
    P.manual_seed(0)
    model = P.nn.Linear(4, 3)
    x = P.randn(2, 4)
    with P.autocast("cpu", dtype=P.bfloat16):
        y = model(x)
        loss = F.mse_loss(y, P.zeros(2, 3))
        assert (x @ x.T).dtype is P.bfloat16 and x.exp().dtype is P.float32
        assert (x.double() @ x.double().T).dtype is P.float64  # float64 is never cast
        assert F.cross_entropy(y, P.tensor([0, 1])).dtype is P.float32
        assert F.conv2d(P.randn(1, 2, 5, 5), P.randn(3, 2, 3, 3)).dtype is P.bfloat16
    assert y.dtype is P.bfloat16 and loss.dtype is P.float32
    loss.backward()
    assert model.weight.grad.dtype is P.float32 and model.bias.grad.dtype is P.float32
    np.testing.assert_array_equal(_f32(y), (_f32(x).astype(BF16).astype(np.float32)
                                           @ _f32(model.weight).astype(BF16).astype(np.float32).T
                                           + _f32(model.bias).astype(BF16).astype(np.float32)
                                           ).astype(BF16).astype(np.float32))


def test_autocast_float16_disabled_nested_and_decorator():
    x = P.ones(2, 2)
    with P.autocast("cpu", dtype=P.float16):
        assert (x @ x).dtype is P.float16
    with P.amp.autocast(device_type="cpu"):
        with P.autocast("cpu", enabled=False):
            assert (x @ x).dtype is P.float32 and not P.is_autocast_enabled("cpu")
        assert (x @ x).dtype is P.bfloat16 and P.is_autocast_enabled("cpu")
        with P.autocast("cpu", dtype=P.float16):
            assert (x @ x).dtype is P.float16 and P.get_autocast_dtype("cpu") is P.float16
        assert P.get_autocast_dtype("cpu") is P.bfloat16

    @P.autocast("cpu")
    def f(a):
        return a @ a
    assert f(x).dtype is P.bfloat16 and not P.is_autocast_enabled("cpu")
    with pytest.raises(ValueError):
        with P.autocast("cpu"):
            raise ValueError
    assert not P.is_autocast_enabled("cpu") and (x @ x).dtype is P.float32


def test_autocast_cache_reuses_a_weights_cast():
    w = P.nn.Parameter(P.ones(2, 2))
    x = P.ones(2, 2)
    with P.autocast("cpu"):
        a, b = x @ w, x @ w
    assert a.grad_fn.next_functions[1][0] is b.grad_fn.next_functions[1][0]  # one ToCopyBackward0
    with P.autocast("cpu", cache_enabled=False):
        a, b = x @ w, x @ w
    assert a.grad_fn.next_functions[1][0] is not b.grad_fn.next_functions[1][0]
    with P.autocast("cpu"):
        assert (x @ w).dtype is P.bfloat16
        with P.autocast("cpu", dtype=P.float16):  # a nested region of another dtype: its own casts
            assert (x @ w).dtype is P.float16


def test_autocast_refusals_and_devices():
    with pytest.warns(UserWarning, match="Disabling autocast"):
        ctx = P.autocast("cuda")
    with ctx:
        assert (P.ones(2, 2) @ P.ones(2, 2)).dtype is P.float32
    with pytest.warns(FutureWarning, match="deprecated"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        P.cuda.amp.autocast()
    with pytest.warns(UserWarning, match="target dtype is not supported"):
        ctx = P.autocast("cpu", dtype=P.float32)
    with ctx:
        assert not P.is_autocast_enabled("cpu")
    with pytest.warns(FutureWarning, match="torch.cpu.amp.autocast"):
        ctx = P.cpu.amp.autocast()
    with ctx:
        assert P.is_autocast_enabled("cpu") and P.get_autocast_dtype("cpu") is P.bfloat16
    with pytest.raises(RuntimeError, match="device_type"):
        P.autocast("xyz")
    with pytest.raises(ValueError, match="device_type"):
        P.autocast(0)


def test_autocast_state_functions():
    assert P.get_autocast_dtype("cpu") is P.bfloat16 and P.get_autocast_dtype("cuda") is P.float16
    assert not P.is_autocast_enabled() and P.is_autocast_cache_enabled()
    with pytest.warns(DeprecationWarning, match="get_autocast_dtype\\('cpu'\\)"):
        assert P.get_autocast_cpu_dtype() is P.bfloat16
    with pytest.warns(DeprecationWarning):
        assert P.get_autocast_gpu_dtype() is P.float16
    with pytest.warns(DeprecationWarning):
        assert P.is_autocast_cpu_enabled() is False
    P.set_autocast_enabled("cpu", True)
    try:
        assert (P.ones(2, 2) @ P.ones(2, 2)).dtype is P.bfloat16
    finally:
        P.set_autocast_enabled("cpu", False)
    P.set_autocast_dtype("cpu", P.float16)
    try:
        with P.autocast("cpu"):
            assert (P.ones(2, 2) @ P.ones(2, 2)).dtype is P.float16
    finally:
        P.set_autocast_dtype("cpu", P.bfloat16)
    assert P.autocast_increment_nesting() == 1 and P.autocast_decrement_nesting() == 0


def test_autocast_is_per_thread():
    seen = []
    with P.autocast("cpu"):
        thread = threading.Thread(target=lambda: seen.append((P.ones(2, 2) @ P.ones(2, 2)).dtype))
        thread.start()
        thread.join()
    assert seen == [P.float32]


# -- against PyTorch ----------------------------------------------------------------------------

def _same(ours, theirs):
    """Same dtype; bfloat16 values equal bit for bit (float32 ones to float32's last ulp, which
    pyautograd's and PyTorch's own float32 kernels may differ by)."""
    assert str(ours.dtype) == str(theirs.dtype)
    if ours.dtype is P.float32:
        np.testing.assert_allclose(_f32(ours), theirs.detach().numpy(), rtol=2e-7, atol=1e-30)
    else:
        np.testing.assert_array_equal(_f32(ours), theirs.detach().float().numpy())


@pytest.mark.parametrize("name, fn", [
    ("add", lambda T, x: x + 1.3), ("sub", lambda T, x: 2.7 - x), ("mul", lambda T, x: x * 1.3),
    ("div", lambda T, x: x / 1.3), ("pow", lambda T, x: x.abs() ** 1.3), ("exp", lambda T, x: x.exp()),
    ("sum", lambda T, x: x.sum()), ("mean", lambda T, x: x.mean(0)), ("var", lambda T, x: x.var()),
    ("cumsum", lambda T, x: x.cumsum(0)), ("softmax", lambda T, x: T.softmax(x, -1)),
    ("matmul", lambda T, x: x @ x.T), ("gelu", lambda T, x: T.nn.functional.gelu(x)),
    ("layer_norm", lambda T, x: T.nn.functional.layer_norm(x, (8,))), ("lt", lambda T, x: x < 0.3),
    ("clamp", lambda T, x: x.clamp(-0.5, 0.5)), ("max", lambda T, x: x.max(1).values),
    ("promote_f16", lambda T, x: x + T.ones(8, dtype=T.float16)), ("promote_int", lambda T, x: x + T.arange(8)),
])
def test_ops_match_torch(torch, name, fn):
    raw = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)
    _same(fn(P, P.tensor(raw).bfloat16()), fn(torch, torch.tensor(raw).bfloat16()))


def test_printing_and_finfo_match_torch(torch):
    for values in ([1.0, 2.0, 3.1234567], [1e5, -2.5e-3, 7.0], [[0.1, 1e-8], [3e38, -1.0]]):
        assert repr(P.tensor(values, dtype=P.bfloat16)) == repr(torch.tensor(values, dtype=torch.bfloat16))
    assert repr(P.finfo(P.bfloat16)) == repr(torch.finfo(torch.bfloat16))


def test_grads_match_torch(torch):
    raw = np.random.default_rng(2).standard_normal(16).astype(np.float32)
    grads = []
    for T in (P, torch):
        x = T.tensor(raw).bfloat16().requires_grad_()
        (x * x + 0.5 * x).sum().backward()
        grads.append(x.grad)
    _same(*grads)


def _run_autocast(T, fn, arrays, dtype):
    xs = [T.tensor(a, requires_grad=True) for a in arrays]
    with T.autocast("cpu", dtype=getattr(T, dtype)):
        y = fn(T, *xs)
    y.float().sum().backward()
    return y, [x.grad for x in xs]


@pytest.mark.parametrize("name, fn, shapes", [
    ("linear", lambda T, x, w, b: T.nn.functional.linear(x, w, b), [(5, 4), (3, 4), (3,)]),
    ("matmul", lambda T, x, w: x @ w.T, [(5, 4), (3, 4)]),
    ("matmul_vec", lambda T, x, w: T.matmul(x[0], w.T), [(5, 4), (3, 4)]),
    ("bmm", lambda T, x, w: T.bmm(x, w), [(2, 3, 4), (2, 4, 5)]),
    ("baddbmm", lambda T, x, w: T.baddbmm(T.zeros(2, 3, 5), x, w), [(2, 3, 4), (2, 4, 5)]),
    ("addmm", lambda T, x, w: T.addmm(T.zeros(3, 5), x, w), [(3, 4), (4, 5)]),
    ("conv2d", lambda T, x, w: T.nn.functional.conv2d(x, w), [(1, 2, 6, 6), (3, 2, 3, 3)]),
    ("conv1d", lambda T, x, w: T.nn.functional.conv1d(x, w), [(1, 2, 6), (3, 2, 3)]),
    ("conv_transpose2d", lambda T, x, w: T.nn.functional.conv_transpose2d(x, w), [(1, 2, 5, 5), (2, 3, 3, 3)]),
    ("prelu", lambda T, x, w: T.nn.functional.prelu(x, w), [(3, 4), (1,)]),
    ("einsum", lambda T, x, w: T.einsum("ij,kj->ik", x, w), [(5, 4), (3, 4)]),
    ("mse_loss", lambda T, x, w: T.nn.functional.mse_loss(x @ w.T, T.zeros(5, 3)), [(5, 4), (3, 4)]),
    ("cross_entropy", lambda T, x, w: T.nn.functional.cross_entropy(x @ w.T, T.tensor([0, 1, 2, 0, 1])),
     [(5, 4), (3, 4)]),
    ("cdist", lambda T, x, w: T.cdist(x, w), [(5, 4), (3, 4)]),
    ("prod", lambda T, x: x.prod(), [(6,)]),
    ("softmax_after_mm", lambda T, x, w: T.softmax(x @ w.T, -1), [(5, 4), (3, 4)]),
    ("exp_stays_f32", lambda T, x: x.exp(), [(5,)]),
])
def test_autocast_matches_torch(torch, name, fn, shapes):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    (ours, our_grads), (theirs, their_grads) = (_run_autocast(T, fn, arrays, "bfloat16") for T in (P, torch))
    _same(ours, theirs)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    for g, h in zip(our_grads, their_grads):
        assert str(g.dtype) == str(h.dtype)
        np.testing.assert_allclose(_f32(g), h.numpy(), rtol=2 ** -7, atol=2 ** -7)


def test_autocast_state_matches_torch(torch):
    assert str(P.get_autocast_dtype("cpu")) == str(torch.get_autocast_dtype("cpu"))
    assert str(P.get_autocast_dtype("cuda")) == str(torch.get_autocast_dtype("cuda"))
    assert P.is_autocast_enabled("cpu") == torch.is_autocast_enabled("cpu")
    for T in (P, torch):
        with T.autocast("cpu"):
            assert T.is_autocast_enabled("cpu") and not T.is_autocast_enabled()


def test_autocast_pad_and_recurrent_dtypes_match_torch(torch):
    rng = np.random.default_rng(4)
    img, vol, seq = (rng.standard_normal(s).astype(np.float32) for s in [(1, 2, 4, 4), (1, 2, 3, 4, 4), (2, 5, 4)])
    results = {}
    for T in (P, torch):
        T.manual_seed(0)
        mods = {"lstm": T.nn.LSTM(4, 3, batch_first=True), "gru": T.nn.GRU(4, 3, batch_first=True),
                "rnn": T.nn.RNN(4, 3, batch_first=True), "lstm_cell": T.nn.LSTMCell(4, 3),
                "gru_cell": T.nn.GRUCell(4, 3), "rnn_cell": T.nn.RNNCell(4, 3)}
        if T is torch:  # PyTorch's modules get pyautograd's weights
            for name, mod in mods.items():
                for (_, q), (_, p) in zip(mod.named_parameters(), results["ours"][1][name].named_parameters()):
                    q.data = torch.tensor(p.detach().numpy())
        out = {}
        with T.autocast("cpu"):
            for mode in ("reflect", "replicate", "circular", "constant"):
                for label, data, pad in (("2d", img, (1, 1, 1, 1)), ("1d", img[0], (1, 1)), ("3d", vol, (1,) * 6)):
                    out[f"pad {mode} {label}"] = T.nn.functional.pad(T.tensor(data), pad, mode=mode)
            for name, mod in mods.items():
                o = mod(T.tensor(seq[:, 0] if "cell" in name else seq))
                out[name] = o[0] if isinstance(o, tuple) else o
        results["ours" if T is P else "torch"] = (out, mods)
    ours, theirs = results["ours"][0], results["torch"][0]
    for key in theirs:
        assert str(ours[key].dtype) == str(theirs[key].dtype), key
        np.testing.assert_allclose(_f32(ours[key]), theirs[key].detach().float().numpy(), atol=2 ** -6, err_msg=key)


def test_autocast_recurrent_packed_and_projected_dtypes_match_torch(torch):
    # PyTorch's mkldnn layer takes padded LSTM/RNN input only: packed LSTM input without a
    # projection stays float32, with one (a cast linear layer at the end) it is bfloat16.
    cases = [("LSTM", {"bidirectional": True, "proj_size": 2}), ("LSTM", {}), ("RNN", {}), ("GRU", {}),
             ("LSTM", {"proj_size": 2})]
    dtypes = {}
    for T in (P, torch):
        rnn_utils = P.nn.utils.rnn if T is P else torch.nn.utils.rnn
        found = []
        for mode, kwargs in cases:
            layer = getattr(T.nn, mode)(4, 3, batch_first=True, **kwargs)
            x = T.randn(2, 5, 4)
            with T.autocast("cpu"):
                packed_out, _ = layer(rnn_utils.pack_padded_sequence(x, [5, 3], batch_first=True))
                padded_out, _ = layer(x)
            found.append((mode, str(kwargs), str(packed_out.data.dtype), str(padded_out.dtype)))
        dtypes[T is P] = found
    assert dtypes[True] == dtypes[False]

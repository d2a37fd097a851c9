"""nn's layers against PyTorch: every module's forward and gradients (input and parameters) in
float64 and float32, in train and eval mode, with its parameters copied from PyTorch's; repr
and state_dict keys; BatchNorm's running statistics over several steps; Embedding's padding
row and max_norm; Dropout's scaling and reproducibility; the functional forms' keyword
arguments; errors; gradcheck on modules."""
import warnings

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.nn.functional as F
from pyautograd.autograd import gradcheck

torch = pytest.importorskip("torch")

TOL = {"float64": (1e-10, 1e-9), "float32": (1e-5, 1e-4)}

# (module name, args, kwargs, input shapes); an int shape entry ("i", shape, high) is an index input.
MODULES = [
    ("Bilinear", (3, 4, 5), {}, [(6, 3), (6, 4)]),
    ("Bilinear", (2, 3, 4), {"bias": False}, [(2, 5, 2), (2, 5, 3)]),
    ("Flatten", (), {}, [(2, 3, 4)]),
    ("Flatten", (0, 1), {}, [(2, 3, 4)]),
    ("Unflatten", (1, (2, 3)), {}, [(4, 6)]),
    ("LeakyReLU", (0.2,), {}, [(4, 5)]),
    ("ELU", (0.5,), {}, [(4, 5)]),
    ("GELU", (), {}, [(4, 5)]),
    ("GELU", (), {"approximate": "tanh"}, [(3, 2, 5)]),
    ("SiLU", (), {}, [(4, 5)]),
    ("Softplus", (2.0, 1.0), {}, [(4, 5)]),
    ("Softmax", (1,), {}, [(4, 5)]),
    ("LogSoftmax", (), {"dim": -1}, [(2, 3, 4)]),
    ("Hardtanh", (-0.5, 0.5), {}, [(4, 5)]),
    ("ReLU6", (), {}, [(4, 5)]),
    ("LogSigmoid", (), {}, [(4, 5)]),
    ("LayerNorm", (5,), {}, [(3, 5)]),
    ("LayerNorm", ((3, 4),), {"eps": 1e-3}, [(2, 3, 4)]),
    ("LayerNorm", (4,), {"elementwise_affine": False}, [(2, 3, 4)]),
    ("LayerNorm", ([4],), {"bias": False}, [(5, 4)]),
    ("BatchNorm1d", (3,), {}, [(4, 3)]),
    ("BatchNorm1d", (3,), {"momentum": None, "affine": False}, [(2, 3, 5)]),
    ("BatchNorm1d", (3,), {"track_running_stats": False}, [(4, 3)]),
    ("BatchNorm1d", (3,), {"bias": False, "eps": 1e-3}, [(4, 3, 2)]),
    ("BatchNorm2d", (2,), {}, [(2, 2, 3, 3)]),
    ("Embedding", (7, 3), {}, [("i", (2, 4), 7)]),
    ("Embedding", (7, 3), {"padding_idx": 2}, [("i", (9,), 7)]),
    ("Embedding", (7, 3), {"padding_idx": -1, "scale_grad_by_freq": True}, [("i", (3, 3), 7)]),
    ("Dropout", (0.3,), {}, [(4, 5)]),  # compared in eval mode only (the masks are not PyTorch's)
]


def _ids(case):
    name, args, kwargs, _ = case
    return f"{name}{args}{kwargs}".replace(" ", "")


def _inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        if s[0] == "i":
            out.append(rng.integers(0, s[2], size=s[1]).astype(np.int64))
        else:
            out.append(rng.standard_normal(s).astype(dtype))
    return out


def _pair(name, args, kwargs, dtype):
    """(ours, theirs): the module built in both libraries, ours holding PyTorch's state."""
    tdtype = getattr(torch, dtype)
    theirs = getattr(torch.nn, name)(*args, **kwargs).to(tdtype)
    ours = getattr(nn, name)(*args, **kwargs).to(getattr(pag, dtype))
    ours.load_state_dict({k: pag.from_numpy(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _close(ours, theirs, dtype, what):
    atol, rtol = TOL[dtype]
    got = ours.detach().numpy() if isinstance(ours, pag.Tensor) else ours
    np.testing.assert_allclose(got, theirs.detach().numpy(), atol=atol, rtol=rtol, err_msg=what)


def _run_step(ours, theirs, arrays, dtype):
    xs = [pag.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    y, ty = ours(*xs), theirs(*ts)
    _close(y, ty, dtype, "forward")
    assert y.dtype.name == str(ty.dtype).replace("torch.", "")
    if not ty.requires_grad:
        return
    w = np.random.default_rng(1).standard_normal(ty.shape).astype(dtype)
    (y * pag.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for k, (x, t) in enumerate(zip(xs, ts)):
        if t.grad is not None:
            _close(x.grad, t.grad, dtype, f"gradient of input {k}")
    theirs_params = dict(theirs.named_parameters())
    for pname, p in ours.named_parameters():
        tp = theirs_params[pname]
        assert (p.grad is None) == (tp.grad is None), pname
        if tp.grad is not None:
            _close(p.grad, tp.grad, dtype, f"gradient of {pname}")
    theirs_buffers = dict(theirs.named_buffers())
    for bname, b in ours.named_buffers():
        np.testing.assert_allclose(b.numpy(), theirs_buffers[bname].numpy(), atol=TOL[dtype][0],
                                   rtol=TOL[dtype][1], err_msg=bname)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", MODULES, ids=_ids)
def test_module_matches_torch(case, dtype):
    name, args, kwargs, shapes = case
    ours, theirs = _pair(name, args, kwargs, dtype)
    modes = ("eval",) if name == "Dropout" else ("train", "eval")
    for step, mode in enumerate(modes * 2):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        for m in (ours, theirs):
            m.zero_grad()
        _run_step(ours, theirs, _inputs(shapes, dtype, seed=step), dtype)


def test_module_grad_fn_names():
    cases = [("LayerNorm", (4,), [(2, 4)], "NativeLayerNormBackward0"),
             ("BatchNorm1d", (4,), [(2, 4)], "NativeBatchNormBackward0"),
             ("Embedding", (5, 2), [("i", (3,), 5)], "EmbeddingBackward0"),
             ("Bilinear", (2, 3, 4), [(5, 2), (5, 3)], "AddBackward0"),
             ("GELU", (), [(3,)], "GeluBackward0"), ("LeakyReLU", (), [(3,)], "LeakyReluBackward0")]
    for name, args, shapes, expected in cases:
        ours, theirs = _pair(name, args, {}, "float64")
        arrays = _inputs(shapes, "float64")
        y = ours(*[pag.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays])
        ty = theirs(*[torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays])
        assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__ == expected


REPRS = [("LeakyReLU", (), {}), ("LeakyReLU", (0.2, True), {}), ("ELU", (), {}), ("ELU", (0.5, True), {}),
         ("GELU", (), {}), ("GELU", ("tanh",), {}), ("SiLU", (), {}), ("SiLU", (True,), {}),
         ("Softplus", (), {}), ("Softplus", (2, 10), {}), ("Softmax", (), {}), ("Softmax", (1,), {}),
         ("LogSoftmax", (), {"dim": -1}), ("Hardtanh", (), {}), ("ReLU6", (True,), {}), ("LogSigmoid", (), {}),
         ("Dropout", (), {}), ("Dropout", (0.2, True), {}), ("Flatten", (), {}), ("Flatten", (0, 2), {}),
         ("Unflatten", (1, (2, 5)), {}), ("Unflatten", (1, [2, 5]), {}),
         ("LayerNorm", (3,), {}), ("LayerNorm", ((3, 4),), {"eps": 1e-6, "elementwise_affine": False}),
         ("LayerNorm", (3,), {"bias": False}),
         ("BatchNorm1d", (3,), {}), ("BatchNorm1d", (3,), {"momentum": None, "affine": False,
                                                            "track_running_stats": False}),
         ("BatchNorm1d", (3,), {"bias": False}), ("BatchNorm2d", (4,), {"eps": 1e-3}),
         ("Embedding", (10, 3), {}), ("Embedding", (10, 3), {"padding_idx": 0, "max_norm": 1.0, "norm_type": 1.0,
                                                              "scale_grad_by_freq": True}),
         ("Embedding", (10, 3), {"max_norm": 2, "sparse": True}), ("Embedding", (4, 2), {"padding_idx": -1}),
         ("Bilinear", (3, 4, 5), {}), ("Bilinear", (3, 4, 5), {"bias": False})]


@pytest.mark.parametrize("name,args,kwargs", REPRS)
def test_repr_and_state_dict_keys(name, args, kwargs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    for key in theirs_sd:
        assert ours_sd[key].shape == tuple(theirs_sd[key].shape), key
        assert ours_sd[key].dtype.name == str(theirs_sd[key].dtype).replace("torch.", ""), key


def test_sequential_repr_with_new_layers():
    ours = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.LayerNorm(8), torch.nn.GELU(),
                                 torch.nn.Dropout(0.1), torch.nn.Linear(8, 2))
    assert repr(ours) == repr(theirs)


# -- BatchNorm's running statistics -----------------------------------------------------------------


@pytest.mark.parametrize("kwargs,shape", [({}, (8, 3)), ({"momentum": 0.3}, (4, 3, 5)), ({"momentum": None}, (6, 3)),
                                          ({"affine": False}, (5, 3, 2))])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_batchnorm_running_stats_over_steps(kwargs, shape, dtype):
    ours, theirs = _pair("BatchNorm1d", (3,), kwargs, dtype)
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
        _close(ours(pag.tensor(x)), theirs(torch.tensor(x)), dtype, "train forward")
    for key, value in theirs.state_dict().items():
        _close(ours.state_dict()[key], value, dtype, key)
    assert int(ours.num_batches_tracked) == 5
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape).astype(dtype)
    _close(ours(pag.tensor(x)), theirs(torch.tensor(x)), dtype, "eval forward")
    assert int(ours.num_batches_tracked) == 5  # eval mode leaves the statistics alone


def test_batchnorm_eval_without_running_stats_uses_batch_stats():
    ours, theirs = _pair("BatchNorm1d", (2,), {"track_running_stats": False}, "float64")
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((5, 2))
    _close(ours(pag.tensor(x)), theirs(torch.tensor(x)), "float64", "eval without running stats")


def test_batchnorm_running_stats_keep_dtype_and_buffers_survive_double():
    m = nn.BatchNorm1d(3)
    m(pag.randn(4, 3))
    assert m.running_mean.dtype == pag.float32 and m.num_batches_tracked.dtype == pag.int64
    m.double()
    assert m.running_var.dtype == pag.float64 and m.num_batches_tracked.dtype == pag.int64
    m.reset_running_stats()
    assert int(m.num_batches_tracked) == 0 and m.running_var.tolist() == [1.0, 1.0, 1.0]


def test_batch_norm_functional_updates_given_buffers():
    x = np.random.default_rng(4).standard_normal((6, 2))
    rm, rv = pag.zeros(2, dtype=pag.float64), pag.ones(2, dtype=pag.float64)
    trm, trv = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    F.batch_norm(pag.tensor(x), rm, rv, training=True, momentum=0.25)
    torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.25)
    _close(rm, trm, "float64", "running_mean")
    _close(rv, trv, "float64", "running_var")


# -- Embedding ----------------------------------------------------------------------------------------


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    pag.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=1)
    assert emb.weight[1].tolist() == [0.0, 0.0, 0.0]
    emb(pag.tensor([[1, 2], [1, 1]])).sum().backward()
    assert emb.weight.grad[1].tolist() == [0.0, 0.0, 0.0]
    assert emb.weight.grad[2].tolist() == [1.0, 1.0, 1.0]
    assert emb.weight.grad[0].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("norm_type", [2.0, 1.0])
def test_embedding_max_norm_renormalizes_like_torch(norm_type):
    theirs = torch.nn.Embedding(6, 4, max_norm=1.0, norm_type=norm_type).double()
    ours = nn.Embedding(6, 4, max_norm=1.0, norm_type=norm_type).double()
    ours.load_state_dict({k: pag.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()})
    idx = np.array([[0, 2], [2, 5]])
    _close(ours(pag.tensor(idx)), theirs(torch.tensor(idx)), "float64", "output")
    _close(ours.weight, theirs.weight, "float64", "renormalized weight")
    assert not np.allclose(ours.weight.detach().numpy()[1], 0) and ours.weight.grad is None


def test_embedding_from_pretrained():
    table = pag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    assert emb(pag.tensor([2, 0])).tolist() == [[5.0, 6.0], [1.0, 2.0]]
    emb = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    assert emb.weight.requires_grad and emb.weight[0].tolist() == [1.0, 2.0]  # not zeroed
    emb(pag.tensor([0, 1])).sum().backward()
    assert emb.weight.grad.tolist() == [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    assert repr(emb) == "Embedding(3, 2, padding_idx=0)"
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(pag.ones(3))


# -- Dropout ---------------------------------------------------------------------------------------


def test_dropout_is_reproducible_and_scales_kept_elements():
    x = pag.randn(50, 40, dtype=pag.float64)
    pag.manual_seed(7)
    a = F.dropout(x, 0.3)
    pag.manual_seed(7)
    b = nn.Dropout(0.3)(x)
    assert pag.equal(a, b)
    kept = a.numpy() != 0
    np.testing.assert_allclose(a.numpy()[kept], x.numpy()[kept] / 0.7, rtol=1e-15)
    assert 0.6 < kept.mean() < 0.8
    assert not pag.equal(F.dropout(x, 0.3), a)  # the next draw differs


def test_dropout_gradient_is_the_scaled_mask():
    x = pag.randn(6, 5, requires_grad=True)
    y = F.dropout(x, 0.5)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (y.detach().numpy() != 0) * 2.0)


def test_dropout_eval_p0_p1_and_inplace():
    x = pag.randn(4, 3)
    drop = nn.Dropout(0.4)
    assert drop.eval()(x) is x
    assert F.dropout(x, 0.4, training=False) is x and F.dropout(x, 0.0) is x
    assert F.dropout(x, 1.0).abs().sum().item() == 0
    y = x.clone()
    out = F.dropout(y, 0.5, inplace=True)
    assert out is y and ((y == 0) | (y == 2 * x)).all()
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(bad)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, bad)


def test_dropout_float32_scale_matches_torch_arithmetic():
    x = np.random.default_rng(0).standard_normal((200,)).astype(np.float32)
    out = F.dropout(pag.tensor(x), 0.3).numpy()
    kept = out != 0
    noise = torch.ones(200).div_(0.7)  # PyTorch's noise: a float32 mask divided by 1 - p
    np.testing.assert_array_equal(out[kept], (torch.tensor(x) * noise).numpy()[kept])


# -- functional forms: torch's keyword arguments ------------------------------------------------------


ACTIVATION_CALLS = [
    ("relu", {}), ("relu", {"inplace": True}), ("elu", {"alpha": 0.7}), ("elu", {"alpha": 0.7, "inplace": True}),
    ("leaky_relu", {"negative_slope": 0.2}), ("leaky_relu", {"negative_slope": 0.2, "inplace": True}),
    ("silu", {"inplace": True}), ("gelu", {"approximate": "tanh"}), ("softplus", {"beta": 2, "threshold": 1}),
    ("hardtanh", {"min_val": -0.5, "max_val": 0.3, "inplace": True}), ("relu6", {"inplace": True}),
    ("softmax", {"dim": 0, "dtype": torch.float64}), ("log_softmax", {"dim": -1}), ("logsigmoid", {}),
    ("sigmoid", {}), ("tanh", {}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATION_CALLS, ids=lambda v: str(v))
def test_functional_activations_accept_torch_keywords(name, kwargs):
    x = np.random.default_rng(2).standard_normal((3, 4)) * 4
    ours_kwargs = {k: (pag.float64 if v is torch.float64 else v) for k, v in kwargs.items()}
    a, b = pag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = getattr(F, name)(a * 1, **ours_kwargs), getattr(torch.nn.functional, name)(b * 1, **kwargs)
    _close(ya, yb, "float64", "forward")
    ya.sum().backward()
    yb.sum().backward()
    _close(a.grad, b.grad, "float64", "gradient")
    if kwargs.get("inplace"):
        y = pag.tensor(x)
        assert getattr(F, name)(y, **ours_kwargs) is y
        _close(y, yb, "float64", "written in place")


def test_softmax_implicit_dim_warns_and_picks_torchs_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 2, 2, 2)]:
        x = np.random.default_rng(0).standard_normal(shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ours = F.softmax(pag.tensor(x))
        assert any("Implicit dimension choice" in str(w.message) for w in caught)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = torch.nn.functional.softmax(torch.tensor(x))
        _close(ours, theirs, "float64", f"implicit dim of {shape}")


def test_one_hot_and_normalize_out():
    assert F.one_hot(pag.tensor([0, 2]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    x = pag.tensor([[3.0, 4.0]])
    out = pag.empty(1, 2)
    assert F.normalize(x, out=out) is out and out.tolist() == [[0.6000000238418579, 0.800000011920929]]


def test_cosine_similarity_tiny_norms_clamp_like_torch():
    x1 = np.random.default_rng(5).standard_normal((3, 4))
    x1[0] *= 1e-10
    x2 = np.random.default_rng(6).standard_normal((3, 4))
    a, b = pag.tensor(x1, requires_grad=True), torch.tensor(x1, requires_grad=True)
    ya = F.cosine_similarity(a, pag.tensor(x2))
    yb = torch.nn.functional.cosine_similarity(b, torch.tensor(x2))
    _close(ya, yb, "float64", "forward")
    ya.sum().backward()
    yb.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9)


# -- errors: PyTorch's exception kinds ------------------------------------------------------------------


def _errors(lib_f, lib, mod):
    x = lib.ones(4, 3)
    return [
        lambda: lib_f.layer_norm(x, (5,)),
        lambda: lib_f.layer_norm(x, (3,), lib.ones(4)),
        lambda: lib_f.batch_norm(x, None, None, training=False),
        lambda: lib_f.batch_norm(lib.ones(1, 3), None, None, training=True),
        lambda: lib_f.batch_norm(x, lib.zeros(4), lib.ones(4), training=False),
        lambda: mod.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
        lambda: mod.BatchNorm2d(3)(lib.ones(2, 3)),
        lambda: lib_f.embedding(lib.tensor([5]), lib.ones(3, 2)),
        lambda: lib_f.embedding(lib.tensor([1.0]), lib.ones(3, 2)),
        lambda: mod.Embedding(3, 2, padding_idx=3),
        lambda: lib_f.pad(x, (1,)),
        lambda: lib_f.pad(x, (1, 1, 1, 1, 1, 1)),
        lambda: lib_f.pad(x, (1, 1), mode="foo"),
        lambda: lib_f.pad(x[None], (3, 3), mode="reflect"),
        lambda: lib_f.pad(x[None], (1, 1), mode="reflect", value=2.0),
        lambda: lib_f.pad(lib.ones(3), (1, 1), mode="replicate"),
        lambda: lib_f.bilinear(lib.ones(4, 3), lib.ones(4, 2), lib.ones(5, 3, 3)),
        lambda: lib_f.bilinear(lib.ones(4, 3), lib.ones(5, 2), lib.ones(5, 3, 2)),
        lambda: lib_f.dropout(x, 1.5),
        lambda: lib_f.gelu(x, approximate="fast"),
        lambda: mod.Hardtanh(1.0, -1.0),
    ]


def test_errors_are_torchs_kinds():
    ours, theirs = _errors(F, pag, nn), _errors(torch.nn.functional, torch, torch.nn)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        with pytest.raises(Exception) as expected:
            t()
        with pytest.raises(expected.type):
            o()
        assert k >= 0


def test_error_messages_name_the_shapes():
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[5\].*size\[4, 3\]"):
        F.layer_norm(pag.ones(4, 3), (5,))
    with pytest.raises(ValueError, match=r"got input size torch.Size\(\[1, 3\]\)"):
        F.batch_norm(pag.ones(1, 3), None, None, training=True)
    with pytest.raises(RuntimeError, match="dtype"):
        F.layer_norm(pag.ones(2, 3), (3,), pag.ones(3, dtype=pag.float64))


# -- gradcheck on modules ------------------------------------------------------------------------------


GRADCHECK = [("LayerNorm", (4,), {}, (3, 4)), ("LayerNorm", ((2, 3),), {"bias": False}, (2, 2, 3)),
             ("BatchNorm1d", (3,), {}, (4, 3)), ("BatchNorm1d", (2,), {"momentum": None}, (3, 2, 2)),
             ("GELU", (), {"approximate": "tanh"}, (5,)), ("ELU", (), {}, (5,)), ("Softplus", (0.5, 2.0), {}, (5,)),
             ("LogSoftmax", (1,), {}, (2, 4)), ("Flatten", (), {}, (2, 2, 2)), ("Unflatten", (1, (2, 2)), {}, (3, 4))]


@pytest.mark.parametrize("name,args,kwargs,shape", GRADCHECK)
def test_gradcheck_modules(name, args, kwargs, shape):
    module = getattr(nn, name)(*args, **kwargs).double()
    x = pag.randn(*shape, dtype=pag.float64, requires_grad=True)
    assert gradcheck(lambda x: module(x), (x,))
    module.eval()
    assert gradcheck(lambda x: module(x), (x,))


def test_gradcheck_bilinear_and_embedding():
    bil = nn.Bilinear(3, 2, 4).double()
    x1 = pag.randn(5, 3, dtype=pag.float64, requires_grad=True)
    x2 = pag.randn(5, 2, dtype=pag.float64, requires_grad=True)
    assert gradcheck(lambda a, b: bil(a, b), (x1, x2))
    w = pag.randn(6, 3, dtype=pag.float64, requires_grad=True)
    idx = pag.tensor([[0, 5, 5], [2, 0, 1]])
    assert gradcheck(lambda w: F.embedding(idx, w), (w,))


def test_sequential_with_new_layers_gradchecks_and_trains():
    pag.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.GELU(), nn.LayerNorm(6), nn.Dropout(0.2),
                        nn.Linear(6, 1)).double()
    net.eval()
    x = pag.randn(5, 4, dtype=pag.float64, requires_grad=True)
    assert gradcheck(net, (x,))
    net.train()
    loss = net(x).pow(2).mean()
    loss.backward()
    assert all(p.grad is not None for p in net.parameters())


FUNCTIONAL_NAMES = ["dropout", "layer_norm", "batch_norm", "embedding", "normalize", "pad", "elu", "leaky_relu",
                    "silu", "relu", "relu6", "hardtanh", "softmax", "log_softmax", "linear", "bilinear", "gelu",
                    "softplus", "cosine_similarity", "one_hot", "logsigmoid", "sigmoid", "tanh"]
# Builtins whose signature PyTorch only documents (the text of their docstrings' first line).
DOCUMENTED = {"bilinear": ["input1", "input2", "weight", "bias"], "gelu": ["input", "approximate"],
              "softplus": ["input", "beta", "threshold"], "cosine_similarity": ["x1", "x2", "dim", "eps"],
              "one_hot": ["tensor", "num_classes"], "logsigmoid": ["input"], "linear": ["input", "weight", "bias"]}


@pytest.mark.parametrize("name", FUNCTIONAL_NAMES)
def test_functional_signatures_match_torch(name):
    import inspect
    ours = inspect.signature(getattr(F, name))
    try:
        theirs = inspect.signature(getattr(torch.nn.functional, name))
    except (TypeError, ValueError):
        assert list(ours.parameters) == DOCUMENTED[name]
        return
    assert list(ours.parameters) == list(theirs.parameters)
    for pname, p in theirs.parameters.items():
        assert ours.parameters[pname].default == p.default, pname

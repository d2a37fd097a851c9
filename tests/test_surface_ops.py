"""The everyday-API additions that are properties, factories, modules or random: T/mT/H/mH,
the new_* factories, in-place and alias methods, the activation modules, softmin,
gumbel_softmax and gaussian_nll_loss -- values, gradients and node names against torch 2.13."""
import numpy as np
import pytest

import pyautograd as P


def _pair(torch, shape, seed=0):
    data = np.random.default_rng(seed).uniform(-2, 2, shape)
    return P.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


@pytest.mark.parametrize("attr,shape", [("T", (2, 3)), ("mT", (4, 2, 3)), ("H", (2, 3)), ("mH", (2, 2, 3)),
                                        ("T", ()), ("mT", (2, 3))])
def test_transpose_properties_as_torch(attr, shape, torch):
    ours, theirs = _pair(torch, shape)
    o, t = getattr(ours, attr), getattr(theirs, attr)
    np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())
    if shape:
        assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
        w = np.random.default_rng(1).uniform(size=tuple(t.shape))
        o.backward(P.tensor(w))
        t.backward(torch.tensor(w))
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_T_on_3d_warns_as_torch(torch):
    with pytest.warns(UserWarning, match="deprecated"):
        assert P.zeros(2, 3, 4).T.shape == (4, 3, 2)
    with pytest.raises(RuntimeError):
        _ = torch.zeros(2).mT
    with pytest.raises(RuntimeError, match="mT"):
        _ = P.zeros(2).mT


@pytest.mark.parametrize("name,args,kwargs", [("new_zeros", ((2, 3),), {}), ("new_ones", (4,), {}),
                                              ("new_full", ((2,), 7), {}), ("new_empty", ((0, 2),), {}),
                                              ("new_tensor", ([1, 2],), {}), ("new_zeros", (2,), {"dtype": "int64"}),
                                              ("new_ones", ((2,),), {"requires_grad": True})])
def test_new_factories_as_torch(name, args, kwargs, torch):
    for src_dtype in ("float64", "int32"):
        def make(lib):
            kw = dict(kwargs)
            if "dtype" in kw:
                kw["dtype"] = getattr(lib, kw["dtype"])
            return getattr(lib.zeros(1, dtype=getattr(lib, src_dtype)), name)(*args, **kw)
        if src_dtype == "int32" and kwargs.get("requires_grad"):
            continue
        o, t = make(P), make(torch)
        assert str(o.dtype) == str(t.dtype) and tuple(o.shape) == tuple(t.shape)
        assert o.requires_grad == t.requires_grad
        if name != "new_empty":
            np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize("call", ["addcmul_", "addcdiv_", "clamp_min_", "clamp_max_", "gt_", "atan2_", "hypot_",
                                  "asin_", "nan_to_num_"])
def test_in_place_methods_as_torch(call, torch):
    def run(lib):
        x = lib.tensor([[0.25, -0.5], [0.75, 0.1]], dtype=lib.float64)
        other = lib.tensor([[0.5, 0.25], [-0.75, 0.3]], dtype=lib.float64)
        args = {"addcmul_": (other, other), "addcdiv_": (other, other), "clamp_min_": (0.2,), "clamp_max_": (0.2,),
                "gt_": (0.2,), "atan2_": (other,), "hypot_": (other,), "asin_": (), "nan_to_num_": ()}[call]
        out = getattr(x, call)(*args)
        assert out is x
        return x.numpy()
    np.testing.assert_allclose(run(P), run(torch), rtol=1e-12)


def test_aliases_are_the_same_functions():
    assert P.arcsin is P.asin and P.arctan2 is P.atan2 and P.Tensor.arccos is P.Tensor.acos
    assert P.Tensor.absolute is P.Tensor.abs


MODULES = [("Mish", {}), ("Hardswish", {}), ("Hardsigmoid", {}), ("SELU", {}), ("CELU", {"alpha": 0.5}),
           ("Softmin", {"dim": 1}), ("GLU", {}), ("PReLU", {}), ("PReLU", {"num_parameters": 4, "init": 0.1})]


@pytest.mark.parametrize("name,kwargs", MODULES)
def test_activation_modules_as_torch(name, kwargs, torch):
    ours_x, theirs_x = _pair(torch, (3, 4))
    ours_m, theirs_m = getattr(P.nn, name)(**kwargs).double(), getattr(torch.nn, name)(**kwargs).double()
    assert repr(ours_m) == repr(theirs_m)
    o, t = ours_m(ours_x), theirs_m(theirs_x)
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    o.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (n1, p1), (n2, p2) in zip(ours_m.named_parameters(), theirs_m.named_parameters()):
        assert n1 == n2
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-10)


def test_inplace_activation_writes_the_input(torch):
    x = P.tensor([-4.0, -1.0, 0.5, 4.0])
    assert P.nn.functional.hardswish(x, inplace=True) is x
    np.testing.assert_allclose(x.numpy(), torch.nn.functional.hardswish(torch.tensor([-4.0, -1.0, 0.5, 4.0])).numpy())


@pytest.mark.parametrize("kwargs", [{}, {"full": True}, {"reduction": "sum"}, {"reduction": "none", "eps": 0.5}])
def test_gaussian_nll_loss_as_torch(kwargs, torch):
    (xi, ti), (yi, yt) = _pair(torch, (4, 3), 1), _pair(torch, (4, 3), 2)
    vo, vt = _pair(torch, (4, 1), 3)
    vo, vt = (vo.detach().abs() + 0.1).requires_grad_(), (vt.detach().abs() + 0.1).requires_grad_()
    o = P.nn.functional.gaussian_nll_loss(xi, yi, vo, **kwargs)
    t = torch.nn.functional.gaussian_nll_loss(ti, yt, vt, **kwargs)
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    o.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(xi.grad.numpy(), ti.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(vo.grad.numpy(), vt.grad.numpy(), rtol=1e-10)



@pytest.mark.parametrize("kwargs", [{}, {"full": True, "eps": 0.5, "reduction": "sum"}])
def test_gaussian_nll_loss_module_as_torch(kwargs, torch):
    (xi, ti), (yi, yt) = _pair(torch, (4, 3), 1), _pair(torch, (4, 3), 2)
    vo, vt = _pair(torch, (4, 1), 3)
    vo, vt = vo.detach().abs() + 0.1, vt.detach().abs() + 0.1
    ours, theirs = P.nn.GaussianNLLLoss(**kwargs), torch.nn.GaussianNLLLoss(**kwargs)
    assert repr(ours) == repr(theirs)
    o, t = ours(xi, yi, vo), theirs(ti, yt, vt)
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    o.backward()
    t.backward()
    np.testing.assert_allclose(xi.grad.numpy(), ti.grad.numpy(), rtol=1e-10)
    with pytest.raises(TypeError):
        P.nn.GaussianNLLLoss(True)  # keyword-only, as PyTorch's

def test_gumbel_softmax_samples():
    P.manual_seed(0)
    logits = P.tensor([[2.0, 0.0, -2.0]], requires_grad=True)
    soft = P.nn.functional.gumbel_softmax(logits.expand(4000, 3), tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1.0, rtol=1e-6)
    hard = P.nn.functional.gumbel_softmax(logits.expand(4000, 3), hard=True)
    assert set(np.unique(hard.detach().numpy())) == {0.0, 1.0}
    freq = hard.detach().numpy().mean(0)
    expected = np.exp([2.0, 0.0, -2.0]) / np.exp([2.0, 0.0, -2.0]).sum()
    np.testing.assert_allclose(freq, expected, atol=0.03)  # argmax of logits + Gumbel noise ~ softmax(logits)
    hard.sum().backward()  # straight-through: the soft sample's gradient reaches the logits
    assert logits.grad is not None and logits.grad.shape == (1, 3)


@pytest.mark.parametrize("expr", ["a & b", "a | b", "a ^ b", "~a", "a & 1", "6 | a", "a << 1", "a >> 1",
                                  "m & n", "m | n", "~m", "m ^ n"])
def test_bitwise_operators_as_torch(expr, torch):
    def run(lib):
        env = {"a": lib.tensor([5, 3, -2]), "b": lib.tensor([1, 2, 7]), "m": lib.tensor([True, False, True]),
               "n": lib.tensor([True, True, False])}
        return eval(expr, {}, env)  # noqa: S307 -- our own test expressions
    ours, theirs = run(P), run(torch)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_bitwise_in_place_and_float_refusal(torch):
    m = P.tensor([True, False])
    m &= P.tensor([False, False])
    assert m.tolist() == [False, False]
    with pytest.raises(NotImplementedError):
        torch.ones(2) & torch.ones(2)
    with pytest.raises(TypeError, match="integer or bool"):
        P.ones(2) & P.ones(2)


@pytest.mark.parametrize("name,module", [("softsign", "Softsign"), ("tanhshrink", "Tanhshrink")])
def test_softsign_tanhshrink_as_torch(name, module, torch):
    xi, ti = _pair(torch, (3, 4), 5)
    o, t = getattr(P.nn.functional, name)(xi), getattr(torch.nn.functional, name)(ti)
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    (o * o).sum().backward()
    (t * t).sum().backward()
    np.testing.assert_allclose(xi.grad.numpy(), ti.grad.numpy(), rtol=1e-10)
    m, tm = getattr(P.nn, module)(), getattr(torch.nn, module)()
    assert repr(m) == repr(tm)
    np.testing.assert_allclose(m(xi).detach().numpy(), tm(ti).detach().numpy(), rtol=1e-12)


def _signs(lib, shape, seed):
    return lib.tensor(np.where(np.random.default_rng(seed).random(shape) > 0.5, 1.0, -1.0))


LOSSES = {
    "margin_ranking_loss": (lambda t, x, y: (x[0], y[0], _signs(t, (3,), 7)), "MarginRankingLoss",
                            [{}, {"margin": 0.5, "reduction": "sum"}, {"reduction": "none"}]),
    "hinge_embedding_loss": (lambda t, x, y: (x, _signs(t, (4, 3), 8)), "HingeEmbeddingLoss",
                             [{}, {"margin": 0.3, "reduction": "none"}]),
    "multilabel_soft_margin_loss": (lambda t, x, y: (x, (_signs(t, (4, 3), 9) + 1) / 2), "MultiLabelSoftMarginLoss",
                                    [{}, {"reduction": "none"}, {"weight": "w", "reduction": "sum"}]),
    "poisson_nll_loss": (lambda t, x, y: (x, y.detach().abs() * 3), "PoissonNLLLoss",
                         [{}, {"full": True, "reduction": "none"}, {"log_input": False, "eps": 0.5}]),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_margin_losses_as_torch(name, torch):
    args, module, variants = LOSSES[name]
    for kwargs in variants:
        for lib in ("fn", "module"):
            (xi, ti), (yi, yt) = _pair(torch, (4, 3), 1), _pair(torch, (4, 3), 2)
            if kwargs.get("log_input") is False:
                xi, ti = (xi.detach().abs() + 0.1).requires_grad_(), (ti.detach().abs() + 0.1).requires_grad_()
            kw_o, kw_t = dict(kwargs), dict(kwargs)
            if kwargs.get("weight") == "w":
                kw_o["weight"], kw_t["weight"] = P.tensor([0.5, 1.0, 2.0], dtype=P.float64), \
                    torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
            if lib == "fn":
                o = getattr(P.nn.functional, name)(*args(P, xi, yi), **kw_o)
                t = getattr(torch.nn.functional, name)(*args(torch, ti, yt), **kw_t)
            else:
                o = getattr(P.nn, module)(**kw_o)(*args(P, xi, yi))
                t = getattr(torch.nn, module)(**kw_t)(*args(torch, ti, yt))
            assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__, (name, kwargs)
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
            o.sum().backward()
            t.sum().backward()
            np.testing.assert_allclose(xi.grad.numpy(), ti.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_margin_ranking_loss_refuses_mixed_dims(torch):
    for lib in (P, torch):
        with pytest.raises(RuntimeError, match="All input tensors should have same dimension"):
            lib.nn.functional.margin_ranking_loss(lib.ones(2), lib.ones(2, 1), lib.ones(2))


@pytest.mark.parametrize("kwargs", [{}, {"p": 1.0, "keepdim": True}, {"p": 3.0, "eps": 0.1}])
def test_pairwise_distance_as_torch(kwargs, torch):
    for lib in ("fn", "module"):
        (xi, ti), (yi, yt) = _pair(torch, (4, 3), 1), _pair(torch, (4, 3), 2)
        if lib == "fn":
            o, t = P.nn.functional.pairwise_distance(xi, yi, **kwargs), torch.nn.functional.pairwise_distance(ti, yt, **kwargs)
        else:
            o, t = P.nn.PairwiseDistance(**kwargs)(xi, yi), torch.nn.PairwiseDistance(**kwargs)(ti, yt)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
        (o * o).sum().backward()
        (t * t).sum().backward()
        np.testing.assert_allclose(xi.grad.numpy(), ti.grad.numpy(), rtol=1e-10)
    # PyTorch's node is NormBackward1, ours LinalgVectorNormBackward0: the same derivative, above


@pytest.mark.parametrize("kwargs", [{}, {"margin": 0.5, "p": 1, "swap": True, "reduction": "none"}])
def test_triplet_margin_loss_as_torch(kwargs, torch):
    for lib in ("fn", "module"):
        pairs = [_pair(torch, (4, 3), s) for s in (1, 2, 3)]
        ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
        if lib == "fn":
            o, t = P.nn.functional.triplet_margin_loss(*ours, **kwargs), torch.nn.functional.triplet_margin_loss(*theirs, **kwargs)
        else:
            o, t = P.nn.TripletMarginLoss(**kwargs)(*ours), torch.nn.TripletMarginLoss(**kwargs)(*theirs)
        assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
        o.sum().backward()
        t.sum().backward()
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-15)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        P.nn.TripletMarginLoss(margin=0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        P.nn.functional.triplet_margin_loss(P.ones(2, 3), P.ones(2, 3), P.ones(3))


def test_cosine_similarity_module_as_torch(torch):
    (xi, ti), (yi, yt) = _pair(torch, (4, 3), 1), _pair(torch, (4, 3), 2)
    np.testing.assert_allclose(P.nn.CosineSimilarity(dim=0)(xi, yi).detach().numpy(),
                               torch.nn.CosineSimilarity(dim=0)(ti, yt).detach().numpy(), rtol=1e-12)
    assert repr(P.nn.CosineSimilarity()) == repr(torch.nn.CosineSimilarity())

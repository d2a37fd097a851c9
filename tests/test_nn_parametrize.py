"""nn.utils.parametrize, nn.utils.parametrizations (weight_norm, spectral_norm) and the hook-based
nn.utils.weight_norm / spectral_norm: against PyTorch (same weights -> same outputs, state_dict
keys, gradients, buffers after power iteration) and on their own (class swap, caching, errors,
right_inverse with several tensors, removal keeping the Parameter object)."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd.autograd import gradcheck
from pyautograd.nn.utils import parametrize, parametrizations


def _np(t):
    return t.detach().numpy()


def _to_torch(torch, module, tmod):
    """Copies module's state into the PyTorch module tmod (same keys)."""
    tmod.load_state_dict({k: torch.tensor(_np(v)) for k, v in module.state_dict().items()})


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, X):
        return X * self.c

    def right_inverse(self, A):
        return A / self.c


class SumOfTwo(nn.Module):
    """Parametrized from two tensors: right_inverse returns a tuple."""

    def forward(self, A, B):
        return A + B

    def right_inverse(self, X):
        return X * 0.25, X * 0.75


def _torch_classes(torch):
    class TSymmetric(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    class TSumOfTwo(torch.nn.Module):
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return X * 0.25, X * 0.75

    return TSymmetric, TSumOfTwo


# -- parametrize --------------------------------------------------------------------------------

def test_register_swaps_class_and_state_dict_keys_match_torch(torch):
    TSymmetric, _ = _torch_classes(torch)
    m, t = nn.Linear(4, 4), torch.nn.Linear(4, 4)
    _to_torch(torch, m, t)
    weight = m.weight
    parametrize.register_parametrization(m, "weight", Symmetric())
    torch.nn.utils.parametrize.register_parametrization(t, "weight", TSymmetric())
    assert type(m).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert isinstance(m, nn.Linear) and parametrize.type_before_parametrizations(m) is nn.Linear
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    # the original Parameter object is kept (an optimizer holding it still works)
    assert m.parametrizations.weight.original is weight
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), t.parametrizations.weight.original.detach())
    w = m.weight
    np.testing.assert_allclose(_np(w), _np(w).T)
    np.testing.assert_allclose(_np(w), t.weight.detach().numpy(), rtol=1e-6)
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    m(pag.tensor(x)).pow(2).sum().backward()
    t(torch.tensor(x)).pow(2).sum().backward()
    np.testing.assert_allclose(_np(m.parametrizations.weight.original.grad),
                               t.parametrizations.weight.original.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(m.bias.grad), t.bias.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert repr(m) == repr(t).replace("TSymmetric", "Symmetric")


def test_assigning_runs_right_inverse_and_chained_parametrizations(torch):
    TSymmetric, _ = _torch_classes(torch)
    m = nn.Linear(3, 3)
    parametrize.register_parametrization(m, "weight", Symmetric())
    parametrize.register_parametrization(m, "weight", Scale(2.0))
    assert len(m.parametrizations.weight) == 2
    s = pag.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 6.0]])
    m.weight = s
    np.testing.assert_allclose(_np(m.weight), _np(s), rtol=1e-6)
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), np.triu(_np(s)) / 2.0, rtol=1e-6)
    # torch does the same with the same inputs
    t = torch.nn.Linear(3, 3)

    class TScale(torch.nn.Module):
        def forward(self, X):
            return X * 2.0

        def right_inverse(self, A):
            return A / 2.0

    torch.nn.utils.parametrize.register_parametrization(t, "weight", TSymmetric())
    torch.nn.utils.parametrize.register_parametrization(t, "weight", TScale())
    t.weight = torch.tensor(_np(s))
    np.testing.assert_allclose(_np(m.parametrizations.weight.original),
                               t.parametrizations.weight.original.detach().numpy(), rtol=1e-6)


def test_tuple_right_inverse_registers_original0_original1(torch):
    _, TSumOfTwo = _torch_classes(torch)
    m, t = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    _to_torch(torch, m, t)
    parametrize.register_parametrization(m, "weight", SumOfTwo())
    torch.nn.utils.parametrize.register_parametrization(t, "weight", TSumOfTwo())
    plist = m.parametrizations.weight
    assert not plist.is_tensor and plist.ntensors == 2
    assert list(m.state_dict()) == list(t.state_dict())
    assert "parametrizations.weight.original1" in m.state_dict()
    for i in range(2):
        o = getattr(plist, f"original{i}")
        assert isinstance(o, nn.Parameter) and o.requires_grad
        np.testing.assert_allclose(_np(o), getattr(t.parametrizations.weight, f"original{i}").detach(), rtol=1e-6)
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        parametrize.remove_parametrizations(m, "weight", leave_parametrized=False)
    before = _np(m.weight)
    parametrize.remove_parametrizations(m, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight), before, rtol=1e-6)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight"]


def test_remove_leave_parametrized_and_not():
    m = nn.Linear(3, 3)
    weight = m.weight
    raw = _np(weight).copy()
    parametrize.register_parametrization(m, "weight", Symmetric())
    sym = _np(m.weight)
    parametrize.remove_parametrizations(m, "weight", leave_parametrized=True)
    assert m.weight is weight and type(m) is nn.Linear
    np.testing.assert_allclose(_np(m.weight), sym)
    assert not hasattr(m, "parametrizations") and not parametrize.is_parametrized(m)

    m2 = nn.Linear(3, 3)
    raw = _np(m2.weight).copy()
    parametrize.register_parametrization(m2, "weight", Symmetric())
    parametrize.remove_parametrizations(m2, "weight", leave_parametrized=False)
    # right_inverse (triu) was applied when registering, so the original is the upper triangle
    np.testing.assert_allclose(_np(m2.weight), np.triu(raw))


def test_two_tensors_and_is_parametrized():
    m = nn.Linear(3, 3)
    parametrize.register_parametrization(m, "weight", Symmetric())
    parametrize.register_parametrization(m, "bias", Scale(3.0))
    assert parametrize.is_parametrized(m) and parametrize.is_parametrized(m, "bias")
    assert not parametrize.is_parametrized(nn.Linear(2, 2))
    parametrize.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear" and not parametrize.is_parametrized(m, "weight")
    parametrize.remove_parametrizations(m, "bias")
    assert type(m) is nn.Linear
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(m, "weight")


def test_buffer_parametrization_registers_buffer():
    m = nn.BatchNorm1d(3)
    parametrize.register_parametrization(m, "running_var", Scale(2.0))
    assert "parametrizations.running_var.original" in m.state_dict()
    assert "running_var" not in m._buffers
    np.testing.assert_allclose(_np(m.running_var), np.ones(3))


def test_class_swap_is_per_instance():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    parametrize.register_parametrization(a, "weight", Symmetric())
    assert type(b) is nn.Linear and isinstance(b.weight, nn.Parameter)
    parametrize.register_parametrization(b, "bias", Scale(2.0))
    assert type(a) is not type(b)


def test_cached_computes_once():
    calls = []

    class Counting(nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2

    m = nn.Linear(2, 2)
    parametrize.register_parametrization(m, "weight", Counting())
    calls.clear()
    _ = m.weight, m.weight
    assert len(calls) == 2
    calls.clear()
    with parametrize.cached():
        w1 = m.weight
        with parametrize.cached():
            w2 = m.weight
        w3 = m.weight
    assert len(calls) == 1 and w1 is w2 is w3
    _ = m.weight
    assert len(calls) == 2  # the cache emptied on exit


def test_errors_as_torch(torch):
    class ChangesShape(nn.Module):
        def forward(self, X):
            return X[0]

    class ReturnsInt(nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return 3

    class TChangesShape(torch.nn.Module):
        def forward(self, X):
            return X[0]

    cases = [(lambda m: parametrize.register_parametrization(m, "weight", ChangesShape()),
              lambda t: torch.nn.utils.parametrize.register_parametrization(t, "weight", TChangesShape())),
             (lambda m: parametrize.register_parametrization(m, "nope", Scale(1.0)),
              lambda t: torch.nn.utils.parametrize.register_parametrization(t, "nope", torch.nn.Identity()))]
    for ours, theirs in cases:
        with pytest.raises(ValueError) as e1:
            ours(nn.Linear(3, 3))
        with pytest.raises(ValueError) as e2:
            theirs(torch.nn.Linear(3, 3))
        assert str(e1.value).split("\n")[0].split("'")[0] == str(e2.value).split("\n")[0].split("'")[0]
    m = nn.Linear(3, 3)
    with pytest.raises(ValueError, match="must return a Tensor or a Sequence"):
        parametrize.register_parametrization(m, "weight", ReturnsInt())
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)  # untouched on failure
    # unsafe lets a parametrization change the shape
    parametrize.register_parametrization(m, "weight", ChangesShape(), unsafe=True)
    assert m.weight.shape == (3,)
    with pytest.raises(ValueError, match="ParametrizationList requires one or more modules"):
        parametrize.ParametrizationList([], pag.ones(2))


def test_pickle_refused_deepcopy_works():
    m = nn.Linear(3, 3)
    parametrize.register_parametrization(m, "weight", Symmetric())
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        pickle.dumps(m)
    c = copy.deepcopy(m)
    assert c.parametrizations.weight.original is not m.parametrizations.weight.original
    np.testing.assert_allclose(_np(c.weight), _np(m.weight))


def test_transfer_parametrizations_and_params():
    a = nn.Linear(3, 3)
    parametrize.register_parametrization(a, "weight", Symmetric())
    b = nn.Linear(3, 3)
    parametrize.transfer_parametrizations_and_params(a, b)
    assert parametrize.is_parametrized(b, "weight")
    np.testing.assert_allclose(_np(b.weight), _np(a.weight))
    assert not parametrize.is_parametrized(b, "bias")


def test_train_mode_follows_module():
    m = nn.Linear(2, 2).eval()
    p = Scale(1.0)
    parametrize.register_parametrization(m, "weight", p)
    assert p.training is False


# -- parametrizations.weight_norm / spectral_norm -----------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm_parametrization_vs_torch(torch, dim):
    m, t = nn.Conv2d(3, 4, 3), torch.nn.Conv2d(3, 4, 3)
    _to_torch(torch, m, t)
    parametrizations.weight_norm(m, dim=dim)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    assert list(m.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(_np(m.state_dict()[k]), v.numpy(), rtol=1e-5, atol=1e-6)
    x = np.random.default_rng(1).standard_normal((2, 3, 5, 5)).astype(np.float32)
    y, ty = m(pag.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    for i in range(2):
        np.testing.assert_allclose(_np(getattr(m.parametrizations.weight, f"original{i}").grad),
                                   getattr(t.parametrizations.weight, f"original{i}").grad.numpy(),
                                   rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("n_iter,dim,cls,args", [(1, None, "Linear", (5, 4)), (3, None, "Conv2d", (2, 3, 3)),
                                                 (2, None, "ConvTranspose2d", (2, 3, 3)), (1, 1, "Linear", (3, 6))])
def test_spectral_norm_parametrization_vs_torch(torch, n_iter, dim, cls, args):
    m, t = getattr(nn, cls)(*args).double(), getattr(torch.nn, cls)(*args).double()
    _to_torch(torch, m, t)
    parametrizations.spectral_norm(m, n_power_iterations=n_iter, dim=dim)
    torch.nn.utils.parametrizations.spectral_norm(t, n_power_iterations=n_iter, dim=dim)
    assert list(m.state_dict()) == list(t.state_dict())
    # the random starting vectors differ (different generators): start both from torch's
    for name in ("_u", "_v"):
        getattr(m.parametrizations.weight[0], name).copy_(pag.tensor(
            getattr(t.parametrizations.weight[0], name).numpy()))
    shape = (2, args[0]) if cls == "Linear" else (2, args[0], 6, 6)
    x = np.random.default_rng(2).standard_normal(shape)
    for _step in range(3):
        y, ty = m(pag.tensor(x)), t(torch.tensor(x))
        np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-9, atol=1e-10)
        for name in ("_u", "_v"):
            np.testing.assert_allclose(_np(getattr(m.parametrizations.weight[0], name)),
                                       getattr(t.parametrizations.weight[0], name).numpy(), rtol=1e-9, atol=1e-12)
    y.pow(2).sum().backward()
    ty.pow(2).sum().backward()
    np.testing.assert_allclose(_np(m.parametrizations.weight.original.grad),
                               t.parametrizations.weight.original.grad.numpy(), rtol=1e-8, atol=1e-10)
    m.eval()
    t.eval()
    np.testing.assert_allclose(_np(m.weight), t.weight.detach().numpy(), rtol=1e-9)


def test_spectral_norm_bounds_sigma_and_errors():
    pag.manual_seed(0)
    m = parametrizations.spectral_norm(nn.Linear(6, 5).double(), n_power_iterations=20)
    sigma = np.linalg.svd(_np(m.weight), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-6
    with pytest.raises(ValueError, match="n_power_iterations to be positive"):
        parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        parametrizations.spectral_norm(nn.Linear(2, 2), dim=2)
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'w'"):
        parametrizations.spectral_norm(nn.Linear(2, 2), name="w")
    v = parametrizations.spectral_norm(nn.LayerNorm(4), name="bias")  # a 1-D tensor is normalized
    assert v.bias.shape == (4,)


# -- the hook-based forms ----------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, None])
def test_legacy_weight_norm_vs_torch(torch, dim):
    m, t = nn.Linear(4, 3), torch.nn.Linear(4, 3)
    _to_torch(torch, m, t)
    with pytest.warns(FutureWarning, match="deprecated"):
        nn.utils.weight_norm(m, dim=dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(t, dim=dim)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert len(m._forward_pre_hooks) == 1
    np.testing.assert_allclose(_np(m.weight_g), t.weight_g.detach().numpy(), rtol=1e-6)
    x = np.random.default_rng(3).standard_normal((2, 4)).astype(np.float32)
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nn.utils.weight_norm(m, dim=dim)
    m(pag.tensor(x)).sum().backward()
    t(torch.tensor(x)).sum().backward()
    for name in ("weight_g", "weight_v", "bias"):
        np.testing.assert_allclose(_np(getattr(m, name).grad), getattr(t, name).grad.numpy(), rtol=1e-5, atol=1e-6)
    nn.utils.remove_weight_norm(m)
    torch.nn.utils.remove_weight_norm(t)
    assert list(m.state_dict()) == list(t.state_dict()) and not m._forward_pre_hooks
    np.testing.assert_allclose(_np(m.weight), t.weight.detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in"):
        nn.utils.remove_weight_norm(m)


def test_legacy_spectral_norm_vs_torch(torch):
    m, t = nn.Conv1d(2, 3, 3).double(), torch.nn.Conv1d(2, 3, 3).double()
    _to_torch(torch, m, t)
    nn.utils.spectral_norm(m, n_power_iterations=2)
    torch.nn.utils.spectral_norm(t, n_power_iterations=2)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    m.weight_u.copy_(pag.tensor(t.weight_u.numpy()))
    m.weight_v.copy_(pag.tensor(t.weight_v.numpy()))
    x = np.random.default_rng(4).standard_normal((2, 2, 7))
    for _ in range(2):
        y, ty = m(pag.tensor(x)), t(torch.tensor(x))
        np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-9, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(_np(m.weight_orig.grad), t.weight_orig.grad.numpy(), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(_np(m.weight_u), t.weight_u.numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(m)
    nn.utils.remove_spectral_norm(m)
    torch.nn.utils.remove_spectral_norm(t)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(_np(m.weight), t.weight.detach().numpy(), rtol=1e-9)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found in"):
        nn.utils.remove_spectral_norm(m)


def test_legacy_spectral_norm_eval_skips_power_iteration():
    m = nn.utils.spectral_norm(nn.Linear(3, 4))
    u = _np(m.weight_u).copy()
    m.eval()
    m(pag.ones(1, 3))
    np.testing.assert_array_equal(_np(m.weight_u), u)
    m.train()
    m(pag.ones(1, 3))
    assert not np.array_equal(_np(m.weight_u), u)


def test_registering_over_a_parametrized_name_refused_as_torch():
    m = nn.Linear(2, 2)
    parametrize.register_parametrization(m, "weight", Scale(2.0))
    for register in (lambda: setattr(m, "weight", nn.Parameter(pag.ones(2, 2))),
                     lambda: m.register_buffer("weight", pag.ones(2)),
                     lambda: m.register_parameter("weight", None)):
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            register()
    m.weight = pag.ones(2, 2)  # a plain tensor goes through right_inverse
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), np.full((2, 2), 0.5))


def test_gradcheck_through_weight_and_spectral_norm():
    pag.manual_seed(1)
    wn = parametrizations.weight_norm(nn.Linear(3, 2).double(), dim=0)
    g, v = wn.parametrizations.weight.original0, wn.parametrizations.weight.original1
    x = pag.randn(4, 3, dtype=pag.float64)

    def through_weight_norm(g_, v_):
        return parametrizations.weight_norm_value(v_, g_, 0) @ x.t()

    assert gradcheck(through_weight_norm, (g.detach().requires_grad_(), v.detach().requires_grad_()))
    sn = parametrizations.spectral_norm(nn.Linear(3, 4).double()).eval()  # eval: no power iteration
    w = sn.parametrizations.weight.original.detach().requires_grad_()
    assert gradcheck(lambda w_: sn.parametrizations.weight[0](w_), (w,))


def test_load_torch_state_dict_into_parametrized_module(torch):
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(3, 2))
    m = parametrizations.weight_norm(nn.Linear(3, 2))
    result = m.load_state_dict({k: pag.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    np.testing.assert_allclose(_np(m.weight), t.weight.detach().numpy(), rtol=1e-6)


# -- parametrizations.orthogonal ---------------------------------------------------------------------

def _orthogonal_pair(torch, w, orthogonal_map, use_trivialization):
    """The same weight made orthogonal by both libraries; ours gets PyTorch's base (its random
    completion of a non-square weight is drawn by each library's own generator)."""
    mods = []
    for lib in (torch, pag):
        mod = lib.nn.Linear(w.shape[1], w.shape[0], bias=False, dtype=lib.float64)
        with lib.no_grad():
            mod.weight.copy_(lib.tensor(w))
        lib.nn.utils.parametrizations.orthogonal(mod, orthogonal_map=orthogonal_map,
                                                 use_trivialization=use_trivialization)
        mods.append(mod)
    if use_trivialization:
        mods[1].parametrizations.weight[0].base = pag.tensor(mods[0].parametrizations.weight[0].base.numpy())
    # move off the starting point, so the maps are exercised; the diagonal stays (householder's signs)
    step = 0.1 * (w - np.eye(*w.shape) * w)
    for mod, lib in zip(mods, (torch, pag)):
        with lib.no_grad():
            mod.parametrizations.weight.original.add_(lib.tensor(step))
    return mods


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_as_torch(shape, orthogonal_map, use_trivialization, torch):
    w = np.random.default_rng(sum(shape)).standard_normal(shape)
    theirs, ours = _orthogonal_pair(torch, w, orthogonal_map, use_trivialization)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    weights = np.arange(w.size, dtype=np.float64).reshape(shape)
    for mod, lib in ((theirs, torch), (ours, pag)):
        (mod.weight * lib.tensor(weights)).sum().backward()
    np.testing.assert_allclose(_np(ours.weight), theirs.weight.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(_np(ours.parametrizations.weight.original.grad),
                               theirs.parametrizations.weight.original.grad.numpy(), atol=1e-8)
    Q = _np(ours.weight)
    small = min(shape)
    np.testing.assert_allclose(Q @ Q.T if shape[0] < shape[1] else Q.T @ Q, np.eye(small), atol=1e-12)


def test_orthogonal_defaults_state_and_assignment(torch):
    m = parametrizations.orthogonal(nn.Linear(3, 5))  # tall: householder, as PyTorch picks
    assert m.parametrizations.weight[0].orthogonal_map.name == "householder"
    assert parametrizations.orthogonal(nn.Linear(4, 4)).parametrizations.weight[0].orthogonal_map.name == "matrix_exp"
    assert sorted(m.state_dict()) == ["bias", "parametrizations.weight.0.base", "parametrizations.weight.original"]
    Q = _np(m.weight)
    np.testing.assert_allclose(Q.T @ Q, np.eye(3), atol=1e-6)  # float32
    # Assigning an orthogonal matrix keeps it (the trivialization's base becomes it)
    q = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))[0].astype(np.float32)
    m.weight = pag.tensor(q)
    np.testing.assert_allclose(_np(m.weight), q, atol=1e-6)
    # the errors PyTorch raises, of its kinds
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices"):
        parametrizations.orthogonal(nn.Linear(3, 3), "bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp", "cayley", "householder"'):
        parametrizations.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'nope'"):
        parametrizations.orthogonal(nn.Linear(3, 3), "nope")
    with pytest.raises(ValueError, match=r"Expected a matrix or batch of matrices of shape"):
        m.weight = pag.ones(3, 5)

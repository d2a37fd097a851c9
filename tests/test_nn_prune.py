"""nn.utils.prune against PyTorch (same weights -> same masks, pruned weights, state_dict keys and
gradients; the same errors) and on its own (the random methods prune the right number of entries
or channels, the masks combine in a PruningContainer, remove keeps the Parameter object)."""
import importlib

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd.nn.utils import prune


def _tprune():
    # torch.nn.utils.prune is not imported by `import torch`
    return importlib.import_module("torch.nn.utils.prune")


def _np(t):
    return t.detach().numpy()


def _pair(torch, cls, *args):
    m, t = getattr(nn, cls)(*args).double(), getattr(torch.nn, cls)(*args).double()
    t.load_state_dict({k: torch.tensor(_np(v)) for k, v in m.state_dict().items()})
    return m, t


def _same(m, t, x_shape, torch):
    assert list(m.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(_np(m.state_dict()[k]), v.numpy(), rtol=1e-12)
    x = np.random.default_rng(5).standard_normal(x_shape)
    y, ty = m(pag.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.pow(2).sum().backward()
    ty.pow(2).sum().backward()
    for (name, p), (tname, tp) in zip(m.named_parameters(), t.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(_np(p.grad), tp.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("amount", [0, 3, 0.3, 0.5, 1.0, 12])
def test_l1_unstructured_vs_torch(torch, amount):
    m, t = _pair(torch, "Linear", 4, 3)
    weight = m.weight
    prune.l1_unstructured(m, "weight", amount=amount)
    _tprune().l1_unstructured(t, "weight", amount=amount)
    assert m.weight_orig is weight and isinstance(m.weight_mask, pag.Tensor)
    assert list(m.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    _same(m, t, (2, 4), torch)
    assert prune.is_pruned(m)
    prune.remove(m, "weight")
    _tprune().remove(t, "weight")
    assert m.weight is weight and not prune.is_pruned(m) and not m._forward_pre_hooks
    np.testing.assert_allclose(_np(m.weight), t.weight.detach().numpy())
    assert list(m.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("amount,n,dim", [(1, 2, 0), (2, 1, -1), (0.5, float("inf"), 1), (0.25, -float("inf"), 0),
                                          (0, 2, 0)])
def test_ln_structured_vs_torch(torch, amount, n, dim):
    m, t = _pair(torch, "Conv2d", 2, 4, 3)
    prune.ln_structured(m, "weight", amount=amount, n=n, dim=dim)
    _tprune().ln_structured(t, "weight", amount=amount, n=n, dim=dim)
    _same(m, t, (1, 2, 5, 5), torch)


def test_importance_scores_and_custom_mask_vs_torch(torch):
    m, t = _pair(torch, "Linear", 5, 4)
    scores = np.random.default_rng(6).random((4, 5))
    prune.l1_unstructured(m, "weight", amount=7, importance_scores=pag.tensor(scores))
    _tprune().l1_unstructured(t, "weight", amount=7, importance_scores=torch.tensor(scores))
    mask = (np.arange(4) % 2).astype(np.float64)
    prune.custom_from_mask(m, "bias", mask=pag.tensor(mask))
    _tprune().custom_from_mask(t, "bias", mask=torch.tensor(mask))
    prune.identity(m, "weight")  # a second method on weight: a container
    _tprune().identity(t, "weight")
    _same(m, t, (3, 5), torch)


def test_iterative_pruning_combines_masks_vs_torch(torch):
    m, t = _pair(torch, "Linear", 6, 5)
    for mod, P in ((m, prune), (t, _tprune())):
        P.l1_unstructured(mod, "weight", amount=0.2)
        P.ln_structured(mod, "weight", amount=2, n=1, dim=0)
        P.l1_unstructured(mod, "weight", amount=0.3)
    hook = [h for h, _ in m._forward_pre_hooks.values()][0]
    assert isinstance(hook, prune.PruningContainer) and len(hook) == 3
    assert [type(h).__name__ for h in hook] == ["L1Unstructured", "LnStructured", "L1Unstructured"]
    _same(m, t, (2, 6), torch)


def test_global_unstructured_vs_torch(torch):
    m = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2)).double()
    t = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2)).double()
    t.load_state_dict({k: torch.tensor(_np(v)) for k, v in m.state_dict().items()})
    prune.l1_unstructured(m[0], "bias", amount=1)
    _tprune().l1_unstructured(t[0], "bias", amount=1)
    params = [(m[0], "weight"), (m[1], "weight"), (m[0], "bias")]
    tparams = [(t[0], "weight"), (t[1], "weight"), (t[0], "bias")]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.4)
    _tprune().global_unstructured(tparams, pruning_method=_tprune().L1Unstructured,
                                             amount=0.4)
    _same(m, t, (3, 4), torch)
    total = sum(float(_np(getattr(mod, n + "_mask")).size - _np(getattr(mod, n + "_mask")).sum()) for mod, n in params)
    assert total == 1 + round(0.4 * 20)  # the fraction counts the 20 entries still unpruned
    with pytest.raises(TypeError, match='Only "unstructured" PRUNING_TYPE'):
        prune.global_unstructured(params, pruning_method=prune.RandomStructured, amount=1, dim=0)
    with pytest.raises(TypeError, match="importance_scores must be of type dict"):
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, importance_scores=[], amount=1)


def test_random_methods_counts():
    pag.manual_seed(0)
    m = nn.Linear(10, 8)
    prune.random_unstructured(m, "weight", amount=0.3)
    assert int((m.weight_mask == 0).sum()) == 24
    prune.random_unstructured(m, "weight", amount=10)  # 10 more among the remaining 56
    assert int((m.weight_mask == 0).sum()) == 34
    assert int((m.weight == 0).sum()) >= 34
    c = nn.Conv2d(3, 6, 3)
    prune.random_structured(c, "weight", amount=2, dim=0)
    channels = _np(c.weight_mask).reshape(6, -1)
    assert sorted(channels.max(1)) == [0, 0, 1, 1, 1, 1] and set(np.unique(channels.sum(1))) <= {0, 27}
    prune.random_structured(c, "weight", amount=0.5, dim=0)  # half of the 4 channels left
    assert int((_np(c.weight_mask).reshape(6, -1).sum(1) > 0).sum()) == 2
    # reproducible under the same seed
    masks = []
    for _ in range(2):
        pag.manual_seed(3)
        mod = prune.random_unstructured(nn.Linear(5, 5), "weight", amount=0.4)
        masks.append(_np(mod.weight_mask))
    np.testing.assert_array_equal(*masks)


def test_amount_and_other_errors_as_torch(torch):
    tp = _tprune()
    cases = [
        (lambda P: P.L1Unstructured(-1)), (lambda P: P.L1Unstructured(1.5)), (lambda P: P.RandomUnstructured("x")),
        (lambda P: P.l1_unstructured(P._lin(3, 2), "weight", amount=10)),
        (lambda P: P.random_structured(P._lin(3, 2), "bias", amount=1, dim=0)),
        (lambda P: P.ln_structured(P._lin(3, 2), "weight", amount=1, n=2, dim=2)),
        (lambda P: P.remove(P._lin(3, 2), "weight")),
    ]

    class Ours:
        def __getattr__(self, name):
            return nn.Linear if name == "_lin" else getattr(prune, name)

    class Theirs:
        def __getattr__(self, name):
            return torch.nn.Linear if name == "_lin" else getattr(tp, name)

    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(Theirs())
        with pytest.raises(type(theirs.value)) as ours:
            case(Ours())
        assert str(ours.value).split(" of module ")[0] == str(theirs.value).split(" of module ")[0]
    # a failed pruning leaves the module as it was (the weight re-registered, as torch does)
    m = nn.Linear(3, 2)
    with pytest.raises(ValueError):
        prune.l1_unstructured(m, "weight", amount=7)
    assert list(m.state_dict()) == ["bias", "weight"] and not m._forward_pre_hooks
    # True and 0.0 are valid amounts
    prune.L1Unstructured(True)
    prune.L1Unstructured(0.0)


def test_pruning_container_and_prune_method():
    a = prune.L1Unstructured(0.5)
    a._tensor_name = "weight"
    b = prune.RandomUnstructured(1)
    b._tensor_name = "bias"
    c = prune.PruningContainer(a)
    assert c._tensor_name == "weight" and len(c) == 1 and c[0] is a
    with pytest.raises(ValueError, match="Can only add pruning methods acting on the parameter named 'weight'"):
        c.add_pruning_method(b)
    with pytest.raises(TypeError, match="is not a BasePruningMethod subclass"):
        c.add_pruning_method(object())
    with pytest.raises(TypeError):
        prune.BasePruningMethod()
    t = pag.tensor([[1.0, -5.0], [0.5, 3.0]])
    np.testing.assert_allclose(_np(prune.L1Unstructured(2).prune(t)), [[0.0, -5.0], [0.0, 3.0]])

    class KeepPositive(prune.BasePruningMethod):
        PRUNING_TYPE = "unstructured"

        def compute_mask(self, t, default_mask):
            return default_mask * (t > 0).to(default_mask.dtype)

    m = nn.Linear(4, 4)
    KeepPositive.apply(m, "weight")
    assert bool((m.weight >= 0).all()) and prune.is_pruned(nn.Sequential(m))

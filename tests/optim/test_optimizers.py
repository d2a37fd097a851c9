"""Optimizers step for step against PyTorch (float64, one thread), plus the base class's rules."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.optim as optim

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.05)),
    ("AdamW", dict(lr=0.01, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8, weight_decay=0.05, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.3, maximize=True)),
]


def _run(lib, name, kwargs, w0, b0, data, steps=20):
    if lib is pag:
        model = nn.Linear(4, 3).double()
    else:
        model = lib.nn.Linear(4, 3).double()
    with lib.no_grad():
        model.weight.copy_(lib.tensor(w0))
        model.bias.copy_(lib.tensor(b0))
    opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
    for x, y in data[:steps]:
        opt.zero_grad()
        loss = ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
    return model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy()


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_twenty_steps_match_pytorch(name, kwargs, torch, rng):
    torch.set_num_threads(1)
    w0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(3)
    data = [(rng.standard_normal((5, 4)), rng.standard_normal((5, 3))) for _ in range(20)]
    ours = _run(pag, name, kwargs, w0, b0, data)
    theirs = _run(torch, name, kwargs, w0, b0, data)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)


def test_parameters_without_grad_are_skipped_and_frozen_layers_stay():
    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1))
    for p in model[0].parameters():
        p.requires_grad = False
    before = model[0].weight.detach().numpy().copy()
    opt = optim.SGD(model[1].parameters(), lr=0.5)
    model(pag.randn(2, 3)).sum().backward()
    opt.step()
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), before)
    assert model[0].weight.grad is None


def test_step_does_not_clear_gradients_and_zero_grad_does():
    p = nn.Parameter(pag.ones(2))
    opt = optim.Adam([p], lr=0.1)
    (p * 2).sum().backward()
    opt.step()
    assert p.grad is not None
    opt.zero_grad()
    assert p.grad is None


def test_step_bumps_versions_so_a_stale_graph_raises():
    p = nn.Parameter(pag.ones(2))
    opt = optim.SGD([p], lr=0.1)
    loss = (p * p).sum()
    (p * 3).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        loss.backward()
    assert "optimizer.step (SGD)" in str(info.value)


def test_bad_hyper_parameters_raise_value_error():
    p = [nn.Parameter(pag.ones(1))]
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD(p, lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0: 1.0"):
        optim.Adam(p, betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(p, lr=0.1, nesterov=True)


def test_param_groups_and_state_dict_round_trip():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(3))
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    ((a * a).sum() + (b * b).sum()).backward()
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][1]["params"] == [1] and int(sd["state"][0]["step"].item()) == 1
    opt2 = optim.Adam([{"params": [a]}, {"params": [b]}], lr=0.1)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == 0.5
    np.testing.assert_array_equal(opt2.state[b]["exp_avg"].numpy(), opt.state[b]["exp_avg"].numpy())


# ---- several groups, and a checkpoint taken mid-run ----------------------------------------

GROUP_OVERRIDES = {"SGD": dict(lr=0.02, momentum=0.5), "Adam": dict(lr=0.003, betas=(0.5, 0.9)),
                   "AdamW": dict(lr=0.003, weight_decay=0.2), "RMSprop": dict(lr=0.02, alpha=0.5),
                   "Adagrad": dict(lr=0.05, lr_decay=0.1)}


def _two_groups(lib, name, kwargs, w0, b0):
    model = (nn if lib is pag else lib.nn).Linear(4, 3).double()
    with lib.no_grad():
        model.weight.copy_(lib.tensor(w0))
        model.bias.copy_(lib.tensor(b0))
    groups = [{"params": [model.weight]}, {"params": [model.bias], **GROUP_OVERRIDES[name]}]
    return model, getattr(lib.optim, name)(groups, **kwargs)


def _train(lib, model, opt, batches):
    for x, y in batches:
        opt.zero_grad()
        ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean().backward()
        opt.step()


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_param_groups_and_a_checkpoint_mid_run_match_pytorch(name, kwargs, torch, rng, tmp_path):
    torch.set_num_threads(1)
    w0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(3)
    data = [(rng.standard_normal((5, 4)), rng.standard_normal((5, 3))) for _ in range(20)]
    tmodel, topt = _two_groups(torch, name, kwargs, w0, b0)
    _train(torch, tmodel, topt, data)

    model, opt = _two_groups(pag, name, kwargs, w0, b0)
    _train(pag, model, opt, data[:10])
    pag.save({"model": model.state_dict(), "optim": opt.state_dict()}, tmp_path / "mid.pt")
    ckpt = pag.load(tmp_path / "mid.pt")
    model, opt = _two_groups(pag, name, {**kwargs, "lr": 123.0}, np.zeros((3, 4)), np.zeros(3))
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optim"])
    assert opt.param_groups[0]["lr"] == kwargs["lr"]  # the saved options win
    _train(pag, model, opt, data[10:])
    for ours, theirs in ((model.weight, tmodel.weight), (model.bias, tmodel.bias)):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    for p, tp in ((model.weight, tmodel.weight), (model.bias, tmodel.bias)):
        assert sorted(opt.state[p]) == sorted(topt.state[tp])
        for key, value in topt.state[tp].items():
            np.testing.assert_allclose(opt.state[p][key].numpy(), value.numpy(), rtol=1e-10, atol=1e-12)


NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]
STATE_OPTIONS = {"SGD": dict(momentum=0.9), "Adam": dict(amsgrad=True), "RMSprop": dict(momentum=0.9, centered=True)}


def _plain(value, lib):
    """A state_dict with tensors replaced by (dtype name, values), to compare ours with PyTorch's."""
    if isinstance(value, dict):
        return {k: _plain(v, lib) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, lib) for v in value]
    if isinstance(value, lib.Tensor):
        return (str(value.dtype), value.detach().numpy().round(12).tolist())
    return value


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_layout_and_repr_equal_pytorch(name, torch):
    results = []
    for lib in (pag, torch):
        a = (nn if lib is pag else lib.nn).Parameter(lib.ones(2, dtype=lib.float64))
        b = (nn if lib is pag else lib.nn).Parameter(lib.ones(3, dtype=lib.float64))
        c = (nn if lib is pag else lib.nn).Parameter(lib.ones(1, dtype=lib.float64))
        opt = getattr(lib.optim, name)([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1,
                                       **STATE_OPTIONS.get(name, {}))
        before = _plain(opt.state_dict(), lib)
        ((a * a).sum() + (b * 3).sum()).backward()  # c has no gradient: skipped, no state
        opt.step()
        after = opt.state_dict()
        results.append((repr(opt), before, _plain(after, lib), [list(s) for s in after["state"].values()]))
    assert results[0] == results[1]


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(lr=0.1, momentum=-1)), ("SGD", dict(lr=0.1, weight_decay=-1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-1e-3)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(0.9, 1.0))),
    ("Adam", dict(weight_decay=-0.5)), ("Adam", dict(betas=(0, 0.99))), ("AdamW", dict(betas=(-0.1, 0.9))),
    ("RMSprop", dict(lr=-0.1)), ("RMSprop", dict(alpha=-0.9)), ("RMSprop", dict(eps=-1.0)),
    ("RMSprop", dict(momentum=-0.5)), ("RMSprop", dict(weight_decay=-0.5)),
    ("Adagrad", dict(lr=-0.1)), ("Adagrad", dict(lr_decay=-0.1)), ("Adagrad", dict(weight_decay=-0.1)),
    ("Adagrad", dict(initial_accumulator_value=-0.1)), ("Adagrad", dict(eps=-1e-10)),
], ids=str)
def test_bad_arguments_raise_pytorchs_value_error(name, kwargs, torch):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([nn.Parameter(pag.ones(1))], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_add_param_group_rules():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(2))
    opt = optim.SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [b, a]})
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        assert optim.SGD([b, b], lr=0.1).param_groups[0]["params"] == [b, b]
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {b}})
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        opt.add_param_group({"params": [b * 2]})
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is float$"):
        opt.add_param_group({"params": [1.0]})
    group = {"params": b, "momentum": 0.5}
    opt.add_param_group(group)
    assert opt.param_groups[1] is group and group["params"] == [b] and group["lr"] == 0.1
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an iterable"):
        optim.SGD(a, lr=0.1)


def test_named_parameters_are_accepted():
    model = nn.Linear(2, 1)
    opt = optim.Adam(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_closure_loss_and_zero_grad_to_zeros():
    p = nn.Parameter(pag.tensor([1.0, -2.0]))
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, -1.6])
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]


def test_groups_of_mixed_dtypes_step_each_dtype():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(2, dtype=pag.float64))
    for cls in (optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad):
        opt = cls([a, b], lr=0.1)
        (a.sum() + b.sum()).backward()
        opt.step()
        opt.zero_grad()
    assert a.dtype == pag.float32 and b.dtype == pag.float64
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)


def test_load_state_dict_rejects_a_different_layout():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(3))
    sd = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)


def test_adagrad_state_exists_from_construction_and_loaded_state_is_cast():
    p = nn.Parameter(pag.ones(3, dtype=pag.float64))
    opt = optim.Adagrad([p], initial_accumulator_value=0.5)
    assert opt.state[p]["sum"].tolist() == [0.5] * 3 and opt.state[p]["step"].dtype == pag.float32
    q = nn.Parameter(pag.ones(3))
    opt2 = optim.Adagrad([q])
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[q]["sum"].dtype == pag.float32 and opt2.state[q]["step"].dtype == pag.float32
    opt2.state[q]["sum"].add_(1)
    assert opt.state[p]["sum"].tolist() == [0.5] * 3  # loaded state is a copy


DUPLICATE_CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.1, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.1)),
    ("RMSprop", dict(lr=0.1, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adamax", dict(lr=0.1)),
    ("NAdam", dict(lr=0.1)),
    ("RAdam", dict(lr=0.1)),
    ("Adadelta", dict(lr=0.1)),
    ("ASGD", dict(lr=0.1)),
    ("Rprop", dict(lr=0.1)),
]


@pytest.mark.parametrize("name,kwargs", DUPLICATE_CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                                 enumerate(DUPLICATE_CONFIGS)])
def test_a_duplicate_parameter_warns_and_steps_as_pytorch(name, kwargs, torch):
    """PyTorch warns about a parameter listed twice in a group and updates it once per
    occurrence (its single-tensor loop, foreach=False), sharing one state: three steps of
    [p, q, p] give the same p, q and step count here (issue 18; this raised ValueError)."""
    torch.set_num_threads(1)
    results = []
    for lib in (torch, pag):
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64))
        q = lib.nn.Parameter(lib.tensor([0.5, 0.25], dtype=lib.float64))
        extra = dict(foreach=False) if lib is torch else {}
        with pytest.warns(UserWarning, match="duplicate parameters"):
            opt = getattr(lib.optim, name)([p, q, p], **kwargs, **extra)
        for _ in range(3):
            p.grad = lib.tensor([1.0, 0.5, -1.0], dtype=lib.float64)
            q.grad = lib.tensor([0.3, -0.2], dtype=lib.float64)
            opt.step()
        step = opt.state[p].get("step")
        results.append((p.detach().numpy().copy(), q.detach().numpy().copy(),
                        None if step is None else float(step)))
    (tp, tq, tstep), (op, oq, ostep) = results
    np.testing.assert_allclose(op, tp, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(oq, tq, rtol=1e-12, atol=1e-14)
    assert ostep == tstep
    # the duplicate really was stepped twice: p moved further than q's one update would
    assert not np.allclose(tp, [1.0, -2.0, 3.0])

"""Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop, Adafactor and LBFGS step for step against PyTorch
(float64, 20 steps, 1e-10), their state dicts, step hooks and add_param_group."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.optim as optim

from .test_optimizers import _plain, _run, _train, _two_groups

CONFIGS = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.6), weight_decay=0.1)),  # rho_t passes 5 within 20 steps
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.6), weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1), maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1, maximize=True)),
]
FLAGS = dict(foreach=False, capturable=False, differentiable=False)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=str)
def test_twenty_steps_match_pytorch(name, kwargs, torch, rng):
    torch.set_num_threads(1)
    w0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(3)
    data = [(rng.standard_normal((5, 4)), rng.standard_normal((5, 3))) for _ in range(20)]
    ours = _run(pag, name, kwargs, w0, b0, data)
    theirs = _run(torch, name, kwargs, w0, b0, data)
    assert not np.allclose(ours[0], w0)  # the optimizer moved
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)


GROUP_OVERRIDES = {"Adadelta": dict(rho=0.5), "Adamax": dict(lr=0.003), "NAdam": dict(lr=0.003),
                   "RAdam": dict(lr=0.003), "ASGD": dict(lr=0.02), "Rprop": dict(lr=0.02),
                   "Adafactor": dict(lr=0.02)}


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=str)
def test_groups_and_a_checkpoint_mid_run_match_pytorch(name, kwargs, torch, rng, tmp_path, monkeypatch):
    from . import test_optimizers
    monkeypatch.setattr(test_optimizers, "GROUP_OVERRIDES", GROUP_OVERRIDES)
    torch.set_num_threads(1)
    w0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(3)
    data = [(rng.standard_normal((5, 4)), rng.standard_normal((5, 3))) for _ in range(20)]
    # PyTorch goes through the same checkpoint: loading casts float32 scalar state (ASGD's eta and mu,
    # NAdam's mu_product) to the parameters' dtype, which changes the rest of the trajectory
    tmodel, topt = _two_groups(torch, name, kwargs, w0, b0)
    _train(torch, tmodel, topt, data[:10])
    tstate = (tmodel.state_dict(), topt.state_dict())
    tmodel, topt = _two_groups(torch, name, kwargs, np.zeros((3, 4)), np.zeros(3))
    tmodel.load_state_dict(tstate[0])
    topt.load_state_dict(tstate[1])
    _train(torch, tmodel, topt, data[10:])
    model, opt = _two_groups(pag, name, kwargs, w0, b0)
    _train(pag, model, opt, data[:10])
    pag.save({"model": model.state_dict(), "optim": opt.state_dict()}, tmp_path / "mid.pt")
    ckpt = pag.load(tmp_path / "mid.pt")
    model, opt = _two_groups(pag, name, kwargs, np.zeros((3, 4)), np.zeros(3))
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optim"])
    _train(pag, model, opt, data[10:])
    for ours, theirs in ((model.weight, tmodel.weight), (model.bias, tmodel.bias)):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    for p, tp in ((model.weight, tmodel.weight), (model.bias, tmodel.bias)):
        assert sorted(opt.state[p]) == sorted(topt.state[tp])
        for key, value in topt.state[tp].items():
            np.testing.assert_allclose(opt.state[p][key].numpy(), value.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted({n for n, _ in CONFIGS}))
def test_state_dict_layout_and_repr_equal_pytorch(name, torch):
    results = []
    for lib in (pag, torch):
        mod = nn if lib is pag else lib.nn
        a, b = mod.Parameter(lib.ones(2, 2, dtype=lib.float64)), mod.Parameter(lib.ones(3, dtype=lib.float64))
        opt = getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
        ((a * a).sum() + (b * 3).sum()).backward()
        opt.step()
        after = opt.state_dict()
        results.append((repr(opt), _plain(after, lib), [list(s) for s in after["state"].values()]))
    assert results[0] == results[1]


@pytest.mark.parametrize("name, kwargs", [
    ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)), ("Adamax", dict(betas=(0.9, 1.0))),
    ("NAdam", dict(momentum_decay=-1)), ("RAdam", dict(weight_decay=-1)), ("ASGD", dict(lr=-1)),
    ("Rprop", dict(etas=(1.5, 1.2))), ("Adafactor", dict(d=0.5)), ("Adafactor", dict(beta2_decay=0.5)),
    ("LBFGS", dict(lr=-1)),
], ids=str)
def test_bad_arguments_raise_pytorchs_value_error(name, kwargs, torch):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([nn.Parameter(pag.ones(1))], **kwargs)
    assert str(ours.value) == str(theirs.value)


def _lbfgs_run(lib, kwargs, x0, target, steps):
    p = (nn if lib is pag else lib.nn).Parameter(lib.tensor(x0))
    opt = lib.optim.LBFGS([p], **kwargs)
    t = lib.tensor(target)
    losses = []

    def closure():
        opt.zero_grad()
        # a Rosenbrock-like valley: curved, so the line search has work to do
        loss = ((p[1:] - p[:-1] ** 2) ** 2).sum() * 10 + ((p - t) ** 2).sum()
        loss.backward()
        return loss
    for _ in range(steps):
        losses.append(float(opt.step(closure).detach()))
    state = opt.state[p]
    return p.detach().numpy().copy(), losses, state["func_evals"], state["n_iter"]


@pytest.mark.parametrize("kwargs", [dict(lr=0.1, max_iter=5), dict(lr=1, history_size=3, max_iter=4),
                                    dict(line_search_fn="strong_wolfe"),
                                    dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7, lr=0.5)],
                         ids=str)
def test_lbfgs_matches_pytorch(kwargs, torch, rng):
    torch.set_num_threads(1)
    x0, target = rng.standard_normal(6), rng.standard_normal(6)
    ours = _lbfgs_run(pag, kwargs, x0, target, 3)
    theirs = _lbfgs_run(torch, kwargs, x0, target, 3)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)
    assert ours[2:] == theirs[2:] and ours[1][-1] < ours[1][0]


def test_lbfgs_refuses_groups_and_other_line_searches():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(2))
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = optim.LBFGS([a], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_step_hooks_order_arguments_and_removal():
    p = nn.Parameter(pag.ones(2))
    opt = optim.NAdam([p], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt, args, kwargs)))
    post = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    glob = optim.register_optimizer_step_pre_hook(lambda o, args, kwargs: calls.append(("global",)))
    p.sum().backward()
    opt.step()
    assert calls == [("global",), ("pre", True, (), {}), ("post", True)]
    pre.remove(), post.remove(), glob.remove()
    opt.step()
    assert len(calls) == 3
    swap = opt.register_step_pre_hook(lambda o, args, kwargs: ((), {"closure": lambda: 7.0}))
    assert opt.step() == 7.0  # the hook replaced the arguments
    swap.remove()
    bad = opt.register_step_pre_hook(lambda o, args, kwargs: 1)
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        opt.step()
    bad.remove()


def test_add_param_group_mid_run_gets_defaults_and_its_own_state():
    a, b = nn.Parameter(pag.ones(2)), nn.Parameter(pag.ones(3))
    opt = optim.Adamax([a], lr=0.1)
    a.sum().backward()
    opt.step()
    opt.add_param_group({"params": [b], "lr": 0.01})
    (b * 2).sum().backward()
    opt.step()
    assert opt.param_groups[1]["betas"] == (0.9, 0.999) and int(opt.state[b]["step"]) == 1
    assert int(opt.state[a]["step"]) == 2

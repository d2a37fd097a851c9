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

"""Learning-rate schedulers against PyTorch: the sequences (to 1e-12; in fact bit for bit), the
state_dicts, resuming from a checkpoint, and the errors."""
import math
import warnings

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.optim as optim
from pyautograd.optim import lr_scheduler


class Warmup:
    """A callable object: LambdaLR's state_dict keeps its attributes."""

    def __init__(self, steps):
        self.steps = steps

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.steps)


SCHEDULERS = {
    "StepLR": lambda L, o: L.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[30, 3, 10, 10], gamma=0.3),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=13, eta_min=1e-3),
    "CosineAnnealingLR-0": lambda L, o: L.CosineAnnealingLR(o, T_max=20),
    "LambdaLR": lambda L, o: L.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e),
    "LambdaLR-list": lambda L, o: L.LambdaLR(o, lr_lambda=[lambda e: 1 / (e + 1), Warmup(8)]),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=0.8, total_iters=17),
    "LinearLR-default": lambda L, o: L.LinearLR(o),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=60),
    "OneCycleLR-linear-3phase": lambda L, o: L.OneCycleLR(o, max_lr=0.4, epochs=6, steps_per_epoch=10,
                                                        anneal_strategy="linear", three_phase=True,
                                                        div_factor=10.0, final_div_factor=100.0, pct_start=0.25),
    "OneCycleLR-no-momentum": lambda L, o: L.OneCycleLR(o, max_lr=0.3, total_steps=60, cycle_momentum=False,
                                                      base_momentum=[0.8, 0.7], max_momentum=0.9),
}
STEPS = 60


def _optimizer(lib, kind):
    Param = (nn if lib is pag else lib.nn).Parameter
    groups = [{"params": [Param(lib.ones(2))]}, {"params": [Param(lib.ones(3))], "lr": 0.05}]
    if kind == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1)


def _record(opt, sched, steps):
    """Per step: get_last_lr() and each group's lr, momentum and beta1."""
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append((sched.get_last_lr(), [(g["lr"], g.get("momentum"), g.get("betas", (None,))[0])
                                          for g in opt.param_groups]))
    return out


def _comparable(state):
    return {k: (dict(v) if k == "milestones" else v) for k, v in state.items()}


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("name", SCHEDULERS)
def test_sequences_and_state_dicts_equal_pytorch(name, kind, torch):
    make = SCHEDULERS[name]
    topt = _optimizer(torch, kind)
    tsched = make(torch.optim.lr_scheduler, topt)
    opt = _optimizer(pag, kind)
    sched = make(lr_scheduler, opt)
    assert sched.get_last_lr() == tsched.get_last_lr()
    ours, theirs = _record(opt, sched, STEPS), _record(topt, tsched, STEPS)
    for (a_last, a_groups), (b_last, b_groups) in zip(ours, theirs):
        np.testing.assert_allclose(a_last, b_last, rtol=1e-12, atol=0)
        assert [x is None for g in a_groups for x in g] == [x is None for g in b_groups for x in g]
        np.testing.assert_allclose([x for g in a_groups for x in g if x is not None],
                                   [x for g in b_groups for x in g if x is not None], rtol=1e-12, atol=0)
    assert _comparable(sched.state_dict()) == _comparable(tsched.state_dict())
    assert {k: v for k, v in opt.param_groups[1].items() if k != "params"} == \
        {k: v for k, v in topt.param_groups[1].items() if k != "params"}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_a_checkpoint_resumes_the_sequence(name, tmp_path):
    make = SCHEDULERS[name]
    opt = _optimizer(pag, "SGD")
    sched = make(lr_scheduler, opt)
    _record(opt, sched, 25)
    pag.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.pt")
    rest = _record(opt, sched, STEPS - 25)

    ckpt = pag.load(tmp_path / "ckpt.pt")
    opt2 = _optimizer(pag, "SGD")
    sched2 = make(lr_scheduler, opt2)  # built before the optimizer's state is loaded, as PyTorch advises
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    assert _record(opt2, sched2, STEPS - 25) == rest


def test_lambda_lr_state_dict_leaves_out_functions_but_keeps_callable_objects():
    opt = _optimizer(pag, "SGD")
    warm = Warmup(8)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1.0, warm])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"steps": 8}]
    other = Warmup(3)
    sched2 = lr_scheduler.LambdaLR(_optimizer(pag, "SGD"), [lambda e: 1.0, other])
    sched2.load_state_dict(state)
    assert other.steps == 8 and sched2.lr_lambdas[1] is other


@pytest.mark.parametrize("kwargs", [
    dict(), dict(mode="max"), dict(threshold_mode="abs", threshold=0.05), dict(mode="max", threshold_mode="abs"),
    dict(patience=2, cooldown=3, factor=0.5), dict(patience=0, min_lr=[0.02, 0.001], factor=0.5),
    dict(patience=1, eps=0.01, factor=0.9),
], ids=str)
def test_reduce_lr_on_plateau_equals_pytorch(kwargs, torch, rng):
    metrics = np.concatenate([np.linspace(1.0, 0.5, 10), np.full(15, 0.5), rng.uniform(0.4, 0.6, 30),
                              np.linspace(0.5, 2.0, 15)])
    runs = []
    for lib, L in ((pag, lr_scheduler), (torch, torch.optim.lr_scheduler)):
        opt = _optimizer(lib, "SGD")
        sched = L.ReduceLROnPlateau(opt, **kwargs)
        seq = []
        for m in metrics:
            opt.step()
            sched.step(pag.tensor(float(m), dtype=pag.float64) if lib is pag else float(m))  # any float()-able
            seq.append(sched.get_last_lr())
        runs.append((seq, sched.state_dict()))
    assert runs[0] == runs[1]


def test_reduce_lr_on_plateau_state_dict_round_trip(tmp_path):
    opt = _optimizer(pag, "SGD")
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=1)
    for m in (1.0, 0.5, 0.5):
        sched.step(m)
    pag.save(sched.state_dict(), tmp_path / "s.pt")
    sched2 = lr_scheduler.ReduceLROnPlateau(_optimizer(pag, "SGD"))
    sched2.load_state_dict(pag.load(tmp_path / "s.pt"))
    assert sched2.best == 1.0 and sched2.mode == "max" and sched2.mode_worse == -math.inf
    assert sched2.state_dict() == sched.state_dict()


@pytest.mark.parametrize("make", [
    lambda L, o: L.OneCycleLR(o, max_lr=0.1),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=0),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10.0),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, epochs=-1, steps_per_epoch=3),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, epochs=2, steps_per_epoch=0),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
    lambda L, o: L.OneCycleLR(o, max_lr=[0.1], total_steps=10),
    lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, base_momentum=[0.8, 0.8, 0.8]),
    lambda L, o: L.LambdaLR(o, [lambda e: 1.0]),
    lambda L, o: L.LinearLR(o, start_factor=0.0),
    lambda L, o: L.LinearLR(o, end_factor=1.5),
    lambda L, o: L.ReduceLROnPlateau(o, factor=1.0),
    lambda L, o: L.ReduceLROnPlateau(o, mode="median"),
    lambda L, o: L.ReduceLROnPlateau(o, threshold_mode="relative"),
    lambda L, o: L.ReduceLROnPlateau(o, min_lr=[0.1]),
])
def test_bad_arguments_raise_as_pytorch(make, torch):
    with pytest.raises(ValueError) as theirs:
        make(torch.optim.lr_scheduler, _optimizer(torch, "SGD"))
    with pytest.raises(ValueError) as ours:
        make(lr_scheduler, _optimizer(pag, "SGD"))
    assert str(ours.value) == str(theirs.value)


def test_other_errors():
    opt = _optimizer(pag, "SGD")
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5)
    for _ in range(5):
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 6 times. The specified number of total steps is 5"):
        sched.step()
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=2)
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in param_groups\[0\]"):
        lr_scheduler.StepLR(_optimizer(pag, "SGD"), step_size=2, last_epoch=4)
    plain = optim.SGD([nn.Parameter(pag.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([nn.Parameter(pag.ones(1))]), max_lr=0.1, total_steps=3)
    lr_scheduler.OneCycleLR(plain, max_lr=0.1, total_steps=3)  # SGD has "momentum" in its defaults


def test_warnings_as_pytorch():
    opt = _optimizer(pag, "SGD")
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="use `get_last_lr\\(\\)`"):
        sched.get_lr()
    opt = _optimizer(pag, "SGD")
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_step_with_epoch_uses_the_closed_form_as_pytorch(torch):
    results = []
    for lib, L in ((pag, lr_scheduler), (torch, torch.optim.lr_scheduler)):
        opt = _optimizer(lib, "SGD")
        scheds = [L.StepLR(opt, 3), L.MultiStepLR(opt, [2, 5]), L.ExponentialLR(opt, 0.9),
                  L.CosineAnnealingLR(opt, 10, 0.01), L.LinearLR(opt, 0.5, total_iters=4)]
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for sched in scheds:
                for epoch in (7, 2, 11):
                    sched.step(epoch)
                    seq.append(sched.get_last_lr())
        results.append(seq)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12, atol=0)


def test_scheduler_does_not_keep_the_optimizer_alive():
    import gc
    import weakref
    opt = _optimizer(pag, "SGD")
    lr_scheduler.StepLR(opt, step_size=2)
    ref = weakref.ref(opt)
    del opt
    gc.collect()
    assert ref() is None


def test_subclass_must_define_get_lr():
    class Broken(lr_scheduler.LRScheduler):
        pass
    with pytest.raises(TypeError, match="Broken must define get_lr"):
        Broken(_optimizer(pag, "SGD"))

    class Halving(lr_scheduler.LRScheduler):
        def get_lr(self):
            return [base / 2 ** self.last_epoch for base in self.base_lrs]
    opt = _optimizer(pag, "SGD")
    sched = Halving(opt)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.025]

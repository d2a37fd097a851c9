"""CosineAnnealingWarmRestarts, CyclicLR, PolynomialLR, ConstantLR, MultiplicativeLR, SequentialLR and
ChainedScheduler against PyTorch: 60-step sequences bit for bit, state_dicts equal, checkpoint resume."""
import warnings

import pytest

import pyautograd as pag
from pyautograd.optim import lr_scheduler

from .test_lr_scheduler import _optimizer, _record

STEPS = 60


class Halve:
    """A callable object: its attributes are what a state_dict keeps."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, x):
        return self.rate ** x


SCHEDULERS = {
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7, eta_min=1e-3),
    "CosineAnnealingWarmRestarts-mult": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "CyclicLR-triangular": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4),
    "CyclicLR-triangular2": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5,
                                                     mode="triangular2", base_momentum=[0.7, 0.75]),
    "CyclicLR-exp_range": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97),
    "CyclicLR-no-momentum": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=6, cycle_momentum=False),
    "CyclicLR-scale_fn": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4, scale_fn=Halve(0.9),
                                                  scale_mode="iterations"),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=40, power=2.0),
    "PolynomialLR-default": lambda L, o: L.PolynomialLR(o),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=9),
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "MultiplicativeLR-list": lambda L, o: L.MultiplicativeLR(o, [lambda e: 0.99, Halve(0.999)]),
    "SequentialLR": lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=5),
                                                    L.ExponentialLR(o, gamma=0.9), L.StepLR(o, 4, 0.5)],
                                                milestones=[5, 30]),
    "ChainedScheduler": lambda L, o: L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=4),
                                                         L.ExponentialLR(o, gamma=0.95)]),
    "SequentialLR-nested": lambda L, o: L.SequentialLR(
        o, [L.ChainedScheduler([L.ConstantLR(o, factor=0.2, total_iters=3), L.PolynomialLR(o, total_iters=50)]),
            L.CosineAnnealingLR(o, T_max=10)],
        milestones=[8]),
}


def _plain_state(state):
    """A state_dict with the (unpicklable, unequal) bound functions and partials left out."""
    if isinstance(state, dict):
        return {k: _plain_state(v) for k, v in state.items() if not callable(v)}
    if isinstance(state, list):
        return [_plain_state(v) for v in state]
    return state


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("name", SCHEDULERS)
def test_sequences_bit_for_bit_and_state_dicts_equal_pytorch(name, kind, torch):
    make = SCHEDULERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's SequentialLR warns about the children's initial steps
        topt, opt = _optimizer(torch, kind), _optimizer(pag, kind)
        tsched, sched = make(torch.optim.lr_scheduler, topt), make(lr_scheduler, opt)
    assert sched.get_last_lr() == tsched.get_last_lr()
    assert _record(opt, sched, STEPS) == _record(topt, tsched, STEPS)
    assert _plain_state(sched.state_dict()) == _plain_state(tsched.state_dict())
    assert {k: v for k, v in opt.param_groups[1].items() if k != "params"} == \
        {k: v for k, v in topt.param_groups[1].items() if k != "params"}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_a_checkpoint_resumes_the_sequence(name, tmp_path):
    make = SCHEDULERS[name]
    opt = _optimizer(pag, "SGD")
    sched = make(lr_scheduler, opt)
    _record(opt, sched, 25)
    pag.save({"optim": opt.state_dict(), "sched": _plain_state(sched.state_dict())}, tmp_path / "ckpt.pt")
    rest = _record(opt, sched, STEPS - 25)
    ckpt = pag.load(tmp_path / "ckpt.pt")
    opt2 = _optimizer(pag, "SGD")
    sched2 = make(lr_scheduler, opt2)
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    assert _record(opt2, sched2, STEPS - 25) == rest


def test_warm_restarts_with_fractional_epochs_match_pytorch(torch):
    runs = []
    for lib, L in ((pag, lr_scheduler), (torch, torch.optim.lr_scheduler)):
        opt = _optimizer(lib, "SGD")
        sched = L.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3)
        seq = []
        for epoch in range(12):
            for i in range(4):
                opt.step()
                sched.step(epoch + i / 4)
                seq.append(sched.get_last_lr())
        runs.append(seq)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("make", [
    lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    lambda L, o: L.CyclicLR(o, 0.1, 1.0, mode="sawtooth"),
    lambda L, o: L.CyclicLR(o, [0.1], 1.0),
    lambda L, o: L.ConstantLR(o, factor=1.5),
    lambda L, o: L.MultiplicativeLR(o, [lambda e: 1.0]),
    lambda L, o: L.SequentialLR(o, [], milestones=[]),
    lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2)], milestones=[3]),
    lambda L, o: L.SequentialLR(o, [L.ReduceLROnPlateau(o)], milestones=[]),
    lambda L, o: L.ChainedScheduler([]),
])
def test_bad_arguments_raise_as_pytorch(make, torch):
    with pytest.raises(ValueError) as theirs:
        make(torch.optim.lr_scheduler, _optimizer(torch, "SGD"))
    with pytest.raises(ValueError) as ours:
        make(lr_scheduler, _optimizer(pag, "SGD"))
    assert str(ours.value) == str(theirs.value)

"""swa_utils against PyTorch: AveragedModel (SWA mean, avg_fn, multi_avg_fn EMA, use_buffers),
SWALR's 60-step sequence bit for bit with equal state_dicts, and update_bn."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd.optim import swa_utils

from .test_lr_scheduler import _optimizer, _record


def _model(lib, rng_state):
    mod = nn if lib is pag else lib.nn
    model = mod.Sequential(mod.Linear(3, 4), mod.BatchNorm1d(4), mod.Linear(4, 2)).double()
    with lib.no_grad():
        for p, v in zip(model.parameters(), rng_state):
            p.copy_(lib.tensor(v))
    return model


AVERAGING = {
    "swa": lambda S: dict(),
    "avg_fn-ema": lambda S: dict(avg_fn=S.get_ema_avg_fn(0.9)),
    "avg_fn-swa": lambda S: dict(avg_fn=S.get_swa_avg_fn()),
    "multi-ema": lambda S: dict(multi_avg_fn=S.get_ema_multi_avg_fn(0.8)),
    "multi-swa": lambda S: dict(multi_avg_fn=S.get_swa_multi_avg_fn()),
    "ema-buffers": lambda S: dict(multi_avg_fn=S.get_ema_multi_avg_fn(0.7), use_buffers=True),
    "swa-buffers": lambda S: dict(use_buffers=True),
}


@pytest.mark.parametrize("kind", AVERAGING)
def test_averaged_model_matches_pytorch(kind, torch, rng):
    torch.set_num_threads(1)
    init = [rng.standard_normal(s) for s in ((4, 3), (4,), (4,), (4,), (2, 4), (2,))]
    data = [rng.standard_normal((8, 3)) for _ in range(12)]
    results = []
    for lib, S in ((pag, swa_utils), (torch, torch.optim.swa_utils)):
        model = _model(lib, init)
        averaged = S.AveragedModel(model, **AVERAGING[kind](S))
        opt = lib.optim.SGD(model.parameters(), lr=0.05)
        for x in data:
            opt.zero_grad()
            model(lib.tensor(x)).pow(2).mean().backward()
            opt.step()
            averaged.update_parameters(model)
        state = averaged.state_dict()
        results.append({k: v.detach().numpy().copy() for k, v in state.items()})
        results[-1]["out"] = averaged(lib.tensor(data[0])).detach().numpy()
    assert sorted(results[0]) == sorted(results[1])
    for key in results[1]:
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-12, atol=1e-14, err_msg=key)
        assert results[0][key].dtype == results[1][key].dtype, key
    assert int(results[0]["n_averaged"]) == 12


def test_averaged_model_refuses_both_functions():
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(nn.Linear(1, 1), avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided"):
        swa_utils.get_ema_multi_avg_fn(1.5)


SWALRS = {"cos": lambda S, o: S.SWALR(o, swa_lr=0.01, anneal_epochs=7),
          "linear-per-group": lambda S, o: S.SWALR(o, swa_lr=[0.02, 0.005], anneal_epochs=12,
                                                   anneal_strategy="linear"),
          "no-anneal": lambda S, o: S.SWALR(o, swa_lr=0.03, anneal_epochs=0)}


@pytest.mark.parametrize("name", SWALRS)
def test_swalr_sequence_and_state_dict_equal_pytorch(name, torch):
    runs = []
    for lib, S in ((pag, swa_utils), (torch, torch.optim.swa_utils)):
        opt = _optimizer(lib, "SGD")
        sched = SWALRS[name](S, opt)
        runs.append((_record(opt, sched, 60), sched.state_dict()))
    assert runs[0] == runs[1]


def test_swalr_errors_match_pytorch(torch):
    for kwargs in (dict(anneal_strategy="exp"), dict(anneal_epochs=-1), dict(anneal_epochs=1.5)):
        with pytest.raises(ValueError) as theirs:
            torch.optim.swa_utils.SWALR(_optimizer(torch, "SGD"), 0.1, **kwargs)
        with pytest.raises(ValueError) as ours:
            swa_utils.SWALR(_optimizer(pag, "SGD"), 0.1, **kwargs)
        assert str(ours.value) == str(theirs.value)


def test_update_bn_matches_pytorch(torch, rng):
    init = [rng.standard_normal(s) for s in ((4, 3), (4,), (4,), (4,), (2, 4), (2,))]
    batches = [rng.standard_normal((6, 3)) for _ in range(5)]
    stats = []
    for lib, S in ((pag, swa_utils), (torch, torch.optim.swa_utils)):
        model = _model(lib, init)
        model.eval()
        S.update_bn([(lib.tensor(b), 0) for b in batches], model)
        bn = model[1]
        assert not model.training and bn.momentum == 0.1
        stats.append((bn.running_mean.numpy().copy(), bn.running_var.numpy().copy(), int(bn.num_batches_tracked)))
    np.testing.assert_allclose(stats[0][0], stats[1][0], rtol=1e-12)
    np.testing.assert_allclose(stats[0][1], stats[1][1], rtol=1e-12)
    assert stats[0][2] == stats[1][2] == 5

"""Anomaly detection: the NaN's birthplace, the chain, the masked-branch diagnosis, forward
checks, read-only saved arrays, the reproducer, and the mode switches."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import pyautograd as torch
from pyautograd import autograd


@pytest.fixture(autouse=True)
def quiet_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield
    torch.autograd.set_detect_anomaly(False)


def masked_loss(x):
    mask = (x < 0.003).float()
    gamma_x = mask * 12.9 * x + (1 - mask) * (x ** 0.5)
    return torch.mean((x - gamma_x) ** 2)


def story_input():
    return torch.tensor([0, 0.0025, 0.5, 0.8, 1], requires_grad=True)


def test_nan_in_backward_names_the_function_and_the_forward_line():
    x = story_input()
    with autograd.detect_anomaly():
        loss = masked_loss(x)
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    msg = str(info.value)
    assert msg.startswith("Function 'PowBackward0' returned nan values in its 0th output.")
    assert "gamma_x = mask * 12.9 * x + (1 - mask) * (x ** 0.5)" in msg  # the forward site, in the error
    assert "MeanBackward0 -> PowBackward0 -> SubBackward0" in msg  # the chain from the loss
    assert "0 * inf" in msg and "element(s) 0" in msg and "where the input is 0" in msg
    assert "y[m] = x[m] ** 0.5" in msg  # the safe pattern


def test_where_branch_is_diagnosed_too():
    x = story_input()
    torch.autograd.set_detect_anomaly(True)
    gamma = torch.where(x < 0.003, 12.9 * x, x.sqrt())
    with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values") as info:
        gamma.sum().backward()
    assert "0 * inf" in str(info.value)


def test_without_anomaly_mode_the_nan_passes_silently_as_in_pytorch():
    x = story_input()
    masked_loss(x).backward()
    assert np.isnan(x.grad.numpy()[0])


def test_a_nan_that_is_not_zero_times_inf_gets_no_false_diagnosis():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.sqrt()  # nan in forward at -1: the backward nan comes from it, not from a mask
        with pytest.raises(RuntimeError, match="SqrtBackward0") as info:
            y.sum().backward()
    assert "0 * inf" not in str(info.value)


def test_check_inf_and_check_nan_switches():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with autograd.detect_anomaly(check_nan=False):
        assert autograd.is_anomaly_enabled() and not autograd.is_anomaly_check_nan_enabled()
        (x ** 0.5 * 0).sum().backward()  # nan, not checked
    with autograd.detect_anomaly(check_inf=True):
        with pytest.raises(RuntimeError, match="returned inf values"):
            (x ** 0.5).sum().backward()
    assert not autograd.is_anomaly_enabled()


def test_forward_check_names_the_op_that_made_the_nan_not_those_passing_it_on():
    x = torch.tensor([0.25, 0.75])
    with autograd.detect_anomaly(check_forward=True):
        with pytest.raises(RuntimeError, match="Function 'log' produced nan values in its forward output "
                                               "from finite inputs") as info:
            y = torch.log(x - 0.5)
        assert "torch.log(x - 0.5)" in str(info.value)
        y = torch.tensor([np.nan, 1.0])
        z = y * 2  # passes a NaN along: not reported
        assert np.isnan(z.numpy()[0])


def test_saved_arrays_are_read_only_while_the_graph_lives():
    x = story_input()
    with autograd.detect_anomaly():
        y = x.exp()
        z = y * y
        with pytest.raises(ValueError, match="read-only"):
            y.detach().numpy()[0] = 1.0
        z.sum().backward()
        assert y.detach().numpy().flags.writeable  # released with the graph
        h = x * 1
        w = h.exp() * h
        h.mul_(2)  # our own in-place op still works: the version counter reports it at backward
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            w.sum().backward()


def test_decorator_and_warning():
    @autograd.detect_anomaly()
    def step():
        assert autograd.is_anomaly_enabled()
        return (torch.tensor([1.0], requires_grad=True) * 2).sum()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step().backward()
    assert any("Anomaly Detection has been enabled" in str(w.message) for w in caught)
    assert not autograd.is_anomaly_enabled()


def test_reproducer_replays_the_failing_backward(tmp_path):
    x = story_input()
    with autograd.detect_anomaly(dump_dir=str(tmp_path)):
        loss = masked_loss(x)
        with pytest.raises(RuntimeError, match="Reproducer written"):
            loss.backward()
    script = tmp_path / "anomaly_PowBackward0.py"
    assert script.exists() and (tmp_path / "anomaly_PowBackward0.npz").exists()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "nan" in out.stdout


def test_story_6_training_loop_runs_under_anomaly_mode_without_error():
    # The seed model's ops in tensors (nn lands separately): 100 Adam-free SGD epochs.
    rng = np.random.default_rng(0)
    w1 = torch.tensor(rng.standard_normal((10, 20)) * 0.3, dtype=torch.float32, requires_grad=True)
    w2 = torch.tensor(rng.standard_normal((20, 30)) * 0.3, dtype=torch.float32, requires_grad=True)
    torch.autograd.set_detect_anomaly(True)
    data = torch.randn(5, 10)
    for _ in range(100):
        w1.grad = w2.grad = None
        loss = ((torch.relu(data.mm(w1)).mm(w2) - torch.randn(5, 30)) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w1.sub_(0.01 * w1.grad)
            w2.sub_(0.01 * w2.grad)
    assert np.isfinite(loss.item())

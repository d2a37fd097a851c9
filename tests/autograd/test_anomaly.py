"""Anomaly detection: the NaN's birthplace, the chain, the masked-branch diagnosis, forward
checks, read-only saved arrays, the reproducer, and the mode switches."""
import os
import re
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
    # The forward call reads as a Python traceback: oldest call first, File line then source line.
    here = __file__
    innermost = (f'  File "{here}", line {_line("loss = masked_loss(x)")}, in '
                 "test_nan_in_backward_names_the_function_and_the_forward_line\n"
                 "    loss = masked_loss(x)\n"
                 f'  File "{here}", line {_line("gamma_x = mask * 12.9")}, in masked_loss\n'
                 "    gamma_x = mask * 12.9 * x + (1 - mask) * (x ** 0.5)\n\n")  # (pytest's frames come before)
    assert msg.index("Traceback of forward call that caused the error:\n  File ") < msg.index(innermost)
    assert "MeanBackward0 -> PowBackward0 -> SubBackward0" in msg  # the chain from the loss
    assert "this NaN is 0 * inf" in msg
    assert "element [0]: input = 0, incoming gradient 0, local derivative inf" in msg
    assert "y[m] = x[m] ** 0.5" in msg and "torch.where(m, x, 1.0)" in msg  # the safe patterns


def _line(text):
    """The line number of `text` in this file (the first line containing it)."""
    with open(__file__) as f:
        return next(k for k, line in enumerate(f, 1) if text in line and "_line(" not in line)


# Branches whose derivative is infinite at an input the mask or torch.where leaves out: the
# op's grad_fn name, the input value that makes it infinite, and the call the fix writes.
_BRANCHES = [
    ("pow", lambda x: x ** 0.5, "PowBackward0", 0.0, "y[m] = x[m] ** 0.5"),
    ("sqrt", torch.sqrt, "SqrtBackward0", 0.0, "y[m] = torch.sqrt(x[m])"),
    ("log", torch.log, "LogBackward0", 0.0, "y[m] = torch.log(x[m])"),
    ("rsqrt", torch.rsqrt, "RsqrtBackward0", 0.0, "y[m] = torch.rsqrt(x[m])"),
    ("reciprocal", torch.reciprocal, "ReciprocalBackward0", 0.0, "y[m] = 1 / x[m]"),
    ("div", lambda x: x.exp() / x, "DivBackward0", 0.0, "y[m] = a[m] / x[m]"),
]


@pytest.mark.parametrize("select", ["where", "mask"])
@pytest.mark.parametrize("name, branch, node, value, fix", _BRANCHES, ids=[b[0] for b in _BRANCHES])
def test_masked_branch_diagnosis_names_elements_op_line_value_and_fix(name, branch, node, value, fix, select):
    x = torch.tensor([[1.0, 0.0], [2.0, 0.0]], dtype=torch.float64, requires_grad=True)
    keep = torch.tensor([[True, False], [True, False]])
    with autograd.detect_anomaly():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if select == "where":
                y = torch.where(keep, branch(x), 2.0 * x)  # the branch line
            else:
                y = keep.double() * branch(x) + (~keep).double() * 2.0 * x  # the branch line
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    msg = str(info.value)
    assert msg.startswith(f"Function '{node}' returned nan values in its")
    assert "this NaN is 0 * inf" in msg
    # The op's line: the innermost user frame (the lambda, for the branches written as one).
    line = (branch.__code__.co_firstlineno if branch.__name__ == "<lambda>"
            else _line("torch.where(keep, branch(x)" if select == "where" else "keep.double() * branch(x)"))
    assert f"The forward op of {node} (File \"{__file__}\", line {line}," in msg
    shown = "other" if name == "div" else "input"
    for idx in ("[0, 1]", "[1, 1]"):
        assert re.search(rf"element {re.escape(idx)}: (input = 1, )?{shown} = {value:g}, incoming gradient 0, "
                         r"local derivative -?inf", msg), msg
    assert fix in msg and "torch.where(m, x, 1.0)" in msg


def test_a_nan_that_is_not_zero_times_inf_gets_no_false_diagnosis():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.sqrt()  # nan in forward at -1: the backward nan comes from it, not from a mask
        with pytest.raises(RuntimeError, match="SqrtBackward0") as info:
            y.sum().backward()
    msg = str(info.value)
    assert "0 * inf" not in msg
    assert ("Diagnosis: the NaN was already there in the forward pass: the output that SqrtBackward0 saved is "
            "nan at [0], and its backward carries it on.") in msg
    assert "detect_anomaly(check_forward=True)" in msg


def test_without_anomaly_mode_the_nan_passes_silently_as_in_pytorch():
    x = story_input()
    masked_loss(x).backward()
    assert np.isnan(x.grad.numpy()[0])


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
    x = torch.tensor([0.25, 0.75, 0.0])
    with autograd.detect_anomaly(check_forward=True):
        with pytest.raises(RuntimeError) as info:
            y = torch.log(x - 0.5)  # the birthplace
        y = torch.tensor([np.nan, 1.0])
        z = y * 2  # passes a NaN along: not reported
        assert np.isnan(z.numpy()[0])
    msg = str(info.value)
    assert msg.startswith("Function 'log' produced nan values in its forward output from finite inputs.")
    assert "output element [0] = nan from input = -0.25\n  output element [2] = nan from input = -0.5" in msg
    assert "Traceback of forward call that caused the error:\n" in msg
    assert msg.endswith(f'  File "{__file__}", line {_line("# the birthplace")}, in '
                        "test_forward_check_names_the_op_that_made_the_nan_not_those_passing_it_on\n"
                        "    y = torch.log(x - 0.5)  # the birthplace")


def test_forward_check_reports_inf_only_with_check_inf():
    x = torch.tensor([1.0, 0.0])
    with autograd.detect_anomaly(check_forward=True):
        y = torch.log(x)  # -inf: a NaN check does not report it
        scores = torch.zeros(2).masked_fill(torch.tensor([True, False]), float("-inf"))  # an Inf given in
    assert np.isinf(y.numpy()[1]) and np.isinf(scores.numpy()[0])
    with autograd.detect_anomaly(check_forward=True, check_inf=True):
        with pytest.raises(RuntimeError, match=r"'log' produced inf values(.|\n)*element \[1\] = -inf from "
                                               r"input = 0"):
            torch.log(x)
        torch.zeros(2).masked_fill(torch.tensor([True, False]), float("-inf"))  # passed along, not made


def test_saved_arrays_are_read_only_while_the_graph_lives():
    x = story_input()
    with autograd.detect_anomaly():
        y = x.exp()
        z = y * y
        alias = y.detach().numpy()
        with pytest.raises(ValueError, match="read-only") as info:
            alias[0] = 1.0  # the write through the alias
        assert info.traceback[-1].lineno + 1 == _line("# the write through the alias")  # raised at its line
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


@pytest.mark.parametrize("case", ["pow", "where_div"])
def test_reproducer_replays_the_failing_backward(tmp_path, case):
    x = story_input()
    with autograd.detect_anomaly(dump_dir=str(tmp_path)):
        loss = masked_loss(x) if case == "pow" else torch.where(x < 0.003, x, x.exp() / x).sum()
        with pytest.raises(RuntimeError, match="Reproducer written") as info:
            loss.backward()
    node = "PowBackward0" if case == "pow" else "DivBackward0"
    first_line = str(info.value).splitlines()[0]
    script = tmp_path / f"anomaly_{node}.py"
    assert script.exists() and (tmp_path / f"anomaly_{node}.npz").exists()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    # Run from elsewhere: the script finds its .npz beside itself.
    out = subprocess.run([sys.executable, str(script)], cwd=os.path.dirname(tmp_path), capture_output=True,
                         text=True, env=env)
    assert out.returncode == 1, out.stderr  # the failure reproduces
    assert f"RuntimeError: {first_line[:-1]} (elements [[0]])." in out.stderr
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

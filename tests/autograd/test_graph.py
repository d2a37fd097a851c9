"""The graph drawn as DOT text and as a text tree."""
import shutil
import warnings

import numpy as np
import pytest

import pyautograd as torch
from pyautograd.autograd import graph


def test_to_dot_lists_ops_shapes_parameter_names_and_edges():
    w = torch.tensor([[1.0, 2.0]], requires_grad=True)
    x = torch.tensor([[3.0], [4.0]])
    loss = (w.mm(x).exp() * 2).sum()
    dot = graph.to_dot(loss, params={"weight": w}, show_saved=True)
    assert dot.startswith("digraph autograd {") and dot.rstrip().endswith("}")
    for name in ("SumBackward0", "MulBackward0", "ExpBackward0", "MmBackward0", "weight"):
        assert name in dot
    assert "[1, 2]" in dot  # the leaf's shape
    assert "result: [1, 1] (v0)" in dot  # exp's saved output with its version
    assert dot.count("->") == 4


def test_nan_gradient_leaf_is_red():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    loss = (x ** 0.5 * 0).sum()
    loss.backward(retain_graph=True)
    assert np.isnan(x.grad.numpy()[0])
    assert "color=red" in graph.to_dot(loss)


def test_long_chains_need_no_recursion():
    x = torch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    text = graph.print_graph(y.sum(), file=open("/dev/null", "w"))
    assert text.count("MulBackward0") == 5000
    assert graph.to_dot(y).count("MulBackward0") == 5000


def test_shared_nodes_are_printed_once():
    x = torch.tensor([2.0], requires_grad=True)
    h = x.exp()
    text = graph.print_graph((h * h).sum(), params={"x": x}, file=open("/dev/null", "w"))
    assert text.count("#2 ExpBackward0") == 1 and "(see #2)" in text


def test_render_writes_a_file_or_names_the_missing_package(tmp_path):
    x = torch.tensor([1.0], requires_grad=True)
    if shutil.which("dot") is None:
        with pytest.raises(RuntimeError, match="apt-get install graphviz"):
            graph.render(x * 2, str(tmp_path / "g"))
    else:
        out = graph.render(x * 2, str(tmp_path / "g"), format="svg")
        assert open(out).read().lstrip().startswith("<?xml")


def test_each_node_shows_what_its_forward_produced_and_saved_versions_now():
    w = torch.tensor([[1.0, 2.0]], requires_grad=True)
    h = w.t() * 1  # [2, 1]
    y = (h.exp() * h).sum()
    h.add_(1)  # changes what mul saved
    text = graph.print_graph(y, params={"w": w}, show_saved=True, file=open("/dev/null", "w"))
    assert "ExpBackward0  [2, 1] torch.float32" in text and "SumBackward0  [] torch.float32" in text
    assert "w  [1, 2] torch.float32" in text
    assert "other: [2, 1] (saved at v0, now v1: modified in place)" in text


def test_nodes_that_produced_a_nan_are_red():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    y = x.sqrt()  # nan at -1, kept in its saved result
    dot = graph.to_dot((y * 2).sum())
    sqrt_line = next(line for line in dot.splitlines() if "SqrtBackward0" in line)
    mul_line = next(line for line in dot.splitlines() if "MulBackward0" in line)
    assert "color=red" in sqrt_line and "color=red" not in mul_line
    # The node anomaly mode stopped at is red too, though its forward output was finite.
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            loss = torch.where(x > 0.5, x.sqrt(), x).sum()
            with pytest.raises(RuntimeError, match="SqrtBackward0"):
                loss.backward(retain_graph=True)
    sqrt_line = next(line for line in graph.to_dot(loss).splitlines() if "SqrtBackward0" in line)
    assert "color=red" in sqrt_line

"""The graph drawn as DOT text and as a text tree."""
import shutil

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

"""nn.Sequential runs Linear then ReLU as one fused kernel call (linear_relu): nothing a user can see changes.

Values, gradients, double backward and the whole graph (node names, next_functions, node
hooks, saved-tensor version checks) agree with PyTorch's unfused calls; a hook on either
module, a patched forward, a 3-D input, a bias-less Linear or a subclass keep the two
separate calls. F.linear and F.cross_entropy build PyTorch's graphs too.
"""
import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn as nn
from pyautograd import kernels

torch = pytest.importorskip("torch")


def _pair(*, bias=True, inplace=False):
    """The same Linear-ReLU-Linear model in pyautograd and PyTorch (float64, equal weights)."""
    rng = np.random.default_rng(0)
    shapes = [(6, 4), (6,), (3, 6), (3,)]
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = nn.Sequential(nn.Linear(4, 6, bias=bias), nn.ReLU(inplace=inplace), nn.Linear(6, 3)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6, bias=bias), torch.nn.ReLU(inplace=inplace),
                                 torch.nn.Linear(6, 3)).double()
    for lib, model in ((P, ours), (torch, theirs)):
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(arrays[0]))
            if bias:
                model[0].bias.copy_(lib.tensor(arrays[1]))
            model[2].weight.copy_(lib.tensor(arrays[2]))
            model[2].bias.copy_(lib.tensor(arrays[3]))
    return ours, theirs


def _fused(model, x, monkeypatch=None):
    """Whether model(x) took the fused path: one kernels.linear call with the relu epilogue."""
    calls = []
    original = kernels.linear

    def spy(*args, **kwargs):
        calls.append(kwargs.get("activation"))
        return original(*args, **kwargs)

    kernels.linear = spy
    try:
        model(x)
    finally:
        kernels.linear = original
    return "relu" in calls


def _graph(fn):
    """The graph below grad_fn `fn` as nested (name, [children]) over next_functions."""
    if fn is None:
        return None
    return (type(fn).__name__, [(_graph(f), nr) for f, nr in fn.next_functions])


def _names(fn):
    """The node names below `fn`, depth first, skipping empty edges. (The loss nodes here keep an
    empty edge per non-differentiable tensor argument, target and weight, which PyTorch omits.)"""
    if fn is None:
        return []
    return [type(fn).__name__] + [n for f, _ in fn.next_functions for n in _names(f)]


def _check_against_torch(ours, theirs, x):
    px = P.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    out, ref = ours(px), theirs(tx)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    (out ** 2).sum().backward()
    (ref ** 2).sum().backward()
    np.testing.assert_allclose(px.grad.numpy(), tx.grad.numpy(), rtol=1e-11)
    for a, b in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("inplace", [False, True])
def test_fused_linear_relu_matches_pytorch(inplace):
    ours, theirs = _pair(inplace=inplace)
    x = np.random.default_rng(1).standard_normal((5, 4))
    assert _fused(ours, P.tensor(x))
    _check_against_torch(ours, theirs, x)
    out = ours(P.tensor(x, requires_grad=True))
    ref = theirs(torch.tensor(x, requires_grad=True))
    # ReluBackward0 -> AddmmBackward0 -> (bias, input, TBackward0 -> weight), as unfused PyTorch
    assert _graph(out.grad_fn) == _graph(ref.grad_fn)
    relu_node = out.grad_fn.next_functions[1][0]
    assert type(relu_node).__name__ == "ReluBackward0"
    assert type(relu_node.next_functions[0][0]).__name__ == "AddmmBackward0"


def test_double_backward_through_the_fused_layer_matches_pytorch():
    ours, theirs = _pair()
    x = np.random.default_rng(2).standard_normal((5, 4))
    grads = []
    for lib, model in ((P, ours), (torch, theirs)):
        xt = lib.tensor(x, requires_grad=True)
        (g,) = lib.autograd.grad(model(xt).sum(), xt, create_graph=True)
        (g ** 2).sum().backward()  # a gradient penalty
        grads.append([None if p.grad is None else p.grad.numpy() for p in model.parameters()])
    assert [a is None for a in grads[0]] == [b is None for b in grads[1]]  # no bias enters d out / d x
    for a, b in zip(*grads):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-14)


def test_cases_that_keep_two_calls_still_match_pytorch():
    x = np.random.default_rng(3).standard_normal((5, 4))
    ours, theirs = _pair(bias=False)
    assert not _fused(ours, P.tensor(x))
    _check_against_torch(ours, theirs, x)

    ours, theirs = _pair()
    assert not _fused(ours, P.tensor(x.reshape(5, 1, 4)))
    _check_against_torch(ours, theirs, x.reshape(5, 1, 4))

    seen = []
    ours[0].register_forward_hook(lambda mod, args, out: seen.append(out.shape))
    assert not _fused(ours, P.tensor(x))
    _check_against_torch(ours, theirs, x)
    assert seen[-1] == (5, 6)  # the hook saw the Linear's own output

    class MyReLU(nn.ReLU):
        def forward(self, input):
            return super().forward(input) * 2

    model = nn.Sequential(nn.Linear(4, 6), MyReLU())
    assert not _fused(model, P.randn(5, 4))


@pytest.mark.parametrize("requires_grad", [False, True])
def test_linear_and_cross_entropy_graphs_match_pytorch(requires_grad):
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    target = np.array([0, 2, 1, 1, 0])
    graphs = []
    for lib in (P, torch):
        xt = lib.tensor(x, requires_grad=requires_grad)
        wt, bt = lib.tensor(w, requires_grad=True), lib.tensor(b, requires_grad=True)
        F = lib.nn.functional
        graphs.append([_graph(F.linear(xt, wt, bt).grad_fn), _graph(F.linear(xt, wt).grad_fn),
                       _names(F.cross_entropy(xt, lib.tensor(target)).grad_fn),
                       _names(F.cross_entropy(F.linear(xt, wt, bt), lib.tensor(target), reduction="sum").grad_fn)])
    assert graphs[0] == graphs[1]


def test_node_hooks_inside_the_fused_layer_see_pytorchs_gradients():
    ours, theirs = _pair()
    x = np.random.default_rng(5).standard_normal((5, 4))
    seen = {}
    for name, lib, model in (("ours", P, ours), ("torch", torch, theirs)):
        out = model(lib.tensor(x, requires_grad=True))
        relu_node = out.grad_fn.next_functions[1][0]
        addmm_node = relu_node.next_functions[0][0]
        t_node = addmm_node.next_functions[2][0]
        got = seen[name] = {}
        relu_node.register_hook(lambda gi, go, got=got: got.__setitem__("relu", (gi[0].numpy().copy(),)))
        addmm_node.register_hook(lambda gi, go, got=got: got.__setitem__(
            "addmm", tuple(g.numpy().copy() for g in gi)))
        t_node.register_hook(lambda gi, go, got=got: got.__setitem__("t", (gi[0].numpy().copy(),)))
        (out ** 2).sum().backward()
    assert sorted(seen["ours"]) == sorted(seen["torch"]) == ["addmm", "relu", "t"]
    for key in seen["ours"]:
        for a, b in zip(seen["ours"][key], seen["torch"][key]):
            np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-14)
    assert ours[0].weight.grad._data.flags.c_contiguous  # reached through TBackward0, as PyTorch's


def test_in_place_weight_update_after_forward_behaves_as_pytorch():
    for requires_grad in (False, True):
        outcomes = []
        for lib, model in zip((P, torch), _pair()):
            out = model(lib.tensor(np.ones((2, 4)), requires_grad=requires_grad))
            with lib.no_grad():
                model[0].weight.add_(1)  # saved (as weight.t()) only when the input needs a gradient
            try:
                out.sum().backward()
                outcomes.append("ok")
            except RuntimeError as e:
                outcomes.append("modified by an inplace operation" in str(e))
        assert outcomes[0] == outcomes[1], (requires_grad, outcomes)


@pytest.mark.parametrize("cls_name", ["Linear", "ReLU"])
def test_a_class_level_patched_forward_runs_and_turns_fusion_off(cls_name, monkeypatch):
    ours, _ = _pair()
    cls = getattr(nn, cls_name)
    original = cls.forward
    calls = []

    def patched(self, input):
        calls.append(type(self).__name__)
        return original(self, input)

    monkeypatch.setattr(cls, "forward", patched)
    x = P.tensor(np.random.default_rng(6).standard_normal((5, 4)))
    assert not _fused(ours, x)
    expected = 2 if cls_name == "Linear" else 1
    assert calls.count(cls_name) == expected  # once per module, as in PyTorch
    monkeypatch.undo()
    assert _fused(ours, x)  # the original forward back: fused again


def test_a_patched_module_call_turns_fusion_off(monkeypatch):
    ours, _ = _pair()
    called = []
    original = nn.Module.__call__

    def patched(self, *args, **kwargs):
        called.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(nn.Module, "__call__", patched)
    x = P.tensor(np.random.default_rng(7).standard_normal((5, 4)))
    assert not _fused(ours, x)
    assert called == ["Sequential", "Linear", "ReLU", "Linear"]


def test_forward_hooks_on_the_linear_see_its_own_output_as_pytorch():
    ours, theirs = _pair()
    x = np.random.default_rng(8).standard_normal((5, 4))
    outs = []
    for lib, model in ((P, ours), (torch, theirs)):
        got = []
        model[0].register_forward_hook(lambda mod, args, out, got=got: got.append(out.detach().numpy().copy()))
        model[1].register_forward_pre_hook(lambda mod, args, got=got: got.append(args[0].detach().numpy().copy()))
        model(lib.tensor(x))
        outs.append(got)
    assert len(outs[0]) == len(outs[1]) == 2
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12)

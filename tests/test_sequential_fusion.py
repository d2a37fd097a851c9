"""nn.Sequential runs Linear then ReLU as one fused op (linear_relu): nothing a user can see changes.

Values, gradients, double backward and the output's grad_fn agree with PyTorch; a
hook on either module, a 3-D input, a bias-less Linear or a subclass keep the two
separate calls.
"""
import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn as nn

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


def _fused(model, x):
    """Whether model(x) took the fused path (its first layer's output node is linear_relu's)."""
    out = model[:2](x)
    return getattr(type(out.grad_fn), "op", None) is not None and type(out.grad_fn).op.name == "linear_relu"


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
    out = ours[:2](P.tensor(x, requires_grad=True))
    assert type(out.grad_fn).__name__ == type(theirs[:2](torch.tensor(x, requires_grad=True)).grad_fn).__name__


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

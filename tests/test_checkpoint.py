"""Gradient checkpointing: outputs and gradients equal the plain run's (and PyTorch's), dropout's RNG is
replayed, activations are not kept, autograd.grad works with use_reentrant=False."""
import warnings

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd.utils.checkpoint import checkpoint, checkpoint_sequential


def _mlp(lib, weights, dropout=0.0):
    mod = nn if lib is pag else lib.nn
    layers = []
    for w, b in weights:
        lin = mod.Linear(w.shape[1], w.shape[0]).double()
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(w))
            lin.bias.copy_(lib.tensor(b))
        layers += [lin, mod.Tanh()] + ([mod.Dropout(dropout)] if dropout else [])
    return mod.Sequential(*layers)


def _weights(rng, depth=6, width=5):
    return [(rng.standard_normal((width, width)) * 0.5, rng.standard_normal(width)) for _ in range(depth)]


def _grads(model, x):
    return [x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("reentrant", [True, False])
def test_outputs_and_gradients_equal_the_plain_run_and_pytorch(reentrant, torch, rng):
    weights, x0 = _weights(rng), rng.standard_normal((4, 5))
    runs = {}
    for name, lib, check in (("plain", pag, None), ("ours", pag, checkpoint), ("torch", torch, None),
                             ("torch-ckpt", torch, torch.utils.checkpoint.checkpoint)):
        model = _mlp(lib, weights)
        x = lib.tensor(x0, requires_grad=True)
        half = len(model) // 2
        first, second = model[:half], model[half:]
        h = check(first, x, use_reentrant=reentrant) if check else first(x)
        y = check(second, h, use_reentrant=reentrant) if check else second(h)
        (y ** 2).sum().backward()
        runs[name] = (y.detach().numpy().copy(), _grads(model, x))
    for name in ("ours", "torch", "torch-ckpt"):
        np.testing.assert_allclose(runs[name][0], runs["plain"][0], rtol=1e-12)
        for a, b in zip(runs[name][1], runs["plain"][1]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_activations_are_not_kept_between_forward_and_backward(rng):
    model = _mlp(pag, _weights(rng))
    x = pag.tensor(rng.standard_normal((4, 5)), requires_grad=True)
    y = checkpoint(model, x, use_reentrant=False)
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"
    # the node's inputs are x and the parameters: no per-layer node (and no activation) hangs below it
    below = {type(f).__name__ for f, _ in y.grad_fn.next_functions if f is not None}
    assert below == {"AccumulateGrad"}
    assert len(y.grad_fn.next_functions) == 1 + len(list(model.parameters()))


@pytest.mark.parametrize("reentrant", [True, False])
def test_dropout_masks_are_replayed_in_the_recomputation(reentrant, rng):
    weights, x0 = _weights(rng, depth=3), rng.standard_normal((6, 5))

    def run(check, preserve=True):
        pag.manual_seed(3)
        model = _mlp(pag, weights, dropout=0.5)
        x = pag.tensor(x0, requires_grad=True)
        y = checkpoint(model, x, use_reentrant=reentrant, preserve_rng_state=preserve) if check else model(x)
        y.sum().backward()
        return y.detach().numpy(), _grads(model, x)
    plain, kept, lost = run(False), run(True), run(True, preserve=False)
    np.testing.assert_array_equal(kept[0], plain[0])
    for a, b in zip(kept[1], plain[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # without the RNG state the recomputation draws other masks, so the gradients are wrong
    assert any(not np.allclose(a, b) for a, b in zip(lost[1], plain[1]))


def test_non_reentrant_supports_autograd_grad_kwargs_and_inputs_without_grad(rng):
    model = _mlp(pag, _weights(rng, depth=2))
    x = pag.tensor(rng.standard_normal((3, 5)))  # no requires_grad: the parameters still get gradients
    scale = pag.tensor(2.0)

    def fn(inp, *, factor):
        return model(inp) * factor
    y = checkpoint(fn, x, factor=scale, use_reentrant=False)
    params = list(model.parameters())
    got = pag.autograd.grad(y.sum(), params)
    want = pag.autograd.grad((model(x) * scale).sum(), params)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_captured_leaves_still_accumulate_and_tuple_outputs(rng):
    w = pag.tensor(rng.standard_normal(5), requires_grad=True)
    x = pag.tensor(rng.standard_normal(5), requires_grad=True)
    a, b = checkpoint(lambda t: (t * w, (t + w).sin()), x, use_reentrant=False)
    (a.sum() + b.sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), x.detach().numpy() + np.cos(x.detach().numpy() + w.detach().numpy()))
    np.testing.assert_allclose(x.grad.numpy(), w.detach().numpy() + np.cos(x.detach().numpy() + w.detach().numpy()))


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_sequential_matches_the_plain_run(reentrant, rng):
    weights, x0 = _weights(rng, depth=8), rng.standard_normal((4, 5))
    runs = []
    for check in (False, True):
        model = _mlp(pag, weights)
        x = pag.tensor(x0, requires_grad=True)
        y = checkpoint_sequential(model, 4, x, use_reentrant=reentrant) if check else model(x)
        y.pow(2).sum().backward()
        runs.append((y.detach().numpy(), _grads(model, x)))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_warnings_and_errors_as_pytorch(torch):
    x = pag.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
        checkpoint(lambda t: t * 2, x)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
        checkpoint(lambda t, k: t, x, k=1, use_reentrant=True)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        checkpoint(lambda t: t * 2, pag.ones(2), use_reentrant=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pag.no_grad():
            assert checkpoint(lambda t: t * 2, x, use_reentrant=False).grad_fn is None

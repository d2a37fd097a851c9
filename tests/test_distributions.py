"""torch.distributions basics against torch 2.13: log_prob, entropy, moments, cdf, kl_divergence,
reparameterized gradients, sample shapes and statistics, argument validation."""
import numpy as np
import pytest

import pyautograd as P


def _t(lib, x):
    return lib.tensor(np.asarray(x, dtype=np.float64))


def _same(o, t):
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)


FAMILIES = {
    "Normal": (lambda lib: lib.distributions.Normal(_t(lib, [0.0, 1.5, -2.0]), _t(lib, [1.0, 0.5, 2.0])),
               [0.3, 1.0, -1.0]),
    "Uniform": (lambda lib: lib.distributions.Uniform(_t(lib, [0.0, -1.0]), _t(lib, [2.0, 3.0])), [1.0, 2.5]),
    "Categorical(probs)": (lambda lib: lib.distributions.Categorical(probs=_t(lib, [[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])),
                           [2, 1]),
    "Categorical(logits)": (lambda lib: lib.distributions.Categorical(logits=_t(lib, [[1.0, -1.0, 0.5]])), [0]),
    "Bernoulli(probs)": (lambda lib: lib.distributions.Bernoulli(probs=_t(lib, [0.2, 0.9])), [1.0, 0.0]),
    "Bernoulli(logits)": (lambda lib: lib.distributions.Bernoulli(logits=_t(lib, [-1.0, 2.0])), [0.0, 1.0]),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_as_torch(name, torch):
    make, value = FAMILIES[name]
    ours, theirs = make(P), make(torch)
    dtype = "int64" if name.startswith("Categorical") else "float64"
    vo, vt = P.tensor(np.asarray(value, dtype)), torch.tensor(np.asarray(value, dtype))
    _same(ours.log_prob(vo), theirs.log_prob(vt))
    _same(ours.entropy(), theirs.entropy())
    for attr in ("mean", "variance", "stddev"):
        np.testing.assert_allclose(getattr(ours, attr).numpy(), getattr(theirs, attr).numpy(), rtol=1e-12)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.sample((4, 2)).shape) == tuple(theirs.sample((4, 2)).shape)
    assert repr(make(P)) == repr(make(torch))


@pytest.mark.parametrize("pair", ["Normal", "Uniform", "Categorical(probs)", "Bernoulli(probs)"])
def test_kl_divergence_as_torch(pair, torch):
    second = {"Normal": lambda lib: lib.distributions.Normal(_t(lib, [1.0, 1.0, 0.0]), _t(lib, [2.0, 1.0, 0.5])),
              "Uniform": lambda lib: lib.distributions.Uniform(_t(lib, [-1.0, 0.0]), _t(lib, [2.5, 3.0])),
              "Categorical(probs)": lambda lib: lib.distributions.Categorical(
                  probs=_t(lib, [[0.1, 0.1, 0.8], [0.5, 0.0, 0.5]])),
              "Bernoulli(probs)": lambda lib: lib.distributions.Bernoulli(probs=_t(lib, [0.5, 1.0]))}[pair]
    make = FAMILIES[pair][0]
    ours = P.distributions.kl_divergence(make(P), second(P))
    theirs = torch.distributions.kl_divergence(make(torch), second(torch))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_rsample_gradients_reach_the_parameters():
    P.manual_seed(0)
    loc, scale = P.tensor([0.5, -1.0, 2.0], requires_grad=True), P.tensor([1.0, 2.0, 0.5], requires_grad=True)
    x = P.distributions.Normal(loc, scale).rsample((100,))
    (x * 3).sum().backward()  # x = loc + eps * scale: dx/dloc = 1, dx/dscale = eps = (x - loc) / scale
    eps = (x.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(loc.grad.numpy(), 300.0, rtol=1e-6)
    np.testing.assert_allclose(scale.grad.numpy(), (3 * eps).sum(0).numpy(), rtol=1e-5)
    assert not P.distributions.Normal(loc, scale).sample().requires_grad
    low = P.tensor(1.0, requires_grad=True)
    u = P.distributions.Uniform(low, 3.0).rsample((10,))
    u.sum().backward()
    np.testing.assert_allclose(low.grad.item(), 10 - ((u.detach() - 1.0) / 2.0).sum().item(), rtol=1e-5)  # 1 - r each


def test_sample_statistics():
    P.manual_seed(1)
    draws = P.distributions.Categorical(probs=P.tensor([0.1, 0.2, 0.7])).sample((20000,))
    np.testing.assert_allclose(np.bincount(draws.numpy(), minlength=3) / 20000, [0.1, 0.2, 0.7], atol=0.015)
    u = P.distributions.Uniform(2.0, 4.0).sample((20000,))
    assert 2.0 <= u.min().item() and u.max().item() < 4.0 and abs(u.mean().item() - 3.0) < 0.03
    b = P.distributions.Bernoulli(probs=P.tensor(0.25)).sample((20000,))
    assert abs(b.mean().item() - 0.25) < 0.015


def test_validation_as_torch(torch):
    with pytest.raises(ValueError):  # validate_args explicit: importing torch.compile's stack turns torch's default off
        torch.distributions.Normal(torch.zeros(2), torch.tensor([1.0, -1.0]), validate_args=True)
    with pytest.raises(ValueError, match="constraint GreaterThan"):
        P.distributions.Normal(P.zeros(2), P.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        P.distributions.Categorical()
    P.distributions.Normal(P.zeros(2), P.tensor([1.0, -1.0]), validate_args=False)  # accepted when not validated

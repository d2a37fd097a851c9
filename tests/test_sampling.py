"""multinomial and bernoulli: statistics of the draws, reproducibility, the errors PyTorch
raises, and bernoulli's zero gradient (BernoulliBackward0) as PyTorch's. Also the method and
in-place forms of the selection and triangle ops added with them."""
import numpy as np
import pytest

import pyautograd as P


def test_multinomial_frequencies_follow_the_weights():
    P.manual_seed(0)
    draws = P.multinomial(P.tensor([1.0, 3.0, 0.0, 6.0]), 20000, replacement=True)
    assert draws.dtype == P.int64 and draws.shape == (20000,)
    freq = np.bincount(draws.numpy(), minlength=4) / 20000
    np.testing.assert_allclose(freq, [0.1, 0.3, 0.0, 0.6], atol=0.015)


def test_multinomial_without_replacement_draws_distinct_categories_in_weight_order():
    P.manual_seed(1)
    probs = P.tensor([[0.05, 0.05, 0.9, 0.0], [0.5, 0.5, 0.0, 0.0]])
    rows = [P.multinomial(probs, 2).tolist() for _ in range(300)]
    assert all(len(set(r[0])) == 2 and len(set(r[1])) == 2 for r in rows)
    assert all(set(r[1]) == {0, 1} for r in rows)
    first = np.array([r[0][0] for r in rows])
    assert 0.85 < (first == 2).mean() < 0.95  # the heavy category is drawn first with p = 0.9


def test_multinomial_reproducible_under_manual_seed_and_generator():
    probs = P.rand(3, 5)
    P.manual_seed(7)
    a = P.multinomial(probs, 4, True)
    P.manual_seed(7)
    assert P.equal(a, probs.multinomial(4, True))
    g1, g2 = P.Generator().manual_seed(3), P.Generator().manual_seed(3)
    assert P.equal(P.multinomial(probs, 3, generator=g1), P.multinomial(probs, 3, generator=g2))


@pytest.mark.parametrize("probs,n,replacement", [([0.2, 0.8], 3, False), ([-0.2, 0.8], 1, False),
                                                 ([0.0, 0.0], 1, True), ([float("nan"), 1.0], 1, True)])
def test_multinomial_errors_as_torch(torch, probs, n, replacement):
    with pytest.raises(RuntimeError) as theirs:
        torch.multinomial(torch.tensor(probs), n, replacement)
    with pytest.raises(RuntimeError) as ours:
        P.multinomial(P.tensor(probs), n, replacement)
    assert str(theirs.value).split(" (")[0] in str(ours.value)


def test_bernoulli_mean_and_zero_gradient_as_torch(torch):
    P.manual_seed(0)
    p = P.full((20000,), 0.3, requires_grad=True)
    draws = P.bernoulli(p)
    assert abs(draws.mean().item() - 0.3) < 0.015 and set(np.unique(draws.detach().numpy())) == {0.0, 1.0}
    assert type(draws.grad_fn).__name__ == type(torch.bernoulli(torch.full((2,), 0.3, requires_grad=True))
                                                .grad_fn).__name__
    draws.sum().backward()
    assert P.equal(p.grad, P.zeros(20000))


def test_bernoulli_forms():
    P.manual_seed(0)
    x = P.empty(10000)
    assert x.bernoulli_(0.25) is x and abs(x.mean().item() - 0.25) < 0.02
    assert set(np.unique(P.bernoulli(P.zeros(4), 0.5).numpy())) <= {0.0, 1.0}
    with pytest.raises(RuntimeError, match="p_in >= 0"):
        P.bernoulli(P.tensor([1.5]))


def test_triangles_in_place_and_errors(torch):
    x = P.arange(9.0).reshape(3, 3)
    assert x.tril_(-1) is x and P.equal(x, P.tril(P.arange(9.0).reshape(3, 3), -1))
    y = P.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(y.triu(1).numpy(), torch.arange(9.0).reshape(3, 3).triu(1).numpy())
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        P.tril(P.ones(3))


def test_selection_methods_and_errors(torch):
    x = P.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    t = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    for ours, theirs in [(x.topk(2), t.topk(2)), (x.sort(dim=0, descending=True), t.sort(dim=0, descending=True)),
                         (x.kthvalue(2, 1), t.kthvalue(2, 1)), (x.median(1), t.median(1)), (x.mode(0), t.mode(0))]:
        assert type(ours).__name__ == type(theirs).__name__
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    np.testing.assert_array_equal(x.argsort(descending=True).numpy(), t.argsort(descending=True).numpy())
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(4)
    with pytest.raises(RuntimeError, match="selected number k out of range"):
        x.kthvalue(0)

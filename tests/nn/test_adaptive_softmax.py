"""nn.AdaptiveLogSoftmaxWithLoss against PyTorch's: the same weights give the same output, loss,
gradients, log_prob and predict, batched and not; bad cutoffs, targets and shapes raise as
PyTorch's module does."""
import numpy as np
import pytest

import pyautograd as P

torch = pytest.importorskip("torch")


def _pair(in_features=32, n_classes=20, cutoffs=(4, 10), **kw):
    ours = P.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, list(cutoffs), **kw).double()
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, list(cutoffs), **kw).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def test_structure_as_torch():
    ours, theirs = _pair(16, 100, (10, 30, 60), div_value=2.0, head_bias=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert all(tuple(v.shape) == tuple(theirs.state_dict()[k].shape) for k, v in ours.state_dict().items())
    assert (ours.shortlist_size, ours.n_clusters, ours.head_size, ours.cutoffs) == \
        (theirs.shortlist_size, theirs.n_clusters, theirs.head_size, theirs.cutoffs)


@pytest.mark.parametrize("targets", [[0, 3, 4, 9, 10, 19, 2, 15], [1, 2, 3, 0], [12, 13, 19, 10], [5]])
def test_forward_loss_and_gradients_as_torch(targets):
    ours, theirs = _pair(head_bias=True)
    x = np.random.default_rng(len(targets)).standard_normal((len(targets), 32))
    results = []
    for lib, module in ((P, ours), (torch, theirs)):
        xi = lib.tensor(x, requires_grad=True)
        out, loss = module(xi, lib.tensor(targets))
        (loss + out.sum()).backward()
        grads = [p.grad.numpy() for _, p in sorted(module.named_parameters()) if p.grad is not None]
        results.append((out.detach().numpy(), loss.item(), xi.grad.numpy(), grads, type(out.grad_fn).__name__))
    (o1, l1, g1, p1, n1), (o2, l2, g2, p2, n2) = results
    np.testing.assert_allclose(o1, o2, rtol=1e-12, atol=1e-12)
    assert l1 == pytest.approx(l2, rel=1e-12) and n1 == n2
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)
    assert len(p1) == len(p2)
    for a, b in zip(p1, p2):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_unbatched_log_prob_and_predict_as_torch():
    ours, theirs = _pair()
    x = np.random.default_rng(3).standard_normal((30, 32)) * 3
    for lib, module in ((P, ours), (torch, theirs)):
        with lib.no_grad():
            out, loss = module(lib.tensor(x[0]), lib.tensor(17))
            assert tuple(out.shape) == () and tuple(loss.shape) == ()
    np.testing.assert_allclose(ours.log_prob(P.tensor(x)).detach().numpy(),
                               theirs.log_prob(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(P.exp(ours.log_prob(P.tensor(x))).sum(1).detach().numpy(), 1.0, rtol=1e-12)
    assert ours.predict(P.tensor(x)).tolist() == theirs.predict(torch.tensor(x)).tolist()
    for lib, module in ((P, ours), (torch, theirs)):  # a batch only, in PyTorch's module too
        with pytest.raises(IndexError):
            module.predict(lib.tensor(x[1]))
        with pytest.raises(RuntimeError):
            module.log_prob(lib.tensor(x).reshape(2, 15, 32))


def test_gradcheck():
    module = P.nn.AdaptiveLogSoftmaxWithLoss(5, 9, [3, 6]).double()
    x = P.randn(6, 5, dtype=P.float64, requires_grad=True)
    target = P.tensor([0, 2, 3, 5, 6, 8])
    assert P.autograd.gradcheck(lambda x: module(x, target).output, (x,))
    assert P.autograd.gradgradcheck(lambda x: module(x, target).loss, (x,))


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, []),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [10, 4]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 20]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 4]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [0, 4]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(3, 8), lib.tensor([1, 2, 20])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(3, 8), lib.tensor([1, -1, 2])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(3, 8), lib.tensor([1, 2])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(8), lib.tensor([1])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(3, 8), lib.tensor(1)),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4])(lib.randn(3, 8), lib.zeros(3, 1, dtype=lib.long)),
])
def test_errors_as_torch(make):
    with pytest.raises(Exception) as expected:
        make(torch)
    with pytest.raises(expected.type) as got:
        make(P)
    assert str(got.value)[:40] == str(expected.value)[:40]

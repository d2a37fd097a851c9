"""soft_margin_loss, multi_margin_loss, multilabel_margin_loss and triplet_margin_with_distance_loss
(and their modules): the first three are primitive ops with PyTorch's nodes, the last composed. Their OpInfos (tests/opdb/loss.py) check them against NumPy
references, by gradcheck and gradgradcheck in float64 and against torch; here, against torch 2.13
with more options and through the modules (values, gradients, shapes), and their errors.
ctc_loss's values and gradients are in its OpInfo (tests/opdb/loss.py); its module, raw gradient,
float32 and errors are here."""
import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn.functional as F
from opdb.loss import (_multi_margin_ref, _multilabel_margin_ref, _soft_margin_ref,  # noqa: I001 -- tests/ on the path
                       _triplet_ref)

RNG = np.random.default_rng(12)
X = RNG.standard_normal((5, 4))
SIGNS = np.where(RNG.random((5, 4)) > 0.5, 1.0, -1.0)
LABELS = np.array([0, 3, 1, 1, 2])
MULTI = np.array([[0, 2, -1, 1], [3, -1, 0, 0], [1, 0, 2, 3], [-1, 1, 1, 1], [2, 2, -1, 0]])
WEIGHT = np.array([0.5, 1.5, 1.0, 2.0])


# name, inputs (the first `n_diff` differentiable), keyword variants, reference
CASES = [
    ("soft_margin_loss", (X, SIGNS), 1, [{}, {"reduction": "sum"}, {"reduction": "none"}], _soft_margin_ref),
    ("multi_margin_loss", (X, LABELS), 1,
     [{}, {"reduction": "none"}, {"p": 2, "margin": 0.7, "weight": WEIGHT, "reduction": "sum"}], _multi_margin_ref),
    ("multi_margin_loss", (X[0], np.array(2)), 1, [{}, {"reduction": "none"}], _multi_margin_ref),
    ("multi_margin_loss", (X[0], np.array([1])), 1, [{"reduction": "none"}], _multi_margin_ref),
    ("multilabel_margin_loss", (X, MULTI), 1, [{}, {"reduction": "sum"}, {"reduction": "none"}],
     _multilabel_margin_ref),
    ("multilabel_margin_loss", (X[0], MULTI[0]), 1, [{}, {"reduction": "none"}], _multilabel_margin_ref),
    ("triplet_margin_with_distance_loss", (X, X[::-1] * 0.5, SIGNS), 3,
     [{}, {"margin": 0.5, "swap": True, "reduction": "none"}, {"reduction": "sum"}], _triplet_ref),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _ours(args, n_diff, kwargs):
    tensors = [P.tensor(a, requires_grad=i < n_diff) for i, a in enumerate(args)]
    kw = {k: P.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    return tensors, kw


MODULES = {"soft_margin_loss": "SoftMarginLoss", "multi_margin_loss": "MultiMarginLoss",
           "multilabel_margin_loss": "MultiLabelMarginLoss",
           "triplet_margin_with_distance_loss": "TripletMarginWithDistanceLoss"}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_as_torch(case, torch):
    name, args, n_diff, variants, _ = case
    for kwargs in variants:
        for how in ("fn", "module"):
            ours, kw_o = _ours(args, n_diff, kwargs)
            theirs = [torch.tensor(a, requires_grad=i < n_diff) for i, a in enumerate(args)]
            kw_t = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            if how == "fn":
                o, t = getattr(F, name)(*ours, **kw_o), getattr(torch.nn.functional, name)(*theirs, **kw_t)
            else:
                o = getattr(P.nn, MODULES[name])(**kw_o)(*ours)
                t = getattr(torch.nn, MODULES[name])(**kw_t)(*theirs)
            assert o.shape == tuple(t.shape) and str(o.dtype) == str(t.dtype)
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-12)
            (o * o).sum().backward()
            (t * t).sum().backward()
            for a, b in zip(ours[:n_diff], theirs):
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_float32_and_legacy_flags_as_torch(torch):
    x32 = X.astype(np.float32)
    for name, target in (("soft_margin_loss", SIGNS.astype(np.float32)), ("multi_margin_loss", LABELS),
                         ("multilabel_margin_loss", MULTI)):
        with pytest.warns(UserWarning):
            o = getattr(F, name)(P.tensor(x32), P.tensor(target), size_average=False)
        with pytest.warns(UserWarning):
            t = getattr(torch.nn.functional, name)(torch.tensor(x32), torch.tensor(target), size_average=False)
        assert str(o.dtype) == str(t.dtype) == "torch.float32"
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)


def test_custom_distance_and_module_as_torch(torch):
    def cosine(lib):
        return lambda u, v: 1 - lib.nn.functional.cosine_similarity(u, v)
    a, p, n = X, X[::-1] * 0.5, SIGNS
    o = F.triplet_margin_with_distance_loss(P.tensor(a), P.tensor(p), P.tensor(n), distance_function=cosine(P))
    t = torch.nn.functional.triplet_margin_with_distance_loss(torch.tensor(a), torch.tensor(p), torch.tensor(n),
                                                              distance_function=cosine(torch))
    np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12)
    assert repr(P.nn.TripletMarginWithDistanceLoss()) == repr(torch.nn.TripletMarginWithDistanceLoss())
    m, tm = P.nn.MultiMarginLoss(weight=P.tensor(WEIGHT)), torch.nn.MultiMarginLoss(weight=torch.tensor(WEIGHT))
    assert list(m.state_dict()) == list(tm.state_dict()) and repr(m) == repr(tm)


ERRORS = [
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2]), p=3), ValueError,
     "only p == 1 and p == 2"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2]), weight=lib.ones(2, 2)),
     ValueError, "one-dimensional"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 5])), RuntimeError,
     "target out of range"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1])), RuntimeError,
     "Expected target size"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2]), weight=lib.ones(3)),
     RuntimeError, "inconsistent weight size"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0.0, 1, 2])), RuntimeError,
     "expected scalar type Long but found Float"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2]).int()), RuntimeError,
     "expected scalar type Long but found Int"),
    (lambda lib: lib.nn.functional.multilabel_margin_loss(lib.ones(3, 4), lib.ones(3, 4)), RuntimeError,
     "expected scalar type Long but found Float"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4).half(), lib.tensor([0, 1, 2])),
     NotImplementedError, "\"multi_margin_loss_cpu_kernel\" not implemented for 'Half'"),
    (lambda lib: lib.nn.functional.multilabel_margin_loss(lib.ones(3, 4).long(), lib.ones(3, 4).long()),
     NotImplementedError, "\"multilabel_margin_loss_forward_out_frame\" not implemented for 'Long'"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2]),
                                                     weight=lib.ones(4, requires_grad=True)),
     RuntimeError, "not differentiable with respect to argument 'weight'"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(3, 4).double(), lib.tensor([0, 1, 2]),
                                                     weight=lib.ones(4)),
     RuntimeError, "expected scalar type Double but found Float"),
    (lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(4), lib.ones(3, 4)), RuntimeError,
     "output with shape \\[4\\] doesn't match the broadcast shape \\[3, 4\\]"),
    (lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(4).long(), lib.ones(4)), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(2, 3, 4), lib.tensor([0, 1])), RuntimeError,
     "Expected non-empty vector or matrix"),
    (lambda lib: lib.nn.functional.multilabel_margin_loss(lib.ones(3, 4), lib.tensor([[0, 1, -1, 7]] * 3)),
     RuntimeError, "out of range"),
    (lambda lib: lib.nn.functional.multilabel_margin_loss(lib.ones(3, 4), lib.tensor([[0, 1, -1]] * 3)),
     RuntimeError, "inconsistent target size"),
    (lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(3, 4), lib.ones(3, 4), reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(3, 4), lib.ones(3, 4, requires_grad=True)),
     RuntimeError, "not differentiable with respect to argument 'target'"),
    (lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3),
                                                                     margin=0), ValueError,
     "margin must be greater than 0"),
    (lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3)),
     RuntimeError, "same number of dimensions"),
    (lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=-1), ValueError, "expected margin to be greater than 0"),
    (lambda lib: lib.nn.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2"),
]


@pytest.mark.parametrize("make,kind,match", ERRORS)
def test_errors_as_torch(make, kind, match, torch):
    for lib in (P, torch):
        with pytest.raises(kind, match=match):
            make(lib)


NODES = [("soft_margin_loss", SIGNS, "SoftMarginLossBackward0"),
         ("multi_margin_loss", LABELS, "MultiMarginLossBackward0"),
         ("multilabel_margin_loss", MULTI, "MultilabelMarginLossBackward0")]


@pytest.mark.parametrize("name,target,node", NODES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_nodes_and_second_derivatives_as_torch(name, target, node, reduction, torch):
    # one node of PyTorch's name for every reduction; soft_margin_loss differentiates twice, the
    # class-index losses once (PyTorch has no derivative of their backward kernels)
    grads = []
    for lib in (P, torch):
        x = lib.tensor(X, requires_grad=True)
        out = getattr(lib.nn.functional, name)(x, lib.tensor(target), reduction=reduction)
        assert type(out.grad_fn).__name__ == node
        (g,) = lib.autograd.grad((out * out).sum(), x, create_graph=True)
        if name == "soft_margin_loss":
            grads.append(lib.autograd.grad((g * g).sum(), x)[0].numpy())
        else:
            with pytest.raises(RuntimeError):
                (g * g).sum().backward()
    if grads:
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-14)


def test_soft_margin_target_broadcast_and_dtype_as_torch(torch):
    for lib in (P, torch):
        out = lib.nn.functional.soft_margin_loss(lib.tensor(X.astype(np.float32)), lib.tensor(SIGNS[0]),
                                                 reduction="none")
        assert tuple(out.shape) == (5, 4) and str(out.dtype) == "torch.float32"
        np.testing.assert_allclose(out.numpy(), np.log1p(np.exp(-X * SIGNS[0])), rtol=1e-6)


def test_empty_batch_as_torch(torch):
    # PyTorch's 'sum' and 'mean' of no sample read uninitialized memory; here they are 0 and NaN,
    # as other losses' are
    for lib in (P, torch):
        x = lib.zeros(0, 4, requires_grad=True)
        out = lib.nn.functional.multi_margin_loss(x, lib.zeros(0, dtype=lib.long), reduction="none")
        assert out.tolist() == []
        out.sum().backward()
        assert tuple(x.grad.shape) == (0, 4)
    assert F.multi_margin_loss(P.zeros(0, 4), P.zeros(0, dtype=P.long), reduction="sum").item() == 0
    assert np.isnan(F.multi_margin_loss(P.zeros(0, 4), P.zeros(0, dtype=P.long)).item())


def _ctc_inputs(lib, dtype="float64"):
    rng = np.random.default_rng(3)
    logits = lib.tensor(rng.standard_normal((7, 3, 5)).astype(dtype))
    targets = lib.tensor(rng.integers(1, 5, (3, 3)))
    return logits.log_softmax(2).detach().requires_grad_(), targets, lib.tensor([7, 6, 4]), lib.tensor([3, 2, 3])


@pytest.mark.parametrize("kwargs", [{}, {"blank": 0, "reduction": "sum", "zero_infinity": True},
                                    {"reduction": "none"}])
def test_ctc_module_raw_gradient_and_float32_as_torch(kwargs, torch):
    for dtype, tol in (("float64", 1e-10), ("float32", 1e-5)):
        ours, theirs = _ctc_inputs(P, dtype), _ctc_inputs(torch, dtype)
        o, t = P.nn.CTCLoss(**kwargs)(*ours), torch.nn.CTCLoss(**kwargs)(*theirs)
        assert str(o.dtype) == str(t.dtype) and type(o.grad_fn).__name__ == type(t.grad_fn).__name__
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=tol)
        o.sum().backward()
        t.sum().backward()
        # PyTorch's gradient with respect to log_probs (a log_softmax's gradient folded in)
        np.testing.assert_allclose(ours[0].grad.numpy(), theirs[0].grad.numpy(), rtol=tol, atol=tol)
    assert repr(P.nn.CTCLoss(blank=1)) == repr(torch.nn.CTCLoss(blank=1)) == "CTCLoss()"


def test_ctc_lengths_as_lists_and_double_backward_refused(torch):
    lp, tg, il, tl = _ctc_inputs(P)
    a = P.nn.functional.ctc_loss(lp, tg, [7, 6, 4], (3, 2, 3))
    b = P.nn.functional.ctc_loss(lp, tg, il, tl)
    assert a.item() == b.item()
    (g,) = P.autograd.grad(b, lp, create_graph=True)
    with pytest.raises(RuntimeError, match="twice"):
        g.sum().backward()


CTC_ERRORS = [
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il, tl, blank=5), RuntimeError,
     "blank must be in label range"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, lib.tensor([8, 6, 4]), tl), RuntimeError,
     "Expected input_lengths to have value at most 7, but got value 8"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, lib.tensor([7, -1, 4]), tl), RuntimeError,
     "Expected input_lengths to have value at least 0"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il, lib.tensor([4, 2, 3])), RuntimeError,
     "Expected tensor to have size at least 4 at dimension 1, but got size 3"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg.reshape(-1)[:7], il, tl), RuntimeError,
     "Expected tensor to have size 8 at dimension 0, but got size 7"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il[:2], tl), RuntimeError,
     "input_lengths must be of size batch_size"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il, tl[:2]), RuntimeError,
     "target_lengths must be of size batch_size"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il.double(), tl), RuntimeError,
     "input_lengths must be integral"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp, tg, il, tl, reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp.detach().int(), tg, il, tl), NotImplementedError,
     "\"ctc_loss_cpu\" not implemented for 'Int'"),
    (lambda lib, lp, tg, il, tl: lib.nn.functional.ctc_loss(lp.detach().long(), tg, il, tl), NotImplementedError,
     "\"ctc_loss_cpu\" not implemented for 'Long'"),
]


@pytest.mark.parametrize("make,kind,match", CTC_ERRORS)
def test_ctc_errors_as_torch(make, kind, match, torch):
    for lib in (P, torch):
        with pytest.raises(kind, match=match):
            make(lib, *_ctc_inputs(lib))


def test_ctc_empty_inputs_as_torch(torch):
    for lib in (P, torch):
        lp = lib.tensor(np.log(np.full((5, 2, 4), 0.25)))
        out = lib.nn.functional.ctc_loss(lp, lib.tensor([[1, 2], [1, 2]]), lib.tensor([0, 0]), lib.tensor([0, 1]),
                                         reduction="none")
        assert out.tolist() == [0.0, float("inf")]

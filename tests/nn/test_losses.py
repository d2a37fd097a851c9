"""The losses of nn.functional and nn against PyTorch: every loss x option x reduction (values and
gradients in float64 and float32), gradcheck of each in float64, the deprecated size_average/
reduce flags, the modules (attributes, buffers, state_dict keys, repr), and the errors (PyTorch's
exception kinds). The op database (tests/opdb/loss.py) adds gradgradcheck on both backends."""
import warnings

import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn as nn
import pyautograd.nn.functional as F
from pyautograd.autograd import gradcheck

REDUCTIONS = ("none", "mean", "sum")


def _labels(rng, shape, classes, ignore=()):
    t = rng.integers(0, classes, size=shape).astype(np.int64)
    for index in ignore:
        t[index] = -100
    return t


def _probs(rng, shape, axis=1):
    p = rng.uniform(0.1, 1.0, shape)
    return p / p.sum(axis, keepdims=True)


def _pair(rng, shape=(3, 4)):
    return rng.standard_normal(shape), rng.standard_normal(shape)


# Each case: fn name -> builder(rng) -> (args, kwargs) of NumPy arrays. Floating arrays among the
# positional arguments are differentiated; keyword arrays (weights) are not. gradcheck=False
# marks points where finite differences cannot check the gradient (clamped logs).
CASES = {
    "mse": ("mse_loss", lambda r: (_pair(r), {})),
    "mse-broadcast": ("mse_loss", lambda r: ((r.standard_normal((2, 3)), r.standard_normal(3)), {})),
    "mse-weight": ("mse_loss", lambda r: (_pair(r), {"weight": r.uniform(0.5, 2, (3, 4))})),
    "l1": ("l1_loss", lambda r: (_pair(r), {})),
    "l1-weight": ("l1_loss", lambda r: (_pair(r), {"weight": r.uniform(0.5, 2, (3, 4))})),
    "smooth_l1": ("smooth_l1_loss", lambda r: (_pair(r), {})),
    "smooth_l1-beta": ("smooth_l1_loss", lambda r: (_pair(r), {"beta": 0.4})),
    "smooth_l1-beta0": ("smooth_l1_loss", lambda r: (_pair(r), {"beta": 0.0})),
    "huber": ("huber_loss", lambda r: (_pair(r), {})),
    "huber-delta": ("huber_loss", lambda r: (_pair(r), {"delta": 0.4})),
    "huber-weight": ("huber_loss", lambda r: (_pair(r), {"delta": 2.0, "weight": r.uniform(0.5, 2, (3, 4))})),
    "nll": ("nll_loss", lambda r: ((r.standard_normal((4, 5)), _labels(r, 4, 5)), {})),
    "nll-weight-ignore": ("nll_loss", lambda r: ((r.standard_normal((4, 5)), _labels(r, 4, 5, ignore=(2,))),
                                                 {"weight": r.uniform(0.5, 2, 5)})),
    "nll-ignore_index": ("nll_loss", lambda r: ((r.standard_normal((4, 3)), np.array([0, 2, 1, 2])),
                                                {"ignore_index": 2})),
    "nll-uint8": ("nll_loss", lambda r: ((r.standard_normal((4, 3)), np.array([0, 2, 1, 2], np.uint8)), {})),
    "nll-1d": ("nll_loss", lambda r: ((r.standard_normal(5), np.array(3)), {"weight": r.uniform(0.5, 2, 5)})),
    "nll-3d": ("nll_loss", lambda r: ((r.standard_normal((2, 3, 4)), _labels(r, (2, 4), 3, ignore=((0, 1),))), {})),
    "nll-4d-weight": ("nll_loss", lambda r: ((r.standard_normal((2, 3, 2, 2)), _labels(r, (2, 2, 2), 3)),
                                             {"weight": r.uniform(0.5, 2, 3)})),
    "nll-5d": ("nll_loss", lambda r: ((r.standard_normal((2, 3, 2, 1, 2)), _labels(r, (2, 2, 1, 2), 3)), {})),
    "ce": ("cross_entropy", lambda r: ((r.standard_normal((4, 5)), _labels(r, 4, 5)), {})),
    "ce-weight-ignore": ("cross_entropy", lambda r: ((r.standard_normal((4, 5)), _labels(r, 4, 5, ignore=(0,))),
                                                     {"weight": r.uniform(0.5, 2, 5)})),
    "ce-ignore_index": ("cross_entropy", lambda r: ((r.standard_normal((4, 3)), np.array([0, 2, 1, 2])),
                                                    {"ignore_index": 1})),
    "ce-smoothing": ("cross_entropy", lambda r: ((r.standard_normal((4, 5)), _labels(r, 4, 5, ignore=(3,))),
                                                 {"label_smoothing": 0.25, "weight": r.uniform(0.5, 2, 5)})),
    "ce-1d": ("cross_entropy", lambda r: ((r.standard_normal(5), np.array(2)), {"label_smoothing": 0.1})),
    "ce-3d": ("cross_entropy", lambda r: ((r.standard_normal((2, 3, 4)), _labels(r, (2, 4), 3, ignore=((1, 0),))),
                                          {"weight": r.uniform(0.5, 2, 3)})),
    "ce-4d-smoothing": ("cross_entropy", lambda r: ((r.standard_normal((2, 3, 2, 2)), _labels(r, (2, 2, 2), 3)),
                                                    {"label_smoothing": 0.3})),
    "ce-probabilities": ("cross_entropy", lambda r: ((r.standard_normal((4, 5)), _probs(r, (4, 5))), {})),
    "ce-probabilities-weight-smoothing": ("cross_entropy", lambda r: (
        (r.standard_normal((4, 5)), _probs(r, (4, 5))), {"weight": r.uniform(0.5, 2, 5), "label_smoothing": 0.2})),
    "ce-probabilities-3d": ("cross_entropy", lambda r: ((r.standard_normal((2, 3, 4)), _probs(r, (2, 3, 4))), {})),
    "bce": ("binary_cross_entropy", lambda r: ((r.uniform(0.05, 0.95, (3, 4)), r.uniform(0, 1, (3, 4))), {})),
    "bce-weight": ("binary_cross_entropy", lambda r: ((r.uniform(0.05, 0.95, (3, 4)), r.uniform(0, 1, (3, 4))),
                                                      {"weight": r.uniform(0.5, 2, 4)})),
    "bce-saturated": ("binary_cross_entropy", lambda r: ((np.array([0.0, 1.0, 1e-50, 0.5]),
                                                          np.array([1.0, 0.0, 0.3, 1.0])), {}), False),
    "bce_logits": ("binary_cross_entropy_with_logits", lambda r: (_logits_targets(r), {})),
    "bce_logits-weight-pos_weight": ("binary_cross_entropy_with_logits", lambda r: (
        _logits_targets(r), {"weight": r.uniform(0.5, 2, (3, 1)), "pos_weight": r.uniform(0.5, 3, 4)})),
    "bce_logits-large": ("binary_cross_entropy_with_logits", lambda r: (
        (np.array([-200.0, -30.0, 30.0, 200.0]), np.array([1.0, 0.2, 0.7, 0.0])), {"pos_weight": np.array([2.0])})),
    "kl": ("kl_div", lambda r: ((np.log(_probs(r, (3, 4))), _probs(r, (3, 4))), {})),
    "kl-log_target": ("kl_div", lambda r: ((np.log(_probs(r, (3, 4))), np.log(_probs(r, (3, 4)))),
                                           {"log_target": True})),
}


def _logits_targets(r):
    return r.standard_normal((3, 4)) * 3, r.uniform(0, 1, (3, 4))


def _reductions(fn):
    return REDUCTIONS + ("batchmean",) if fn == "kl_div" else REDUCTIONS


def _params():
    return [pytest.param(case, reduction, id=f"{case}-{reduction}")
            for case, spec in CASES.items() for reduction in _reductions(spec[0])]


def _build(case, dtype):
    fn, builder = CASES[case][:2]
    args, kwargs = builder(np.random.default_rng(sum(map(ord, case))))
    cast = (lambda a: a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else np.asarray(a))
    return fn, tuple(cast(a) for a in args), {k: cast(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


def _call(lib, fn, args, kwargs, reduction, make):
    """fn of `lib`'s functional on tensors made by `make` (floating positional args require grad)."""
    tensors = [make(a.copy()).requires_grad_(a.dtype.kind == "f") for a in args]
    kw = {k: make(v.copy()) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(lib, fn)(*tensors, reduction=reduction, **kw)
    return out, [t for t in tensors if t.requires_grad]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case,reduction", _params())
def test_values_and_gradients_match_torch(case, reduction, dtype, torch):
    fn, args, kwargs = _build(case, dtype)
    ours, leaves = _call(F, fn, args, kwargs, reduction, P.from_numpy)
    theirs, their_leaves = _call(torch.nn.functional, fn, args, kwargs, reduction, torch.from_numpy)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=1e-6)
    assert ours.dtype == P.float64 if dtype == np.float64 else P.float32
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), equal_nan=True, **tol)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__ or case.startswith(
        ("ce-probabilities", "ce-smoothing")), "grad_fn differs (known only for the cases excused here)"
    upstream = np.random.default_rng(1).uniform(0.5, 1.5, theirs.shape).astype(dtype)
    ours_grads = P.autograd.grad(ours, leaves, P.from_numpy(upstream.copy()))
    their_grads = torch.autograd.grad(theirs, their_leaves, torch.from_numpy(upstream.copy()))
    for k, (g, h) in enumerate(zip(ours_grads, their_grads)):
        np.testing.assert_allclose(g.numpy(), h.numpy(), equal_nan=True, err_msg=f"gradient {k}",
                                   **(tol if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)))


@pytest.mark.parametrize("case", [c for c, spec in CASES.items() if len(spec) == 2])
def test_gradcheck(case):
    fn, args, kwargs = _build(case, np.float64)
    for reduction in _reductions(fn):
        tensors = [P.from_numpy(a.copy()) for a in args]
        leaves = tuple(t.requires_grad_() for t in tensors if t.is_floating_point())
        kw = {k: P.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}

        def call(*xs):
            it = iter(xs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return getattr(F, fn)(*[next(it) if t.is_floating_point() else t for t in tensors],
                                      reduction=reduction, **kw)
        assert gradcheck(call, leaves), f"{fn} {reduction}"


def test_cross_entropy_double_backward_matches_torch(torch, backend):
    """The fused (N, C) cross-entropy is twice differentiable: a Hessian-vector product as PyTorch's."""
    rng = np.random.default_rng(3)
    x, t, w = rng.standard_normal((4, 5)), _labels(rng, 4, 5, ignore=(1,)), rng.uniform(0.5, 2, 5)
    v = rng.standard_normal((4, 5))
    results = []
    for lib, make in ((P, P.from_numpy), (torch, torch.from_numpy)):
        xt = make(x.copy()).requires_grad_()
        loss = lib.nn.functional.cross_entropy(xt, make(t), weight=make(w), label_smoothing=0.1)
        (g,) = lib.autograd.grad(loss, xt, create_graph=True)
        (hv,) = lib.autograd.grad((g * make(v)).sum(), xt)
        results.append((g.detach().numpy(), hv.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_1d_input_takes_a_target_of_size_1(torch):
    """(C,) logits with a (1,) target: PyTorch's forward accepts it (0-d result), its backward
    raises 'size mismatch'; here both work, the gradient being that of the 0-d target."""
    x = np.random.default_rng(2).standard_normal(5)
    for fn in ("cross_entropy", "nll_loss"):
        expected = getattr(torch.nn.functional, fn)(torch.from_numpy(x), torch.tensor([2]))
        xt = P.from_numpy(x.copy()).requires_grad_()
        out = getattr(F, fn)(xt, P.tensor([2]))
        assert out.shape == () and abs(out.item() - expected.item()) < 1e-12
        (g,) = P.autograd.grad(out, xt)
        (g0,) = P.autograd.grad(getattr(F, fn)(xt, P.tensor(2)), xt)
        np.testing.assert_array_equal(g.numpy(), g0.numpy())


# -- the deprecated flags and the warnings ---------------------------------------------------------


@pytest.mark.parametrize("size_average,reduce", [(False, None), (None, False), (True, True), (False, True)])
@pytest.mark.parametrize("fn", ["mse_loss", "l1_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
                                "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"])
def test_legacy_flags_map_like_torch(fn, size_average, reduce, torch):
    case = {"mse_loss": "mse", "l1_loss": "l1", "smooth_l1_loss": "smooth_l1", "nll_loss": "nll",
            "cross_entropy": "ce", "binary_cross_entropy": "bce", "binary_cross_entropy_with_logits": "bce_logits",
            "kl_div": "kl"}[fn]
    _, args, _ = _build(case, np.float64)
    results = []
    for lib, make in ((F, P.from_numpy), (torch.nn.functional, torch.from_numpy)):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            out = getattr(lib, fn)(*[make(a.copy()) for a in args], size_average=size_average, reduce=reduce)
        results.append(out.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_warnings_as_torch():
    x, y = P.ones(2, 3), P.ones(3)
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(x, y)
    with pytest.warns(UserWarning, match="elementwise_mean' is deprecated"):
        assert F.l1_loss(x, x, reduction="elementwise_mean").item() == 0
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(x, x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(x, x, reduction="batchmean")
        F.mse_loss(x, x)


def test_mean_over_nothing_is_nan_and_negative_smoothing_is_ignored(torch):
    x = P.randn(3, 4)
    assert F.cross_entropy(x, P.full((3,), -100)).isnan().item()
    assert F.nll_loss(x, P.full((3,), -100), reduction="sum").item() == 0
    assert F.mse_loss(P.ones(0), P.ones(0)).isnan().item()
    t = P.tensor([0, 1, 3])
    assert F.cross_entropy(x, t, label_smoothing=-0.3).item() == F.cross_entropy(x, t).item()


# -- modules ----------------------------------------------------------------------------------------

MODULES = [
    ("MSELoss", {}), ("MSELoss", {"reduction": "sum"}), ("L1Loss", {}), ("SmoothL1Loss", {"beta": 0.5}),
    ("HuberLoss", {"delta": 2.0, "reduction": "none"}), ("NLLLoss", {"ignore_index": 1}),
    ("NLLLoss", {"weight": np.array([1.0, 2.0, 0.5])}),
    ("CrossEntropyLoss", {}), ("CrossEntropyLoss", {"weight": np.array([1.0, 2.0, 0.5]), "label_smoothing": 0.1}),
    ("BCELoss", {"weight": np.array([1.0, 2.0, 0.5])}), ("BCEWithLogitsLoss", {}),
    ("BCEWithLogitsLoss", {"pos_weight": np.array([1.0, 2.0, 0.5])}),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}),
    ("MSELoss", {"size_average": False}), ("CrossEntropyLoss", {"reduce": False}),
]
_MODULE_INPUTS = {
    "MSELoss": "mse", "L1Loss": "l1", "SmoothL1Loss": "smooth_l1", "HuberLoss": "huber", "NLLLoss": "nll",
    "CrossEntropyLoss": "ce", "BCELoss": "bce", "BCEWithLogitsLoss": "bce_logits", "KLDivLoss": "kl",
}


def _module_inputs(name):
    rng = np.random.default_rng(5)
    if name in ("NLLLoss", "CrossEntropyLoss"):
        return rng.standard_normal((4, 3)), _labels(rng, 4, 3)
    if name == "BCELoss":
        return rng.uniform(0.05, 0.95, (2, 3)), rng.uniform(0, 1, (2, 3))
    if name == "KLDivLoss":
        return np.log(_probs(rng, (2, 3))), np.log(_probs(rng, (2, 3)))
    return rng.standard_normal((2, 3)), rng.standard_normal((2, 3))


@pytest.mark.parametrize("name,options", MODULES, ids=[f"{n}-{'-'.join(o)}" for n, o in MODULES])
def test_modules_as_torch(name, options, torch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = getattr(nn, name)(**{k: P.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in options.items()})
        theirs = getattr(torch.nn, name)(**{k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v
                                            for k, v in options.items()})
    assert repr(ours) == repr(theirs)
    public = {k: v for k, v in vars(theirs).items() if not k.startswith("_") and k != "training"}
    for attr, value in public.items():
        assert getattr(ours, attr) == value, attr
    assert list(ours._buffers) == list(theirs._buffers)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x, t = _module_inputs(name)
    np.testing.assert_allclose(ours(P.from_numpy(x), P.from_numpy(t)).numpy(),
                               theirs(torch.from_numpy(x), torch.from_numpy(t)).numpy(), rtol=1e-12)


def test_module_weight_is_a_buffer_that_follows_dtype():
    loss = nn.CrossEntropyLoss(weight=P.tensor([1.0, 2.0, 3.0]))
    assert loss.double().weight.dtype == P.float64
    assert list(loss.state_dict()) == ["weight"]
    out = loss(P.randn(2, 3, dtype=P.float64), P.tensor([0, 2]))
    assert out.dtype == P.float64


def test_module_bad_reduction_raises_at_call():
    loss = nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        loss(P.ones(2), P.ones(2))


# -- errors: PyTorch's exception kinds ---------------------------------------------------------------


def _f32(*shape):
    return np.random.default_rng(0).uniform(0.1, 0.9, shape).astype(np.float32)


ERRORS = {
    "bad reduction": lambda F, T: F.mse_loss(T(_f32(3)), T(_f32(3)), reduction="avg"),
    "kl batchmean elsewhere": lambda F, T: F.mse_loss(T(_f32(3)), T(_f32(3)), reduction="batchmean"),
    "kl bad reduction": lambda F, T: F.kl_div(T(_f32(3)), T(_f32(3)), reduction="avg"),
    "mse not broadcastable": lambda F, T: F.mse_loss(T(_f32(3, 4)), T(_f32(5))),
    "mse integer": lambda F, T: F.mse_loss(T(np.ones(3, np.int64)), T(np.ones(3, np.int64))),
    "mse weight shape": lambda F, T: F.mse_loss(T(_f32(3)), T(_f32(3)), weight=T(_f32(1))),
    "smooth_l1 negative beta": lambda F, T: F.smooth_l1_loss(T(_f32(3)), T(_f32(3)), beta=-1.0),
    "huber zero delta": lambda F, T: F.huber_loss(T(_f32(3)), T(_f32(3)), delta=0.0),
    "ce class out of range": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, 4, 1]))),
    "ce negative class": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, -1, 1]))),
    "ce 3d class out of range": lambda F, T: F.cross_entropy(T(_f32(2, 3, 2)), T(np.full((2, 2), 3))),
    "nll class out of range": lambda F, T: F.nll_loss(T(_f32(3, 4)), T(np.array([0, 7, 1]))),
    "nll 4d class out of range": lambda F, T: F.nll_loss(T(_f32(2, 3, 2, 2)), T(np.full((2, 2, 2), 9))),
    "ce int32 target": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, 1, 2], np.int32))),
    "nll float target": lambda F, T: F.nll_loss(T(_f32(3, 4)), T(_f32(3))),
    "ce batch mismatch": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, 1]))),
    "nll 1-D input, target of 2": lambda F, T: F.nll_loss(T(_f32(4)), T(np.array([1, 2]))),
    "ce empty batch mismatch": lambda F, T: F.cross_entropy(T(_f32(0, 4)), T(np.array([1]))),
    "nll multi-target": lambda F, T: F.nll_loss(T(_f32(3, 4)), T(np.zeros((3, 1), np.int64))),
    "nll 3d target shape": lambda F, T: F.nll_loss(T(_f32(2, 3, 2)), T(np.zeros((2, 3), np.int64))),
    "nll 4d target shape": lambda F, T: F.nll_loss(T(_f32(2, 3, 2, 2)), T(np.zeros((2, 2, 3), np.int64))),
    "ce weight size": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, 1, 2])), weight=T(_f32(3))),
    "nll weight dtype": lambda F, T: F.nll_loss(T(_f32(3, 4)), T(np.array([0, 1, 2])),
                                                weight=T(np.ones(4))),
    "ce label_smoothing > 1": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.array([0, 1, 2])), label_smoothing=1.5),
    "ce integer probabilities": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(np.ones((3, 4), np.int64))),
    "ce probabilities ignore_index": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(_f32(3, 4)), ignore_index=1),
    "ce probabilities shape": lambda F, T: F.cross_entropy(T(_f32(3, 4)), T(_f32(3, 5))),
    "ce 0-d input": lambda F, T: F.cross_entropy(T(np.float32(1.0)), T(np.array([0]))),
    "bce size mismatch": lambda F, T: F.binary_cross_entropy(T(_f32(3, 4)), T(_f32(3, 1))),
    "bce input out of [0, 1]": lambda F, T: F.binary_cross_entropy(T(_f32(3) + 1), T(_f32(3))),
    "bce target out of [0, 1]": lambda F, T: F.binary_cross_entropy(T(_f32(3)), T(_f32(3) - 1)),
    "bce nan input": lambda F, T: F.binary_cross_entropy(T(_f32(3) * np.float32("nan")), T(_f32(3))),
    "bce target dtype": lambda F, T: F.binary_cross_entropy(T(_f32(3)), T(_f32(3).astype(np.float64))),
    "bce weight too big": lambda F, T: F.binary_cross_entropy(T(_f32(3)), T(_f32(3)), weight=T(_f32(2, 3))),
    "bce weight not broadcastable": lambda F, T: F.binary_cross_entropy(T(_f32(3)), T(_f32(3)), weight=T(_f32(2))),
    "bce_logits size mismatch": lambda F, T: F.binary_cross_entropy_with_logits(T(_f32(3, 4)), T(_f32(4))),
    "bce_logits integer target": lambda F, T: F.binary_cross_entropy_with_logits(T(_f32(3)), T(np.ones(3, np.int64))),
    "bce_logits pos_weight shape": lambda F, T: F.binary_cross_entropy_with_logits(
        T(_f32(3, 4)), T(_f32(3, 4)), pos_weight=T(_f32(3))),
    "kl integer target": lambda F, T: F.kl_div(T(_f32(3)), T(np.ones(3, np.int64)), reduction="sum"),
}


def _raised(fn, lib, make):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib, make)
    except Exception as exc:  # noqa: BLE001 -- the exception is the result
        return exc
    return None


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_as_torch(case, torch):
    theirs = _raised(ERRORS[case], torch.nn.functional, torch.from_numpy)
    ours = _raised(ERRORS[case], F, P.from_numpy)
    assert theirs is not None, "PyTorch accepts this: the case is wrong"
    assert ours is not None, f"PyTorch raises {type(theirs).__name__}: {theirs}; we do not"
    # NotImplementedError (PyTorch's for missing dtype kernels) is a RuntimeError
    expected = RuntimeError if type(theirs) is NotImplementedError else type(theirs)
    assert isinstance(ours, expected), f"{type(ours).__name__}: {ours}; PyTorch raises {type(theirs).__name__}"


def test_error_messages_name_the_problem():
    with pytest.raises(IndexError, match="target 4 is out of bounds for 4 classes"):
        F.cross_entropy(P.ones(3, 4), P.tensor([0, 4, 1]))
    with pytest.raises(IndexError, match="target 9 is out of bounds for 3 classes"):
        F.nll_loss(P.ones(2, 3, 2), P.full((2, 2), 9))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte.*int32"):
        F.nll_loss(P.ones(3, 4), P.tensor([0, 1, 2], dtype=P.int32))
    sizes = r"target size \(torch.Size\(\[3, 1\]\)\).*input size \(torch.Size\(\[3, 4\]\)\)"
    with pytest.raises(ValueError, match=sizes):
        F.binary_cross_entropy(P.full((3, 4), 0.5), P.full((3, 1), 0.5))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.binary_cross_entropy(P.full((3,), 0.5), P.full((3,), 0.5), weight=P.ones(3, requires_grad=True))


# -- nnutils (issue 12): cosine_embedding_loss / CosineEmbeddingLoss --------------------------------

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("margin", [0.0, 0.4, -0.2])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cosine_embedding_loss_vs_torch(torch, reduction, margin, dtype):
    r = np.random.default_rng(7)
    a, b = r.standard_normal((6, 4)).astype(dtype), r.standard_normal((6, 4)).astype(dtype)
    b[0] = 0.0  # a zero row: the 1e-12 keeps the denominator positive
    y = np.array([1, -1, 1, -1, -1, 0])  # a 0 label contributes nothing
    ours = [P.tensor(v, requires_grad=True) for v in (a, b)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    out = nn.CosineEmbeddingLoss(margin, reduction=reduction)(*ours, P.tensor(y))
    ref = torch.nn.CosineEmbeddingLoss(margin, reduction=reduction)(*theirs, torch.tensor(y))
    rtol = 1e-10 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=rtol, atol=rtol)
    assert str(out.dtype) == str(ref.dtype)
    out.sum().backward()
    ref.sum().backward()
    for o, t in zip(ours, theirs):
        # the zero row's gradient is ~1e5 and ill-conditioned: compare relative to the largest entry
        scale = float(np.abs(t.grad.numpy()).max())
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=max(rtol, 1e-7), atol=10 * rtol * scale)
    # 1-D inputs with a 0-D target
    one = F.cosine_embedding_loss(P.tensor(a[1]), P.tensor(b[1]), P.tensor(-1), margin=margin)
    tone = torch.nn.functional.cosine_embedding_loss(torch.tensor(a[1]), torch.tensor(b[1]), torch.tensor(-1),
                                                     margin=margin)
    np.testing.assert_allclose(one.numpy(), tone.numpy(), rtol=rtol, atol=rtol)


def test_cosine_embedding_loss_errors_and_gradcheck():
    x = P.randn(3, 4, dtype=P.float64, requires_grad=True)
    z = P.randn(3, 4, dtype=P.float64, requires_grad=True)
    y = P.tensor([1, -1, 1])
    assert gradcheck(lambda p, q: F.cosine_embedding_loss(p, q, y, margin=-0.5), (x, z))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        F.cosine_embedding_loss(P.randn(3), P.randn(3), y)
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cosine_embedding_loss(x, z, y.reshape(3, 1))
    with pytest.raises(RuntimeError, match="0D target tensor expects 1D input tensors"):
        F.cosine_embedding_loss(x, z, P.tensor(1))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.cosine_embedding_loss(x, z, y, reduction="avg")
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert nn.CosineEmbeddingLoss(size_average=False).reduction == "sum"

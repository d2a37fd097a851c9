"""OpInfos of the loss functions of nn.functional (ops/loss.py), the fused (N, C) cross-entropy
included. Every entry is gradchecked and gradgradchecked in float64 on both backends and
compared with PyTorch (values, gradients, grad_fn names); tests/nn/test_losses.py covers the
options, modules and errors one by one."""
import numpy as np

import pyautograd.nn.functional as F

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


REDUCTIONS = ("mean", "sum", "none")


def _torch_fn(name):
    def call(*args, **kwargs):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def _pair(dtype, rng, shape=(3, 4), avoid=(0.0,)):
    """(input, target) whose differences keep off the points in `avoid` (the losses' kinks)."""
    x = make_arg(shape, dtype, rng)
    return x, (x - make_arg(shape, dtype, rng, avoid=avoid)).astype(dtype)


def _regression_samples(avoid, **options):
    def samples(dtype, rng):
        x, t = _pair(dtype, rng, avoid=avoid)
        for reduction in REDUCTIONS:
            yield SampleInput((x, t), {"reduction": reduction, **options}, desc=reduction)
        x3, t3 = _pair(dtype, rng, (2, 3, 2), avoid=avoid)
        yield SampleInput((x3, t3[0, :1]), {**options}, desc="broadcast target")
    return samples


def _weighted_regression_samples(dtype, rng):
    x, t = _pair(dtype, rng)
    w = make_arg((3, 4), dtype, rng, low=0.5, high=2.0)
    for reduction in REDUCTIONS:
        yield SampleInput((x, t), {"reduction": reduction, "weight": w}, desc=f"weight {reduction}", grad_args=(0, 1))


def _labels(rng, shape, classes, ignore=()):
    t = rng.integers(0, classes, size=shape).astype(np.int64)
    for index in ignore:
        t[index] = -100
    return t


def _nll_samples(dtype, rng):
    logp = make_arg((4, 5), dtype, rng)
    w = make_arg((5,), dtype, rng, low=0.5, high=2.0)
    t = _labels(rng, 4, 5, ignore=(1,))
    for reduction in REDUCTIONS:
        yield SampleInput((logp, t), {"reduction": reduction}, desc=reduction, grad_args=(0,))
        yield SampleInput((logp, t, w), {"reduction": reduction}, desc=f"weight {reduction}", grad_args=(0,))
    yield SampleInput((make_arg((5,), dtype, rng), np.array(3, np.int64)), desc="1-D input", grad_args=(0,))
    for shape in ((2, 3, 4), (2, 3, 2, 2), (2, 3, 2, 1, 2)):
        t = _labels(rng, shape[:1] + shape[2:], 3, ignore=((0,) + (0,) * (len(shape) - 2),))
        for reduction in REDUCTIONS:
            yield SampleInput((make_arg(shape, dtype, rng), t, w[:3]), {"reduction": reduction},
                              desc=f"{len(shape)}-D {reduction}", grad_args=(0,))


def _ce_nd_samples(dtype, rng):
    w = make_arg((3,), dtype, rng, low=0.5, high=2.0)
    for shape in ((2, 3, 4), (2, 3, 2, 2)):
        t = _labels(rng, shape[:1] + shape[2:], 3, ignore=((1,) + (0,) * (len(shape) - 2),))
        for reduction in REDUCTIONS:
            yield SampleInput((make_arg(shape, dtype, rng), t), {"reduction": reduction},
                              desc=f"{len(shape)}-D {reduction}", grad_args=(0,))
            yield SampleInput((make_arg(shape, dtype, rng), t, w), {"reduction": reduction, "label_smoothing": 0.2},
                              desc=f"{len(shape)}-D weight smoothing {reduction}", grad_args=(0,))
    yield SampleInput((make_arg((4,), dtype, rng), np.array(1, np.int64)), {"label_smoothing": 0.1},
                      desc="1-D input smoothing", grad_args=(0,))


def _ce_probability_samples(dtype, rng):
    w = make_arg((4,), dtype, rng, low=0.5, high=2.0)
    for shape in ((3, 4), (2, 4, 3)):
        x = make_arg(shape, dtype, rng)
        p = rng.dirichlet(np.ones(4), size=int(np.prod(shape)) // 4).astype(dtype)
        p = np.moveaxis(p.reshape((shape[0],) + shape[2:] + (4,)), -1, 1).copy()
        for reduction in REDUCTIONS:
            yield SampleInput((x, p), {"reduction": reduction}, desc=f"{len(shape)}-D {reduction}")
            yield SampleInput((x, p, w), {"reduction": reduction, "label_smoothing": 0.2},
                              desc=f"{len(shape)}-D weight smoothing {reduction}", grad_args=(0, 1))


def _bce_samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng, low=0.05, high=0.95)
    t = make_arg((3, 4), dtype, rng, low=0.0, high=1.0)
    w = make_arg((4,), dtype, rng, low=0.5, high=2.0)
    for reduction in REDUCTIONS:
        yield SampleInput((x, t), {"reduction": reduction}, desc=reduction)
        yield SampleInput((x, t, w), {"reduction": reduction}, desc=f"weight {reduction}", grad_args=(0, 1))


def _bce_logits_samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng, low=-4.0, high=4.0)
    t = make_arg((3, 4), dtype, rng, low=0.0, high=1.0)
    w = make_arg((3, 1), dtype, rng, low=0.5, high=2.0)
    pw = make_arg((4,), dtype, rng, low=0.5, high=3.0)
    for reduction in REDUCTIONS:
        yield SampleInput((x, t), {"reduction": reduction}, desc=reduction)
        yield SampleInput((x, t, w), {"reduction": reduction, "pos_weight": pw}, desc=f"weight pos_weight {reduction}",
                          grad_args=(0, 1))
    yield SampleInput((x * 10, t), desc="large logits")


def _kl_samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng, low=-3.0, high=0.0)
    t = make_arg((3, 4), dtype, rng, low=0.05, high=1.0)
    for reduction in REDUCTIONS + ("batchmean",):
        yield SampleInput((x, t), {"reduction": reduction}, desc=reduction)
        yield SampleInput((x, np.log(t)), {"reduction": reduction, "log_target": True}, desc=f"log_target {reduction}")


_F32_TOL = {"float32": (1e-5, 1e-5)}

OPS = [
    OpInfo("mse_loss", F.mse_loss, _regression_samples(()), torch_fn=_torch_fn("mse_loss"), tolerances=_F32_TOL),
    OpInfo("mse_loss", F.mse_loss, _weighted_regression_samples, torch_fn=_torch_fn("mse_loss"),
           tolerances=_F32_TOL, variant="weight"),
    OpInfo("l1_loss", F.l1_loss, _regression_samples((0.0,)), torch_fn=_torch_fn("l1_loss"), tolerances=_F32_TOL),
    OpInfo("smooth_l1_loss", F.smooth_l1_loss, _regression_samples((-0.5, 0.5), beta=0.5),
           torch_fn=_torch_fn("smooth_l1_loss"), tolerances=_F32_TOL),
    OpInfo("smooth_l1_loss", F.smooth_l1_loss, _regression_samples((0.0,), beta=0.0),
           torch_fn=_torch_fn("smooth_l1_loss"), tolerances=_F32_TOL, variant="beta0"),
    OpInfo("huber_loss", F.huber_loss, _regression_samples((-0.7, 0.7), delta=0.7),
           torch_fn=_torch_fn("huber_loss"), tolerances=_F32_TOL),
    OpInfo("nll_loss", F.nll_loss, _nll_samples, torch_fn=_torch_fn("nll_loss"), tolerances=_F32_TOL,
           covers=("nll_loss2d", "nll_loss_backward")),
    OpInfo("cross_entropy", F.cross_entropy, _ce_nd_samples, torch_fn=_torch_fn("cross_entropy"),
           tolerances=_F32_TOL, variant="nd"),
    OpInfo("cross_entropy", F.cross_entropy, _ce_probability_samples, torch_fn=_torch_fn("cross_entropy"),
           tolerances=_F32_TOL, variant="probabilities", covers=("div_scalar",)),
    OpInfo("binary_cross_entropy", F.binary_cross_entropy, _bce_samples, torch_fn=_torch_fn("binary_cross_entropy"),
           tolerances=_F32_TOL),
    OpInfo("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, _bce_logits_samples,
           torch_fn=_torch_fn("binary_cross_entropy_with_logits"), tolerances=_F32_TOL),
    OpInfo("kl_div", F.kl_div, _kl_samples, torch_fn=_torch_fn("kl_div"), tolerances=_F32_TOL),
]


# -- cross_entropy (the fused (N, C) class-index form) -----------------------------------------------

def _ce_samples(dtype, rng):
    logits = make_arg((4, 5), dtype, rng)
    target = rng.integers(0, 5, size=4).astype(np.int64)
    weight = make_arg((5,), dtype, rng, low=0.5, high=2.0)
    yield SampleInput((logits, target), desc="mean", grad_args=(0,))
    yield SampleInput((logits, target), {"reduction": "sum"}, desc="sum", grad_args=(0,))
    yield SampleInput((logits, target), {"reduction": "none"}, desc="none", grad_args=(0,))
    yield SampleInput((logits, target, weight), {"label_smoothing": 0.1}, desc="weight+smoothing", grad_args=(0,))
    yield SampleInput((logits, np.array([1, -100, 3, 0], np.int64)), desc="ignore_index", grad_args=(0,))


def _ce_ref(logits, target, weight=None, reduction="mean", label_smoothing=0.0, ignore_index=-100):
    logp = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    n, c = logits.shape
    w = np.ones(c, logits.dtype) if weight is None else weight
    keep = target != ignore_index
    t = np.where(keep, target, 0)
    nll = -logp[np.arange(n), t] * w[t] * keep
    smooth = -(logp * w).sum(1) / c * keep
    loss = (1 - label_smoothing) * nll + label_smoothing * smooth
    if reduction == "none":
        return loss.astype(logits.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), logits.dtype)
    return np.asarray(loss.sum() / (w[t] * keep).sum(), logits.dtype)


OPS += [
    OpInfo("cross_entropy", F.cross_entropy, _ce_samples, ref=_ce_ref,
           torch_fn=lambda *a, **k: _torch().nn.functional.cross_entropy(*a, **k),
           tolerances={"float32": (1e-5, 1e-5)}),
]


# -- ctc_loss: given logits, through log_softmax (PyTorch's CTC gradient assumes normalized
# log-probabilities: it is the gradient through a log_softmax folded in, so finite differences
# only agree through one, as PyTorch's own tests take it) -------------------------------------------

def _ctc_samples(dtype, rng):
    t, n, c = 6, 3, 5
    logits = make_arg((t, n, c), dtype, rng)
    targets = rng.integers(1, c, size=(n, 3)).astype(np.int64)
    targets[1, 1] = targets[1, 0]  # a repeated label: the lattice may not skip between them
    il, tl = np.array([6, 5, 4], np.int64), np.array([3, 2, 3], np.int64)
    flat = np.concatenate([targets[i, :tl[i]] for i in range(n)])
    yield SampleInput((logits, targets, il, tl), desc="padded-mean", grad_args=(0,))
    yield SampleInput((logits, flat, il, tl), {"reduction": "sum"}, desc="concatenated-sum", grad_args=(0,))
    yield SampleInput((logits, np.where(targets == 2, 1, targets), il, np.array([0, 2, 3], np.int64)),
                      {"blank": 2, "reduction": "none"}, desc="blank2-empty-target", grad_args=(0,))
    yield SampleInput((logits, targets, np.array([6, 5, 2], np.int64), tl),
                      {"zero_infinity": True, "reduction": "none"}, desc="zero_infinity", grad_args=(0,))
    yield SampleInput((logits[:, 0], targets[0], np.array(6, np.int64), np.array(3, np.int64)),
                      {"reduction": "none"}, desc="unbatched", grad_args=(0,))


def _ctc_one(logp, label, blank):
    """-log p(label | logp (T, C)), by the alpha recursion in probabilities (one sample)."""
    ext = [blank]
    for k in label:
        ext += [int(k), blank]
    p = np.exp(logp)
    alpha = np.zeros(len(ext))
    alpha[0] = p[0, ext[0]] if len(p) else 0.0
    if len(ext) > 1 and len(p):
        alpha[1] = p[0, ext[1]]
    for t in range(1, len(p)):
        new = np.zeros_like(alpha)
        for s in range(len(ext)):
            total = alpha[s] + (alpha[s - 1] if s >= 1 else 0.0)
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                total += alpha[s - 2]
            new[s] = total * p[t, ext[s]]
        alpha = new
    if not len(p):
        return 0.0 if len(ext) == 1 else np.inf
    likelihood = alpha[-1] + (alpha[-2] if len(ext) > 1 else 0.0)
    with np.errstate(divide="ignore"):
        return -np.log(likelihood)


def _ctc_ref(logits, targets, il, tl, blank=0, reduction="mean", zero_infinity=False):
    unbatched = logits.ndim == 2
    x = logits.astype(np.float64)[:, None] if unbatched else logits.astype(np.float64)
    logp = x - x.max(2, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(2, keepdims=True))
    il, tl = np.atleast_1d(il), np.atleast_1d(tl)
    tg = targets[None] if unbatched else targets
    offsets = np.concatenate([[0], np.cumsum(tl)])
    labels = [tg[i, :tl[i]] if tg.ndim == 2 else tg[offsets[i]:offsets[i + 1]] for i in range(len(tl))]
    loss = np.array([_ctc_one(logp[:il[i], i], labels[i], blank) for i in range(len(tl))])
    if zero_infinity:
        loss = np.where(np.isinf(loss), 0.0, loss)
    if reduction == "mean":
        return np.asarray((loss / np.maximum(tl, 1)).mean(), logits.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), logits.dtype)
    return (loss[0] if unbatched else loss).astype(logits.dtype)


def _ctc_on_logits(functional):
    def call(logits, targets, il, tl, **kwargs):
        return functional().ctc_loss(logits.log_softmax(-1), targets, il, tl, **kwargs)
    return call


OPS += [
    OpInfo("ctc_loss", _ctc_on_logits(lambda: F), _ctc_samples, ref=_ctc_ref,
           torch_fn=_ctc_on_logits(lambda: _torch().nn.functional), supports_gradgrad=False,
           covers=("_ctc_loss",), tolerances={"float32": (1e-5, 1e-5)}),
]


# -- the margin losses of nn/_margin_losses.py: soft_margin_loss, multi_margin_loss and
# multilabel_margin_loss are primitive ops (ops/loss.py) with PyTorch's nodes; the class-index two
# are once differentiable, as in PyTorch (its backward kernels have no derivative) --------------------

def _reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _soft_margin_ref(x, y, reduction="mean"):
    return _reduce(np.log1p(np.exp(-x * y)), reduction)


def _multi_margin_ref(x, y, p=1, margin=1.0, weight=None, reduction="mean"):
    x2 = x.reshape(-1, x.shape[-1] if x.ndim else 1)
    labels = np.asarray(y).reshape(-1)
    out = []
    for row, t in zip(x2, labels):
        total = 0.0
        for i, v in enumerate(row):
            if i != t:
                h = max(0.0, margin - row[t] + v) ** p
                total += h * (1.0 if weight is None else weight[t])
        out.append(total / row.size)
    return np.asarray(_reduce(np.array(out).reshape(np.shape(y)), reduction), x.dtype)


def _multilabel_margin_ref(x, y, reduction="mean"):
    x2, y2 = x.reshape(-1, x.shape[-1]), np.asarray(y).reshape(-1, x.shape[-1])
    out = []
    for row, targets in zip(x2, y2):
        listed = []
        for t in targets:
            if t < 0:
                break
            listed.append(t)
        others = [i for i in range(row.size) if i not in listed]
        out.append(sum(max(0.0, 1 - (row[j] - row[i])) for j in listed for i in others) / row.size)
    out = np.array(out)
    return np.asarray(_reduce(out.reshape(()) if x.ndim == 1 else out, reduction), x.dtype)


def _triplet_ref(a, p, n, margin=1.0, swap=False, reduction="mean"):
    def dist(u, v):
        return np.sqrt(((u - v + 1e-6) ** 2).sum(-1))
    d_neg = dist(a, n)
    if swap:
        d_neg = np.minimum(d_neg, dist(p, n))
    return _reduce(np.maximum(margin + dist(a, p) - d_neg, 0), reduction)



def _margin_samples(dtype, rng):
    x = make_arg((5, 4), dtype, rng)
    signs = np.where(rng.random((5, 4)) > 0.5, 1.0, -1.0).astype(dtype)
    return x, signs


def _soft_margin_samples(dtype, rng):
    x, signs = _margin_samples(dtype, rng)
    for reduction in REDUCTIONS:
        yield SampleInput((x, signs), {"reduction": reduction}, desc=reduction, grad_args=(0,))


def _multi_margin_samples(dtype, rng):
    # margins kept off the kink: x[i] - x[y] + margin away from 0
    x = (rng.permuted(np.tile(np.arange(4) * 0.37, (5, 1)), axis=1) + rng.uniform(-0.05, 0.05, (5, 4))).astype(dtype)
    labels = np.array([0, 3, 1, 1, 2], np.int64)
    weight = make_arg((4,), dtype, rng, low=0.5, high=2.0)
    yield SampleInput((x, labels), desc="mean", grad_args=(0,))
    yield SampleInput((x, labels), {"reduction": "none"}, desc="none", grad_args=(0,))
    yield SampleInput((x, labels), {"p": 2, "margin": 0.6, "weight": weight, "reduction": "sum"}, desc="p2-weight",
                      grad_args=(0,))
    yield SampleInput((x[0], np.array(2, np.int64)), desc="vector", grad_args=(0,))


def _multilabel_margin_samples(dtype, rng):
    x = (rng.permuted(np.tile(np.arange(4) * 0.37, (5, 1)), axis=1) + rng.uniform(-0.05, 0.05, (5, 4))).astype(dtype)
    targets = np.array([[0, 2, -1, 1], [3, -1, 0, 0], [1, 0, 2, 3], [-1, 1, 1, 1], [2, 2, -1, 0]], np.int64)
    for reduction in REDUCTIONS:
        yield SampleInput((x, targets), {"reduction": reduction}, desc=reduction, grad_args=(0,))
    yield SampleInput((x[0], targets[0]), {"reduction": "none"}, desc="vector", grad_args=(0,))


def _triplet_distance_samples(dtype, rng):
    a, p, n = (make_arg((4, 3), dtype, rng) for _ in range(3))
    yield SampleInput((a, p, n), desc="mean")
    yield SampleInput((a, p, n), {"margin": 0.5, "swap": True, "reduction": "none"}, desc="swap-none")
    yield SampleInput((a, p, n), {"reduction": "sum"}, desc="sum")


OPS += [
    OpInfo("soft_margin_loss", F.soft_margin_loss, _soft_margin_samples, ref=_soft_margin_ref,
           torch_fn=_torch_fn("soft_margin_loss"), tolerances=_F32_TOL),
    OpInfo("multi_margin_loss", F.multi_margin_loss, _multi_margin_samples, ref=_multi_margin_ref,
           torch_fn=_torch_fn("multi_margin_loss"), tolerances=_F32_TOL, supports_gradgrad=False),
    OpInfo("multilabel_margin_loss", F.multilabel_margin_loss, _multilabel_margin_samples, ref=_multilabel_margin_ref,
           torch_fn=_torch_fn("multilabel_margin_loss"), tolerances=_F32_TOL, supports_gradgrad=False),
    OpInfo("triplet_margin_with_distance_loss", F.triplet_margin_with_distance_loss, _triplet_distance_samples,
           ref=_triplet_ref, torch_fn=_torch_fn("triplet_margin_with_distance_loss"), tolerances=_F32_TOL),
]

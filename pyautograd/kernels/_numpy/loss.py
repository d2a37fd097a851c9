"""NumPy kernels of the loss functions with a primitive op (ops/loss.py).

Each forward takes the elementwise operands in one dtype (the ops layer
promotes and the front ends in nn/_losses.py check shapes) and a
``reduction`` of "none" (the elementwise loss), "mean" or "sum" (0-d
arrays). A mean over no element is NaN, as in PyTorch. The backward
formulas live with the ops, in Tensor ops; only nll_loss has a backward
kernel (a scatter, the adjoint of its gather).
"""
import numpy as np

from .._fp import quiet
from ..checks.reduce import target_error

__all__ = ["mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "nll_loss", "nll_loss_backward", "ctc_loss", "ctc_loss_backward",
           "soft_margin_loss", "multi_margin_loss", "multi_margin_loss_backward", "multilabel_margin_loss",
           "multilabel_margin_loss_backward"]

_REDUCTIONS = ("none", "mean", "sum")
# PyTorch clamps the logarithms of binary_cross_entropy at -100, so a probability of
# exactly 0 or 1 gives a finite loss (and gradient).
_LOG_FLOOR = -100.0


def _reduce(op, loss, reduction, dtype):
    if reduction == "none":
        return np.asarray(loss, dtype)
    if reduction == "sum":
        return np.asarray(quiet(np.sum, loss), dtype)
    if reduction == "mean":
        return np.asarray(quiet(np.mean, loss) if loss.size else np.nan, dtype)
    raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def mse_loss(input, target, reduction):
    """(input - target) ** 2, reduced."""
    diff = quiet(np.subtract, input, target)
    return _reduce("mse_loss", quiet(np.multiply, diff, diff), reduction, diff.dtype)


def smooth_l1_loss(input, target, reduction, beta):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta, for d = input - target (beta > 0)."""
    d = np.abs(quiet(np.subtract, input, target))
    loss = quiet(np.where, d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _reduce("smooth_l1_loss", loss, reduction, d.dtype)


def huber_loss(input, target, reduction, delta):
    """0.5 d**2 where |d| <= delta, else delta (|d| - 0.5 delta), for d = input - target."""
    d = np.abs(quiet(np.subtract, input, target))
    loss = quiet(np.where, d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _reduce("huber_loss", loss, reduction, d.dtype)


def _check_unit_interval(op, what, x):
    # written as a negation so NaN fails the check too (PyTorch rejects it as well)
    if x.size and not ((x >= 0) & (x <= 1)).all():
        bad = x.reshape(-1)[np.argmax(~((x >= 0) & (x <= 1)).reshape(-1))]
        raise RuntimeError(f"{op}: all elements of {what} should be between 0 and 1 (found {bad})")


def binary_cross_entropy(input, target, weight, reduction):
    """-weight * (target log(input) + (1 - target) log(1 - input)), logs clamped at -100.

    input and target: probabilities of one shape and dtype (values outside [0, 1] raise
    RuntimeError); weight: None or broadcastable to input's shape.
    """
    op = "binary_cross_entropy"
    _check_unit_interval(op, "input", input)
    _check_unit_interval(op, "target", target)
    with np.errstate(all="ignore"):
        log_x = np.maximum(np.log(input), _LOG_FLOOR)
        log_1mx = np.maximum(np.log1p(-input), _LOG_FLOOR)
        loss = (target - 1) * log_1mx - target * log_x
        if weight is not None:
            loss = loss * weight
    return _reduce(op, loss, reduction, input.dtype)


def binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction):
    """weight * ((1 - target) x - (1 + (pos_weight - 1) target) logsigmoid(x)) for logits x.

    logsigmoid(x) = min(x, 0) - log1p(exp(-|x|)) never overflows. pos_weight (None or
    broadcastable along the last dimension) weighs the positive term; weight scales it all.
    """
    with np.errstate(all="ignore"):
        log_sig = np.minimum(input, 0) - np.log1p(np.exp(-np.abs(input)))
        if pos_weight is None:
            loss = (1 - target) * input - log_sig
        else:
            loss = (1 - target) * input - (1 + (pos_weight - 1) * target) * log_sig
        if weight is not None:
            loss = loss * weight
    return _reduce("binary_cross_entropy_with_logits", loss, reduction, np.result_type(input, target))


def _nll_layout(op, input, target, weight, ignore_index):
    """(class axis, kept mask, target with ignored entries at 0, per-entry weight (0 if ignored))."""
    axis = 0 if input.ndim == 1 else 1
    c = input.shape[axis]
    if target.dtype != np.int64:
        raise TypeError(f"{op}: target must be int64 class indices, got {target.dtype}")
    kept = target != ignore_index
    bad = kept & ((target < 0) | (target >= c))
    if bad.any():
        raise target_error(op, int(target.reshape(-1)[np.argmax(bad.reshape(-1))]), c, ignore_index)
    safe = np.where(kept, target, 0)
    if weight is None:
        w_t = kept.astype(input.dtype)
    else:
        w_t = np.where(kept, weight.astype(input.dtype, copy=False)[safe], 0).astype(input.dtype)
    return axis, kept, safe, w_t


def nll_loss(input, target, weight, reduction, ignore_index):
    """-weight[t] * input[n, t, ...] per entry, for class indices `target`.

    input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...) int64; weight
    None or (C,). Entries whose target is ignore_index give 0 and leave the mean, which
    divides by the sum of the kept entries' weights. A target outside [0, C) raises
    IndexError.
    """
    op = "nll_loss"
    axis, kept, safe, w_t = _nll_layout(op, input, target, weight, ignore_index)
    picked = np.take_along_axis(input, np.expand_dims(safe, axis), axis).squeeze(axis)
    loss = np.where(kept, quiet(np.multiply, -w_t, picked), 0).astype(input.dtype)
    if reduction == "mean":
        return np.asarray(quiet(np.divide, quiet(np.sum, loss), np.sum(w_t)), input.dtype)
    return _reduce(op, loss, reduction, input.dtype)


def nll_loss_backward(grad, target, weight, reduction, ignore_index, shape):
    """The gradient of nll_loss with respect to its input of `shape`, for upstream `grad`
    (0-d for "mean"/"sum", target's shape for "none"): -weight[t] * grad (divided by the
    total weight for "mean") at each target's class, 0 elsewhere."""
    op = "nll_loss_backward"
    out = np.zeros(shape, grad.dtype)
    axis, kept, safe, w_t = _nll_layout(op, out, target, weight, ignore_index)
    scale = quiet(np.divide, grad, np.sum(w_t)) if reduction == "mean" else grad
    values = np.where(kept, quiet(np.multiply, -w_t, scale), 0).astype(grad.dtype)
    np.put_along_axis(out, np.expand_dims(safe, axis), np.expand_dims(values, axis), axis)
    return out


# -- connectionist temporal classification ------------------------------------------------------
# The alignment lattice of a target l (length S) is the extended sequence l' = (blank, l1, blank,
# l2, ..., lS, blank) of length 2S + 1; a path moves at each time step from position s to s, s + 1,
# or s + 2 when l'[s + 2] is a label different from l'[s]. Both recursions run over the whole
# batch at once, in log space, with -inf for the positions beyond a sample's lattice.


def _ctc_lattice(log_probs, targets, target_lengths, blank):
    """The extended labels (N, 2 S_max + 1), which positions may be reached by a skip of two,
    and the log-probabilities of each lattice position at each time (T, N, 2 S_max + 1)."""
    n, s_max = targets.shape
    ext = np.full((n, 2 * s_max + 1), blank, dtype=np.int64)
    ext[:, 1::2] = targets
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    lengths = 2 * np.asarray(target_lengths, dtype=np.int64) + 1
    inside = np.arange(ext.shape[1])[None, :] < lengths[:, None]
    picked = np.take_along_axis(log_probs, np.broadcast_to(ext[None], (log_probs.shape[0],) + ext.shape), 2)
    return ext, skip, np.where(inside[None], picked, -np.inf), lengths


def _lse3(a, b, c):
    m = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe)) + safe


def _shift(a, k):
    """a moved k positions up the lattice (the last axis), -inf entering."""
    out = np.full_like(a, -np.inf)
    out[..., k:] = a[..., :-k] if k < a.shape[-1] else out[..., k:]
    return out


def _ctc_alpha(lattice_lp, skip):
    alpha = np.full_like(lattice_lp, -np.inf)
    alpha[0, :, :2] = lattice_lp[0, :, :2]
    for t in range(1, lattice_lp.shape[0]):
        prev = alpha[t - 1]
        alpha[t] = _lse3(prev, _shift(prev, 1), np.where(skip, _shift(prev, 2), -np.inf)) + lattice_lp[t]
    return alpha


def _ctc_nll(alpha, input_lengths, lengths):
    n = np.arange(alpha.shape[1])
    last = alpha[np.asarray(input_lengths) - 1, n]  # (N, 2 S_max + 1) at each sample's last time
    end = np.take_along_axis(last, (lengths - 1)[:, None], 1)[:, 0]
    before = np.take_along_axis(last, np.maximum(lengths - 2, 0)[:, None], 1)[:, 0]
    before = np.where(lengths > 1, before, -np.inf)
    # no frame: only the empty target has an alignment (the empty one), of log-likelihood 0
    empty = np.where(lengths == 1, -0.0, np.inf)
    return np.where(np.asarray(input_lengths) == 0, empty, -np.logaddexp(end, before))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """The negative log-likelihood (N,) of each padded target (N, S_max) under the per-frame
    log-probabilities (T, N, C), summed over every alignment of its first target_lengths[n]
    labels to its first input_lengths[n] frames (inf when no alignment exists; zero_infinity
    is applied by the caller, here it only matters for the gradient)."""
    _, skip, lattice_lp, lengths = _ctc_lattice(log_probs, targets, target_lengths, blank)
    with np.errstate(invalid="ignore"):
        return _ctc_nll(_ctc_alpha(lattice_lp, skip), input_lengths, lengths).astype(log_probs.dtype)


def ctc_loss_backward(grad, log_probs, targets, input_lengths, target_lengths, nll, blank, zero_infinity):
    """PyTorch's gradient of ctc_loss (N,) with respect to log_probs (T, N, C), for upstream
    `grad` (N,): exp(log_probs) - exp(log(sum of alpha * beta over the lattice positions of each
    class) + nll - log_probs), times grad, and 0 from each sample's input length on. As in PyTorch
    it is the gradient through a log_softmax folded in (it assumes normalized log_probs), and with
    zero_infinity a sample with an infinite loss gets 0."""
    ext, skip, lattice_lp, lengths = _ctc_lattice(log_probs, targets, target_lengths, blank)
    t_max, n = lattice_lp.shape[:2]
    input_lengths = np.asarray(input_lengths, dtype=np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        alpha = _ctc_alpha(lattice_lp, skip)
        beta = np.full_like(lattice_lp, -np.inf)
        width = lattice_lp.shape[2]
        skip_down = np.zeros(skip.shape, dtype=bool)  # s -> s + 2 allowed: skip at s + 2
        skip_down[:, :-2] = skip[:, 2:]
        ends = np.arange(width)[None, :] >= (lengths - 2)[:, None]
        for t in range(t_max - 1, -1, -1):
            if t + 1 < t_max:
                nxt = beta[t + 1]
                up1 = np.full_like(nxt, -np.inf)
                up1[:, :-1] = nxt[:, 1:]
                up2 = np.full_like(nxt, -np.inf)
                up2[:, :-2] = nxt[:, 2:]
                step = _lse3(nxt, up1, np.where(skip_down, up2, -np.inf)) + lattice_lp[t]
            else:
                step = np.full_like(lattice_lp[t], -np.inf)
            first = np.where(ends, lattice_lp[t], -np.inf)  # the last frame: only the two final positions
            beta[t] = np.where((t == input_lengths - 1)[:, None], first,
                               np.where((t < input_lengths - 1)[:, None], step, -np.inf))
        ab = alpha + beta  # (T, N, W)
        top = ab.max(axis=2, keepdims=True)
        top = np.where(np.isfinite(top), top, 0)
        weights = np.exp(ab - top)
        # sum the weights of the lattice positions of each class: one bincount over (t, n, class)
        classes = log_probs.shape[2]
        flat = ((np.arange(t_max)[:, None, None] * n + np.arange(n)[None, :, None]) * classes + ext[None]).reshape(-1)
        acc = np.bincount(flat, weights.reshape(-1), minlength=log_probs.size).reshape(log_probs.shape)
        with np.errstate(divide="ignore"):
            lcab = np.log(acc) + top
        nll = np.asarray(nll, dtype=np.float64)
        g = np.exp(log_probs) - np.exp(lcab + nll[None, :, None] - log_probs)
        g = g * np.asarray(grad, dtype=np.float64)[None, :, None]
    g = np.where((np.arange(t_max)[:, None] < input_lengths[None, :])[:, :, None], g, 0)
    if zero_infinity:
        g = np.where(np.isinf(nll)[None, :, None], 0, g)
    return g.astype(log_probs.dtype)


# -- the margin losses ----------------------------------------------------------------------------
# soft_margin_loss's backward is in Tensor ops (ops/loss.py); the two class-index hinge losses
# have backward kernels, as in PyTorch, where they are once differentiable.

def soft_margin_loss(input, target, reduction):
    """log(1 + exp(-target * input)), reduced (target already broadcast to the input's shape)."""
    loss = quiet(np.log1p, quiet(np.exp, -input * target))
    return _reduce("soft_margin_loss", loss, reduction, input.dtype)


def _rows(input, target, per_sample):
    # the (N, C) view of a vector-or-matrix input and its targets, `per_sample` (1 or C) a row
    dim = input.shape[-1] if input.ndim else 1
    nframe = input.shape[0] if input.ndim == 2 else 1
    labels = np.asarray(target).reshape(nframe, dim if per_sample is None else per_sample)
    return input.reshape(nframe, dim), labels, nframe, dim


def _per_sample_grad(grad, reduction, nframe, dtype):
    # the upstream gradient of each sample's loss: `grad` spread over the samples
    g = np.broadcast_to(np.asarray(grad, dtype).reshape(-1) if reduction == "none" else np.asarray(grad, dtype),
                        (nframe,))
    return g / nframe if reduction == "mean" else g


def _multi_margin_terms(x, labels, nframe, p, margin, weight):
    # max(0, margin - x[y] + x[i]) for each class i, 0 at i = y; and the mask of the positive ones
    rows = np.arange(nframe)
    z = quiet(np.add, margin - x[rows, labels][:, None], x)
    active = z > 0
    active[rows, labels] = False
    return np.where(active, z, 0), active


def multi_margin_loss(input, target, p, margin, weight, reduction):
    """Per sample, the sum over the classes i other than its target y of max(0, margin - x[y] + x[i])
    ** p, times weight[y], divided by the number of classes; 'none' has the target's shape."""
    x, labels, nframe, dim = _rows(input, target, 1)
    labels = labels.reshape(nframe)
    h, _ = _multi_margin_terms(x, labels, nframe, p, margin, weight)
    if p == 2:
        h = h * h
    if weight is not None:
        h = h * weight[labels][:, None]
    loss = h.sum(axis=1) / dim
    if reduction == "none":
        return np.asarray(loss.reshape(np.shape(target)), input.dtype)
    return _reduce("multi_margin_loss", loss, reduction, input.dtype)


def multi_margin_loss_backward(grad, input, target, p, margin, weight, reduction):
    """The gradient of multi_margin_loss with respect to its input: +c at each active class i and
    -sum(c) at the target, c = (1 or 2 z) * weight[y] / C times the sample's upstream gradient."""
    x, labels, nframe, dim = _rows(input, target, 1)
    labels = labels.reshape(nframe)
    z, active = _multi_margin_terms(x, labels, nframe, p, margin, weight)
    c = active.astype(input.dtype) if p == 1 else 2 * z
    if weight is not None:
        c = c * weight[labels][:, None]
    c = c * (_per_sample_grad(grad, reduction, nframe, input.dtype) / dim)[:, None]
    c[np.arange(nframe), labels] = 0 - c.sum(axis=1)  # 0 - s: +0 where nothing is active, as in PyTorch
    return np.asarray(c.reshape(input.shape), input.dtype)


def _multilabel_terms(x, labels, nframe, dim):
    # for each sample, pairs (listed target j, non-target class i) with 1 - x[j] + x[i] > 0:
    # the targets are the leading non-negative entries (up to the first -1), repeats included
    listed = np.cumprod(labels >= 0, axis=1).astype(bool)
    rows = np.repeat(np.arange(nframe), dim).reshape(nframe, dim)
    is_target = np.zeros((nframe, dim), dtype=bool)
    is_target[rows[listed], labels[listed]] = True
    picked = np.where(listed, labels, 0)
    z = quiet(np.add, 1 - np.take_along_axis(x, picked, axis=1)[:, :, None], x[:, None, :])
    active = (z > 0) & listed[:, :, None] & ~is_target[:, None, :]
    return np.where(active, z, 0), active, picked


def multilabel_margin_loss(input, target, reduction):
    """Per sample, the sum over its target classes j and its other classes i of
    max(0, 1 - (x[j] - x[i])), divided by the number of classes; 'none' is () for a vector."""
    x, labels, nframe, dim = _rows(input, target, None)
    z, _, _ = _multilabel_terms(x, labels, nframe, dim)
    loss = z.sum(axis=(1, 2)) / dim
    if reduction == "none":
        return np.asarray(loss.reshape(()) if input.ndim <= 1 else loss, input.dtype)
    return _reduce("multilabel_margin_loss", loss, reduction, input.dtype)


def multilabel_margin_loss_backward(grad, input, target, reduction):
    """The gradient of multilabel_margin_loss with respect to its input: each active pair (j, i)
    adds g / C at class i and -g / C at class j, g the sample's upstream gradient."""
    x, labels, nframe, dim = _rows(input, target, None)
    _, active, picked = _multilabel_terms(x, labels, nframe, dim)
    g = (_per_sample_grad(grad, reduction, nframe, input.dtype) / dim)[:, None]
    out = active.sum(axis=1) * g  # class i as the other class
    rows = np.repeat(np.arange(nframe), dim)
    np.add.at(out, (rows, picked.reshape(-1)), -(active.sum(axis=2) * g).reshape(-1))  # j as a target
    return np.asarray(out.reshape(input.shape), input.dtype)

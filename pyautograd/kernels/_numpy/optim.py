"""NumPy reference for the optim kernels (see csrc/optim.c for the C side).

Fused optimizer updates, written as the plain NumPy expression sequence of
PyTorch's single-tensor updates (torch.optim.SGD, Adam/AdamW, RMSprop and
Adagrad with foreach=False), in PyTorch's operation order so float64 results agree with it
to rounding. Every kernel updates its array arguments in place and returns
`param` (the many-forms return `params`).

The argument checks live in kernels/checks/optim.py, and the C wrappers call the same
ones, so both backends accept and reject exactly the same input with the same errors.
"""
import numpy as np

from .._fp import quiet_block
from ..checks.optim import (adagrad_lists, adam_lists, check_adagrad, check_adagrad_group, check_adam,
                            check_adam_group, check_group_no_overlap, check_no_overlap, check_rmsprop,
                            check_rmsprop_group, check_sgd, check_sgd_group, group_named, rmsprop_lists,
                            sgd_lists)
# training tools (issue 15)
from ..checks.optim import (adadelta_lists, adamax_lists, asgd_lists, check_adadelta_options,
                            check_adam_options, check_adamax_options, check_asgd_options, check_group,
                            check_rprop_options, radam_lists, rprop_lists)

__all__ = ["sgd_step", "sgd_step_many", "adam_step", "adam_step_many", "rmsprop_step", "rmsprop_step_many",
           "adagrad_step", "adagrad_step_many",
           # training tools (issue 15): the group forms of Adadelta and Adamax
           "adadelta_step_many", "adamax_step_many", "radam_step_many", "rprop_step_many", "nadam_step_many",
           "asgd_step_many"]

# ---- the updates ----------------------------------------------------------------------

def sgd_step(param, grad, momentum_buffer=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
             weight_decay=0.0, maximize=False, first_step=False):
    """One SGD step on one tensor, in place: exactly torch.optim.SGD's single-tensor update.

    Args:
        param: the parameter (C-contiguous float32/float64), updated in place.
        grad: its gradient (same shape and dtype), only read.
        momentum_buffer: the momentum state, updated in place; required when momentum != 0.
        lr, momentum, dampening, nesterov, weight_decay, maximize: as torch.optim.SGD.
        first_step: the buffer holds no history yet: it becomes the gradient
            (PyTorch's ``buf = grad.clone()`` when the state is empty).

    Returns:
        param.

    The update: ``g = -grad if maximize else grad``; ``g = g + weight_decay * param``;
    with momentum, ``buf = g`` on the first step, else ``buf = momentum * buf +
    (1 - dampening) * g``, then ``g = g + momentum * buf`` (nesterov) or ``g = buf``;
    ``param -= lr * g``.
    """
    check_no_overlap("sgd_step", check_sgd("sgd_step", param, grad, momentum_buffer, lr, momentum, dampening,
                                            nesterov, weight_decay))
    with quiet_block():
        _sgd(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay, maximize,
             first_step)
    return param


def _sgd(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, maximize, first_step):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if first_step:
            buf[...] = grad
        else:
            buf *= momentum
            buf += (1 - dampening) * grad
        grad = grad + momentum * buf if nesterov else buf
    param -= lr * grad


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, step, lr, beta1, beta2, eps,
              weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """One Adam (or AdamW) step on one tensor, in place: exactly torch.optim.Adam's single-tensor update.

    Args:
        param: the parameter (C-contiguous float32/float64), updated in place.
        grad: its gradient (same shape and dtype), only read.
        exp_avg, exp_avg_sq: the first and second moment estimates, updated in place.
        max_exp_avg_sq: the running maximum of exp_avg_sq, updated in place;
            required when amsgrad.
        step: the 1-based step count, already incremented for this step.
        lr, beta1, beta2, eps, weight_decay, amsgrad, maximize: as torch.optim.Adam.
        decoupled_weight_decay: AdamW's decay (``param *= 1 - lr * weight_decay``)
            instead of Adam's L2 term added to the gradient.

    Returns:
        param.

    Example::

        m, v = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, 11):
            adam_step(w, grad_of(w), m, v, step=t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    """
    step, named = check_adam("adam_step", param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, amsgrad, step, lr,
                             beta1, beta2, eps, weight_decay)
    check_no_overlap("adam_step", named)
    with quiet_block():
        _adam(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
              amsgrad, decoupled_weight_decay, maximize)
    return param


def _lerp_(start, end, weight):
    """start <- start + weight * (end - start) in place, in PyTorch's two forms.

    PyTorch switches to ``end - (end - start) * (1 - weight)`` once |weight| >= 0.5,
    so the result is exactly `end` at weight 1; weight is rounded to the
    array's dtype first, as PyTorch does.
    """
    w = start.dtype.type(weight)
    if abs(w) < 0.5:
        start += w * (end - start)
    else:
        start[...] = end - (end - start) * (start.dtype.type(1) - w)


def _adam(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
          amsgrad, decoupled_weight_decay, maximize):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second_moment = max_exp_avg_sq
    else:
        second_moment = exp_avg_sq
    denom = np.sqrt(second_moment) / bias_correction2_sqrt + eps
    param += -step_size * exp_avg / denom


def sgd_step_many(params, grads, momentum_buffers=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
                  weight_decay=0.0, maximize=False, first_step=False):
    """sgd_step over a parameter group: lists of arrays, entry i updated as sgd_step would.

    Every list has one entry per parameter (momentum_buffers may be None when
    momentum == 0); all arrays share one dtype. Errors name the list and the
    index. Returns params.
    """
    op = "sgd_step_many"
    check_sgd_group(op, params, grads, momentum_buffers, lr, momentum, dampening, nesterov, weight_decay)
    check_group_no_overlap(op, group_named(params, sgd_lists(grads, momentum_buffers)))
    for i, param in enumerate(params):
        buf = momentum_buffers[i] if momentum_buffers is not None else None
        sgd_step(param, grads[i], buf, lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                 weight_decay=weight_decay, maximize=maximize, first_step=first_step)
    return params


def adam_step_many(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs=None, *, step, lr, beta1, beta2, eps,
                   weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """adam_step over a parameter group: lists of arrays, entry i updated as adam_step would.

    Every list has one entry per parameter (max_exp_avg_sqs may be None unless
    amsgrad); all arrays share one dtype; `step` is the group's step count.
    Errors name the list and the index. Returns params.
    """
    op = "adam_step_many"
    step, _ = check_adam_group(op, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad, step, lr, beta1,
                               beta2, eps, weight_decay)
    check_group_no_overlap(op, group_named(params, adam_lists(grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                                                              amsgrad)))
    for i, param in enumerate(params):
        vmax = max_exp_avg_sqs[i] if amsgrad else None
        adam_step(param, grads[i], exp_avgs[i], exp_avg_sqs[i], vmax, step=step, lr=lr, beta1=beta1, beta2=beta2,
                  eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, decoupled_weight_decay=decoupled_weight_decay,
                  maximize=maximize)
    return params


def rmsprop_step(param, grad, square_avg, grad_avg=None, momentum_buffer=None, *, lr, alpha, eps,
                 weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """One RMSprop step on one tensor, in place: exactly torch.optim.RMSprop's single-tensor update.

    Args:
        param: the parameter (C-contiguous float32/float64), updated in place.
        grad: its gradient (same shape and dtype), only read.
        square_avg: the running average of the squared gradient, updated in place.
        grad_avg: the running average of the gradient, updated in place; required when centered.
        momentum_buffer: the momentum state (PyTorch starts it at zeros), updated in
            place; required when momentum > 0.
        lr, alpha, eps, weight_decay, momentum, centered, maximize: as torch.optim.RMSprop.

    Returns:
        param.

    The update: ``g = -grad if maximize else grad``; ``g = g + weight_decay * param``;
    ``square_avg = alpha * square_avg + (1 - alpha) * g * g``; ``avg = sqrt(square_avg)``,
    or centered ``grad_avg = lerp(grad_avg, g, 1 - alpha)``, ``avg = sqrt(square_avg -
    grad_avg**2)``; ``avg += eps``; with momentum ``buf = momentum * buf + g / avg``,
    ``param -= lr * buf``, else ``param -= lr * g / avg``.
    """
    op = "rmsprop_step"
    check_no_overlap(op, check_rmsprop(op, param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps,
                                       weight_decay, momentum, centered))
    with quiet_block():
        _rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum,
                 centered, maximize)
    return param


def _rmsprop(param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg *= alpha
    square_avg += (1 - alpha) * grad * grad
    if centered:
        _lerp_(grad_avg, grad, 1 - alpha)
        avg = np.sqrt(square_avg - grad_avg * grad_avg)
    else:
        avg = np.sqrt(square_avg)
    avg += eps
    if momentum > 0:
        buf *= momentum
        buf += grad / avg
        param += -lr * buf
    else:
        param += -lr * grad / avg


def adagrad_step(param, grad, state_sum, *, step, lr, lr_decay=0.0, eps, weight_decay=0.0, maximize=False):
    """One Adagrad step on one tensor, in place: exactly torch.optim.Adagrad's single-tensor update.

    Args:
        param: the parameter (C-contiguous float32/float64), updated in place.
        grad: its gradient (same shape and dtype), only read.
        state_sum: the sum of squared gradients (starting at initial_accumulator_value), updated in place.
        step: the 1-based step count, already incremented for this step.
        lr, lr_decay, eps, weight_decay, maximize: as torch.optim.Adagrad.

    Returns:
        param.

    The update: ``g = -grad if maximize else grad``; ``g = g + weight_decay * param``;
    ``clr = lr / (1 + (step - 1) * lr_decay)``; ``state_sum += g * g``;
    ``param -= clr * g / (sqrt(state_sum) + eps)``.
    """
    op = "adagrad_step"
    step, named = check_adagrad(op, param, grad, state_sum, step, lr, lr_decay, eps, weight_decay)
    check_no_overlap(op, named)
    with quiet_block():
        _adagrad(param, grad, state_sum, step, lr, lr_decay, eps, weight_decay, maximize)
    return param


def _adagrad(param, grad, state_sum, step, lr, lr_decay, eps, weight_decay, maximize):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum += grad * grad
    std = np.sqrt(state_sum)
    std += eps
    param += -clr * grad / std


def rmsprop_step_many(params, grads, square_avgs, grad_avgs=None, momentum_buffers=None, *, lr, alpha, eps,
                      weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """rmsprop_step over a parameter group: lists of arrays, entry i updated as rmsprop_step would.

    Every list has one entry per parameter (grad_avgs may be None unless
    centered, momentum_buffers unless momentum > 0); all arrays share one
    dtype. Errors name the list and the index. Returns params.
    """
    op = "rmsprop_step_many"
    check_rmsprop_group(op, params, grads, square_avgs, grad_avgs, momentum_buffers, lr, alpha, eps, weight_decay,
                        momentum, centered)
    check_group_no_overlap(op, group_named(params, rmsprop_lists(grads, square_avgs, grad_avgs, momentum_buffers,
                                                                 centered, momentum)))
    for i, param in enumerate(params):
        rmsprop_step(param, grads[i], square_avgs[i], grad_avgs[i] if centered else None,
                     momentum_buffers[i] if momentum > 0 else None, lr=lr, alpha=alpha, eps=eps,
                     weight_decay=weight_decay, momentum=momentum, centered=centered, maximize=maximize)
    return params


def adagrad_step_many(params, grads, state_sums, *, step, lr, lr_decay=0.0, eps, weight_decay=0.0, maximize=False):
    """adagrad_step over a parameter group: lists of arrays, entry i updated as adagrad_step would.

    Every list has one entry per parameter; all arrays share one dtype; `step`
    is the group's step count. Errors name the list and the index. Returns params.
    """
    op = "adagrad_step_many"
    step, _ = check_adagrad_group(op, params, grads, state_sums, step, lr, lr_decay, eps, weight_decay)
    check_group_no_overlap(op, group_named(params, adagrad_lists(grads, state_sums)))
    for i, param in enumerate(params):
        adagrad_step(param, grads[i], state_sums[i], step=step, lr=lr, lr_decay=lr_decay, eps=eps,
                     weight_decay=weight_decay, maximize=maximize)
    return params


# ---- Adadelta and Adamax (training tools, issue 15): group forms only ----------------------









def adadelta_step_many(params, grads, square_avgs, acc_deltas, *, lr, rho, eps, weight_decay=0.0, maximize=False):
    """One Adadelta step on every tensor of a group, in place: torch.optim.Adadelta's single-tensor update.

    ``g = -grad if maximize else grad``; ``g += weight_decay * param``; ``square_avg = rho *
    square_avg + (1 - rho) g^2``; ``delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``;
    ``acc_delta = rho * acc_delta + (1 - rho) delta^2``; ``param -= lr * delta``.
    Lists as adagrad_step_many's (one entry per parameter, one dtype). Returns params.
    """
    op = "adadelta_step_many"
    check_adadelta_options(op, lr, rho, eps, weight_decay)
    check_group(op, params, adadelta_lists(grads, square_avgs, acc_deltas))
    check_group_no_overlap(op, group_named(params, adadelta_lists(grads, square_avgs, acc_deltas)))
    with quiet_block():
        for p, g, sq, acc in zip(params, grads, square_avgs, acc_deltas):
            _adadelta(p, g, sq, acc, lr, rho, eps, weight_decay, maximize)
    return params


def _adadelta(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize):
    t = param.dtype.type
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + t(weight_decay) * param
    square_avg *= t(rho)
    square_avg += t(1 - rho) * grad * grad
    delta = np.sqrt(acc_delta + t(eps)) / np.sqrt(square_avg + t(eps)) * grad
    acc_delta *= t(rho)
    acc_delta += t(1 - rho) * delta * delta
    param += t(-lr) * delta


def adamax_step_many(params, grads, exp_avgs, exp_infs, *, step, lr, beta1, beta2, eps, weight_decay=0.0,
                     maximize=False):
    """One Adamax step on every tensor of a group, in place: torch.optim.Adamax's single-tensor update.

    ``g = -grad if maximize else grad``; ``g += weight_decay * param``; ``exp_avg = lerp(exp_avg, g,
    1 - beta1)``; ``exp_inf = max(beta2 * exp_inf, |g| + eps)`` (NaN-propagating);
    ``param -= lr / (1 - beta1 ** step) * exp_avg / exp_inf``. `step` is the group's 1-based step
    count, already incremented. Returns params.
    """
    op = "adamax_step_many"
    step = check_adamax_options(op, step, lr, beta1, beta2, eps, weight_decay)
    check_group(op, params, adamax_lists(grads, exp_avgs, exp_infs))
    check_group_no_overlap(op, group_named(params, adamax_lists(grads, exp_avgs, exp_infs)))
    clr = lr / (1 - beta1 ** step)
    with quiet_block():
        for p, g, m, u in zip(params, grads, exp_avgs, exp_infs):
            t = p.dtype.type
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + t(weight_decay) * p
            _lerp_(m, g, 1 - beta1)
            u *= t(beta2)
            np.maximum(u, np.abs(g) + t(eps), out=u)
            p += t(-clr) * m / u
    return params








def radam_step_many(params, grads, exp_avgs, exp_avg_sqs, *, step, lr, beta1, beta2, eps, weight_decay=0.0,
                    decoupled_weight_decay=False, maximize=False):
    """One RAdam step on every tensor of a group, in place: torch.optim.RAdam's single-tensor update.

    Adam's moments; once rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t) exceeds 5 the step is
    ``lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * rect``, before that ``lr * m_hat``.
    `step` is the group's 1-based step count, already incremented. Returns params.
    """
    op = "radam_step_many"
    step = check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    check_group(op, params, radam_lists(grads, exp_avgs, exp_avg_sqs))
    check_group_no_overlap(op, group_named(params, radam_lists(grads, exp_avgs, exp_avg_sqs)))
    bias_correction1, bias_correction2 = 1 - beta1 ** step, 1 - beta2 ** step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5 if rho_t > 5 else 1
    with quiet_block():
        for param, grad, exp_avg, exp_avg_sq in zip(params, grads, exp_avgs, exp_avg_sqs):
            t = param.dtype.type
            if maximize:
                grad = -grad
            if weight_decay != 0:
                if decoupled_weight_decay:
                    param *= t(1 - lr * weight_decay)
                else:
                    grad = grad + t(weight_decay) * param
            _lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= t(beta2)
            exp_avg_sq += t(1 - beta2) * grad * grad
            corrected = exp_avg / t(bias_correction1)
            if rho_t > 5.0:
                adaptive = t(bias_correction2 ** 0.5) / (np.sqrt(exp_avg_sq) + t(eps))
                param -= corrected * t(lr) * adaptive * t(rect)
            else:
                param -= corrected * t(lr)
    return params


def _torch_sign(x):
    """np.sign with PyTorch's CPU convention sign(NaN) = 0."""
    s = np.sign(x)
    return np.where(np.isnan(s), s.dtype.type(0), s)


def rprop_step_many(params, grads, prevs, step_sizes, *, etaminus, etaplus, step_size_min, step_size_max,
                    maximize=False):
    """One Rprop step on every tensor of a group, in place: torch.optim.Rprop's single-tensor update.

    Per element: the step size grows by etaplus while grad * prev > 0, shrinks by etaminus when it
    flips sign (and that gradient is then taken as 0), is kept at 0, and is clamped to
    [step_size_min, step_size_max]; ``param -= sign(grad) * step_size``; prev = the gradient used.
    The sign of NaN is 0, as PyTorch's on CPU (a NaN gradient leaves its element in place).
    Returns params.
    """
    op = "rprop_step_many"
    check_rprop_options(op, etaminus, etaplus, step_size_min, step_size_max)
    check_group(op, params, rprop_lists(grads, prevs, step_sizes))
    check_group_no_overlap(op, group_named(params, rprop_lists(grads, prevs, step_sizes)))
    with quiet_block():
        for param, grad, prev, step_size in zip(params, grads, prevs, step_sizes):
            t = param.dtype.type
            if maximize:
                grad = -grad
            sign = _torch_sign(grad * prev)
            factor = np.where(sign > 0, t(etaplus), np.where(sign < 0, t(etaminus), t(1)))
            step_size *= factor
            np.clip(step_size, t(step_size_min), t(step_size_max), out=step_size)
            grad = np.where(factor == t(etaminus), t(0), grad)
            param += -_torch_sign(grad) * step_size
            prev[...] = grad
    return params


def nadam_step_many(params, grads, exp_avgs, exp_avg_sqs, *, step, lr, beta1, beta2, eps, mu, mu_next, mu_product,
                    weight_decay=0.0, decoupled_weight_decay=False, maximize=False):
    """One NAdam step on every tensor of a group, in place: torch.optim.NAdam's single-tensor update.

    The caller owns the momentum schedule: `mu` and `mu_next` are this step's and the next
    step's, `mu_product` the tensors' running product already multiplied by `mu` (PyTorch keeps
    it per tensor). ``param += -lr (1 - mu) / (1 - mu_product) * g / denom``, then ``+= -lr
    mu_next / (1 - mu_product mu_next) * exp_avg / denom`` with ``denom = sqrt(exp_avg_sq /
    (1 - beta2^t)) + eps``. Returns params.
    """
    op = "nadam_step_many"
    step = check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    check_group(op, params, radam_lists(grads, exp_avgs, exp_avg_sqs))
    check_group_no_overlap(op, group_named(params, radam_lists(grads, exp_avgs, exp_avg_sqs)))
    bias_correction2 = 1 - beta2 ** step
    grad_coef = -lr * (1.0 - mu) / (1.0 - mu_product)
    avg_coef = (-lr * mu_next) / (1.0 - mu_product * mu_next)
    with quiet_block():
        for param, grad, exp_avg, exp_avg_sq in zip(params, grads, exp_avgs, exp_avg_sqs):
            t = param.dtype.type
            if maximize:
                grad = -grad
            if weight_decay != 0:
                if decoupled_weight_decay:
                    param *= t(1 - lr * weight_decay)
                else:
                    grad = grad + t(weight_decay) * param
            _lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= t(beta2)
            exp_avg_sq += t(1 - beta2) * grad * grad
            denom = np.sqrt(exp_avg_sq / t(bias_correction2)) + t(eps)
            param += t(grad_coef) * grad / denom
            param += t(avg_coef) * exp_avg / denom
    return params






def asgd_step_many(params, grads, axs, *, eta, mu, lambd, weight_decay=0.0, maximize=False):
    """One ASGD step on every tensor of a group, in place: torch.optim.ASGD's single-tensor update.

    `eta` and `mu` are the tensors' current step size and averaging weight (PyTorch keeps them
    per tensor and updates them after the step, which the caller does). ``param *= 1 - lambd
    eta``; ``param -= eta * g``; ``ax += (param - ax) * mu`` when mu != 1, else ``ax = param``.
    Returns params.
    """
    op = "asgd_step_many"
    check_asgd_options(op, weight_decay)
    check_group(op, params, asgd_lists(grads, axs))
    check_group_no_overlap(op, group_named(params, asgd_lists(grads, axs)))
    with quiet_block():
        for param, grad, ax in zip(params, grads, axs):
            t = param.dtype.type
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + t(weight_decay) * param
            param *= t(1 - lambd * eta)
            param += t(-eta) * grad
            if mu != 1:
                ax += (param - ax) * t(mu)
            else:
                ax[...] = param
    return params

"""Argument checks of the optimizer kernels, shared by both backends: the NumPy reference
and the C wrappers accept and reject exactly the same input with the same errors."""
import operator

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_array(op, name, arr, like=None, *, writable=True):
    """Checks one array argument of an optimizer kernel.

    arr must be a C-contiguous float32/float64 ndarray (writable when the
    kernel updates it); when `like` = (name, array) is given, arr must have
    that array's shape and dtype. Raises TypeError/ValueError naming `op` and `name`.
    """
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"{op}: {name} must be a numpy.ndarray, got {type(arr).__name__}")
    if like is None:
        if arr.dtype not in FLOAT_DTYPES:
            raise TypeError(f"{op}: {name} has dtype {arr.dtype}; the optimizer kernels take float32 or float64")
    else:
        ref_name, ref = like
        if arr.dtype != ref.dtype:
            raise TypeError(f"{op}: {name} has dtype {arr.dtype} but {ref_name} has {ref.dtype}; "
                            f"all arrays of an update share one dtype")
        if arr.shape != ref.shape:
            raise ValueError(f"{op}: {name} has shape {arr.shape} but {ref_name} has shape {ref.shape}")
    if not arr.flags.c_contiguous:
        raise ValueError(f"{op}: {name} must be C-contiguous (shape {arr.shape}, strides {arr.strides})")
    if writable and not arr.flags.writeable:
        raise ValueError(f"{op}: {name} is read-only, but the update writes it in place")


def check_no_overlap(op, named):
    """Raises ValueError if two of the (name, array) pairs share memory.

    The update reads and writes every array in one pass, so aliased arrays
    would make its result depend on the order of the loop.
    """
    for i, (name_a, a) in enumerate(named):
        for name_b, b in named[i + 1:]:
            if a.size and b.size and np.may_share_memory(a, b):
                _overlap(op, name_a, name_b)


def check_group_no_overlap(op, named):
    """check_no_overlap for a whole group of C-contiguous arrays, in O(n log n).

    Sorts the arrays' byte ranges by start; a range starting before the
    furthest end seen so far overlaps the array that reached that end.
    """
    spans = sorted((a.ctypes.data, a.ctypes.data + a.nbytes, i) for i, (_, a) in enumerate(named) if a.size)
    reach, owner = None, None
    for start, stop, i in spans:
        if reach is not None and start < reach:
            _overlap(op, named[min(owner, i)][0], named[max(owner, i)][0])
        if reach is None or stop > reach:
            reach, owner = stop, i


def _overlap(op, name_a, name_b):
    raise ValueError(f"{op}: {name_a} and {name_b} share memory; every array of an update must be "
                     f"a separate buffer")


def _check_range(op, name, value, ok, expected):
    if not ok:
        raise ValueError(f"{op}: invalid {name} {value!r} (expected {expected})")


def check_sgd_options(op, lr, momentum, dampening, nesterov, weight_decay):
    """Checks SGD's hyperparameters as torch.optim.SGD's constructor does."""
    _check_range(op, "lr", lr, lr >= 0.0, "lr >= 0")
    _check_range(op, "momentum", momentum, momentum >= 0.0, "momentum >= 0")
    _check_range(op, "weight_decay", weight_decay, weight_decay >= 0.0, "weight_decay >= 0")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError(f"{op}: nesterov momentum requires a momentum > 0 and zero dampening "
                         f"(got momentum={momentum!r}, dampening={dampening!r})")


def check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay):
    """Checks Adam's hyperparameters as torch.optim.Adam's constructor does; returns step as an int."""
    step = _check_step(op, step)
    _check_range(op, "lr", lr, lr >= 0.0, "lr >= 0")
    _check_range(op, "eps", eps, eps >= 0.0, "eps >= 0")
    _check_range(op, "beta1", beta1, 0.0 <= beta1 < 1.0, "0 <= beta1 < 1")
    _check_range(op, "beta2", beta2, 0.0 <= beta2 < 1.0, "0 <= beta2 < 1")
    _check_range(op, "weight_decay", weight_decay, weight_decay >= 0.0, "weight_decay >= 0")
    return step


def _check_step(op, step):
    """step as an int: the 1-based step count, already incremented."""
    try:
        step = operator.index(step)
    except TypeError:
        raise TypeError(f"{op}: step must be an integer, got {type(step).__name__}") from None
    _check_range(op, "step", step, step >= 1, "the 1-based step count, already incremented: step >= 1")
    return step


def _check_nonnegative(op, **values):
    for name, value in values.items():
        _check_range(op, name, value, value >= 0.0, f"{name} >= 0")


def check_rmsprop_options(op, lr, alpha, eps, weight_decay, momentum):
    """Checks RMSprop's hyperparameters as torch.optim.RMSprop's constructor does."""
    _check_nonnegative(op, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)


def check_adagrad_options(op, step, lr, lr_decay, eps, weight_decay):
    """Checks Adagrad's hyperparameters as torch.optim.Adagrad's constructor does; returns step as an int."""
    step = _check_step(op, step)
    _check_nonnegative(op, lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay)
    return step


def check_tensor_arrays(op, param, others):
    """Checks one tensor's arrays: param = (name, array) and others = [(name, array, writable)].

    Entries whose array is None are skipped. Returns the (name, array) pairs checked, param first.
    """
    pname, parr = param
    check_array(op, pname, parr)
    named = [param]
    for name, arr, writable in others:
        if arr is not None:
            check_array(op, name, arr, param, writable=writable)
            named.append((name, arr))
    return named


def _required(op, what, condition):
    raise ValueError(f"{op}: {what} is required when {condition}")


def check_sgd(op, param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay):
    """All checks of sgd_step except overlap; raises TypeError/ValueError naming the op and the argument.

    Returns the (name, array) pairs for check_no_overlap.
    """
    check_sgd_options(op, lr, momentum, dampening, nesterov, weight_decay)
    if momentum != 0 and momentum_buffer is None:
        _required(op, "momentum_buffer", "momentum != 0")
    return check_tensor_arrays(op, ("param", param), [("grad", grad, False),
                                                      ("momentum_buffer", momentum_buffer, True)])


def check_adam(op, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, amsgrad, step, lr, beta1, beta2, eps,
               weight_decay):
    """All checks of adam_step except overlap; returns (step as an int, the (name, array) pairs)."""
    step = check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    if amsgrad and max_exp_avg_sq is None:
        _required(op, "max_exp_avg_sq", "amsgrad=True")
    named = check_tensor_arrays(op, ("param", param), [
        ("grad", grad, False), ("exp_avg", exp_avg, True), ("exp_avg_sq", exp_avg_sq, True),
        ("max_exp_avg_sq", max_exp_avg_sq if amsgrad else None, True)])
    return step, named


def check_rmsprop(op, param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum,
                  centered):
    """All checks of rmsprop_step except overlap; returns the (name, array) pairs."""
    check_rmsprop_options(op, lr, alpha, eps, weight_decay, momentum)
    if centered and grad_avg is None:
        _required(op, "grad_avg", "centered=True")
    if momentum > 0 and momentum_buffer is None:
        _required(op, "momentum_buffer", "momentum > 0")
    return check_tensor_arrays(op, ("param", param), [
        ("grad", grad, False), ("square_avg", square_avg, True), ("grad_avg", grad_avg if centered else None, True),
        ("momentum_buffer", momentum_buffer if momentum > 0 else None, True)])


def check_adagrad(op, param, grad, state_sum, step, lr, lr_decay, eps, weight_decay):
    """All checks of adagrad_step except overlap; returns (step as an int, the (name, array) pairs)."""
    step = check_adagrad_options(op, step, lr, lr_decay, eps, weight_decay)
    return step, check_tensor_arrays(op, ("param", param), [("grad", grad, False), ("state_sum", state_sum, True)])


def check_group(op, params, lists):
    """Checks a parameter group: params and the per-tensor lists [(name, list or None, writable)].

    Every list must have one entry per parameter; entry i must have params[i]'s
    shape and params[0]'s dtype, be C-contiguous, and (when written) writable.
    Errors name the list and the index. Returns the group's dtype (None when empty).
    """
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"{op}: params must be a list of numpy.ndarray, got {type(params).__name__}")
    lists = [(name, seq, w) for name, seq, w in lists if seq is not None]
    for name, seq, _ in lists:
        if not isinstance(seq, (list, tuple)):
            raise TypeError(f"{op}: {name} must be a list of numpy.ndarray, got {type(seq).__name__}")
        if len(seq) != len(params):
            raise ValueError(f"{op}: got {len(params)} params but {len(seq)} {name}")
    for i, param in enumerate(params):
        if i and isinstance(param, np.ndarray) and param.dtype != params[0].dtype:
            raise TypeError(f"{op}: params[{i}] has dtype {param.dtype} but params[0] has {params[0].dtype}; "
                            f"a group shares one dtype")
        check_tensor_arrays(op, (f"params[{i}]", param), [(f"{name}[{i}]", seq[i], w) for name, seq, w in lists])
    return params[0].dtype if params else None


def group_named(params, lists):
    """Every array of a group as (name, array) pairs, e.g. ('exp_avgs[3]', array), for the overlap check."""
    named = [(f"params[{i}]", p) for i, p in enumerate(params)]
    for name, seq, _ in lists:
        if seq is not None:
            named += [(f"{name}[{i}]", a) for i, a in enumerate(seq)]
    return named


def sgd_lists(grads, momentum_buffers):
    """The per-tensor lists of an SGD group other than params, as check_group takes them."""
    return [("grads", grads, False), ("momentum_buffers", momentum_buffers, True)]


def adam_lists(grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad):
    """The per-tensor lists of an Adam group other than params, as check_group takes them."""
    return [("grads", grads, False), ("exp_avgs", exp_avgs, True), ("exp_avg_sqs", exp_avg_sqs, True),
            ("max_exp_avg_sqs", max_exp_avg_sqs if amsgrad else None, True)]


def rmsprop_lists(grads, square_avgs, grad_avgs, momentum_buffers, centered, momentum):
    """The per-tensor lists of an RMSprop group other than params, as check_group takes them."""
    return [("grads", grads, False), ("square_avgs", square_avgs, True),
            ("grad_avgs", grad_avgs if centered else None, True),
            ("momentum_buffers", momentum_buffers if momentum > 0 else None, True)]


def adagrad_lists(grads, state_sums):
    """The per-tensor lists of an Adagrad group other than params, as check_group takes them."""
    return [("grads", grads, False), ("state_sums", state_sums, True)]


def check_rmsprop_group(op, params, grads, square_avgs, grad_avgs, momentum_buffers, lr, alpha, eps, weight_decay,
                        momentum, centered):
    """All checks of rmsprop_step_many except overlap; returns the group's dtype (None when empty)."""
    check_rmsprop_options(op, lr, alpha, eps, weight_decay, momentum)
    if centered and grad_avgs is None:
        _required(op, "grad_avgs", "centered=True")
    if momentum > 0 and momentum_buffers is None:
        _required(op, "momentum_buffers", "momentum > 0")
    return check_group(op, params, rmsprop_lists(grads, square_avgs, grad_avgs, momentum_buffers, centered,
                                                 momentum))


def check_adagrad_group(op, params, grads, state_sums, step, lr, lr_decay, eps, weight_decay):
    """All checks of adagrad_step_many except overlap; returns (step as an int, the group's dtype)."""
    step = check_adagrad_options(op, step, lr, lr_decay, eps, weight_decay)
    return step, check_group(op, params, adagrad_lists(grads, state_sums))


def check_sgd_group(op, params, grads, momentum_buffers, lr, momentum, dampening, nesterov, weight_decay):
    """All checks of sgd_step_many except overlap; returns the group's dtype (None when empty)."""
    check_sgd_options(op, lr, momentum, dampening, nesterov, weight_decay)
    if momentum != 0 and momentum_buffers is None:
        _required(op, "momentum_buffers", "momentum != 0")
    return check_group(op, params, sgd_lists(grads, momentum_buffers))


def check_adam_group(op, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad, step, lr, beta1,
                     beta2, eps, weight_decay):
    """All checks of adam_step_many except overlap; returns (step as an int, the group's dtype)."""
    step = check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    if amsgrad and max_exp_avg_sqs is None:
        _required(op, "max_exp_avg_sqs", "amsgrad=True")
    return step, check_group(op, params, adam_lists(grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad))


# ---- Adadelta, Adamax, RAdam, Rprop, NAdam, ASGD (training tools, issue 15) ----

def adadelta_lists(grads, square_avgs, acc_deltas):
    """The per-tensor lists of an Adadelta group other than params, as check_group takes them."""
    return [("grads", grads, False), ("square_avgs", square_avgs, True), ("acc_deltas", acc_deltas, True)]


def adamax_lists(grads, exp_avgs, exp_infs):
    """The per-tensor lists of an Adamax group other than params, as check_group takes them."""
    return [("grads", grads, False), ("exp_avgs", exp_avgs, True), ("exp_infs", exp_infs, True)]


def check_adadelta_options(op, lr, rho, eps, weight_decay):
    """Checks Adadelta's hyperparameters as torch.optim.Adadelta's constructor does."""
    _check_nonnegative(op, lr=lr, eps=eps, weight_decay=weight_decay)
    _check_range(op, "rho", rho, 0.0 <= rho <= 1.0, "0 <= rho <= 1")


def check_adamax_options(op, step, lr, beta1, beta2, eps, weight_decay):
    """Checks Adamax's hyperparameters (Adam's ranges); returns step as an int."""
    return check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)


def radam_lists(grads, exp_avgs, exp_avg_sqs):
    """The per-tensor lists of a RAdam group other than params, as check_group takes them."""
    return [("grads", grads, False), ("exp_avgs", exp_avgs, True), ("exp_avg_sqs", exp_avg_sqs, True)]


def rprop_lists(grads, prevs, step_sizes):
    """The per-tensor lists of an Rprop group other than params, as check_group takes them."""
    return [("grads", grads, False), ("prevs", prevs, True), ("step_sizes", step_sizes, True)]


def check_rprop_options(op, etaminus, etaplus, step_size_min, step_size_max):
    """Checks Rprop's hyperparameters as torch.optim.Rprop's constructor does (0 < etaminus < 1 < etaplus)."""
    _check_range(op, "etas", (etaminus, etaplus), 0.0 < etaminus < 1.0 < etaplus, "0 < etaminus < 1 < etaplus")


def asgd_lists(grads, axs):
    """The per-tensor lists of an ASGD group other than params, as check_group takes them."""
    return [("grads", grads, False), ("axs", axs, True)]


def check_asgd_options(op, weight_decay):
    """Checks ASGD's kernel hyperparameters (weight_decay >= 0, as torch.optim.ASGD's constructor)."""
    _check_nonnegative(op, weight_decay=weight_decay)

"""C wrappers for the optim kernels: fused SGD, Adam/AdamW, RMSprop and Adagrad updates, in place.

The signatures and semantics are the NumPy reference's (``_numpy/optim.py``), and the
argument checks are shared with it (``checks/optim.py``). A wrapper first runs a quick check of its arrays
(exact ndarray, the group's dtype, param's shape; cffi itself refuses a
non-contiguous or, where written, read-only buffer); anything it does not
accept goes through the shared full checks, which raise the same errors
the reference raises. The one check left to C is that no two arrays overlap,
which C does in nanoseconds; when C reports it, the reference's overlap check
(shared) runs to name the two arrays.
"""
import numpy as np

from pyautograd._C import ffi

from .._registry import KernelSpec
from ..checks import optim as checks
from . import _marshal as m

__all__ = ["sgd_step", "sgd_step_many", "adam_step", "adam_step_many", "rmsprop_step", "rmsprop_step_many",
           "adagrad_step", "adagrad_step_many",
           # training tools (issue 15)
           "adadelta_step_many", "adamax_step_many", "radam_step_many", "rprop_step_many", "nadam_step_many",
           "asgd_step_many"]

# Crossover sizes (parameter elements), measured on the development machine:
# there is none. The fused C update makes one pass where NumPy makes five to
# fifteen, and NumPy pays the same argument checks plus a ufunc call per
# expression, so C wins from the smallest tensors on: at 64 float32 elements
# (fastest of many calls) an Adam step takes 7.7 us in C and 19.5 us in NumPy,
# an SGD step with momentum 3.6 us and 10.4 us. RMSprop and Adagrad likewise (fastest of 15
# interleaved rounds on a loaded machine, float32): at 64 elements a centered RMSprop step with
# momentum takes 22.9 us in C and 94.0 us in NumPy, an Adagrad step 17.2 and 49.6 us; at 16384,
# 16.8 / 65.4 us and 12.0 / 34.8 us.
SPECS = {
    "sgd_step": KernelSpec("sgd_step", 0),
    "adam_step": KernelSpec("adam_step", 0),
    "sgd_step_many": KernelSpec("sgd_step_many", 0, grouped=True),
    "adam_step_many": KernelSpec("adam_step_many", 0, grouped=True),
    "rmsprop_step": KernelSpec("rmsprop_step", 0),
    "adagrad_step": KernelSpec("adagrad_step", 0),
    "rmsprop_step_many": KernelSpec("rmsprop_step_many", 0, grouped=True),
    "adagrad_step_many": KernelSpec("adagrad_step_many", 0, grouped=True),
    # training tools (issue 15): one pass in C where NumPy makes about ten
    "adadelta_step_many": KernelSpec("adadelta_step_many", 0, grouped=True),
    "adamax_step_many": KernelSpec("adamax_step_many", 0, grouped=True),
    "radam_step_many": KernelSpec("radam_step_many", 0, grouped=True),
    "rprop_step_many": KernelSpec("rprop_step_many", 0, grouped=True),
    "nadam_step_many": KernelSpec("nadam_step_many", 0, grouped=True),
    "asgd_step_many": KernelSpec("asgd_step_many", 0, grouped=True),
}

_SGD = {dt: (m.symbol("optim", "sgd_step", dt), m.symbol("optim", "sgd_step_many", dt)) for dt in m.CTYPES}
_ADAM = {dt: (m.symbol("optim", "adam_step", dt), m.symbol("optim", "adam_step_many", dt)) for dt in m.CTYPES}
_RMSPROP = {dt: (m.symbol("optim", "rmsprop_step", dt), m.symbol("optim", "rmsprop_step_many", dt))
            for dt in m.CTYPES}
_ADAGRAD = {dt: (m.symbol("optim", "adagrad_step", dt), m.symbol("optim", "adagrad_step_many", dt))
            for dt in m.CTYPES}
_ITEM = {m.F32: "float[]", m.F64: "double[]"}
_POINTERS = {m.F32: "float *[]", m.F64: "double *[]"}
_BUFFER_ERRORS = (TypeError, ValueError, BufferError)
_ndarray = np.ndarray


def _quick_buffers(param, arrays, writable):
    """cffi buffers of param's companions (None entries give NULL), or None if one fails the quick check.

    The quick check: exact ndarrays of param's dtype (float32/float64) and
    shape; from_buffer refuses non-contiguous and, where writable, read-only
    arrays. None sends the caller to the full checks, which name the problem.
    """
    if param.__class__ is not _ndarray:
        return None
    dtype = param.dtype
    item = _ITEM.get(dtype)
    if item is None:
        return None
    shape = param.shape
    for a in arrays:
        if a is not None and (a.__class__ is not _ndarray or a.dtype is not dtype or a.shape != shape):
            return None
    try:
        return [ffi.NULL if a is None else ffi.from_buffer(item, a, w) for a, w in zip(arrays, writable)]
    except _BUFFER_ERRORS:
        return None


def _buffers(arrays):
    """cffi buffers of arrays that passed the full checks (None gives NULL)."""
    return [ffi.NULL if a is None else ffi.from_buffer(_ITEM[a.dtype], a) for a in arrays]


def _quick_pointer_array(dtype, params, arrays, writable):
    """A C array of pointers to each array of a group list, or None if one fails the quick check."""
    item = _ITEM.get(dtype)
    if item is None:
        return None
    for a, p in zip(arrays, params):
        if a.__class__ is not _ndarray or a.dtype is not dtype or a.shape != p.shape:
            return None
    try:
        from_buffer = ffi.from_buffer
        return ffi.new(_POINTERS[dtype], [from_buffer(item, a, writable) for a in arrays])
    except _BUFFER_ERRORS:
        return None


def _group_pointers(params, lists, full_check):
    """Pointer arrays for params and each list [(name, list or None, writable)] (NULL for None).

    Takes the quick path when every list passes it; otherwise (and when lists
    is None: a required list is missing) runs full_check(), which raises for
    bad input and returns the group's dtype, and builds the arrays plainly.
    """
    quick = lists is not None and params.__class__ is list and params and all(
        seq is None or (seq.__class__ is list and len(seq) == len(params)) for _, seq, _ in lists)
    if quick:
        dtype = params[0].dtype if params[0].__class__ is _ndarray else None
        out = [_quick_pointer_array(dtype, params, params, True)]
        for _, seq, writable in lists:
            if out[-1] is None:
                break
            out.append(ffi.NULL if seq is None else _quick_pointer_array(dtype, params, seq, writable))
        if out[-1] is not None:
            return dtype, out
    dtype = full_check()
    if dtype is None:
        return None, None
    return dtype, [ffi.NULL if seq is None else ffi.new(_POINTERS[dtype], _buffers(seq))
                   for seq in [params] + [seq for _, seq, _ in lists]]


def _failed(status, op, named):
    """Raises for a non-OK status: a named overlap if that was the cause, else RuntimeError."""
    if status == m.lib.PAG_EINVAL:
        checks.check_group_no_overlap(op, named())
    m.check(status, op)


def sgd_step(param, grad, momentum_buffer=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
             weight_decay=0.0, maximize=False, first_step=False):
    """One SGD step on one tensor, in place, in C (see _numpy.optim.sgd_step). Returns param."""
    op = "sgd_step"
    checks.check_sgd_options(op, lr, momentum, dampening, nesterov, weight_decay)
    arrays = (param, grad, momentum_buffer)
    bufs = None if momentum != 0 and momentum_buffer is None else _quick_buffers(param, arrays, (True, False, True))
    if bufs is None:
        checks.check_sgd(op, param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay)
        bufs = _buffers(arrays)
    status = _SGD[param.dtype][0](*bufs, param.size, lr, momentum, dampening, weight_decay, bool(nesterov),
                                  bool(maximize), bool(first_step), m.threads[0])
    if status:
        _failed(status, op, lambda: [(n, a) for n, a in zip(("param", "grad", "momentum_buffer"), arrays)
                                     if a is not None])
    return param


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, step, lr, beta1, beta2, eps,
              weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """One Adam/AdamW step on one tensor, in place, in C (see _numpy.optim.adam_step). Returns param."""
    op = "adam_step"
    step = checks.check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    arrays = (param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq if amsgrad else None)
    bufs = None if amsgrad and max_exp_avg_sq is None else _quick_buffers(param, arrays,
                                                                           (True, False, True, True, True))
    if bufs is None:
        checks.check_adam(op, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, amsgrad, step, lr, beta1, beta2, eps,
                       weight_decay)
        bufs = _buffers(arrays)
    status = _ADAM[param.dtype][0](*bufs, param.size, step, lr, beta1, beta2, eps, weight_decay, bool(amsgrad),
                                   bool(decoupled_weight_decay), bool(maximize), m.threads[0])
    if status:
        names = ("param", "grad", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        _failed(status, op, lambda: [(n, a) for n, a in zip(names, arrays) if a is not None])
    return param


def sgd_step_many(params, grads, momentum_buffers=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
                  weight_decay=0.0, maximize=False, first_step=False):
    """sgd_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.sgd_step_many. Returns params.
    """
    op = "sgd_step_many"
    checks.check_sgd_options(op, lr, momentum, dampening, nesterov, weight_decay)
    lists = checks.sgd_lists(grads, momentum_buffers)
    if momentum != 0 and momentum_buffers is None:
        lists = None  # the full check raises for the missing buffers
    dtype, ptrs = _group_pointers(params, lists, lambda: checks.check_sgd_group(
        op, params, grads, momentum_buffers, lr, momentum, dampening, nesterov, weight_decay))
    if dtype is None:
        return params
    status = _SGD[dtype][1](*ptrs, m.int64s([p.size for p in params]), len(params), lr, momentum, dampening,
                            weight_decay, bool(nesterov), bool(maximize), bool(first_step), m.threads[0])
    if status:
        _failed(status, op, lambda: checks.group_named(params, checks.sgd_lists(grads, momentum_buffers)))
    return params


def adam_step_many(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs=None, *, step, lr, beta1, beta2, eps,
                   weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """adam_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.adam_step_many. Returns params.
    """
    op = "adam_step_many"
    step = checks.check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    lists = checks.adam_lists(grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad)
    if amsgrad and max_exp_avg_sqs is None:
        lists = None  # the full check raises for the missing running maxima
    dtype, ptrs = _group_pointers(params, lists, lambda: checks.check_adam_group(
        op, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad, step, lr, beta1, beta2, eps,
        weight_decay)[1])
    if dtype is None:
        return params
    status = _ADAM[dtype][1](*ptrs, m.int64s([p.size for p in params]), len(params), step, lr, beta1, beta2, eps,
                             weight_decay, bool(amsgrad), bool(decoupled_weight_decay), bool(maximize),
                             m.threads[0])
    if status:
        _failed(status, op, lambda: checks.group_named(params, checks.adam_lists(grads, exp_avgs, exp_avg_sqs,
                                                                         max_exp_avg_sqs, amsgrad)))
    return params


def _run_single(op, table, named, writable, required_missing, full_check, *scalars):
    """Calls table[dtype][0] on one tensor's arrays: named = [(name, array or None)], param first.

    Takes the quick buffers unless a required array is missing or one fails
    the quick check; then full_check() raises for bad input (or passes), and
    the buffers are built plainly. scalars follow the size in the C call.
    """
    arrays = [a for _, a in named]
    param = arrays[0]
    bufs = None if required_missing else _quick_buffers(param, arrays, writable)
    if bufs is None:
        full_check()
        bufs = _buffers(arrays)
    status = table[param.dtype][0](*bufs, param.size, *scalars, m.threads[0])
    if status:
        _failed(status, op, lambda: [(n, a) for n, a in named if a is not None])
    return param


def _run_many(op, table, params, lists, required_missing, full_check, *scalars):
    """Calls table[dtype][1] on a group: lists = [(name, list or None, writable)] as checks.check_group takes them.

    full_check() raises for bad input and returns the group's dtype. scalars
    follow the count in the C call.
    """
    dtype, ptrs = _group_pointers(params, None if required_missing else lists, full_check)
    if dtype is None:
        return params
    status = table[dtype][1](*ptrs, m.int64s([p.size for p in params]), len(params), *scalars, m.threads[0])
    if status:
        _failed(status, op, lambda: checks.group_named(params, lists))
    return params


def rmsprop_step(param, grad, square_avg, grad_avg=None, momentum_buffer=None, *, lr, alpha, eps,
                 weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """One RMSprop step on one tensor, in place, in C (see _numpy.optim.rmsprop_step). Returns param."""
    op = "rmsprop_step"
    checks.check_rmsprop_options(op, lr, alpha, eps, weight_decay, momentum)
    use_momentum = momentum > 0
    named = [("param", param), ("grad", grad), ("square_avg", square_avg),
             ("grad_avg", grad_avg if centered else None),
             ("momentum_buffer", momentum_buffer if use_momentum else None)]
    missing = (centered and grad_avg is None) or (use_momentum and momentum_buffer is None)
    return _run_single(op, _RMSPROP, named, (True, False, True, True, True), missing,
                       lambda: checks.check_rmsprop(op, param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha,
                                                 eps, weight_decay, momentum, centered),
                       lr, alpha, eps, weight_decay, momentum, bool(centered), bool(maximize))


def adagrad_step(param, grad, state_sum, *, step, lr, lr_decay=0.0, eps, weight_decay=0.0, maximize=False):
    """One Adagrad step on one tensor, in place, in C (see _numpy.optim.adagrad_step). Returns param."""
    op = "adagrad_step"
    step = checks.check_adagrad_options(op, step, lr, lr_decay, eps, weight_decay)
    named = [("param", param), ("grad", grad), ("state_sum", state_sum)]
    return _run_single(op, _ADAGRAD, named, (True, False, True), False,
                       lambda: checks.check_adagrad(op, param, grad, state_sum, step, lr, lr_decay, eps, weight_decay),
                       step, lr, lr_decay, eps, weight_decay, bool(maximize))


def rmsprop_step_many(params, grads, square_avgs, grad_avgs=None, momentum_buffers=None, *, lr, alpha, eps,
                      weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """rmsprop_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.rmsprop_step_many. Returns params.
    """
    op = "rmsprop_step_many"
    checks.check_rmsprop_options(op, lr, alpha, eps, weight_decay, momentum)
    lists = checks.rmsprop_lists(grads, square_avgs, grad_avgs, momentum_buffers, centered, momentum)
    missing = (centered and grad_avgs is None) or (momentum > 0 and momentum_buffers is None)
    return _run_many(op, _RMSPROP, params, lists, missing,
                     lambda: checks.check_rmsprop_group(op, params, grads, square_avgs, grad_avgs, momentum_buffers, lr,
                                                     alpha, eps, weight_decay, momentum, centered),
                     lr, alpha, eps, weight_decay, momentum, bool(centered), bool(maximize))


def adagrad_step_many(params, grads, state_sums, *, step, lr, lr_decay=0.0, eps, weight_decay=0.0, maximize=False):
    """adagrad_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.adagrad_step_many. Returns params.
    """
    op = "adagrad_step_many"
    step = checks.check_adagrad_options(op, step, lr, lr_decay, eps, weight_decay)
    return _run_many(op, _ADAGRAD, params, checks.adagrad_lists(grads, state_sums), False,
                     lambda: checks.check_adagrad_group(op, params, grads, state_sums, step, lr, lr_decay, eps,
                                                     weight_decay)[1],
                     step, lr, lr_decay, eps, weight_decay, bool(maximize))


# ---- Adadelta and Adamax (training tools, issue 15) --------------------------------------------

_ADADELTA = {dt: (None, m.symbol("optim", "adadelta_step_many", dt)) for dt in m.CTYPES}
_ADAMAX = {dt: (None, m.symbol("optim", "adamax_step_many", dt)) for dt in m.CTYPES}


def adadelta_step_many(params, grads, square_avgs, acc_deltas, *, lr, rho, eps, weight_decay=0.0, maximize=False):
    """adadelta_step_many in one C call, threaded over the group's total element count.

    See _numpy.optim.adadelta_step_many. Returns params.
    """
    op = "adadelta_step_many"
    checks.check_adadelta_options(op, lr, rho, eps, weight_decay)
    lists = checks.adadelta_lists(grads, square_avgs, acc_deltas)
    return _run_many(op, _ADADELTA, params, lists, False, lambda: checks.check_group(op, params, lists),
                     lr, rho, eps, weight_decay, bool(maximize))


def adamax_step_many(params, grads, exp_avgs, exp_infs, *, step, lr, beta1, beta2, eps, weight_decay=0.0,
                     maximize=False):
    """adamax_step_many in one C call, threaded over the group's total element count.

    See _numpy.optim.adamax_step_many. Returns params.
    """
    op = "adamax_step_many"
    step = checks.check_adamax_options(op, step, lr, beta1, beta2, eps, weight_decay)
    lists = checks.adamax_lists(grads, exp_avgs, exp_infs)
    return _run_many(op, _ADAMAX, params, lists, False, lambda: checks.check_group(op, params, lists),
                     step, lr, beta1, beta2, eps, weight_decay, bool(maximize))


_RADAM = {dt: (None, m.symbol("optim", "radam_step_many", dt)) for dt in m.CTYPES}
_RPROP = {dt: (None, m.symbol("optim", "rprop_step_many", dt)) for dt in m.CTYPES}


def radam_step_many(params, grads, exp_avgs, exp_avg_sqs, *, step, lr, beta1, beta2, eps, weight_decay=0.0,
                    decoupled_weight_decay=False, maximize=False):
    """radam_step_many in one C call (see _numpy.optim.radam_step_many). Returns params."""
    op = "radam_step_many"
    step = checks.check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    lists = checks.radam_lists(grads, exp_avgs, exp_avg_sqs)
    return _run_many(op, _RADAM, params, lists, False, lambda: checks.check_group(op, params, lists),
                     step, lr, beta1, beta2, eps, weight_decay, bool(decoupled_weight_decay), bool(maximize))


def rprop_step_many(params, grads, prevs, step_sizes, *, etaminus, etaplus, step_size_min, step_size_max,
                    maximize=False):
    """rprop_step_many in one C call (see _numpy.optim.rprop_step_many). Returns params."""
    op = "rprop_step_many"
    checks.check_rprop_options(op, etaminus, etaplus, step_size_min, step_size_max)
    lists = checks.rprop_lists(grads, prevs, step_sizes)
    return _run_many(op, _RPROP, params, lists, False, lambda: checks.check_group(op, params, lists),
                     etaminus, etaplus, step_size_min, step_size_max, bool(maximize))


_NADAM = {dt: (None, m.symbol("optim", "nadam_step_many", dt)) for dt in m.CTYPES}
_ASGD = {dt: (None, m.symbol("optim", "asgd_step_many", dt)) for dt in m.CTYPES}


def nadam_step_many(params, grads, exp_avgs, exp_avg_sqs, *, step, lr, beta1, beta2, eps, mu, mu_next, mu_product,
                    weight_decay=0.0, decoupled_weight_decay=False, maximize=False):
    """nadam_step_many in one C call (see _numpy.optim.nadam_step_many). Returns params."""
    op = "nadam_step_many"
    step = checks.check_adam_options(op, step, lr, beta1, beta2, eps, weight_decay)
    lists = checks.radam_lists(grads, exp_avgs, exp_avg_sqs)
    return _run_many(op, _NADAM, params, lists, False, lambda: checks.check_group(op, params, lists),
                     step, lr, beta1, beta2, eps, weight_decay, mu, mu_next, mu_product, bool(decoupled_weight_decay),
                     bool(maximize))


def asgd_step_many(params, grads, axs, *, eta, mu, lambd, weight_decay=0.0, maximize=False):
    """asgd_step_many in one C call (see _numpy.optim.asgd_step_many). Returns params."""
    op = "asgd_step_many"
    checks.check_asgd_options(op, weight_decay)
    lists = checks.asgd_lists(grads, axs)
    return _run_many(op, _ASGD, params, lists, False, lambda: checks.check_group(op, params, lists),
                     eta, mu, lambd, weight_decay, bool(maximize))

# No misaligned buffer reaches C; arrays of more than MAX_NDIM dims go to the reference (_marshal.guard).
m.guard_all(globals(), __all__)

"""C wrappers for the optim kernels: fused SGD and Adam/AdamW updates, in place.

The signatures, semantics and argument checks are the NumPy reference's
(``_numpy/optim.py``; its check functions run here first, so both backends
reject the same input with the same errors). The one check left to C is that
no two arrays overlap, which C does in a few nanoseconds; when C reports it,
the reference's slower overlap check runs to name the two arrays.
"""
from pyautograd._C import ffi

from .._numpy import optim as ref
from .._registry import KernelSpec
from . import _marshal as m

__all__ = ["sgd_step", "sgd_step_many", "adam_step", "adam_step_many"]

# Crossover sizes (parameter elements) from `python -m bench kernels` on the
# development machine. The fused C update makes one pass where NumPy makes
# five to fifteen, and the checks (the same on both sides) cost more than the
# C call itself, so C wins from the smallest tensors on: at 64 elements the
# C SGD step takes about 60% of NumPy's time and the C Adam step about 30%.
SPECS = {
    "sgd_step": KernelSpec("sgd_step", 0),
    "adam_step": KernelSpec("adam_step", 0),
    "sgd_step_many": KernelSpec("sgd_step_many", 0, grouped=True),
    "adam_step_many": KernelSpec("adam_step_many", 0, grouped=True),
}

_SGD = {dt: (m.symbol("optim", "sgd_step", dt), m.symbol("optim", "sgd_step_many", dt)) for dt in m.CTYPES}
_ADAM = {dt: (m.symbol("optim", "adam_step", dt), m.symbol("optim", "adam_step_many", dt)) for dt in m.CTYPES}
_ITEM = {m.F32: "float[]", m.F64: "double[]"}
_POINTERS = {m.F32: "float *[]", m.F64: "double *[]"}


def _failed(status, op, named, group=False):
    """Raises for a non-OK status: a named overlap if that was the cause, else RuntimeError."""
    if status == m.lib.PAG_EINVAL:
        (ref.check_group_no_overlap if group else ref.check_no_overlap)(op, named)
    m.check(status, op)


def _buffer(arr):
    return ffi.NULL if arr is None else ffi.from_buffer(_ITEM[arr.dtype], arr)


def _pointer_array(dtype, arrays):
    """A C array of pointers to the arrays' first elements (NULL for no list)."""
    if arrays is None:
        return ffi.NULL
    item, from_buffer = _ITEM[dtype], ffi.from_buffer
    return ffi.new(_POINTERS[dtype], [from_buffer(item, a) for a in arrays])


def sgd_step(param, grad, momentum_buffer=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
             weight_decay=0.0, maximize=False, first_step=False):
    """One SGD step on one tensor, in place, in C (see _numpy.optim.sgd_step). Returns param."""
    named = ref.check_sgd("sgd_step", param, grad, momentum_buffer, lr, momentum, dampening, nesterov,
                          weight_decay)
    status = _SGD[param.dtype][0](_buffer(param), _buffer(grad), _buffer(momentum_buffer), param.size, lr,
                                  momentum, dampening, weight_decay, bool(nesterov), bool(maximize),
                                  bool(first_step), m.threads[0])
    if status:
        _failed(status, "sgd_step", named)
    return param


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, step, lr, beta1, beta2, eps,
              weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """One Adam/AdamW step on one tensor, in place, in C (see _numpy.optim.adam_step). Returns param."""
    step, named = ref.check_adam("adam_step", param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, amsgrad, step,
                                 lr, beta1, beta2, eps, weight_decay)
    status = _ADAM[param.dtype][0](_buffer(param), _buffer(grad), _buffer(exp_avg), _buffer(exp_avg_sq),
                                   _buffer(max_exp_avg_sq if amsgrad else None), param.size, step, lr, beta1,
                                   beta2, eps, weight_decay, bool(amsgrad), bool(decoupled_weight_decay),
                                   bool(maximize), m.threads[0])
    if status:
        _failed(status, "adam_step", named)
    return param


def sgd_step_many(params, grads, momentum_buffers=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
                  weight_decay=0.0, maximize=False, first_step=False):
    """sgd_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.sgd_step_many. Returns params.
    """
    op = "sgd_step_many"
    dtype, named = ref.check_sgd_group(op, params, grads, momentum_buffers, lr, momentum, dampening, nesterov,
                                       weight_decay)
    if dtype is None:
        return params
    status = _SGD[dtype][1](_pointer_array(dtype, params), _pointer_array(dtype, grads),
                            _pointer_array(dtype, momentum_buffers), m.int64s(p.size for p in params),
                            len(params), lr, momentum, dampening, weight_decay, bool(nesterov), bool(maximize),
                            bool(first_step), m.threads[0])
    if status:
        _failed(status, op, named, group=True)
    return params


def adam_step_many(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs=None, *, step, lr, beta1, beta2, eps,
                   weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False, maximize=False):
    """adam_step over a parameter group in one C call, threaded over the group's total element count.

    See _numpy.optim.adam_step_many. Returns params.
    """
    op = "adam_step_many"
    step, dtype, named = ref.check_adam_group(op, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, amsgrad,
                                              step, lr, beta1, beta2, eps, weight_decay)
    if dtype is None:
        return params
    status = _ADAM[dtype][1](_pointer_array(dtype, params), _pointer_array(dtype, grads),
                             _pointer_array(dtype, exp_avgs), _pointer_array(dtype, exp_avg_sqs),
                             _pointer_array(dtype, max_exp_avg_sqs if amsgrad else None),
                             m.int64s(p.size for p in params), len(params), step, lr, beta1, beta2, eps,
                             weight_decay, bool(amsgrad), bool(decoupled_weight_decay), bool(maximize),
                             m.threads[0])
    if status:
        _failed(status, op, named, group=True)
    return params

"""CPU autocast: the state torch.autocast sets, and the casts PyTorch's CPU autocast makes.

Inside an enabled ``torch.autocast("cpu", dtype=...)`` region (bfloat16 by default, or
float16) the ops of PyTorch's CPU lists run in the precision the list names:

* ``LOWER`` (PyTorch's ``lower_precision_fp`` list for CPU: conv1d/2d/3d and the transposed
  convolutions, mm, bmm, matmul, linear, addmm, baddbmm, addbmm, linalg_vecdot, prelu,
  scaled_dot_product_attention, and einsum/tensordot, which PyTorch decomposes into bmm):
  their floating inputs are cast to the autocast dtype, so ``nn.Linear`` returns bfloat16;
* ``FP32`` (PyTorch's CPU ``fp32`` list, the losses, cdist, prod, trace, linalg inv and
  cholesky, the 3-d pools, grid_sample, quantile...): their floating inputs are cast to
  float32;
* every other op runs in the dtype of its inputs (type promotion decides, as outside).

float64 inputs are never cast, as in PyTorch. The casts are ordinary differentiable ``to``
calls (``ToCopyBackward0`` in the graph), so gradients flow back to the float32 leaves in
their own dtype. With ``cache_enabled`` (the default) the bfloat16 copy of a float32 leaf
that requires grad (a weight) is made once per outermost autocast region and reused, as
PyTorch's cast cache does.

Primitives are cast in the apply path (``_apply.call`` reads one thread-local slot per op,
None outside autocast); a front end that PyTorch casts as a whole (matmul, cross_entropy,
l1_loss...) calls ``call_lower`` or ``call_fp32`` from its first line and runs its inner ops
with autocast off, as PyTorch's autocast re-dispatches below its own key. The first-line
test costs one list read while no thread has autocast on (a wrapper would cost a frame and
the arguments' repacking on every call, and shift the front end's warnings' stacklevel).

The state is per thread, as PyTorch's: enabled flags and dtypes per device type ("cpu",
"cuda": CUDA autocast can be switched on and read back, but no op here runs on CUDA, so it
casts nothing), the cache flag and the nesting depth.
"""
import threading

from .. import _dtype
from .._tensor import Tensor
from ..graph import grad_mode
from . import _apply

_slot = _apply.autocast_slot

# Primitive (defop) names -> policy. PyTorch's CPU lists name ATen ops; these are the
# primitives pyautograd computes them with.
LOWER_PRIMITIVES = frozenset(("convolution", "mm", "bmm", "matmul_nd", "linear_addmm", "linear_mm", "addmm",
                              "baddbmm", "prelu_kernel", "scaled_dot_product_fused_attention"))
FP32_PRIMITIVES = frozenset((
    "mse_loss", "huber_loss", "smooth_l1_loss", "nll_loss", "nll_loss2d", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cdist", "prod_all", "prod_dim", "trace", "linalg_inv", "linalg_cholesky",
    "avg_pool3d", "max_pool3d_with_indices", "adaptive_avg_pool3d",
))

SUPPORTED_CPU_DTYPES = ("bfloat16", "float16")
_DEFAULT_DTYPES = {"cpu": _dtype.bfloat16, "cuda": _dtype.float16}


class _State(threading.local):
    def __init__(self):
        self.enabled = {"cpu": False, "cuda": False}
        self.dtype = dict(_DEFAULT_DTYPES)
        self.cache_enabled = True
        self.nesting = 0
        self.cache = {}


_state = _State()


def _device(device_type):
    if device_type not in ("cpu", "cuda"):
        raise RuntimeError(f"unsupported autocast device_type '{device_type}' (pyautograd has the CPU; "
                           f"'cuda' is accepted as PyTorch's CPU build accepts it)")
    return device_type


def _cached_cast(x, target):
    """x cast to `target`, through the cast cache for float32 leaves that require grad."""
    if (target is _state.dtype["cpu"] and _state.cache_enabled and x.dtype is _dtype.float32 and x._rg
            and x.grad_fn is None and x._base is None and grad_mode.is_grad_enabled()):
        key = (id(x), target)  # a nested region of another dtype gets its own casts
        hit = _state.cache.get(key)
        if hit is not None and hit[0] is x:
            return hit[1]
        cast = x.to(target)
        _state.cache[key] = (x, cast)  # holding x keeps its id from being reused while cached
        return cast
    return x.to(target)


def _cast(x, target):
    if isinstance(x, Tensor):
        d = x.dtype
        if d is not target and d.is_floating_point and d is not _dtype.float64:
            return _cached_cast(x, target)
        return x
    if x.__class__ in (list, tuple):  # plain ones: a named tuple (PackedSequence) is left alone
        return x.__class__(_cast(v, target) for v in x)
    return x


def _cast_op_inputs(op, inputs):
    name = op.name
    if name in LOWER_PRIMITIVES:
        target = _state.dtype["cpu"]
    elif name in FP32_PRIMITIVES:
        target = _dtype.float32
    else:
        return inputs
    return [_cast(x, target) for x in inputs]


def call_lower(fn, arguments, varargs=()):
    """fn(*varargs, **arguments) with its floating tensors cast to the CPU autocast dtype and
    autocast off inside: how a front end on PyTorch's CPU lower_precision_fp list (matmul,
    linear, einsum, scaled_dot_product_attention) runs under autocast. Called from its first
    line: `if autocast.on[0] and autocast.active(): return autocast.call_lower(f, locals())`."""
    target = _state.dtype["cpu"]
    return _call_off({k: _cast(v, target) for k, v in arguments.items()}, fn, _cast(varargs, target))


# How many threads have CPU autocast on (the apply path's gate): a front end tests
# `autocast.on[0] and autocast.active()`, one list read while no thread has it on.
on = _apply.autocast_threads
_count_lock = threading.Lock()


def active():
    """Whether a CPU autocast region is on in this thread (a front end on a list asks first)."""
    return _slot.cast is not None


def call_fp32(fn, arguments):
    """fn(**arguments) with its floating tensors cast to float32 and autocast off inside: how a
    front end on PyTorch's CPU fp32 list runs under autocast. It is called from the front end's
    first line, `if autocast.on[0] and autocast.active(): return autocast.call_fp32(f, locals())`."""
    return _call_off({k: _cast(v, _dtype.float32) for k, v in arguments.items()}, fn)


def _call_off(arguments, fn, varargs=()):
    _slot.cast = None
    try:
        return fn(*varargs, **arguments)
    finally:
        _slot.cast = _cast_op_inputs


def lower(x):
    """x (a tensor, or a tuple/list of them) cast to the CPU autocast dtype where autocast casts
    (floating, not float64): for a front end that casts some of its inputs itself."""
    return _cast(x, _state.dtype["cpu"])


def is_enabled(device_type="cuda"):
    """Whether autocast is on for `device_type` in this thread (PyTorch's default device: "cuda")."""
    return _state.enabled[_device(device_type)]


def set_enabled(device_type, enabled):
    """Switches autocast for `device_type` on or off in this thread."""
    device_type, enabled = _device(device_type), bool(enabled)
    was = _state.enabled[device_type]
    _state.enabled[device_type] = enabled
    if device_type == "cpu":
        _slot.cast = _cast_op_inputs if enabled else None
        if enabled != was:
            with _count_lock:
                on[0] += 1 if enabled else -1


def get_dtype(device_type):
    """The autocast dtype of `device_type` (bfloat16 for "cpu", float16 for "cuda" by default)."""
    return _state.dtype[_device(device_type)]


def set_dtype(device_type, dtype):
    """Sets the autocast dtype of `device_type`."""
    _state.dtype[_device(device_type)] = _dtype.to_dtype(dtype)


def is_cache_enabled():
    """Whether autocast caches the low-precision casts of float32 leaves (True by default)."""
    return _state.cache_enabled


def set_cache_enabled(enabled):
    """Sets whether autocast caches casts."""
    _state.cache_enabled = bool(enabled)


def clear_cache():
    """Drops the cached casts."""
    _state.cache.clear()


def increment_nesting():
    """One more autocast region entered; returns the depth."""
    _state.nesting += 1
    return _state.nesting


def decrement_nesting():
    """One autocast region left; returns the depth (0: the outermost one was left)."""
    _state.nesting -= 1
    return _state.nesting

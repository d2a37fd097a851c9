"""nn.functional's normalization: layer_norm, batch_norm (with the running-statistics update),
normalize, and cosine_similarity (which normalizes both inputs).

layer_norm and batch_norm check their arguments as PyTorch does and call the primitives
of ops/nn_layers.py (one kernel pass forward, NativeLayerNormBackward0 /
NativeBatchNormBackward0 backward).
"""
import numbers

from ..graph.grad_mode import no_grad
from ..ops import pointwise, reduction
from ..ops.nn_layers import native_batch_norm, native_layer_norm


def _check_dtypes(op, input, **tensors):
    for name, t in tensors.items():
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(f"{op}(): expected {name} to have the input's dtype {input.dtype}, but got "
                               f"{t.dtype} (input of shape {list(input.shape)}); convert one with .to()")


def _shape_tuple(shape):
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalizes over the trailing dims given by `normalized_shape` (to mean 0, variance 1, with
    the biased variance), then scales by `weight` and shifts by `bias` (each of that shape)."""
    shape = _shape_tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {list(t.shape)} and normalized_shape = {list(shape)}")
    _check_dtypes("layer_norm", input, weight=weight, bias=bias)
    return native_layer_norm(input, weight, bias, k, float(eps))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    """Normalizes each channel (dim 1) of (N, C, *) input over the other dims.

    training=True: with the batch's mean and biased variance, and, when running_mean and
    running_var are given, updates them in place: running = (1 - momentum) * running +
    momentum * batch statistic (the variance unbiased). training=False: with the running
    statistics. Then scales by `weight` and shifts by `bias` (each of shape (C,)).
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, *) with at least 2 dims, got "
                         f"{list(input.shape)}")
    channels = input.shape[1]
    if training:
        count = input.numel() // channels if channels else 0
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    elif running_mean is None or running_var is None:
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be defined in "
                           f"evaluation mode")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    _check_dtypes("batch_norm", input, weight=weight, bias=bias)
    if not training:
        stats = [t if t.dtype == input.dtype else t.to(input.dtype) for t in (running_mean, running_var)]
        return native_batch_norm(input, weight, bias, stats[0].reshape(-1), stats[1].reshape(-1), float(eps))[0]
    out, mean, var = native_batch_norm(input, weight, bias, None, None, float(eps))
    if running_mean is not None or running_var is not None:
        with no_grad():
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype).reshape(running_mean.shape),
                                                     alpha=momentum)
            if running_var is not None:
                unbiased = var * (count / (count - 1))
                running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype).reshape(running_var.shape),
                                                    alpha=momentum)
    return out


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p, eps) along `dim` (rows of unit p-norm by default)."""
    denom = pointwise.clamp_scalar(reduction.vector_norm(input, p, dim, True), eps).expand_as(input)
    result = input / denom
    if out is None:
        return result
    return out.copy_(result)


def _clamped_norm(x, dim, eps):
    # PyTorch clamps the norm in place under no_grad: the value is max(norm, eps) but the
    # gradient flows as if unclamped. Adding the detached difference reproduces both.
    norm = reduction.vector_norm(x, 2, dim, True)
    floor = norm.detach()
    return norm + (pointwise.clamp_scalar(floor, eps) - floor)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along `dim`, after broadcasting."""
    shape = _broadcast(x1.shape, x2.shape)
    x1, x2 = x1.expand(shape), x2.expand(shape)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def _broadcast(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (p, q) in enumerate(zip(a, b)):
        if p != q and 1 not in (p, q):
            raise RuntimeError(f"The size of tensor a ({p}) must match the size of tensor b ({q}) at "
                               f"non-singleton dimension {i}")
        out.append(max(p, q))
    return tuple(out)


"""Gradient clipping in place: by the total norm of all gradients, or elementwise by value."""
import types
import warnings

from ..._creation import tensor
from ..._tensor import Tensor
from ...graph.grad_mode import no_grad
from ...ops.pointwise import clamp
from ...ops.reduction import vector_norm
from ...ops.shape import stack


def _as_list(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scales the gradients in place so that their total norm is at most max_norm.

    The total norm is the norm_type-norm of the vector of every gradient's norm
    (the norm of all gradients concatenated); each gradient is multiplied by
    min(1, max_norm / (total + 1e-6)). Parameters without a gradient are skipped.

    Args:
        parameters: a Tensor or an iterable of Tensors (e.g. model.parameters()).
        max_norm: the largest total norm allowed.
        norm_type: the order of the norm: 2.0 (default), 1, any p, or float("inf") (the largest |g|).
        error_if_nonfinite: raise RuntimeError if the total norm is nan or inf
            (by default the gradients are scaled by the non-finite norm anyway).
        foreach: accepted for compatibility.

    Returns:
        The total norm of the gradients before clipping, a scalar tensor.

    Example::

        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
    """
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)
    if is_generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    norm_type = float(norm_type)
    max_norm = float(max_norm)
    if not grads:
        return tensor(0.0)
    with no_grad():
        total = vector_norm(stack([vector_norm(g, norm_type) for g in grads]), norm_type)
        if error_if_nonfinite and (total.isnan() | total.isinf()).item():
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                               "so it cannot be clipped. To disable this error and scale the gradients by the "
                               "non-finite norm anyway, set `error_if_nonfinite=False`")
        coef = clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient in place to [-clip_value, clip_value].

    Args:
        parameters: a Tensor or an iterable of Tensors; those without a gradient are skipped.
        clip_value: the largest magnitude allowed.
        foreach: accepted for compatibility.
    """
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)

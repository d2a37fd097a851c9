"""The primitive ops behind nn's layers: layer and batch normalization, embedding lookup and
constant padding (PyTorch's native_layer_norm, native_batch_norm, embedding, constant_pad_nd).

Each forward is one kernel pass; each backward is written in differentiable Tensor ops, so
double backward needs no code of its own. The normalization formulas recompute the
statistics from the saved input instead of reading them from the forward (a saved statistic
would carry no history, and the second derivative needs it):

    xhat = (x - mean) * rstd,   g = grad * weight,
    dx = rstd * (g - mean(g) - xhat * mean(g * xhat))   (means over the normalized axes),
    dweight = sum(grad * xhat),   dbias = sum(grad)      (sums over the other axes).

A plain backward (no create_graph) takes the fused kernels declared as the ops'
``fast_backward`` (kernels.layer_norm_backward, batch_norm_backward: one pass each instead of
a dozen recorded ops); with create_graph the same gradients come from the Tensor-op formulas,
which gradgradcheck verifies. tests/test_declared_fast_paths.py checks that the two agree, on both
kernel backends.

The front ends (nn/_normalization.py, nn/_sparse.py, ops/padding.py) check arguments and
normalize them before calling these.
"""
import numpy as np

from .. import _creation, kernels
from .._tensor import Tensor
from . import reduction
from ._opdef import defop
from .indexing import _index_add, _index_select


def _sum_over(t, axes, shape):
    """t summed over `axes` and reshaped to `shape` (a parameter's shape)."""
    if axes:
        t = reduction.sum_dim(t, axes, False)
    return t.reshape(shape)


def _normalized_grads(grad, input, weight, stat_axes, param_axes, param_view, param_shape, eps, needs):
    """(dinput, dweight, dbias) of (x - mean) * rstd * weight + bias with batch statistics over
    `stat_axes`; weight is broadcast through `param_view`, parameter gradients sum `param_axes`
    and take `param_shape`."""
    mean = reduction.mean_dim(input, stat_axes, True)
    rstd = (reduction.var_op(input, stat_axes, 0, True) + eps).rsqrt()
    xhat = (input - mean) * rstd
    dx = dw = db = None
    if needs[0]:
        g = grad if weight is None else grad * weight.reshape(param_view)
        g_mean = reduction.mean_dim(g, stat_axes, True)
        gx_mean = reduction.mean_dim(g * xhat, stat_axes, True)
        dx = rstd * (g - g_mean - xhat * gx_mean)
    if needs[1]:
        dw = _sum_over(grad * xhat, param_axes, param_shape)
    if needs[2]:
        db = _sum_over(grad, param_axes, param_shape)
    return dx, dw, db


def _needed(grads, needs):
    return tuple(g if need else None for g, need in zip(grads, needs))


def _layer_norm_fast(grad, input, weight, normalized_ndim, eps, needs_input_grad):
    return _needed(kernels.layer_norm_backward(grad, input, weight, normalized_ndim, eps), needs_input_grad)


def _layer_norm_grads(grad, input, weight, normalized_ndim, eps, needs_input_grad):
    ndim = input.ndim
    shape = input.shape[ndim - normalized_ndim:]
    return _normalized_grads(grad, input, weight, tuple(range(ndim - normalized_ndim, ndim)),
                             tuple(range(ndim - normalized_ndim)), shape, shape, eps, needs_input_grad)


native_layer_norm = defop(
    "native_layer_norm", "input, weight, bias, normalized_ndim, eps", kernels.layer_norm,
    tensors=("input", "weight", "bias"), promote=None,
    grads={"*": _layer_norm_grads}, fast_backward=_layer_norm_fast,
    doc="Layer normalization over the last `normalized_ndim` dims (the primitive behind F.layer_norm).")


def _channel_view(input):
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _batch_norm_fast(grads, input, weight, running_mean, running_var, eps, needs_input_grad):
    grads = kernels.batch_norm_backward(grads[0], input, weight, running_mean, running_var, eps)
    return _needed(grads, needs_input_grad) + (None, None)


def _batch_norm_grads(grads, input, weight, running_mean, running_var, eps, needs_input_grad):
    grad = grads[0]
    axes = (0,) + tuple(range(2, input.ndim))
    view = _channel_view(input)
    if running_mean is None:
        return _normalized_grads(grad, input, weight, axes, axes, view, (input.shape[1],), eps,
                                 needs_input_grad) + (None, None)
    # Normalized with the running statistics: an affine map of the input per channel.
    rstd = (running_var + eps).rsqrt().reshape(view)
    dx = dw = db = None
    if needs_input_grad[0]:
        dx = grad * rstd if weight is None else grad * (weight.reshape(view) * rstd)
    if needs_input_grad[1]:
        dw = _sum_over(grad * ((input - running_mean.reshape(view)) * rstd), axes, weight.shape)
    if needs_input_grad[2]:
        db = _sum_over(grad, axes, (input.shape[1],))
    return dx, dw, db, None, None


native_batch_norm = defop(
    "native_batch_norm", "input, weight, bias, running_mean, running_var, eps",
    lambda input, weight, bias, running_mean, running_var, eps: kernels.batch_norm(
        input, weight, bias, running_mean, running_var, running_mean is None, eps),
    tensors=("input", "weight", "bias", "running_mean", "running_var"), promote=None,
    num_outputs=3, nondiff_outputs=(1, 2), grads={"*": _batch_norm_grads}, fast_backward=_batch_norm_fast,
    doc="Batch normalization over dim 1 of (N, C, *) input: with the batch's statistics when "
        "running_mean is None, else with running_mean/running_var. Returns (out, mean, var), the "
        "statistics used (biased variance).")


def _embedding_forward(weight, indices, padding_idx, scale_grad_by_freq):
    rows = kernels.index_select(weight, 0, indices.reshape(-1))
    return rows.reshape(indices.shape + weight.shape[1:])


def _embedding_grad(grad, indices, padding_idx, scale_grad_by_freq, input_shapes):
    num, dim = input_shapes[0]
    idx = indices._data.reshape(-1)
    rows = grad.reshape(-1, dim)
    if padding_idx is not None:
        keep = np.flatnonzero(idx != padding_idx)
        if keep.size != idx.size:
            idx, rows = idx[keep], _index_select(rows, 0, keep)
    if scale_grad_by_freq:
        counts = np.bincount(idx, minlength=num)
        rows = rows * Tensor._wrap((1.0 / counts[idx]).astype(rows._data.dtype).reshape(-1, 1))
    return _index_add(_creation.zeros((num, dim), dtype=grad.dtype), 0, idx, rows, 1)


embedding = defop(
    "embedding", "weight, indices, padding_idx, scale_grad_by_freq", _embedding_forward,
    tensors=("indices",), promote=None, grads={"weight": _embedding_grad},
    doc="The rows of `weight` at `indices` (the primitive behind F.embedding); the row at "
        "padding_idx gets no gradient.")

constant_pad_nd = defop(
    "constant_pad_nd", "input, pad, value", kernels.constant_pad, promote=None, complex=True,
    grads={"input": lambda grad, pad: constant_pad_nd(grad, tuple(-p for p in pad), 0)},
    doc="`input` padded with `value` ((left, right) pairs from the last dim backwards; "
        "negative amounts crop), as torch.constant_pad_nd.")

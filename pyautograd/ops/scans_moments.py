"""Running extremes (cummax, cummin), logcumsumexp, and the fused moments std_mean/var_mean,
each a primitive with PyTorch's node (CummaxBackward0, LogcumsumexpBackward0, StdMeanBackward0,
VarMeanBackward0)."""
import numbers

from .. import _creation, kernels, return_types
from . import indexing
from ._dims import wrap_dim, wrap_dims
from ._opdef import defop
from ._surface import declare


def _zeros(shape, like):
    return _creation.zeros(shape, dtype=like.dtype)


def _extreme_grad(grad, result, input_shapes, dim):
    if not input_shapes[0]:
        return grad[0]
    return indexing._scatter_add(_zeros(input_shapes[0], grad[0]), dim, result[1]._data, grad[0])


_cummax = defop("cummax", "input, dim", kernels.cummax, promote=None, num_outputs=2, nondiff_outputs=(1,),
                grads={"input": _extreme_grad})
_cummin = defop("cummin", "input, dim", kernels.cummin, promote=None, num_outputs=2, nondiff_outputs=(1,),
                grads={"input": _extreme_grad})


def _logcumsumexp_grad(grad, input, result, dim):
    if input.ndim == 0:
        return grad
    shift = input.detach().amax(dim, keepdim=True)
    tail = (grad * (shift - result).exp()).flip(dim).cumsum(dim).flip(dim)
    return tail * (input - shift).exp()


_logcumsumexp = defop("logcumsumexp", "input, dim", kernels.logcumsumexp, promote="float",
                      grads={"input": _logcumsumexp_grad})

def cummax(input, dim):
    """(running maximum along `dim`, the index where each was reached)."""
    return return_types.cummax(_cummax(input, wrap_dim(dim, input.ndim, "cummax")))


def cummin(input, dim):
    """(running minimum along `dim`, the index where each was reached)."""
    return return_types.cummin(_cummin(input, wrap_dim(dim, input.ndim, "cummin")))


def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along `dim`, computed without overflow."""
    return _logcumsumexp(input, wrap_dim(dim, input.ndim, "logcumsumexp"))


def _moments_grad(take_sqrt):
    def formula(grad, input, result, dims, correction, keepdim):
        g_spread, g_mean = grad
        spread, mean = result
        if not keepdim and input.ndim:
            for d in dims:
                g_spread, g_mean = g_spread.unsqueeze(d), g_mean.unsqueeze(d)
                spread, mean = spread.unsqueeze(d), mean.unsqueeze(d)
        n = 1
        for d in dims:
            n *= input.shape[d]
        centered = input - mean
        if take_sqrt:
            d_spread = g_spread * centered / (spread * (n - correction))
        else:
            d_spread = g_spread * 2 * centered / (n - correction)
        return d_spread + g_mean / n
    return formula


_std_mean = defop("std_mean", "input, dims, correction, keepdim",
                  lambda input, dims, correction, keepdim: kernels.std_mean(input, dims, correction, keepdim),
                  promote=None, num_outputs=2, grads={"input": _moments_grad(True)})
_var_mean = defop("var_mean", "input, dims, correction, keepdim",
                  lambda input, dims, correction, keepdim: kernels.std_mean(input, dims, correction, keepdim, False),
                  promote=None, num_outputs=2, grads={"input": _moments_grad(False)})


def _moment_args(op, input, dim, unbiased, correction):
    if isinstance(dim, bool):  # std_mean(x, False): the legacy unbiased positional
        dim, unbiased = None, dim
    if not input.is_floating_point():
        raise RuntimeError(f"{op}(): input dtype should be either floating point or complex dtypes. "
                           f"Got {input.dtype} instead.")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = tuple(range(input.ndim)) if dim is None else wrap_dims(dim, input.ndim, op)
    if not isinstance(correction, numbers.Number):
        raise TypeError(f"{op}(): correction must be a number")
    return dims, correction


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over `dim` (all dims when None), std with Bessel's correction (1 unless given)."""
    dims, correction = _moment_args("std_mean", input, dim, unbiased, correction)
    return _std_mean(input, dims, correction, bool(keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over `dim` (all dims when None), var with Bessel's correction (1 unless given)."""
    dims, correction = _moment_args("var_mean", input, dim, unbiased, correction)
    return _var_mean(input, dims, correction, bool(keepdim))


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn, _method in (("cummax", cummax, True), ("cummin", cummin, True), ("std_mean", std_mean, None),
                            ("var_mean", var_mean, None)):
    declare(_name, _fn, method=_method)
declare("logcumsumexp", logcumsumexp, method=True, out="cast")

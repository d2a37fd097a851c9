"""pyautograd: PyTorch's autograd API on NumPy arrays, with C kernels on the hot paths.

Use it as you would PyTorch::

    import pyautograd as torch

    t = torch.tensor(2.0, requires_grad=True)
    (3 * t ** 2 + 2 * t + 1).backward()
    print(t.grad)            # tensor(14.)
"""
from . import _dtype
from ._dtype import (bool, double, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, promote_types, set_default_dtype, short, uint8)
from ._dtype import dtype  # noqa: F401
from ._tensor import Tensor
from ._size import Size
from ._device import device
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_dlpack, from_numpy, full, full_like,
                        linspace, logspace, normal, ones, ones_like, rand, rand_like, randint, randint_like,
                        randn, randn_like, randperm, tensor, zeros, zeros_like)
from ._random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from . import ops as _ops
from .ops.pointwise import (abs, add, ceil, cos, eq, erf, exp, exp2, expm1, floor, ge, gelu, gt, isfinite,
                            isinf, isnan, le, leaky_relu, log, log1p, log2, log10, logical_and,
                            logical_not, logical_or, logical_xor, logsigmoid, lt, maximum, minimum, mul, ne,
                            neg, reciprocal, relu, rsqrt, sigmoid, sign, silu, sin, softplus, sqrt, sub,
                            tan, tanh, trunc, where)
from .ops.pointwise import round_ as round  # noqa: A001
from .ops.composite import (broadcast_to, cat, clamp, clip, concat, concatenate, contiguous, div, divide,
                            flatten, floor_divide, is_floating_point, is_tensor, matmul, mean, mm, movedim,
                            moveaxis, narrow, numel, permute, pow, remainder, reshape, rsub, lerp, select, square, squeeze,
                            stack, sum, swapaxes, swapdims, t, transpose, true_divide, unflatten, unsqueeze)
from .ops.composite import (baddbmm, chunk, cumprod, cumsum, diagonal, einsum, flip, ger, outer, roll, split,
                            split_with_sizes, take_along_dim, tile, unbind)
from .ops.indexing import (argwhere, gather, index_select, masked_fill, masked_select, nonzero, one_hot, scatter,
                           scatter_add)
from .ops.composite import (all, allclose, amax, amin, any, argmax, argmin, equal, isclose, log_softmax,  # noqa: A004
                            logsumexp, max, min, norm, prod, softmax, std, var)
from . import linalg, return_types
from .ops.linalg import addmm, bmm, dot, mv
from .ops.shape import clone
from .ops.indexing import index_add
from .ops.indexing import index_put_op as index_put
from .graph.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                              no_grad, set_grad_enabled)
from . import autograd
from .kernels import get_num_threads, set_num_threads
from ._tensor_str import get_printoptions, set_printoptions
from . import utils
from .serialization import load, save

negative = neg
multiply = mul
subtract = sub
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
absolute = abs

# The out= forms (torch.add(a, b, out=c)), from the functions above.
from .ops import install_out_forms  # noqa: E402
install_out_forms(globals())
del install_out_forms

# As in PyTorch, `import pyautograd as torch` alone gives torch.nn and torch.optim.
from . import nn, optim  # noqa: E402
# distributed issue 16: torch.distributed (importing it does not start MPI)
from . import distributed  # noqa: E402
# interop issue 17: torch.onnx (the onnx package is imported only when exporting)
from . import onnx  # noqa: E402

__version__ = "0.1.0"

# surface issue 12: the everyday API surface (move to the declarations)
from .ops.matrix import tril, triu  # noqa: E402
from .ops.sampling import bernoulli, multinomial  # noqa: E402
from .ops.selection import argsort, kthvalue, median, mode, msort, sort, topk  # noqa: E402
# The platform, as PyTorch's CPU build answers it.
from . import _platform_methods, tensor_types  # noqa: E402
for _name, _method in _platform_methods.METHODS.items():
    setattr(Tensor, _name, _method)
del _name, _method
tensor_types.install()
globals().update(tensor_types.CPU_TYPES)  # FloatTensor, LongTensor, ...
autograd.Variable = tensor_types.Variable
from . import accelerator, amp, backends, cuda  # noqa: E402
from .amp import autocast  # noqa: E402
from .backends import get_float32_matmul_precision, set_float32_matmul_precision  # noqa: E402
from ._device import get_default_device, set_default_device  # noqa: E402
import math as _math  # noqa: E402
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan
del _math
from .autograd.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: E402
from . import compiler, distributions, func, jit  # noqa: E402
from .compiler import compile  # noqa: E402, A004
from .ops.pointwise_more import (acos, acosh, addcmul, addcdiv, asin, asinh, atan, atan2, atanh, clamp_max,  # noqa: E402
                                 clamp_min, cosh, erfinv, fmod, hypot, logaddexp, nan_to_num, sinh, xlogy)
from .ops.shape_more import (cdist, cross, diag, diag_embed, diagflat, dsplit, fliplr, flipud, hsplit, meshgrid,  # noqa: E402
                             ravel, repeat_interleave, rot90, tensor_split, trace, vsplit)
from .type_info import finfo, iinfo  # noqa: E402
from .memory_format import (channels_last, channels_last_3d, contiguous_format, memory_format,  # noqa: E402
                            preserve_format)
from .tensor_types import is_complex, set_default_tensor_type  # noqa: E402
from .ops.stacking import column_stack, diff, dstack, hstack, vstack  # noqa: E402
from . import special, version  # noqa: E402
from .func import vmap  # noqa: E402
from .platform_state import (are_deterministic_algorithms_enabled, is_autocast_enabled,  # noqa: E402
                             use_deterministic_algorithms)
from .cuda import OutOfMemoryError  # noqa: E402
from .ops.index_more import index_copy, index_fill  # noqa: E402
from .ops.scans_moments import cummax, cummin, logcumsumexp, std_mean, var_mean  # noqa: E402
from .ops.search import (bincount, bucketize, count_nonzero, histc, isin, searchsorted, unique,  # noqa: E402
                         unique_consecutive)
from .ops.linalg_more import det, logdet, slogdet  # noqa: E402
from .ops.bitwise import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,  # noqa: E402
                          bitwise_xor)
from .ops.linalg_more import inv as inverse  # noqa: E402
from .ops import install_out_forms  # noqa: E402
install_out_forms(globals(), {
    "cast": ("asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2", "hypot", "logaddexp",
             "xlogy", "fmod", "nan_to_num", "clamp_min", "clamp_max", "addcmul", "addcdiv", "erfinv"),
    "exact": ("topk", "sort", "kthvalue", "mode", "msort", "tril", "triu", "cross", "diag"),
})
del install_out_forms
arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = asin, acos, atan, asinh, acosh, atanh, atan2
# end surface issue 12

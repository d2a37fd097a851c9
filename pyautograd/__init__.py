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

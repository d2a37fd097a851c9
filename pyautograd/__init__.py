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
from ._dtype import bfloat16  # noqa: F401
from ._dtype import cdouble, cfloat, complex64, complex128  # noqa: F401  (issue 12: complex tensors)
from ._tensor import Tensor
from ._size import Size
from ._device import device
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_dlpack, from_numpy, full, full_like,
                        linspace, logspace, normal, ones, ones_like, rand, rand_like, randint, randint_like,
                        randn, randn_like, randperm, tensor, zeros, zeros_like)
from ._random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from . import ops as _ops
from . import fft, linalg, return_types
from .graph.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                              no_grad, set_grad_enabled)
from . import autograd
from .kernels import get_num_threads, set_num_threads
from ._tensor_str import get_printoptions, set_printoptions
from . import utils
from .serialization import load, save

# The ops: every function declared public (defop(..., export=True) or @public in pyautograd/ops)
# with its aliases, in its out= form where it has an out= policy. Derived from the declarations
# (ops/_surface.py), so no op is listed here by hand.
from .ops import install_out_forms, public_ops  # noqa: E402
globals().update(public_ops())
install_out_forms(globals())
del install_out_forms, public_ops

# As in PyTorch, `import pyautograd as torch` alone gives torch.nn and torch.optim.
from . import nn, optim  # noqa: E402
# distributed issue 16: torch.distributed (importing it does not start MPI)
from . import distributed  # noqa: E402
# interop issue 17: torch.onnx (the onnx package is imported only when exporting)
from . import onnx  # noqa: E402
from . import multiprocessing  # noqa: E402  issue 12: torch.multiprocessing (the standard library's, and spawn)

from .torch_version import __version__  # noqa: E402  a TorchVersion (compares as a version)

# The everyday API beyond the ops (issue 12): the platform answers, legacy types, compile, jit, func.
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
from .type_info import finfo, iinfo  # noqa: E402
from .memory_format import (channels_last, channels_last_3d, contiguous_format, memory_format,  # noqa: E402
                            preserve_format)
from .tensor_types import is_complex, set_default_tensor_type  # noqa: E402
from . import special, version  # noqa: E402
from .func import vmap  # noqa: E402
from .platform_state import (are_deterministic_algorithms_enabled, is_autocast_enabled,  # noqa: E402
                             use_deterministic_algorithms)
from .platform_state import (autocast_decrement_nesting, autocast_increment_nesting,  # noqa: E402
                             clear_autocast_cache, get_autocast_cpu_dtype, get_autocast_dtype, get_autocast_gpu_dtype,
                             is_autocast_cache_enabled, is_autocast_cpu_enabled, set_autocast_cache_enabled,
                             set_autocast_cpu_dtype, set_autocast_cpu_enabled, set_autocast_dtype,
                             set_autocast_enabled, set_autocast_gpu_dtype)
from . import cpu  # noqa: E402
from .cuda import OutOfMemoryError  # noqa: E402
from . import testing  # noqa: E402  torch.testing.assert_close (issue 12, small functions)
# PyTorch's deprecated platform flags (torch.has_mps, ...): read through a module __getattr__
# that warns, as PyTorch's does, and answers with the function that replaced each.
import warnings as _warnings  # noqa: E402
_DEPRECATED_FLAGS = {"has_mps": backends.mps.is_built, "has_cuda": backends.cuda.is_built,
                     "has_cudnn": backends.cudnn.is_available}


def __getattr__(name):
    replacement = _DEPRECATED_FLAGS.get(name)
    if replacement is None:
        raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
    _warnings.warn(f"'{name}' is deprecated, please use '{replacement.__module__}.{replacement.__name__}()'",
                  stacklevel=2)
    return replacement()
# end surface issue 12
from . import hub  # noqa: E402  tools (issue 12): torch.hub
from . import profiler  # noqa: E402  tools (issue 12): torch.profiler
from .tensor_types import is_conj, is_neg  # noqa: E402  tensormisc (issue 12)
from . import random, types, torch_version  # noqa: E402  module paths (issue 12): torch.random, ...
from . import mps, xpu  # noqa: E402  platform (issue 12): the other accelerators, absent as on PyTorch's CPU build
from .tensor_types import is_nonzero, is_storage  # noqa: E402
from ._asserts import _assert, _check, _check_index, _check_not_implemented, _check_type, _check_value  # noqa: E402,F401
from . import _foreach  # noqa: E402  torch._foreach_*: optimizers, EMA, gradient clipping
globals().update(_foreach.FUNCTIONS)
Tensor.is_nonzero = is_nonzero
# What `from pyautograd import *` gives and what static readers see: the names imported
# above and every declared op.
__all__ = sorted(n for n in globals() if not n.startswith("_"))
# Not star-exported: `from pyautograd import *` must not shadow the standard random and types modules.
__all__ = [n for n in __all__ if n not in ("random", "types", "torch_version")]

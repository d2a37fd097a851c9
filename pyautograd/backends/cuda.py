"""torch.backends.cuda: CUDA is not built in. ``matmul.allow_tf32`` mirrors the float32 matmul
precision as in PyTorch (True means 'high'); both are settings only on the CPU.
The scaled_dot_product_attention backend flags are real here: the CPU kernels read them."""
import contextlib
import enum
import warnings


class SDPBackend(enum.IntEnum):
    """The scaled_dot_product_attention implementations, with PyTorch's values."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


def is_built():
    """False: built without CUDA."""
    return False


class _Matmul:
    """torch.backends.cuda.matmul: the cuBLAS flags, as settings."""

    _precision = ["highest"]  # shared with set_float32_matmul_precision
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        """Whether float32 matmuls may use TF32: the precision is not 'highest'."""
        return self._precision[0] != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._precision[0] = "high" if value else "highest"


matmul = _Matmul()


# -- scaled_dot_product_attention's backend flags ---------------------------------------------
# PyTorch keeps these process-wide and its CPU kernels consult them too (turning off flash
# attention sends F.scaled_dot_product_attention to the math path); torch.nn.attention's
# sdpa_kernel sets and restores them. Keyed by torch's names for the backends.
_sdp_enabled = {"cudnn": True, "flash": True, "mem_efficient": True, "math": True}


def _sdp_flag(name, what):
    """The pair enable_<name>_sdp(enabled) / <name>_sdp_enabled() for one backend flag."""
    def enable(enabled):
        _sdp_enabled[name] = bool(enabled)

    def query():
        return _sdp_enabled[name]

    enable.__name__, query.__name__ = f"enable_{name}_sdp", f"{name}_sdp_enabled"
    enable.__doc__ = f"Enables or disables {what} in scaled_dot_product_attention (process-wide)."
    query.__doc__ = f"Whether scaled_dot_product_attention may use {what}."
    return enable, query


enable_flash_sdp, flash_sdp_enabled = _sdp_flag("flash", "flash attention (the blocked CPU kernel)")
enable_math_sdp, math_sdp_enabled = _sdp_flag("math", "the math path (matmul, softmax, matmul)")
enable_mem_efficient_sdp, mem_efficient_sdp_enabled = _sdp_flag(
    "mem_efficient", "memory-efficient attention (a CUDA kernel: unused on CPU)")
enable_cudnn_sdp, cudnn_sdp_enabled = _sdp_flag("cudnn", "cuDNN attention (a CUDA kernel: unused on CPU)")
_math_reduction = [False]


def allow_fp16_bf16_reduction_math_sdp(enabled):
    """Whether the math path may reduce in float16/bfloat16 (recorded; pyautograd's math path
    always reduces in float32 for those dtypes)."""
    _math_reduction[0] = bool(enabled)


def fp16_bf16_reduction_math_sdp_allowed():
    """The flag set by allow_fp16_bf16_reduction_math_sdp (False by default, as in PyTorch)."""
    return _math_reduction[0]


def is_ck_sdpa_available():
    """False: composable_kernel is a ROCm backend."""
    return False


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated (FutureWarning, as in PyTorch): within the block, only the named backends may
    serve scaled_dot_product_attention; torch.nn.attention.sdpa_kernel is the current spelling."""
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will "
                  "be removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with "
                  "updated signature.", FutureWarning, stacklevel=3)
    previous = dict(_sdp_enabled)
    _sdp_enabled.update(flash=bool(enable_flash), math=bool(enable_math),
                        mem_efficient=bool(enable_mem_efficient), cudnn=bool(enable_cudnn))
    try:
        yield {}
    finally:
        _sdp_enabled.update(previous)

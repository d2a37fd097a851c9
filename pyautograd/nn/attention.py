"""torch.nn.attention as PyTorch's CPU build offers it: SDPBackend and the sdpa_kernel context
manager, which choose how F.scaled_dot_product_attention computes.

Two backends exist here, as on PyTorch's CPU build: FLASH_ATTENTION, the blocked online-softmax
kernel (never the whole score matrix; the default), and MATH, the composite path (matmul,
softmax, matmul) that forms the attention weights. With dropout_p > 0 the weights are formed
whatever the choice (the dropout mask needs them). EFFICIENT_ATTENTION, CUDNN_ATTENTION and
OVERRIDEABLE are accepted names with no CPU kernel: allowing only those makes attention raise,
as in PyTorch.
"""
import contextlib

from ..backends import cuda

__all__ = ["SDPBackend", "sdpa_kernel", "enabled_backends"]


SDPBackend = cuda.SDPBackend  # one enum, as in PyTorch (torch.backends.cuda.SDPBackend is this class)


# Each backend's process-wide flag lives in torch.backends.cuda, as in PyTorch (whose CPU
# kernels read the same flags); OVERRIDEABLE (a device-extension hook) has no function there.
_FLAGS = {
    SDPBackend.CUDNN_ATTENTION: (cuda.cudnn_sdp_enabled, cuda.enable_cudnn_sdp),
    SDPBackend.FLASH_ATTENTION: (cuda.flash_sdp_enabled, cuda.enable_flash_sdp),
    SDPBackend.EFFICIENT_ATTENTION: (cuda.mem_efficient_sdp_enabled, cuda.enable_mem_efficient_sdp),
    SDPBackend.MATH: (cuda.math_sdp_enabled, cuda.enable_math_sdp),
}
_overrideable = [True]


def enabled_backends():
    """The backends scaled_dot_product_attention may use now (a frozenset of SDPBackend)."""
    on = {b for b, (query, _) in _FLAGS.items() if query()}
    return frozenset(on | ({SDPBackend.OVERRIDEABLE} if _overrideable[0] else set()))


def _enable_only(backends):
    for b, (_, enable) in _FLAGS.items():
        enable(b in backends)
    _overrideable[0] = SDPBackend.OVERRIDEABLE in backends


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within the block, scaled_dot_product_attention uses only `backends` (one SDPBackend or a
    list); on leaving, the previous flags come back. set_priority is accepted (the order is
    fixed here: FLASH_ATTENTION, then MATH)."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, "
                             f"got {type(backends).__name__}")
    chosen = [backends] if isinstance(backends, SDPBackend) else list(backends)
    for b in chosen:
        if not isinstance(b, SDPBackend):
            raise AssertionError(f"Backend must be an instance of SDPBackend, got {type(b).__name__}")
    previous = enabled_backends()
    _enable_only(frozenset(chosen))
    try:
        yield {}
    finally:
        _enable_only(previous)

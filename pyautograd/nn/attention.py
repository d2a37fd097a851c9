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
import enum

__all__ = ["SDPBackend", "sdpa_kernel", "enabled_backends"]


class SDPBackend(enum.IntEnum):
    """The scaled_dot_product_attention implementations, with PyTorch's values."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_ALL = frozenset(b for b in SDPBackend if b is not SDPBackend.ERROR)
_state = {"enabled": _ALL}


def enabled_backends():
    """The backends scaled_dot_product_attention may use now (a frozenset of SDPBackend)."""
    return _state["enabled"]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within the block, scaled_dot_product_attention uses only `backends` (one SDPBackend or a
    list). set_priority is accepted (the order is fixed here: FLASH_ATTENTION, then MATH)."""
    chosen = [backends] if isinstance(backends, SDPBackend) else list(backends)
    for b in chosen:
        if not isinstance(b, SDPBackend):
            raise AssertionError(f"Backend must be an instance of SDPBackend, got {type(b).__name__}")
    previous = _state["enabled"]
    _state["enabled"] = frozenset(chosen)
    try:
        yield
    finally:
        _state["enabled"] = previous

"""The scaled_dot_product_attention backend flags (torch.backends.cuda's enable_*_sdp, the
deprecated sdp_kernel, torch.nn.attention.sdpa_kernel) agree with PyTorch's and steer the CPU path."""
import warnings

import numpy as np
import pytest

import pyautograd as P
from pyautograd.nn.attention import SDPBackend, sdpa_kernel

NAMES = ("flash", "math", "mem_efficient", "cudnn")


def _flags(lib):
    return {n: getattr(lib.backends.cuda, f"{n}_sdp_enabled")() for n in NAMES}


@pytest.fixture(autouse=True)
def _restore():
    before = _flags(P)
    yield
    for n, on in before.items():
        getattr(P.backends.cuda, f"enable_{n}_sdp")(on)


def test_defaults_and_setters():
    assert _flags(P) == dict.fromkeys(NAMES, True)
    P.backends.cuda.enable_flash_sdp(False)
    assert not P.backends.cuda.flash_sdp_enabled() and SDPBackend.FLASH_ATTENTION not in \
        P.nn.attention.enabled_backends()
    assert P.backends.cuda.fp16_bf16_reduction_math_sdp_allowed() is False
    assert P.backends.cuda.is_ck_sdpa_available() is False


def test_flags_choose_the_path_and_both_off_raises():
    q = P.randn(1, 2, 5, 8, requires_grad=True)
    fused = P.nn.functional.scaled_dot_product_attention(q, q, q)
    P.backends.cuda.enable_flash_sdp(False)
    math = P.nn.functional.scaled_dot_product_attention(q, q, q)
    assert type(fused.grad_fn).__name__ != type(math.grad_fn).__name__  # a different path ran
    np.testing.assert_allclose(math.detach().numpy(), fused.detach().numpy(), rtol=1e-5, atol=1e-6)
    P.backends.cuda.enable_math_sdp(False)
    with pytest.raises(RuntimeError, match="No viable backend"):
        P.nn.functional.scaled_dot_product_attention(q, q, q)


def test_sdp_kernel_warns_sets_and_restores():
    with pytest.warns(FutureWarning, match="sdp_kernel\\(\\)` is deprecated") as record:
        with P.backends.cuda.sdp_kernel(enable_flash=False, enable_cudnn=False) as ctx:
            assert ctx == {}
            assert _flags(P) == {"flash": False, "math": True, "mem_efficient": True, "cudnn": False}
    assert record[0].filename == __file__  # points at the user's line
    assert _flags(P) == dict.fromkeys(NAMES, True)


def test_sdpa_kernel_sets_the_same_flags_and_restores():
    with sdpa_kernel([SDPBackend.MATH]):
        assert _flags(P) == {"flash": False, "math": True, "mem_efficient": False, "cudnn": False}
    assert _flags(P) == dict.fromkeys(NAMES, True)
    with pytest.raises(AssertionError, match="list of SDPBackend instances, got tuple"):
        with sdpa_kernel((SDPBackend.MATH,)):
            pass


@pytest.mark.parametrize("kwargs", [{}, {"enable_flash": False}, {"enable_math": False, "enable_cudnn": False},
                                    {"enable_mem_efficient": False}])
def test_sdp_kernel_flags_as_torch(torch, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with torch.backends.cuda.sdp_kernel(**kwargs):
            theirs = _flags(torch)
        with P.backends.cuda.sdp_kernel(**kwargs):
            ours = _flags(P)
    assert ours == theirs


@pytest.mark.parametrize("chosen", ["MATH", "FLASH_ATTENTION", "EFFICIENT_ATTENTION", "CUDNN_ATTENTION"])
def test_sdpa_kernel_flags_as_torch(torch, chosen):
    import torch.nn.attention as tattn  # import here: torch is optional (the fixture skips without it)
    with tattn.sdpa_kernel(getattr(tattn.SDPBackend, chosen)):
        theirs = _flags(torch)
    with sdpa_kernel(getattr(SDPBackend, chosen)):
        ours = _flags(P)
    assert ours == theirs

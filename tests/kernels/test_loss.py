"""The C loss kernels (csrc/loss.c) against the NumPy reference (kernels/_numpy/loss.py)."""
import numpy as np
import pytest

import pyautograd.kernels as K

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build.py reports it)")

# (1 - t) x - logsigmoid(x) cancels for large negative x: float32 results differ by a few ulp
# of |x| (up to ~100 here), in both implementations alike.
TOL = {np.float32: dict(rtol=2e-6, atol=5e-5), np.float64: dict(rtol=1e-13, atol=1e-13)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("n", [0, 1, 37, 3000, 1 << 17])
def test_bce_with_logits_matches_reference(n, reduction, dtype, rng):
    from pyautograd.kernels import _c as C, _numpy as N
    x = (rng.standard_normal((n, 1)) * 30).astype(dtype)
    x[:1] = 1e4  # exp(-|x|) underflows: no overflow, no NaN
    t = rng.uniform(0, 1, (n, 1)).astype(dtype)
    w = rng.uniform(0.5, 2, (n, 1)).astype(dtype)
    pw = np.array([2.5], dtype)
    for weight, pos_weight in ((None, None), (w, None), (None, pw), (w, pw)):
        got = C.binary_cross_entropy_with_logits(x, t, weight, pos_weight, reduction)
        ref = N.binary_cross_entropy_with_logits(x, t, weight, pos_weight, reduction)
        assert got.dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_allclose(got, ref, equal_nan=True, **TOL[dtype])


def test_bce_with_logits_rejects_bad_arguments():
    from pyautograd.kernels import _c as C
    x = np.zeros(3, np.float32)
    with pytest.raises(TypeError, match="binary_cross_entropy_with_logits"):
        C.binary_cross_entropy_with_logits(x, np.zeros(3), None, None, "mean")
    with pytest.raises(ValueError, match="do not broadcast"):
        C.binary_cross_entropy_with_logits(x, np.zeros(4, np.float32), None, None, "mean")
    with pytest.raises(ValueError, match="reduction"):
        C.binary_cross_entropy_with_logits(x, x, None, None, "avg")
    from pyautograd._C import ffi, lib
    out = ffi.new("float[1]")
    kernel = lib.pag_loss_binary_cross_entropy_with_logits_f32
    assert kernel(ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL, 2, 1, out, 1) == lib.PAG_EINVAL  # no operands
    assert kernel(ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL, 0, 7, out, 1) == lib.PAG_EINVAL  # bad reduction

"""Layer-norm kernels: C against the NumPy reference (forward and the fused backward) for
both dtypes, with and without weight and bias, one to three normalized axes, threaded
sizes, non-contiguous input, empty input, and the hand-off of mixed dtypes to NumPy.

Tolerances: both accumulate the statistics in double (C) or the dtype (NumPy), so float32
agrees to a few ulps of the values (rtol 1e-5 / atol 1e-5) and float64 to 1e-12."""
import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels import _numpy
from pyautograd.kernels.checks import Unsupported

needs_c = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")
if K.c_available():
    from pyautograd.kernels import _c

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def _case(shape, k, dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = shape[len(shape) - k:]
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    return x, rng.standard_normal(params).astype(dtype), rng.standard_normal(params).astype(dtype), \
        rng.standard_normal(shape).astype(dtype)


def _compare(x, w, b, g, k, dtype):
    np.testing.assert_allclose(_c.layer_norm(x, w, b, k, 1e-5), _numpy.layer_norm(x, w, b, k, 1e-5), **TOL[dtype])
    got, want = _c.layer_norm_backward(g, x, w, k, 1e-5), _numpy.layer_norm_backward(g, x, w, k, 1e-5)
    for name, p, q in zip(("dx", "dweight", "dbias"), got, want):
        assert (p is None) == (q is None), name
        if p is not None:
            assert p.dtype == q.dtype == dtype and p.shape == q.shape, name
            np.testing.assert_allclose(p, q, err_msg=name, **TOL[dtype])


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,k", [((4, 5), 1), ((2, 3, 4), 2), ((2, 3, 4), 3), ((7,), 1), ((5, 1), 1),
                                     ((300, 300), 1)])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_layer_norm_c_matches_numpy(shape, k, dtype, affine):
    x, w, b, g = _case(shape, k, dtype)
    w = w if affine in ("both", "weight") else None
    b = b if affine in ("both", "bias") else None
    _compare(x, w, b, g, k, dtype)


@needs_c
def test_layer_norm_c_noncontiguous_and_empty():
    x, w, b, g = _case((6, 8), 1, np.float64)
    _compare(x[::2], w, b, g[::2], 1, np.float64)
    _compare(np.asfortranarray(x), w, b, g, 1, np.float64)
    empty = np.zeros((0, 8))
    assert _c.layer_norm(empty, w, b, 1, 1e-5).shape == (0, 8)
    dx, dw, db = _c.layer_norm_backward(empty, empty, w, 1, 1e-5)
    assert dx.shape == (0, 8) and not dw.any() and not db.any()


@needs_c
def test_layer_norm_c_hands_mixed_dtypes_to_numpy():
    # The C wrapper refuses them (before touching a pointer); the dispatcher, even with the C
    # backend forced, then runs the reference.
    x, w, b, g = _case((3, 4), 1, np.float32)
    w64 = w.astype(np.float64)
    with pytest.raises(Unsupported, match="layer_norm"):
        _c.layer_norm(x, w64, b, 1, 1e-5)
    with pytest.raises(Unsupported, match="layer_norm_backward"):
        _c.layer_norm_backward(g, x, w64, 1, 1e-5)
    with K.use_backend("c"):
        out = K.layer_norm(x, w64, b, 1, 1e-5)
        grads = K.layer_norm_backward(g, x, w64, 1, 1e-5)
    np.testing.assert_array_equal(out, _numpy.layer_norm(x, w64, b, 1, 1e-5))
    for got, want in zip(grads, _numpy.layer_norm_backward(g, x, w64, 1, 1e-5)):
        np.testing.assert_array_equal(got, want)


@needs_c
def test_layer_norm_threads_agree_with_one_thread():
    x, w, b, g = _case((400, 300), 1, np.float64)
    saved = K.get_num_threads()
    try:
        K.set_num_threads(1)
        one = _c.layer_norm(x, w, b, 1, 1e-5), _c.layer_norm_backward(g, x, w, 1, 1e-5)
        K.set_num_threads(2)
        two = _c.layer_norm(x, w, b, 1, 1e-5), _c.layer_norm_backward(g, x, w, 1, 1e-5)
    finally:
        K.set_num_threads(saved)
    np.testing.assert_array_equal(one[0], two[0])
    for p, q in zip(one[1], two[1]):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-13)

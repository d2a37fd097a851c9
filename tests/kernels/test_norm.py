"""Layer- and batch-norm kernels: C against the NumPy reference (forward and the fused backward) for
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


# ---- batch norm -------------------------------------------------------------------------------
# The NumPy reference sums a channel's n * spatial elements in float32 for float32 input (C in
# double), so float32 agrees to ~1e-5 relative on a few thousand elements per channel: compared
# at 2e-4 (a lost or doubled term changes a value by ~1/count of the spread, far above).
BN_TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}


def _bn_case(shape, dtype, seed=0, centre=1.0):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = (rng.standard_normal(shape) * 3 + centre).astype(dtype)
    w, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    rm, rv = (rng.standard_normal(c) + centre).astype(dtype), (rng.random(c) + 0.5).astype(dtype)
    return x, w, b, rm, rv, rng.standard_normal(shape).astype(dtype)


def _bn_compare(x, w, b, rm, rv, g, dtype, batch_stats):
    stats = (None, None) if batch_stats else (rm, rv)
    got, want = _c.batch_norm(x, w, b, *stats, batch_stats, 1e-5), _numpy.batch_norm(x, w, b, *stats, batch_stats, 1e-5)
    for name, p, q in zip(("out", "mean", "var"), got, want):
        assert p.dtype == q.dtype == dtype and p.shape == q.shape, name
        np.testing.assert_allclose(p, q, err_msg=name, **BN_TOL[dtype])
    got, want = _c.batch_norm_backward(g, x, w, *stats, 1e-5), _numpy.batch_norm_backward(g, x, w, *stats, 1e-5)
    for name, p, q in zip(("dx", "dweight", "dbias"), got, want):
        assert (p is None) == (q is None), name
        if p is not None:
            assert p.dtype == q.dtype == dtype and p.shape == q.shape, name
            np.testing.assert_allclose(p, q, err_msg=name, **BN_TOL[dtype])


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 7), (8, 16, 10, 10), (2, 3, 2, 3, 4), (1, 5, 1), (32, 4, 17)])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("batch_stats", [True, False])
def test_batch_norm_c_matches_numpy(shape, dtype, affine, batch_stats):
    x, w, b, rm, rv, g = _bn_case(shape, dtype)
    if not affine:
        w = b = None
    _bn_compare(x, w, b, rm, rv, g, dtype, batch_stats)


@needs_c
@pytest.mark.parametrize("batch_stats", [True, False])
def test_batch_norm_c_large_mean_noncontiguous_and_weight_only(batch_stats):
    # a channel mean of 1e3 against a spread of 3: the output is centred before scaling
    x, w, b, rm, rv, g = _bn_case((6, 4, 5, 5), np.float32, centre=1e3)
    _bn_compare(x, w, b, rm, rv, g, np.float32, batch_stats)
    x, w, b, rm, rv, g = _bn_case((6, 4, 5, 5), np.float64, seed=1)
    _bn_compare(x[::2], w, None, rm, rv, g[::2], np.float64, batch_stats)
    _bn_compare(x.transpose(0, 1, 3, 2), None, b, rm, rv, g, np.float64, batch_stats)


@needs_c
def test_batch_norm_c_hands_other_cases_to_numpy():
    x, w, b, rm, rv, g = _bn_case((3, 4, 5), np.float32)
    with pytest.raises(Unsupported, match="batch_norm"):
        _c.batch_norm(x, w.astype(np.float64), b, None, None, True, 1e-5)
    with pytest.raises(Unsupported, match="batch_norm_backward"):
        _c.batch_norm_backward(g, x, w.astype(np.float64), None, None, 1e-5)
    with pytest.raises(Unsupported, match="empty batch"):
        _c.batch_norm(np.zeros((0, 4, 5), np.float32), w, b, None, None, True, 1e-5)
    # the running statistics are cast to the input's dtype, as the reference does
    got = _c.batch_norm(x, w, b, rm.astype(np.float64), rv.astype(np.float64), False, 1e-5)
    want = _numpy.batch_norm(x, w, b, rm.astype(np.float64), rv.astype(np.float64), False, 1e-5)
    for p, q in zip(got, want):
        assert p.dtype == q.dtype
        np.testing.assert_allclose(p, q, **BN_TOL[np.float32])
    dx, dw, db = _c.batch_norm_backward(np.zeros((0, 4, 5)), np.zeros((0, 4, 5)), w.astype(np.float64), None, None,
                                        1e-5)
    assert dx.shape == (0, 4, 5) and not dw.any() and not db.any()


@needs_c
def test_batch_norm_threads_agree_with_one_thread():
    # channels are split across threads, each summed whole by one: the same bits
    x, w, b, rm, rv, g = _bn_case((16, 7, 24, 24), np.float32)
    saved = K.get_num_threads()
    try:
        K.set_num_threads(1)
        one = _c.batch_norm(x, w, b, None, None, True, 1e-5) + _c.batch_norm_backward(g, x, w, None, None, 1e-5)
        K.set_num_threads(2)
        two = _c.batch_norm(x, w, b, None, None, True, 1e-5) + _c.batch_norm_backward(g, x, w, None, None, 1e-5)
    finally:
        K.set_num_threads(saved)
    for p, q in zip(one, two):
        np.testing.assert_array_equal(p, q)

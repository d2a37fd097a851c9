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


# ---- batch norm (issue 13): C against the NumPy reference ----------------------------------------

def _bn_case(shape, dtype, seed=0, scale=3.0, offset=1.0):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = (rng.standard_normal(shape) * scale + offset).astype(dtype)
    w, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    rm, rv = rng.standard_normal(c).astype(dtype), rng.uniform(0.5, 2.0, c).astype(dtype)
    return x, w, b, rm, rv, rng.standard_normal(shape).astype(dtype)


def _bn_compare(x, w, b, rm, rv, g, train, dtype, eps=1e-5, tol=None):
    tol = tol or TOL[dtype]
    stats = (None, None) if train else (rm, rv)
    got, want = _c.batch_norm(x, w, b, rm, rv, train, eps), _numpy.batch_norm(x, w, b, rm, rv, train, eps)
    for name, p, q in zip(("out", "mean", "var"), got, want):
        assert p.dtype == q.dtype == dtype and p.shape == q.shape, name
        np.testing.assert_allclose(p, q, err_msg=name, **tol)
    got, want = _c.batch_norm_backward(g, x, w, *stats, eps), _numpy.batch_norm_backward(g, x, w, *stats, eps)
    for name, p, q in zip(("dx", "dweight", "dbias"), got, want):
        assert (p is None) == (q is None), name
        if p is not None:
            assert p.dtype == q.dtype == dtype and p.shape == q.shape, name
            # the gradient sums run over N * spatial elements: float32's reference sums in float32
            np.testing.assert_allclose(p, q, err_msg=name, **({k: v * 10 for k, v in tol.items()}))


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4, 3), (7, 1), (1, 5, 3), (5, 1, 7), (3, 2, 40), (2, 3, 5, 6), (1, 1, 33, 33),
                                   (3, 70, 1), (2, 3, 2, 3, 4), (4, 600), (9, 2, 31), (2, 5, 17, 19)])
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_batch_norm_c_matches_numpy(shape, dtype, train, affine):
    # odd sizes, C = 1, N = 1, (N, C) and 1-D to 3-D spatial; both code paths of the kernel (runs
    # of fewer than 32 elements a tile of channels at a time, wider ones a channel at a time)
    x, w, b, rm, rv, g = _bn_case(shape, dtype)
    w = None if affine == "none" else w
    b = b if affine == "both" else None
    _bn_compare(x, w, b, rm, rv, g, train, dtype)


@needs_c
@pytest.mark.parametrize("eps", [0.0, 1e-3, 0.5])
def test_batch_norm_c_eps(eps):
    x, w, b, rm, rv, g = _bn_case((4, 3, 9), np.float64, seed=1, scale=0.05)
    _bn_compare(x, w, b, rm, rv, g, True, np.float64, eps=eps)
    _bn_compare(x, w, b, rm, rv, g, False, np.float64, eps=eps)


@needs_c
@pytest.mark.parametrize("shape", [(64, 3, 10), (16, 4, 40, 40)])
def test_batch_norm_c_large_values_float32(shape):
    # A large offset over a small spread: C's statistics (double accumulators, two passes) stay
    # accurate in float32; compared with the reference computed in float64 from the same input.
    x, w, b, _, _, g = _bn_case(shape, np.float32, seed=2, scale=10.0, offset=1e5)
    x64, w64, b64, g64 = (a.astype(np.float64) for a in (x, w, b, g))
    out, mean, var = _c.batch_norm(x, w, b, None, None, True, 1e-5)
    want = _numpy.batch_norm(x64, w64, b64, None, None, True, 1e-5)
    np.testing.assert_allclose(mean, want[1], rtol=1e-7)
    np.testing.assert_allclose(var, want[2], rtol=1e-5)
    np.testing.assert_allclose(out, want[0], rtol=1e-4, atol=1e-4)
    for got, ref in zip(_c.batch_norm_backward(g, x, w, None, None, 1e-5),
                        _numpy.batch_norm_backward(g64, x64, w64, None, None, 1e-5)):
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


@needs_c
def test_batch_norm_c_noncontiguous_input():
    x, w, b, rm, rv, g = _bn_case((4, 6, 5, 7), np.float64)
    _bn_compare(x.transpose(0, 3, 1, 2).copy().transpose(0, 2, 3, 1), w, b, rm, rv, g, True, np.float64)
    _bn_compare(x[:, ::2], w[::2], b[::2], rm[::2], rv[::2], g[:, ::2], True, np.float64)
    _bn_compare(x[:, :, ::2], w, b, rm, rv, g[:, :, ::2], False, np.float64)


@needs_c
def test_batch_norm_threads_agree_with_one_thread():
    # each channel is reduced by one thread in one order: results are bitwise the same
    for shape in [(8, 64, 20, 20), (500, 300)]:
        x, w, b, rm, rv, g = _bn_case(shape, np.float32)
        saved = K.get_num_threads()
        try:
            K.set_num_threads(1)
            one = _c.batch_norm(x, w, b, None, None, True, 1e-5), _c.batch_norm_backward(g, x, w, None, None, 1e-5)
            K.set_num_threads(2)
            two = _c.batch_norm(x, w, b, None, None, True, 1e-5), _c.batch_norm_backward(g, x, w, None, None, 1e-5)
        finally:
            K.set_num_threads(saved)
        for p, q in zip(one[0] + one[1], two[0] + two[1]):
            np.testing.assert_array_equal(p, q)


@needs_c
@pytest.mark.parametrize("backend", ["c", "numpy"])
def test_batch_norm_wrong_arguments_raise_before_c(backend):
    # Every operand fed wrong: a clear RuntimeError from both backends (the same check), never a
    # read past a buffer.
    mod = _c if backend == "c" else _numpy
    x, w, b, rm, rv, g = _bn_case((2, 3, 4), np.float32)
    bad = [((x, w[:2], b, None, None, True), "weight should contain 3 elements"),
           ((x, w, np.zeros(4, np.float32), None, None, True), "bias should contain 3 elements"),
           ((x, w, b, rm[:2], rv, False), "running_mean should contain 3 elements"),
           ((x, w, b, rm, np.ones(5, np.float32), False), "running_var should contain 3 elements"),
           ((x, w, b, None, None, False), "running_mean and running_var are required"),
           ((x.astype(np.int64), w, b, None, None, True), "floating-point input, got int64"),
           ((x[0, 0], w, b, None, None, True), r"shape \(N, C, \*\)")]
    for args, msg in bad:
        with pytest.raises(RuntimeError, match=msg):
            mod.batch_norm(*args, 1e-5)
    with pytest.raises(RuntimeError, match="weight should contain 3 elements"):
        mod.batch_norm_backward(g, x, w[:1], None, None, 1e-5)
    with pytest.raises(RuntimeError, match="running_var should contain 3 elements"):
        mod.batch_norm_backward(g, x, w, rm, rv[:2], 1e-5)
    with pytest.raises(RuntimeError, match=r"grad has shape \(2, 3, 3\)"):
        mod.batch_norm_backward(g[..., :3], x, w, None, None, 1e-5)
    with pytest.raises(TypeError, match="weight must be a numpy.ndarray"):
        mod.batch_norm(x, list(w), b, None, None, True, 1e-5)


@needs_c
@pytest.mark.filterwarnings("ignore:Mean of empty slice")
def test_batch_norm_c_hands_mixed_dtypes_and_empty_input_to_numpy():
    x, w, b, rm, rv, g = _bn_case((3, 4, 5), np.float32)
    w64 = w.astype(np.float64)
    with pytest.raises(Unsupported, match="batch_norm"):
        _c.batch_norm(x, w64, b, None, None, True, 1e-5)
    with pytest.raises(Unsupported, match="batch_norm_backward"):
        _c.batch_norm_backward(g, x, w64, None, None, 1e-5)
    with K.use_backend("c"):
        out = K.batch_norm(x, w64, b, None, None, True, 1e-5)
        grads = K.batch_norm_backward(g, x, w64, None, None, 1e-5)
        empty = K.batch_norm(np.zeros((0, 4, 5), np.float32), w, b, None, None, True, 1e-5)
    for got, want in zip(out + grads, _numpy.batch_norm(x, w64, b, None, None, True, 1e-5)
                         + _numpy.batch_norm_backward(g, x, w64, None, None, 1e-5)):
        np.testing.assert_array_equal(got, want)
    assert empty[0].shape == (0, 4, 5) and np.isnan(empty[1]).all()
    # running statistics of another dtype are cast, as the reference casts them
    got = _c.batch_norm(x, w, b, rm.astype(np.float64), rv.astype(np.float64), False, 1e-5)
    np.testing.assert_allclose(got[0], _numpy.batch_norm(x, w, b, rm, rv, False, 1e-5)[0], rtol=1e-5, atol=1e-5)


@needs_c
def test_batch_norm_c_float32_outlier_first_and_constant_channel():
    # float32 takes its statistics in one pass shifted by each channel's first element: an
    # outlier there (the worst case of the shift) keeps float32 accuracy, a constant channel
    # has variance exactly 0 (never a negative one from the cancellation)
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((64, 3, 40)) + 1e6).astype(np.float32)
    x[0, 0, 0], x[:, 2] = 1e7, 7.0
    g = rng.standard_normal(x.shape).astype(np.float32)
    out, mean, var = _c.batch_norm(x, None, None, None, None, True, 1e-5)
    want = _numpy.batch_norm(x.astype(np.float64), None, None, None, None, True, 1e-5)
    np.testing.assert_allclose(mean, want[1], rtol=1e-7)
    np.testing.assert_allclose(var, want[2], rtol=1e-6)
    assert var[2] == 0.0 and mean[2] == 7.0
    np.testing.assert_allclose(out, want[0], rtol=1e-5, atol=1e-5)
    for got, ref in zip(_c.batch_norm_backward(g, x, None, None, None, 1e-5),
                        _numpy.batch_norm_backward(g.astype(np.float64), x.astype(np.float64), None, None, None,
                                                   1e-5)):
        if ref is not None:
            np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())


@needs_c
@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 40)])
def test_batch_norm_c_special_values_follow_the_reference(shape):
    # With the running statistics dx = grad * weight * rstd does not involve x: an infinite x
    # leaves it finite (as the reference); an infinite weight times a zero centered gradient is
    # NaN, else inf, as the reference (PyTorch's order: the weight applied last)
    x, w, b, rm, rv, g = _bn_case(shape, np.float32)
    x[0, 0, 0] = np.inf
    for got, want in zip(_c.batch_norm_backward(g, x, w, rm, rv, 1e-5),
                         _numpy.batch_norm_backward(g, x, w, rm, rv, 1e-5)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    x, g, w = np.zeros(shape, np.float32), np.ones(shape, np.float32), np.full(shape[1], np.inf, np.float32)
    g[:, 0] = np.arange(g[:, 0].size).reshape(g[:, 0].shape)
    got, want = _c.batch_norm_backward(g, x, w, None, None, 1e-5)[0], _numpy.batch_norm_backward(g, x, w, None, None,
                                                                                                  1e-5)[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isinf(want)], want[np.isinf(want)])

"""The convolution kernels: C against the NumPy reference (layouts, groups, strides, both
dtypes, threaded and not), and the C wrappers' checks (a bad shape is a RuntimeError naming
the shapes, never a pointer handed to C)."""
import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels._numpy import conv as ref

c = pytest.importorskip("pyautograd.kernels._c.conv") if K.c_available() else None
pytestmark = pytest.mark.skipif(c is None, reason="C kernels not built (test_build.py reports this)")

CASES = [  # (input shape, weight shape, stride, padding, dilation, groups)
    ((2, 4, 9), (6, 2, 3), (2,), (1,), (1,), 2),
    ((3, 3, 7, 6), (4, 3, 3, 2), (1, 2), (2, 0), (1, 2), 1),
    ((2, 6, 5, 5), (6, 1, 3, 3), (1, 1), (1, 1), (1, 1), 6),        # depthwise
    ((2, 8, 5, 4), (4, 8, 1, 1), (1, 1), (0, 0), (1, 1), 1),        # 1x1: no im2col
    ((2, 2, 4, 5, 3), (3, 2, 2, 3, 2), (1, 2, 1), (1, 0, 1), (2, 1, 1), 1),
    ((9, 3, 12, 12), (8, 3, 3, 3), (1, 1), (1, 1), (1, 1), 1),      # enough work for the batch team
    # stride 1, float32: the window kernels on AVX-512 (rows of 16, 32 and 44 lanes, dilation,
    # groups, 3-D, padding larger than the kernel's reach, 1-D); a 17-wide row (declined, im2col)
    ((3, 16, 32, 32), (16, 16, 3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((2, 12, 7, 38), (20, 12, 3, 5), (1, 1), (2, 1), (1, 2), 1),
    ((2, 8, 4, 6, 16), (12, 8, 3, 2, 3), (1, 1, 1), (1, 1, 1), (1, 1, 1), 1),
    ((2, 16, 9, 16), (16, 8, 3, 3), (1, 1), (1, 1), (1, 1), 2),
    ((2, 8, 4, 6, 17), (12, 8, 3, 2, 3), (1, 1, 1), (1, 1, 1), (1, 1, 1), 1),
    ((2, 8, 5, 18), (9, 8, 2, 3), (1, 1), (3, 0), (1, 1), 1),
    ((2, 6, 48), (8, 6, 5), (1,), (2,), (2,), 1),
]


def _layouts(x):
    yield "contiguous", x
    yield "channels-last view", np.moveaxis(np.ascontiguousarray(np.moveaxis(x, 1, -1)), -1, 1)
    yield "every other element", np.repeat(x, 2, axis=-1)[..., ::2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c[0]))
@pytest.mark.parametrize("threads", [1, 2])
def test_c_matches_reference(case, dtype, threads, rng):
    xs, ws, stride, padding, dilation, groups = case
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal(ws).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    before = K.get_num_threads()
    K.set_num_threads(threads)
    try:
        for name, xv in _layouts(x):
            want = ref.conv_forward(xv, w, stride, padding, dilation, groups)
            got = c.conv_forward(xv, w, stride, padding, dilation, groups)
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=f"forward, {name}")
            g = rng.standard_normal(want.shape).astype(dtype)
            np.testing.assert_allclose(c.conv_backward_weight(xv, g, ws, stride, padding, dilation, groups),
                                       ref.conv_backward_weight(xv, g, ws, stride, padding, dilation, groups),
                                       rtol=tol, atol=tol * 10, err_msg=f"grad weight, {name}")
        np.testing.assert_allclose(c.conv_backward_input(g, w, xs[2:], stride, padding, dilation, groups),
                                   ref.conv_backward_input(g, w, xs[2:], stride, padding, dilation, groups),
                                   rtol=tol, atol=tol)
    finally:
        K.set_num_threads(before)


def test_grad_input_smaller_grad(rng):
    """A transposed convolution's output_padding leaves input positions no grad reaches: zeros."""
    g = rng.standard_normal((1, 2, 3, 3))
    w = rng.standard_normal((2, 1, 2, 2))
    got = c.conv_backward_input(g, w, (5, 5), (1, 1), (0, 0), (2, 2), 1)
    np.testing.assert_allclose(got, ref.conv_backward_input(g, w, (5, 5), (1, 1), (0, 0), (2, 2), 1), atol=1e-12)


@pytest.mark.parametrize("call, words", [
    (lambda: c.conv_forward(np.zeros((1, 3, 2, 2)), np.zeros((4, 3, 3, 3)), (1, 1), (0, 0), (1, 1), 1),
     ["kernel", "(2, 2)"]),
    (lambda: c.conv_forward(np.zeros((1, 4, 5, 5)), np.zeros((3, 2, 3, 3)), (1, 1), (0, 0), (1, 1), 2),
     ["groups=2", "(3, 2, 3, 3)"]),
    (lambda: c.conv_forward(np.zeros((1, 4, 5, 5)), np.zeros((4, 3, 3, 3)), (1, 1), (0, 0), (1, 1), 1),
     ["(1, 4, 5, 5)", "(4, 3, 3, 3)"]),
    (lambda: c.conv_forward(np.zeros((1, 3, 5, 5)), np.zeros((4, 3, 3, 3)), (1,), (0, 0), (1, 1), 1), ["stride"]),
    (lambda: c.conv_forward(np.zeros((1, 3, 5, 5)), np.zeros((4, 3, 3, 3)), (0, 1), (0, 0), (1, 1), 1), ["stride"]),
    (lambda: c.conv_forward(np.zeros((1, 3, 5)), np.zeros((4, 3, 3, 3)), (1, 1), (0, 0), (1, 1), 1), ["(1, 3, 5)"]),
    (lambda: c.conv_backward_input(np.zeros((1, 4, 9, 9)), np.zeros((4, 3, 3, 3)), (5, 5), (1, 1), (0, 0), (1, 1), 1),
     ["(1, 4, 9, 9)"]),
    (lambda: c.conv_backward_weight(np.zeros((1, 3, 5, 5)), np.zeros((1, 4, 2, 2)), (4, 3, 3, 3), (1, 1), (0, 0),
                                    (1, 1), 1), ["(1, 4, 2, 2)", "(1, 4, 3, 3)"]),
])
def test_wrapper_rejects_bad_shapes(call, words):
    with pytest.raises(RuntimeError) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_mixed_dtypes_and_empty_go_to_reference():
    """The wrapper declines (Unsupported) what C does not take; the dispatcher then runs the reference."""
    from pyautograd.kernels.checks import Unsupported
    x, w = np.ones((1, 2, 4), np.float32), np.ones((3, 2, 2), np.float64)
    with pytest.raises(Unsupported):
        c.conv_forward(x, w, (1,), (0,), (1,), 1)
    with K.use_backend("c"):
        np.testing.assert_array_equal(K.conv_forward(x, w, (1,), (0,), (1,), 1),
                                      ref.conv_forward(x, w, (1,), (0,), (1,), 1))
        empty = np.zeros((0, 2, 4), np.float32)
        assert K.conv_forward(empty, w.astype(np.float32), (1,), (0,), (1,), 1).shape == (0, 3, 3)


# -- pooling ------------------------------------------------------------------------------------

from pyautograd.kernels._numpy import pooling as pref  # noqa: E402

cpool = pytest.importorskip("pyautograd.kernels._c.pooling") if K.c_available() else None

POOL_CASES = [  # (shape, kernel, stride, padding, dilation, ceil_mode)
    ((2, 3, 7, 6), (2, 2), (2, 2), (0, 0), (1, 1), False),
    ((2, 3, 7, 6), (3, 2), (2, 1), (1, 1), (1, 2), True),
    ((3, 9, 8), (3, 3), (2, 2), (1, 0), (1, 1), True),      # unbatched
    ((4, 16, 12, 12), (2, 2), (2, 2), (0, 0), (1, 1), False),  # enough planes to thread
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: str(c[0]) + str(c[1]))
def test_pool_c_matches_reference(case, dtype, rng):
    shape, kernel, stride, padding, dilation, ceil_mode = case
    x = rng.standard_normal(shape).astype(dtype)
    x = np.repeat(x, 2, axis=-1)[..., ::2]  # a strided input
    v, i = cpool.max_pool(x, kernel, stride, padding, dilation, ceil_mode)
    rv, ri = pref.max_pool(x, kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(v, rv)
    np.testing.assert_array_equal(i, ri)
    g = rng.standard_normal(v.shape).astype(dtype)
    np.testing.assert_allclose(cpool.max_pool_backward(g, i, shape[-2:]), pref.max_pool_backward(g, i, shape[-2:]),
                               rtol=1e-6)
    for cip, div in [(True, None), (False, None), (True, 3)]:
        a = cpool.avg_pool(x, kernel, stride, padding, ceil_mode, cip, div)
        g = rng.standard_normal(a.shape).astype(dtype)
        np.testing.assert_allclose(a, pref.avg_pool(x, kernel, stride, padding, ceil_mode, cip, div), rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(cpool.avg_pool_backward(g, shape[-2:], kernel, stride, padding, ceil_mode, cip, div),
                                   pref.avg_pool_backward(g, shape[-2:], kernel, stride, padding, ceil_mode, cip, div),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, stride", [((2, 2), (2, 2)), ((2, 2), (1, 1)), ((3, 2), (2, 1))])
def test_max_pool_ties_infinities_zeros_and_nans_inside_the_plane(kernel, stride, dtype, rng):
    # windows wholly inside the plane take the unrolled path: the same first maximum, first NaN
    values = np.array([-np.inf, -1.0, -0.0, 0.0, 1.0, np.inf, np.nan], dtype)
    x = rng.choice(values[:-1], size=(3, 4, 8, 9))
    x[0] = rng.choice(values, size=(4, 8, 9))  # NaNs in the first image only
    v, i = cpool.max_pool(x, kernel, stride, (0, 0), (1, 1), False)
    rv, ri = pref.max_pool(x, kernel, stride, (0, 0), (1, 1), False)
    np.testing.assert_array_equal(i, ri)
    np.testing.assert_array_equal(v, rv)
    assert np.array_equal(np.signbit(v), np.signbit(rv))


def test_max_pool_nan_wins_and_bad_indices_rejected():
    x = np.array([[[1.0, np.nan], [3.0, 2.0]]])
    v, i = cpool.max_pool(x, (2, 2), (2, 2), (0, 0), (1, 1), False)
    assert np.isnan(v).all() and i.ravel().tolist() == [1]
    with pytest.raises(RuntimeError, match="outside the input plane"):
        cpool.max_pool_backward(np.ones((1, 1, 1)), np.array([[[4]]]), (2, 2))
    with pytest.raises(RuntimeError, match="one shape"):
        cpool.max_pool_backward(np.ones((1, 1, 2)), np.array([[[0]]]), (2, 2))
    with pytest.raises(RuntimeError, match="should end in"):
        cpool.avg_pool_backward(np.ones((1, 3, 3)), (2, 2), (2, 2), (2, 2), (0, 0), False, True, None)


def _window_case(rng, xs=(3, 16, 12, 16), ws=(16, 16, 3, 3)):
    return rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)


def test_window_path_same_bits_any_thread_count(rng):
    """Each output element is summed by one thread in one order: threads change no bit."""
    x, w = _window_case(rng)
    g = rng.standard_normal((3, 16, 12, 16)).astype(np.float32)
    before = K.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            K.set_num_threads(threads)
            results.append((c.conv_forward(x, w, (1, 1), (1, 1), (1, 1), 1),
                            c.conv_backward_input(g, w, (12, 16), (1, 1), (1, 1), (1, 1), 1),
                            c.conv_backward_weight(x, g, w.shape, (1, 1), (1, 1), (1, 1), 1)))
    finally:
        K.set_num_threads(before)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_window_path_inf_stays_where_the_reference_puts_it(rng):
    """An inf in the input reaches only the outputs whose windows hold it (padding lanes are
    never multiplied into a sum)."""
    x, w = _window_case(rng)
    x[1, 3, 5, 15] = np.inf
    x[2, 0, 0, 0] = -np.inf
    g = rng.standard_normal((3, 16, 12, 16)).astype(np.float32)
    for got, want in ((c.conv_forward(x, w, (1, 1), (1, 1), (1, 1), 1),
                       ref.conv_forward(x, w, (1, 1), (1, 1), (1, 1), 1)),
                      (c.conv_backward_weight(x, g, w.shape, (1, 1), (1, 1), (1, 1), 1),
                       ref.conv_backward_weight(x, g, w.shape, (1, 1), (1, 1), (1, 1), 1))):
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        finite = np.isfinite(want)
        np.testing.assert_allclose(got[finite], want[finite], rtol=1e-4, atol=1e-3)

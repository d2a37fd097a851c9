"""GEMM kernels (gemm, matmul, linear): C against the NumPy reference.

Shapes are drawn by Hypothesis around the micro-kernel's tile (6 x 16 for
float32, 6 x 32 with the AVX-512 kernel, 6 x 8 for float64) and the cache blocks (K slices of 256, row blocks
of 144/72), including empty dimensions and K = 0; operands come in every
layout (row-major, transposed views, step slices and negative strides, which
the wrapper copies, broadcast batch dims).

Tolerances: the C kernel sums the K products in another order than OpenBLAS
(blocked, with FMA), so elements differ by rounding. Both are within the
classic bound |error| <= K * eps * (|A| @ |B|); in practice the difference
grows like sqrt(K). We therefore compare |C - ref| elementwise against
rtol * sqrt(K) * (|alpha| |A| @ |B| + |beta c|), with rtol = 1e-4 for float32
and 1e-10 for float64: loose against rounding (~1e3 ulps), tight against a
real bug (a lost or doubled product changes an element by ~1/K of that scale).
"""
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pyautograd.kernels as K

from .layouts import dtypes, in_layout, values

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")

if K.c_available():
    from pyautograd.kernels import _c, _numpy
    from pyautograd.kernels._c import linalg as c_linalg

RTOL = {np.float32: 1e-4, np.float64: 1e-10}
# Extents around the tiles (6, 8, 16, 32), the row blocks (72, 144) and the K slice (256).
DIMS = st.sampled_from([0, 1, 2, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 65])
BIG_DIMS = st.sampled_from([1, 7, 17, 71, 73, 145, 150])
K_DIMS = st.sampled_from([0, 1, 3, 8, 17, 64, 255, 257, 300])
MATRIX_LAYOUTS = st.sampled_from(["contiguous", "transposed", "swapped", "step", "reversed"])
ACTIVATIONS = [None, "relu", "gelu", "gelu_tanh"]


def arrange(values_, layout):
    """values_ in `layout`; 'swapped' makes each matrix column-major but keeps batch dims outer."""
    if layout == "swapped" and values_.ndim >= 2:
        return np.ascontiguousarray(values_.swapaxes(-1, -2)).swapaxes(-1, -2)
    return in_layout(values_, "contiguous" if layout == "swapped" else layout)


def assert_gemm_close(got, want, scale, k, dtype):
    """|got - want| <= rtol * sqrt(K) * scale elementwise (see the module docstring)."""
    assert got.dtype == want.dtype == np.dtype(dtype)
    assert got.shape == want.shape
    bound = RTOL[dtype] * np.sqrt(max(k, 1)) * scale + np.finfo(dtype).tiny
    err = np.abs(got.astype(np.float64) - want.astype(np.float64))
    worst = np.unravel_index(np.argmax(err - bound), err.shape) if err.size else None
    assert np.all(err <= bound), f"at {worst}: got {got[worst]}, want {want[worst]}, bound {bound[worst]}"


def abs_product(a, b):
    return np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))


def draw(data, shape, dtype, layout):
    return arrange(data.draw(values(shape, dtype)), layout)


# ---- gemm -------------------------------------------------------------------------

C_KINDS = ["none", "full", "row", "column", "scalar", "strided"]


def make_c(kind, rng, m, n, dtype):
    if kind == "none":
        return None
    shape = {"full": (m, n), "row": (n,), "column": (m, 1), "scalar": (), "strided": (n, m)}[kind]
    c = rng.standard_normal(shape).astype(dtype)
    return c.T if kind == "strided" else c


@settings(max_examples=120, deadline=None)
@given(data=st.data(), dtype=dtypes, m=DIMS, n=DIMS, k=K_DIMS, la=MATRIX_LAYOUTS, lb=MATRIX_LAYOUTS,
       c_kind=st.sampled_from(C_KINDS), alpha=st.sampled_from([1.0, -0.5, 2.0]),
       beta=st.sampled_from([0.0, 1.0, -1.5]))
def test_gemm_matches_reference(data, dtype, m, n, k, la, lb, c_kind, alpha, beta):
    a, b = draw(data, (m, k), dtype, la), draw(data, (k, n), dtype, lb)
    c = make_c(c_kind, np.random.default_rng(m * 1000 + n), m, n, dtype)
    got = _c.gemm(a, b, c=c, alpha=alpha, beta=beta)
    want = _numpy.gemm(a, b, c=c, alpha=alpha, beta=beta)
    scale = abs(alpha) * abs_product(a, b) + (abs(beta) * np.abs(c) if c is not None else 0)
    assert_gemm_close(got, want, scale, k, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_large_threaded_blocks_and_in_place(dtype, rng):
    # Rows past a row block, K past two slices, N past the column panel for
    # float64 (2048), on the thread team; then C updated in place (c is out).
    k_set = K.get_num_threads()
    K.set_num_threads(2)
    try:
        a = rng.standard_normal((150, 600)).astype(dtype)
        b = np.asfortranarray(rng.standard_normal((600, 2100)).astype(dtype))
        c = rng.standard_normal((150, 2100)).astype(dtype)
        want = _numpy.gemm(a, b, c=c, alpha=0.5, beta=2.0)
        scale = 0.5 * abs_product(a, b) + 2 * np.abs(c)
        assert_gemm_close(_c.gemm(a, b, c=c, alpha=0.5, beta=2.0), want, scale, 600, dtype)
        assert _c.gemm(a, b, c=c, alpha=0.5, beta=2.0, out=c) is c
        assert_gemm_close(c, want, scale, 600, dtype)
    finally:
        K.set_num_threads(k_set)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("threads", [1, 2])
def test_gemm_adds_in_place_when_c_is_out_with_beta_one(dtype, threads, rng):
    # c is out and beta is 1: the tiles add each K slice to out (no first-slice store);
    # shapes with edge tiles, several K slices, K = 0, one row and one column (gemv)
    k_set = K.get_num_threads()
    K.set_num_threads(threads)
    try:
        for m, n, k in [(7, 33, 300), (64, 576, 1024), (150, 70, 17), (13, 47, 0), (1, 50, 20), (50, 1, 20)]:
            for alpha in (1.0, -0.5):
                a = rng.standard_normal((m, k)).astype(dtype)
                b = np.asfortranarray(rng.standard_normal((k, n)).astype(dtype))
                c = rng.standard_normal((m, n)).astype(dtype)
                want = _numpy.gemm(a, b, c=c, alpha=alpha, beta=1.0)
                scale = abs(alpha) * abs_product(a, b) + np.abs(c)
                assert _c.gemm(a, b, c=c, alpha=alpha, beta=1.0, out=c) is c
                assert_gemm_close(c, want, scale, k, dtype)
    finally:
        K.set_num_threads(k_set)


_PORTABLE_GEMM_CHECK = """
import numpy as np
from pyautograd.kernels import _c, _numpy
rng = np.random.default_rng(5)
worst = 0.0
for m, n, k in [(6, 32, 9), (7, 33, 300), (64, 1024, 576), (13, 17, 5), (150, 48, 257), (5, 31, 64)]:
    for tb in (False, True):
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        b = np.asfortranarray(b) if tb else b
        c = rng.standard_normal((m, n)).astype(np.float32)
        got = _c.gemm(a, b, c=c, alpha=0.5, beta=-1.0)
        want = _numpy.gemm(a.astype(np.float64), b.astype(np.float64), c=c.astype(np.float64), alpha=0.5, beta=-1.0)
        scale = 0.5 * np.abs(a).astype(np.float64) @ np.abs(b) + np.abs(c)
        worst = max(worst, float(np.max(np.abs(got - want) / (scale * np.sqrt(k) + 1e-30))))
print(worst)
"""


def test_gemm_portable_kernel_when_avx512_is_turned_off():
    # PYAUTOGRAD_GEMM_AVX512=0 keeps float32 on the 6 x 16 tiles even on an AVX-512 CPU:
    # that path (the only one elsewhere) must stay right where the AVX-512 one is taken
    for setting in ("0", "1"):
        env = dict(os.environ, PYAUTOGRAD_GEMM_AVX512=setting)
        done = subprocess.run([sys.executable, "-c", _PORTABLE_GEMM_CHECK], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert float(done.stdout) <= RTOL[np.float32], (setting, done.stdout)


def test_gemm_reads_c_even_when_beta_is_zero():
    # The reference computes beta * c, so 0 * inf = nan must come out of C too.
    a, b = np.ones((2, 3), np.float32), np.ones((3, 2), np.float32)
    c = np.array([np.inf, 1.0], np.float32)
    got = _c.gemm(a, b, c=c, beta=0.0)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(_numpy.gemm(a, b, c=c, beta=0.0)))


# ---- matmul ---------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(data=st.data(), dtype=dtypes, la=MATRIX_LAYOUTS, lb=MATRIX_LAYOUTS,
       shapes=hnp.mutually_broadcastable_shapes(signature="(m?,k),(k,n?)->(m?,n?)", max_dims=4,
                                                 min_side=0, max_side=9))
def test_matmul_matches_numpy_semantics(data, dtype, la, lb, shapes):
    sa, sb = shapes.input_shapes
    a, b = draw(data, sa, dtype, la), draw(data, sb, dtype, lb)
    got, want = _c.matmul(a, b), _numpy.matmul(a, b)
    assert got.shape == np.matmul(a, b).shape
    assert_gemm_close(got, want, abs_product(a, b), sa[-1], dtype)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=dtypes, m=BIG_DIMS, n=BIG_DIMS, k=st.sampled_from([1, 40, 257]),
       batch=st.sampled_from([(1,), (2,), (3,), (2, 3)]), lb=MATRIX_LAYOUTS)
def test_matmul_batched_across_the_thread_threshold(data, dtype, m, n, k, batch, lb):
    # batch of a's against one b (folded into one GEMM) and against a broadcast
    # batch of b's (stride 0), with odd batch counts that the threads must share
    a = draw(data, batch + (m, k), dtype, "contiguous")
    b = draw(data, (k, n), dtype, lb)
    assert_gemm_close(_c.matmul(a, b), _numpy.matmul(a, b), abs_product(a, b), k, dtype)
    bb = np.broadcast_to(b, batch + (k, n))
    at = arrange(a, "swapped")
    assert_gemm_close(_c.matmul(at, bb), _numpy.matmul(at, bb), abs_product(at, bb), k, dtype)


def test_matmul_out_and_overlap(rng):
    a = rng.standard_normal((4, 5, 6))
    b = rng.standard_normal((6, 3))
    out = np.empty((4, 5, 3))
    assert _c.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, a @ b, rtol=1e-12)
    sq = rng.standard_normal((8, 8))
    want = sq @ sq
    _c.matmul(sq, sq, out=sq)  # out aliases both inputs: they are copied first
    np.testing.assert_allclose(sq, want, rtol=1e-12)


def test_transposed_operands_are_passed_without_a_copy():
    x = np.zeros((5, 7), np.float32)
    assert c_linalg._layout(x) == (0, 7)
    assert c_linalg._layout(x.T) == (1, 7)
    assert c_linalg._layout(np.zeros((3, 5, 7)).swapaxes(-1, -2)) == (1, 7)
    assert c_linalg._layout(np.broadcast_to(np.zeros(7), (5, 7))) == (0, 0)
    assert c_linalg._layout(x[:, ::2]) is None
    assert c_linalg._layout(x[::-1]) is None


# ---- linear ---------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(data=st.data(), dtype=dtypes, lead=st.sampled_from([(), (1,), (7,), (3, 5), (2, 0)]),
       m=DIMS, k=K_DIMS, lx=MATRIX_LAYOUTS, lw=MATRIX_LAYOUTS, with_bias=st.booleans(),
       activation=st.sampled_from(ACTIVATIONS))
def test_linear_matches_reference(data, dtype, lead, m, k, lx, lw, with_bias, activation):
    x = draw(data, lead + (k,), dtype, lx)
    w = draw(data, (m, k), dtype, lw)
    bias = data.draw(values((m,), dtype)) if with_bias else None
    got = _c.linear(x, w, bias, activation=activation)
    want = _numpy.linear(x, w, bias, activation=activation)
    scale = abs_product(x, w.T) + (np.abs(bias) if with_bias else 0)
    # gelu's slope is at most 1.13, relu's 1: the activation cannot double the error
    assert_gemm_close(got, want, 2 * scale, k, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_linear_layer_sized_on_threads(dtype, activation, rng):
    x = rng.standard_normal((128, 784)).astype(dtype)
    w = (rng.standard_normal((200, 784)) / 28).astype(dtype)
    bias = rng.standard_normal(200).astype(dtype)
    out = np.empty((128, 200), dtype)
    assert _c.linear(x, w, bias, activation=activation, out=out) is out
    want = _numpy.linear(x, w, bias, activation=activation)
    assert_gemm_close(out, want, 2 * (abs_product(x, w.T) + np.abs(bias)), 784, dtype)


# ---- errors and dispatch ----------------------------------------------------------

def test_bad_inputs_raise_clear_errors():
    f32 = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"a has shape \(2, 3\) and b has shape \(4, 5\)"):
        _c.matmul(f32, np.ones((4, 5), np.float32))
    with pytest.raises(ValueError, match=r"a has shape \(2, 3\) and b has shape \(2, 3\)"):
        _c.gemm(f32, f32)
    with pytest.raises(ValueError, match=r"x has shape \(2, 3\) and weight has shape \(4, 2\)"):
        _c.linear(f32, np.ones((4, 2), np.float32))
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        _c.matmul(np.ones((2, 2), np.int64), np.ones((2, 2), np.int64))
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        _c.gemm(f32, np.ones((3, 2)))
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        _c.linear(f32, np.ones((4, 3), np.float32), np.ones(4))
    with pytest.raises(ValueError, match=r"out has shape \(2, 3\)"):
        _c.matmul(f32, f32.T, out=np.empty((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"out has shape \(3, 3\)"):
        _c.gemm(f32, f32.T, out=np.empty((3, 3), np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        _c.linear(f32, f32, out=np.empty((2, 2), np.float32).T)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        _c.gemm(f32, f32.T, c=np.ones(3, np.float32))
    with pytest.raises(ValueError, match="batch dimensions"):
        _c.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 2)))
    with pytest.raises(ValueError, match="at least 1-D"):
        _c.matmul(np.ones(()), np.ones(3))
    with pytest.raises(ValueError, match="must be 2-D"):
        _c.gemm(np.ones(3), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        _c.linear(f32, np.ones((4, 3), np.float32), np.ones(3, np.float32))
    with pytest.raises(ValueError, match="activation must be one of"):
        _c.linear(f32, np.ones((4, 3), np.float32), activation="tanh")


def test_reference_raises_the_same_shape_errors():
    with pytest.raises(ValueError, match=r"a has shape \(2, 3\) and b has shape \(4, 5\)"):
        _numpy.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"out has shape \(3, 3\)"):
        _numpy.gemm(np.ones((2, 3)), np.ones((3, 2)), out=np.empty((3, 3)))


def test_c_rejects_bad_arguments_itself():
    from pyautograd._C import ffi, lib
    one = ffi.new("double[]", 4)
    assert lib.pag_linalg_gemm_f64(2, 2, 2, 1.0, ffi.NULL, 0, 2, one, 0, 2, 0.0, ffi.NULL, 0, 0,
                                   one, 1) == lib.PAG_EINVAL
    assert lib.pag_linalg_gemm_f64(2, 2, 2, 1.0, one, 2, 2, one, 0, 2, 0.0, ffi.NULL, 0, 0,
                                   one, 1) == lib.PAG_EINVAL
    assert lib.pag_linalg_gemm_f64(-1, 2, 2, 1.0, one, 0, 2, one, 0, 2, 0.0, ffi.NULL, 0, 0,
                                   one, 1) == lib.PAG_EINVAL
    shape = ffi.new("int64_t[]", [2])
    assert lib.pag_linalg_matmul_f64(shape, 99, 1, 1, 1, one, 0, 1, shape, one, 0, 1, shape,
                                     one, 1) == lib.PAG_EINVAL
    assert lib.pag_linalg_linear_f64(1, 1, 1, one, 0, 1, one, 0, 1, ffi.NULL, 7, one, 1) == lib.PAG_EINVAL
    assert lib.pag_linalg_gemm_f64(0, 0, 5, 1.0, ffi.NULL, 0, 5, ffi.NULL, 0, 0, 0.0, ffi.NULL, 0, 0,
                                   ffi.NULL, 1) == lib.PAG_OK


@pytest.mark.parametrize("name", ["gemm", "matmul", "linear"])
def test_dispatcher_runs_both_backends(backend, name, rng):
    a = rng.standard_normal((5, 4)).astype(np.float32)
    b = rng.standard_normal((4, 3)).astype(np.float32)
    fn = getattr(K, name)
    got = fn(a, b.T) if name == "linear" else fn(a, b)
    np.testing.assert_allclose(got, a @ b, rtol=1e-5, atol=1e-6)


def test_thread_policy_respects_the_users_choices():
    from pyautograd.kernels import _threads
    assert _threads.configure({}, numpy_loaded=False) == {"GOMP_SPINCOUNT": "1000", "OPENBLAS_THREAD_TIMEOUT": "20"}
    # NumPy already loaded: OpenBLAS has read its settings, setting them would only mislead
    assert _threads.configure({}, numpy_loaded=True) == {"GOMP_SPINCOUNT": "1000"}
    env = {"OMP_WAIT_POLICY": "active", "OPENBLAS_THREAD_TIMEOUT": "28"}
    assert _threads.configure(env, numpy_loaded=False) == {}
    assert env == {"OMP_WAIT_POLICY": "active", "OPENBLAS_THREAD_TIMEOUT": "28"}
    assert _threads.configure({"GOMP_SPINCOUNT": "0"}, numpy_loaded=True) == {}

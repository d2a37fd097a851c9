"""Reduce kernels: C against the NumPy reference over drawn shapes, axis subsets,
keepdim, memory layouts and both dtypes; NaN/inf and ties; cross-entropy with
every option combination, against PyTorch where it is installed; bad input
raises a clear error.

Tolerances. The C kernels accumulate sums in double for both dtypes; the
reference sums in the input dtype (NumPy's pairwise float32 sum), so the two
differ by the reference's own rounding: we allow 1e-6 (float32) / 1e-13
(float64) of the sum of |x| over the reduced slice, which is about ten ulps of
the terms' scale. max, min and argmax/argmin must match exactly. exp-based
kernels (logsumexp, softmax, cross-entropy) use C's vectorized exp (~2 ulp)
against NumPy's: rtol 1e-5 / atol 1e-6 in float32, 1e-12 in float64.
"""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pyautograd.kernels as K

from .layouts import dtypes, in_layout, layouts, shapes, values

from pyautograd.kernels._numpy import reduce as N

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")

if K.c_available():
    from pyautograd._C import ffi, lib
    from pyautograd.kernels._c import _marshal
    from pyautograd.kernels._c import reduce as C

SUM_TOL = {np.float32: 1e-6, np.float64: 1e-13}
EXP_TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}
ALL_REDUCTIONS = ("sum", "mean", "max", "min", "var", "logsumexp")


def axes_for(ndim):
    """Strategy: None, or a subset of range(ndim) in any order (possibly empty)."""
    subsets = st.sets(st.integers(0, ndim - 1)) if ndim else st.just(set())
    return st.one_of(st.none(), subsets.flatmap(lambda s: st.permutations(sorted(s))).map(tuple))


def run(name, mod, x, axes, keepdim):
    fn = getattr(mod, name)
    return fn(x, axes, 1, keepdim) if name == "var" else fn(x, axes, keepdim)


def assert_same_meta(got, ref):
    assert isinstance(got, np.ndarray) and isinstance(ref, np.ndarray)
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    assert got.shape == ref.shape, (got.shape, ref.shape)


def assert_reduction_close(name, got, ref, x, axes, keepdim):
    """got vs ref for reduction `name` of x, with the tolerance that op's rounding allows."""
    assert_same_meta(got, ref)
    dt = x.dtype.type
    if name in ("max", "min"):
        np.testing.assert_array_equal(got, ref)
        return
    if name == "logsumexp":
        np.testing.assert_allclose(got, ref, equal_nan=True, **EXP_TOL[dt])
        return
    with np.errstate(all="ignore"):
        wide = x.astype(np.float64)
        scale = np.sum(np.abs(wide), axis=axes, keepdims=keepdim)
        if name == "mean":
            scale = scale / max(1, N._count(x, axes))
        if name == "var":
            scale = np.sum(wide * wide, axis=axes, keepdims=keepdim) / max(1, N._count(x, axes))
    atol = SUM_TOL[dt] * (10 if name == "var" else 1) * scale
    diff = np.abs(got.astype(np.float64) - ref.astype(np.float64))
    same_nan = np.isnan(got) == np.isnan(ref)
    assert same_nan.all(), (got, ref)
    ok = np.isnan(ref) | (diff <= atol + SUM_TOL[dt] * np.abs(ref))
    assert ok.all(), (name, axes, keepdim, got, ref)


# ---- axis reductions --------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_REDUCTIONS)
@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=dtypes, layout=layouts, shape=shapes, keepdim=st.booleans())
def test_reductions_match_reference(name, data, dtype, layout, shape, keepdim):
    x = in_layout(data.draw(values(shape, dtype)), layout)
    axes = data.draw(axes_for(x.ndim))
    try:
        ref = run(name, N, x, axes, keepdim)
    except ValueError as err:  # max/min of an empty slice
        assert name in ("max", "min") and name in str(err)
        with pytest.raises(ValueError, match=f"{name}: cannot reduce an empty slice"):
            run(name, C, x, axes, keepdim)
        return
    assert_reduction_close(name, run(name, C, x, axes, keepdim), ref, x, axes, keepdim)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=dtypes, layout=layouts, shape=shapes, keepdim=st.booleans())
def test_arg_reductions_match_reference_with_ties_and_nan(name, data, dtype, layout, shape, keepdim):
    # few distinct values, so ties are the rule; sometimes a NaN or two
    pool = [-1.0, 0.0, 2.0, np.inf, -np.inf] + ([np.nan] if data.draw(st.booleans()) else [])
    x = in_layout(data.draw(hnp.arrays(dtype, shape, elements=st.sampled_from(pool))), layout)
    axis = data.draw(st.none() | st.integers(0, x.ndim - 1)) if x.ndim else None
    try:
        ref = getattr(N, name)(x, axis, keepdim)
    except ValueError:
        with pytest.raises(ValueError, match=f"{name}: cannot reduce an empty slice"):
            getattr(C, name)(x, axis, keepdim)
        return
    got = getattr(C, name)(x, axis, keepdim)
    assert_same_meta(got, ref)
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL_REDUCTIONS + ("argmax", "argmin"))
def test_large_arrays_cross_the_thread_threshold(name, dtype, rng):
    # (600, 500) runs on the OpenMP team by output blocks; a long 1-d array
    # and the all-axes reduce split the reduced range between threads.
    big = rng.standard_normal((600, 500)).astype(dtype)
    for x in (big, big.T, big[::-1, ::2], rng.standard_normal(300_001).astype(dtype)):
        for axes in [None] + [(d,) for d in range(x.ndim)]:
            if name in ("argmax", "argmin"):
                axis = None if axes is None else axes[0]
                np.testing.assert_array_equal(getattr(C, name)(x, axis), getattr(N, name)(x, axis))
            else:
                assert_reduction_close(name, run(name, C, x, axes, False), run(name, N, x, axes, False),
                                       x, axes, False)


def test_argmax_keeps_the_first_tie_across_thread_chunks():
    x = np.zeros(400_000, np.float32)
    x[[7, 250_000, 399_999]] = 5.0  # one in each thread's chunk
    previous = _marshal.threads[0]
    try:
        for threads in (1, 2, 3):
            _marshal.threads[0] = threads
            assert C.argmax(x) == 7
            assert C.argmin(-x) == 7
            y = np.zeros((300_000, 3), np.float64)
            y[[11, 290_000], 1] = 1.0
            np.testing.assert_array_equal(C.argmax(y, 0), [0, 11, 0])
    finally:
        _marshal.threads[0] = previous


def test_float32_sums_accumulate_in_double():
    rng = np.random.default_rng(7)
    x = rng.random(1_000_000).astype(np.float32)
    exact = math.fsum(x.astype(np.float64))
    assert abs(float(C.sum(x)) - exact) <= 1e-7 * exact
    assert abs(float(C.mean(x)) - exact / x.size) <= 1e-7 * exact / x.size
    col = rng.random((4096, 64)).astype(np.float32)  # column sum: outer mode, 4-row blocks
    exact_cols = np.array([math.fsum(c) for c in col.T.astype(np.float64)])
    np.testing.assert_allclose(C.sum(col, (0,)), exact_cols, rtol=2e-7)


def test_nan_and_inf_follow_numpy_and_pytorch():
    nan, inf = np.nan, np.inf
    rows = [[1.0, nan, 3.0, nan], [-inf, -inf], [inf, 1.0, inf], [inf, -inf], [nan], [2.0, 2.0], [0.0, -0.0]]
    for dtype in (np.float32, np.float64):
        for row in rows:
            x = np.array(row, dtype)
            for name in ALL_REDUCTIONS:
                ref = run(name, N, x, None, False)
                got = run(name, C, x, None, False)
                assert_same_meta(got, ref)
                np.testing.assert_array_equal(got, ref, err_msg=f"{name}{row}")
            for name in ("argmax", "argmin", "softmax", "log_softmax"):
                ref = getattr(N, name)(x, 0)
                np.testing.assert_array_equal(getattr(C, name)(x, 0), ref, err_msg=f"{name}{row}")
        lse = C.logsumexp(np.array([[-inf, -inf], [inf, 0.0], [nan, 0.0]], dtype), (1,))
        np.testing.assert_array_equal(lse, np.array([-inf, inf, nan], dtype))
        assert C.argmax(np.array([0.0, nan, 5.0, nan], dtype)) == 1
        assert C.argmin(np.array([0.0, -inf, nan], dtype)) == 2


def test_empty_slices():
    for dtype in (np.float32, np.float64):
        e = np.zeros((3, 0), dtype)
        np.testing.assert_array_equal(C.sum(e, (1,)), np.zeros(3, dtype))
        assert np.isnan(C.mean(e, (1,))).all() and np.isnan(C.var(e, (1,))).all()
        np.testing.assert_array_equal(C.logsumexp(e, (1,)), np.full(3, -np.inf, dtype))
        assert C.sum(e).shape == () and C.sum(e) == 0
        assert C.max(e, (0,)).shape == (0,)  # nothing reduced is empty: no error
        for name in ("max", "min", "argmax", "argmin"):
            fn = getattr(C, name)
            with pytest.raises(ValueError, match=f"^{name}: cannot reduce an empty slice"):
                fn(e, (1,)) if name in ("max", "min") else fn(e, 1)
            with pytest.raises(ValueError, match=f"^{name}: cannot reduce an empty slice"):
                getattr(N, name)(e, (1,)) if name in ("max", "min") else getattr(N, name)(e, 1)


def test_var_correction_and_results_are_arrays():
    x = np.arange(5.0)
    np.testing.assert_allclose(C.var(x, None, 0), np.var(x))
    np.testing.assert_allclose(C.var(x, None, 1), np.var(x, ddof=1))
    assert np.isinf(C.var(x, None, 5))           # positive sum of squares / 0
    assert np.isnan(C.var(np.ones(3), None, 5))  # 0 / 0
    for name in ALL_REDUCTIONS:
        got = run(name, C, np.ones((2, 3), np.float32), None, False)
        assert type(got) is np.ndarray and got.shape == () and got.dtype == np.float32
    assert type(C.argmax(np.ones(3))) is np.ndarray and C.argmax(np.ones(3)).dtype == np.int64


def test_sum_and_mean_out_argument():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    out = np.empty(4)
    assert C.sum(x, (0,), out=out) is out
    np.testing.assert_array_equal(out, x.sum(0))
    out = np.empty((3, 1))
    assert C.mean(x, (1,), True, out=out) is out
    np.testing.assert_array_equal(out, x.mean(1, keepdims=True))
    with pytest.raises(ValueError, match=r"sum: out has shape \(3,\)"):
        C.sum(x, (0,), out=np.empty(3))


# ---- softmax family -------------------------------------------------------------

def assert_softmax_close(got, ref, x):
    """log_softmax is (x - max) - log(sum): it cancels, so its error is a few ulps of
    |x| (in either kernel), not of the result."""
    assert_same_meta(got, ref)
    dt = x.dtype.type
    atol = EXP_TOL[dt]["atol"] + 4 * np.finfo(dt).eps * np.abs(x).max(initial=0)
    np.testing.assert_allclose(got, ref, rtol=EXP_TOL[dt]["rtol"], atol=atol)


def assert_backward_close(got, ref, grad, axis):
    """The backward kernels subtract a sum over the axis (of grad or grad * y), which
    the reference rounds in the input dtype: allow SUM_TOL of sum(|grad|) on top."""
    assert_same_meta(got, ref)
    dt = grad.dtype.type
    scale = np.sum(np.abs(grad.astype(np.float64)), axis=axis if grad.ndim else None, keepdims=True)
    np.testing.assert_allclose(got, ref, rtol=EXP_TOL[dt]["rtol"], atol=EXP_TOL[dt]["atol"] + 10 * SUM_TOL[dt] * scale.max(initial=0))


softmax_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), dtype=dtypes, layout=layouts, shape=softmax_shapes)
def test_softmax_family_matches_reference(data, dtype, layout, shape):
    x = in_layout(data.draw(values(shape, dtype, lo=-20.0, hi=20.0)), layout)
    axis = data.draw(st.integers(0, x.ndim - 1)) if x.ndim else 0
    g = in_layout(data.draw(values(shape, dtype)), data.draw(layouts))
    for name in ("softmax", "log_softmax"):
        ref = getattr(N, name)(x, axis)
        assert_softmax_close(getattr(C, name)(x, axis), ref, x)
        y = in_layout(ref, data.draw(layouts))
        bwd = name + "_backward"
        assert_backward_close(getattr(C, bwd)(g, y, axis), getattr(N, bwd)(g, y, axis), g, axis)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,axis", [((256, 1000), 1), ((1000, 256), 0), ((16, 300, 40), 1), ((50000, 3), 1)])
def test_softmax_family_large(shape, axis, dtype, rng):
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    for xv in (x, np.swapaxes(np.ascontiguousarray(np.swapaxes(x, 0, -1)), 0, -1)):
        for name in ("softmax", "log_softmax"):
            y = getattr(N, name)(xv, axis)
            assert_softmax_close(getattr(C, name)(xv, axis), y, xv)
            bwd = name + "_backward"
            assert_backward_close(getattr(C, bwd)(g, y, axis), getattr(N, bwd)(g, y, axis), g, axis)


def test_softmax_of_extreme_rows():
    nan, inf = np.nan, np.inf
    x = np.array([[1000.0, 0.0, -1000.0], [-inf, 0.0, -inf], [-inf, -inf, -inf], [inf, 0.0, 0.0], [nan, 0.0, 1.0]])
    for dtype in (np.float32, np.float64):
        xd = x.astype(dtype)
        for name in ("softmax", "log_softmax"):
            np.testing.assert_array_equal(getattr(C, name)(xd, 1), getattr(N, name)(xd, 1), err_msg=name)
        np.testing.assert_array_equal(C.softmax(xd, 1)[:2], np.array([[1, 0, 0], [0, 1, 0]], dtype))


# ---- cross-entropy ------------------------------------------------------------------

CE_OPTIONS = list(itertools.product([None, "weight"], ["mean", "sum", "none"], [0.0, 0.25, 1.0], [-100, 2]))


def ce_case(rng, dtype, n, c, ignore_index, all_ignored=False):
    logits = (rng.standard_normal((n, c)) * 3).astype(dtype)
    target = rng.integers(0, c, n).astype(np.int64)
    if n:
        target[::3] = ignore_index
    if all_ignored:
        target[:] = ignore_index
    return logits, target, rng.random(c).astype(dtype) + 0.1


def ce_grad(rng, reduction, n, dtype):
    return np.asarray(rng.standard_normal((n,) if reduction == "none" else ()), dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("use_weight,reduction,smoothing,ignore_index", CE_OPTIONS)
def test_cross_entropy_matches_reference(use_weight, reduction, smoothing, ignore_index, dtype, rng):
    for n, c, all_ignored in [(9, 5, False), (4, 3, True), (0, 4, False), (3, 1, False), (64, 300, False)]:
        if c <= ignore_index and not all_ignored:
            ignore_index_used = -100
        else:
            ignore_index_used = ignore_index
        logits, target, w = ce_case(rng, dtype, n, c, ignore_index_used, all_ignored)
        kw = dict(weight=w if use_weight else None, ignore_index=ignore_index_used, reduction=reduction,
                  label_smoothing=smoothing)
        grad = ce_grad(rng, reduction, n, dtype)
        for lg in (logits, logits[::-1], np.asfortranarray(logits)):
            tg = target[::-1] if lg.strides[0] < 0 else target
            got, ref = C.cross_entropy(lg, tg, **kw), N.cross_entropy(lg, tg, **kw)
            assert_same_meta(got, ref)
            np.testing.assert_allclose(got, ref, equal_nan=True, **EXP_TOL[dtype])
            got = C.cross_entropy_backward(grad, lg, tg, **kw)
            ref = N.cross_entropy_backward(grad, lg, tg, **kw)
            assert_same_meta(got, ref)
            np.testing.assert_allclose(got, ref, equal_nan=True, **EXP_TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction,smoothing", [("mean", 0.1), ("none", 0.0), ("sum", 1.0)])
def test_cross_entropy_large_runs_threaded(reduction, smoothing, dtype, rng):
    # 256 x 600 is above the threading threshold: rows are split between threads
    logits, target, w = ce_case(rng, dtype, 256, 600, -100)
    grad = ce_grad(rng, reduction, 256, dtype)
    kw = dict(weight=w, reduction=reduction, label_smoothing=smoothing)
    np.testing.assert_allclose(C.cross_entropy(logits, target, **kw), N.cross_entropy(logits, target, **kw),
                               **EXP_TOL[dtype])
    np.testing.assert_allclose(C.cross_entropy_backward(grad, logits, target, **kw),
                               N.cross_entropy_backward(grad, logits, target, **kw), **EXP_TOL[dtype])


@pytest.mark.parametrize("use_weight,reduction,smoothing,ignore_index", CE_OPTIONS)
def test_cross_entropy_matches_pytorch(use_weight, reduction, smoothing, ignore_index, torch, rng):
    F = torch.nn.functional
    for n, c, all_ignored in [(9, 5, False), (4, 3, True), (0, 4, False), (64, 300, False)]:
        logits, target, w = ce_case(rng, np.float64, n, c, ignore_index, all_ignored)
        grad = ce_grad(rng, reduction, n, np.float64)
        tl = torch.tensor(logits, requires_grad=True)
        expected = F.cross_entropy(tl, torch.tensor(target), weight=torch.tensor(w) if use_weight else None,
                                   ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing)
        expected.backward(torch.tensor(grad))
        kw = dict(weight=w if use_weight else None, ignore_index=ignore_index, reduction=reduction,
                  label_smoothing=smoothing)
        for mod in (C, N):
            got = mod.cross_entropy(logits, target, **kw)
            assert got.shape == tuple(expected.shape)
            np.testing.assert_allclose(got, expected.detach().numpy(), rtol=1e-10, atol=1e-12, equal_nan=True)
            np.testing.assert_allclose(mod.cross_entropy_backward(grad, logits, target, **kw), tl.grad.numpy(),
                                       rtol=1e-10, atol=1e-12, equal_nan=True)


def test_softmax_and_reductions_match_pytorch(torch, rng):
    x = rng.standard_normal((6, 7, 5))
    tx = torch.tensor(x)
    np.testing.assert_allclose(C.softmax(x, 1), torch.softmax(tx, 1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(C.log_softmax(x, 2), torch.log_softmax(tx, 2).numpy(), rtol=1e-12)
    np.testing.assert_allclose(C.logsumexp(x, (0, 2)), torch.logsumexp(tx, (0, 2)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(C.var(x, (1,), 0), torch.var(tx, 1, correction=0).numpy(), rtol=1e-12)
    t = torch.tensor([[1.0, 3.0, 3.0], [float("nan"), 2.0, float("nan")]])
    np.testing.assert_array_equal(C.argmax(t.numpy(), 1), torch.argmax(t, 1).numpy())
    np.testing.assert_array_equal(C.argmax(t.numpy()), torch.argmax(t).numpy())


def test_cross_entropy_bad_targets_raise_index_error():
    logits = np.zeros((3, 4), np.float32)
    for mod in (C, N):
        for bad in (4, -1, 100):
            target = np.array([0, bad, 1], np.int64)
            with pytest.raises(IndexError, match=f"cross_entropy: target {bad} is out of bounds for 4 classes"):
                mod.cross_entropy(logits, target)
            with pytest.raises(IndexError, match=f"target {bad} is out of bounds for 4 classes"):
                mod.cross_entropy_backward(np.ones((), np.float32), logits, target)
        # ignore_index is accepted even though it is out of range
        mod.cross_entropy(logits, np.array([0, -5, 1], np.int64), ignore_index=-5)


def test_bad_inputs_raise_clear_errors():
    f32 = np.ones((2, 3), np.float32)
    for mod in (C, N):
        with pytest.raises(ValueError, match=r"logits must be 2-d"):
            mod.cross_entropy(np.ones(3, np.float32), np.zeros(3, np.int64))
        with pytest.raises(TypeError, match="target must be an int64"):
            mod.cross_entropy(f32, np.zeros(2, np.int32))
        with pytest.raises(ValueError, match=r"target shape \(3,\) does not match logits \(2, 3\)"):
            mod.cross_entropy(f32, np.zeros(3, np.int64))
        with pytest.raises(ValueError, match="reduction must be one of"):
            mod.cross_entropy(f32, np.zeros(2, np.int64), reduction="avg")
        with pytest.raises(ValueError, match="label_smoothing must be between 0.0 and 1.0"):
            mod.cross_entropy(f32, np.zeros(2, np.int64), label_smoothing=1.5)
        with pytest.raises(ValueError, match=r"weight must be an ndarray of shape \(3,\)"):
            mod.cross_entropy(f32, np.zeros(2, np.int64), weight=np.ones(2, np.float32))
        with pytest.raises(ValueError, match=r"grad has shape \(3,\), expected \(2,\)"):
            mod.cross_entropy_backward(np.ones(3, np.float32), f32, np.zeros(2, np.int64), reduction="none")
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        C.sum(np.arange(3))
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        C.softmax_backward(f32, np.ones((2, 3)), 1)
    with pytest.raises(ValueError, match=r"softmax_backward: grad shape \(3, 2\) does not match"):
        C.softmax_backward(f32.T.copy(), f32, 1)
    with pytest.raises(ValueError, match="sum: axis 2 is out of range for an array of 2 dimension"):
        C.sum(f32, (2,))
    with pytest.raises(ValueError, match=r"mean: axis 1 appears twice in axes \(1, 1\)"):
        C.mean(f32, (1, 1))
    with pytest.raises(ValueError, match="softmax: axis 2 is out of range"):
        C.softmax(f32, 2)
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        C.cross_entropy(f32, np.zeros(2, np.int64), weight=np.ones(3))


def test_c_status_codes_reject_bad_arguments_in_c():
    # The last line of defence: C refuses null pointers, bad masks and ndim.
    shape = ffi.new("int64_t[]", [2, 3])
    out = ffi.new("float[]", 3)
    x = ffi.new("float[]", 6)
    assert lib.pag_reduce_sum_f32(ffi.NULL, shape, ffi.NULL, 2, 1, out, 1) == lib.PAG_EINVAL
    assert lib.pag_reduce_sum_f32(x, shape, ffi.NULL, 2, 1 << 2, out, 1) == lib.PAG_EINVAL
    assert lib.pag_reduce_sum_f32(x, shape, ffi.NULL, 99, 1, out, 1) == lib.PAG_EINVAL
    assert lib.pag_reduce_sum_f32(x, shape, ffi.NULL, 2, 1, ffi.NULL, 1) == lib.PAG_EINVAL
    assert lib.pag_reduce_sum_f32(x, shape, ffi.NULL, 2, 1, out, 1) == lib.PAG_OK
    empty = ffi.new("int64_t[]", [3, 0])
    assert lib.pag_reduce_max_f32(x, empty, ffi.NULL, 2, 2, out, 1) == lib.PAG_EINVAL  # max of nothing
    shape3 = ffi.new("int64_t[]", [2, 3, 1])
    assert lib.pag_softmax_softmax_f32(ffi.NULL, shape3, out, shape3, 1) == lib.PAG_EINVAL
    assert lib.pag_softmax_softmax_f32(x, ffi.NULL, out, shape3, 1) == lib.PAG_EINVAL
    bad = ffi.new("int64_t *")
    target = ffi.new("int64_t[]", [0, 7])
    assert lib.pag_loss_cross_entropy_f32(x, 2, 3, 3, target, ffi.NULL, -100, 1, 0.0, out, bad, 1) == lib.PAG_EINVAL
    assert bad[0] == 1
    assert lib.pag_loss_cross_entropy_f32(x, 2, 3, 3, target, ffi.NULL, -100, 7, 0.0, out, bad, 1) == lib.PAG_EINVAL


def test_dispatcher_takes_the_reduce_kernels(monkeypatch):
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    t = np.array([0, 1, 2, 3], np.int64)
    monkeypatch.setenv("PYAUTOGRAD_C_THRESHOLD", "0")
    with K.use_backend("auto"):
        assert K.c_threshold("cross_entropy_backward") == 0
        # cross_entropy_backward is sized by its logits (argument 1), not its 0-d grad
        assert K._specs["cross_entropy_backward"].size_args == (1,)
        np.testing.assert_allclose(K.cross_entropy_backward(np.ones((), np.float32), x, t),
                                   N.cross_entropy_backward(np.ones((), np.float32), x, t), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(K.sum(x, (1,)), x.sum(1), rtol=1e-6)
        np.testing.assert_array_equal(K.sum(np.arange(6).reshape(2, 3), (0,)), [3, 5, 7])  # int: NumPy
    for name, spec in C.SPECS.items():
        assert spec.threshold is None or spec.threshold >= 0, name

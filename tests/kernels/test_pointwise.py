"""Pointwise kernels: C against the NumPy reference over drawn shapes,
broadcast pairs, memory layouts and both dtypes; bad input raises."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pyautograd.kernels as K

from .layouts import TOL, dtypes, in_layout, layouts, shapes, values

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")

if K.c_available():
    from pyautograd.kernels import _c, _numpy
    from pyautograd.kernels._c.pointwise import PARAMS, TABLE

    UNARY = sorted(n for kind, n in TABLE if kind == "UNARY")
    BINARY = sorted(n for kind, n in TABLE if kind == "BINARY")
    COMPARE = sorted(n for kind, n in TABLE if kind == "COMPARE")
else:
    PARAMS, UNARY, BINARY, COMPARE = {}, [], [], []

PARAM_VALUES = {"leaky_relu": (0.01,), "elu": (1.3,), "softplus": (2.0, 5.0), "clamp": (-0.5, 0.75)}


def assert_same(c_out, np_out, dtype):
    assert c_out.dtype == np_out.dtype
    assert c_out.shape == np_out.shape
    np.testing.assert_allclose(c_out, np_out, equal_nan=True, **TOL[dtype])


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=25, deadline=None)
@given(data=st.data(), dtype=dtypes, layout=layouts, shape=shapes)
def test_unary_matches_reference(name, data, dtype, layout, shape):
    lo = 0.0 if name in ("log", "log2", "log10", "sqrt", "rsqrt") else -3.0
    x = in_layout(data.draw(values(shape, dtype, lo=lo)), layout)
    params = PARAM_VALUES.get(name, ())
    assert_same(_c.KERNELS[name](x, *params), _numpy.KERNELS[name](x, *params), dtype)


@pytest.mark.parametrize("name", BINARY + COMPARE)
@settings(max_examples=25, deadline=None)
@given(data=st.data(), dtype=dtypes, la=layouts, lb=layouts,
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
def test_binary_matches_reference(name, data, dtype, la, lb, shapes):
    sa, sb = shapes.input_shapes
    lo = 0.125 if name == "pow" else -3.0  # a negative base to a fractional power is NaN in both
    a = in_layout(data.draw(values(sa, dtype, lo=lo)), la)
    b = in_layout(data.draw(values(sb, dtype)), lb)
    assert_same(_c.KERNELS[name](a, b), _numpy.KERNELS[name](a, b), dtype)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=dtypes,
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=4, max_side=4))
def test_where_matches_reference(data, dtype, shapes):
    sc, sa, sb = shapes.input_shapes
    cond = data.draw(hnp.arrays(np.bool_, sc))
    a, b = data.draw(values(sa, dtype)), data.draw(values(sb, dtype))
    assert_same(_c.where(cond, a, b), _numpy.where(cond, a, b), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["add", "exp", "tanh", "gelu", "sigmoid_backward", "lt"])
def test_large_arrays_cross_the_thread_threshold(name, dtype, rng):
    # 300k elements run on the OpenMP team; a strided variant walks rows in parallel.
    a = rng.standard_normal((600, 500)).astype(dtype)
    b = rng.standard_normal((600, 500)).astype(dtype)
    args = (a,) if name in UNARY else (a, b)
    assert_same(_c.KERNELS[name](*args), _numpy.KERNELS[name](*args), dtype)
    targs = tuple(x.T for x in args)
    assert_same(_c.KERNELS[name](*targs), _numpy.KERNELS[name](*targs), dtype)


def test_nan_and_inf_propagate_as_numpy(rng):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0], np.float64)
    for name in UNARY:
        params = PARAM_VALUES.get(name, ())
        assert_same(_c.KERNELS[name](x, *params), _numpy.KERNELS[name](x, *params), np.float64)
    for name in ("maximum", "minimum", "add", "mul", "div"):
        assert_same(_c.KERNELS[name](x, x[::-1].copy()), _numpy.KERNELS[name](x, x[::-1].copy()), np.float64)


def test_scalar_operand_and_out_argument():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(_c.mul(x, 2.0), x * 2)
    out = np.empty((2, 3), np.float32)
    assert _c.exp(x, out=out) is out
    np.testing.assert_allclose(out, np.exp(x), rtol=1e-6)


def test_in_place_and_overlapping_out_are_correct():
    x = np.arange(10, dtype=np.float64)
    expected = x + 1
    _c.add(x, 1.0, out=x)  # exactly aliased: safe element by element
    np.testing.assert_array_equal(x, expected)
    y = np.arange(10, dtype=np.float64)
    base = y.copy()
    _c.neg(y[:-1], out=y[1:])  # partial overlap: the input is copied first
    np.testing.assert_array_equal(y[1:], -base[:-1])


def test_bad_inputs_raise_clear_errors():
    f32 = np.ones(3, np.float32)
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        _c.exp(np.arange(3))
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        _c.add(f32, np.ones(3))
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(4,\) cannot be broadcast"):
        _c.mul(f32, np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"out has shape \(2,\)"):
        _c.exp(f32, out=np.empty(2, np.float32))
    frozen = np.empty(3, np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        _c.exp(f32, out=frozen)
    with pytest.raises(TypeError, match="takes 2 parameter"):
        _c.clamp(f32, 1.0)
    with pytest.raises(TypeError, match="cond must be a bool"):
        _c.where(f32, f32, f32)


def test_c_status_codes_reject_bad_pointers_in_c():
    # The last line of defence: C itself refuses null pointers and bad ndim.
    from pyautograd._C import ffi, lib
    assert lib.pag_unary_exp_f32(ffi.NULL, ffi.NULL, 5, 0.0, 0.0, 1) == lib.PAG_EINVAL
    shape = ffi.new("int64_t[]", [2])
    assert lib.pag_unary_exp_f64_strided(ffi.NULL, shape, ffi.NULL, shape, 99, 0.0, 0.0, 1) == lib.PAG_EINVAL
    assert lib.pag_unary_exp_f32(ffi.NULL, ffi.NULL, 0, 0.0, 0.0, 1) == lib.PAG_OK


def test_dispatcher_follows_backend_and_threshold(monkeypatch):
    x = np.ones(10, np.float32)
    calls = []
    monkeypatch.setitem(_c.KERNELS, "exp", _c.KERNELS["exp"])
    with K.use_backend("numpy"):
        assert K.c_threshold("exp") is None
    with K.use_backend("c"):
        assert K.c_threshold("exp") == 0
        np.testing.assert_allclose(K.exp(x), np.exp(x), rtol=1e-6)
        # integer input cannot take C: the dispatcher falls back to NumPy
        np.testing.assert_array_equal(K.neg(np.arange(3)), -np.arange(3))
    monkeypatch.setenv("PYAUTOGRAD_C_THRESHOLD", "7")
    with K.use_backend("auto"):
        assert K.c_threshold("exp") == 7
    del calls


# ---- accuracy of csrc/vmath.h: dense sweeps against higher-precision references ----------
#
# float32 results are checked against float64 references, float64 results against
# extended precision (NumPy longdouble, 64-bit significand on x86) or mpmath. The error
# is in units in the last place of the exact result (ulp: 2^(e-p) for |r| in
# [2^(e-1), 2^e), never below the smallest subnormal). The bounds are the maxima
# measured over these sweeps (and denser ones in C, see docs/kernels-pointwise.md),
# rounded up a little; an implementation that lost a bit anywhere would fail them.
# Backward kernels are sums of two terms whose difference passes through zero, so
# their error is measured in ulp of the larger term.

LD = np.longdouble
SQRT1_2 = 0.70710678118654752440


def _mp_map(fn, x):
    """fn (an mpmath function of one mpf) over x, as longdouble."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.prec = 80
    return np.array([LD(str(fn(mpmath.mpf(float(v))))) for v in x], dtype=LD)


def _erf_ref(x, dtype):
    if dtype == np.float32:
        return np.array([math.erf(v) for v in x.astype(np.float64)])
    return _mp_map(lambda v: __import__("mpmath").erf(v), x)


def _normcdf_ref(x, dtype):
    if dtype == np.float32:
        return np.array([0.5 * math.erfc(-v * SQRT1_2) for v in x.astype(np.float64)])
    mpmath = pytest.importorskip("mpmath")
    return _mp_map(lambda v: mpmath.erfc(-v / mpmath.sqrt(2)) / 2, x)


def _hp(x, dtype):
    """x in the reference precision for `dtype`."""
    return x.astype(np.float64 if dtype == np.float32 else LD)


def _sigmoid_ref(h):
    e = np.exp(-np.abs(h))
    return np.where(h >= 0, 1 / (1 + e), e / (1 + e))


def _gelu_tanh_u2(h):
    return 2 * 0.79788456080286535588 * (h + 0.044715 * h ** 3)


# name -> (reference(x, dtype) -> (value, scale), domain, f32 ulp bound, f64 ulp bound, params).
# scale is what the error is measured against (the value itself unless noted).
def _val(f):
    return lambda x, dt: (lambda r: (r, r))(f(_hp(x, dt)))


def _grad(value, terms):
    def ref(x, dt):
        h = _hp(x, dt)
        return value(h, x, dt), np.maximum(*[np.abs(t) for t in terms(h, x, dt)])
    return ref


ACCURACY = {
    "exp": (_val(np.exp), (-110, 90), 1.5, 1.5, ()),
    "expm1": (_val(np.expm1), (-30, 90), 2.0, 2.5, ()),
    "log": (_val(np.log), (0, 3e38), 1.0, 1.0, ()),
    "log1p": (_val(np.log1p), (-1, 3e38), 2.5, 2.5, ()),
    "tanh": (_val(np.tanh), (-20, 20), 3.0, 3.0, ()),
    "erf": (lambda x, dt: (lambda r: (r, r))(_erf_ref(x, dt)), (-7, 7), 3.5, 3.0, ()),
    "sigmoid": (_val(_sigmoid_ref), (-110, 110), 3.0, 3.0, ()),
    # below -87 (float32) sigmoid(x) is subnormal, and x * sigmoid(x) inherits its lost bits
    "silu": (_val(lambda h: h * _sigmoid_ref(h)), (-87, 110), 3.5, 3.5, ()),
    "logsigmoid": (_val(lambda h: np.minimum(h, 0) - np.log1p(np.exp(-np.abs(h)))), (-110, 110), 3.0, 3.0, ()),
    "softplus": (_val(lambda h: (np.maximum(h, 0) + np.log1p(np.exp(-np.abs(h))))), (-110, 110), 3.0, 3.0,
                 (1.0, 1e30)),
    "elu": (_val(lambda h: np.where(h > 0, h, np.expm1(h))), (-30, 30), 1.5, 1.5, (1.0,)),
    # x Phi(x): below -12.9 (float32) Phi is subnormal
    "gelu": (lambda x, dt: (lambda r: (r, r))(_hp(x, dt) * _normcdf_ref(x, dt)), (-12.9, 16), 7.0, 6.5, ()),
    # gelu_tanh = x sigmoid(2u): its condition number |2 x u'(x)| reaches ~35 at x = -5, so
    # the rounding of u alone costs that many ulp further left; the sweep stops at -3
    "gelu_tanh": (_val(lambda h: h * _sigmoid_ref(_gelu_tanh_u2(h))), (-3, 12), 12.0, 12.0, ()),
}

GRAD_ACCURACY = {
    "gelu_backward": (_grad(lambda h, x, dt: _normcdf_ref(x, dt) + h * np.exp(-h * h / 2) * 0.3989422804014327,
                            lambda h, x, dt: (_normcdf_ref(x, dt), h * np.exp(-h * h / 2) * 0.3989422804014327)),
                      (-12.9, 16), 6.0, 6.5),
    "silu_backward": (_grad(lambda h, x, dt: _sigmoid_ref(h) * (1 + h * (1 - _sigmoid_ref(h))),
                            lambda h, x, dt: (_sigmoid_ref(h), _sigmoid_ref(h) * h * _sigmoid_ref(-h))),
                      (-87, 110), 5.0, 5.0),
    "gelu_tanh_backward": (_grad(
        lambda h, x, dt: _sigmoid_ref(_gelu_tanh_u2(h)) + 2 * h * _sigmoid_ref(_gelu_tanh_u2(h))
        * _sigmoid_ref(-_gelu_tanh_u2(h)) * 0.79788456080286535588 * (1 + 0.134145 * h * h),
        lambda h, x, dt: (_sigmoid_ref(_gelu_tanh_u2(h)), 2 * h * _sigmoid_ref(_gelu_tanh_u2(h))
                          * _sigmoid_ref(-_gelu_tanh_u2(h)) * 0.79788456080286535588 * (1 + 0.134145 * h * h))),
        # float64: under 12 ulp in the -O3 build (fused multiply-adds); the -O0 sanitizer build
        # evaluates without them and measured 13.5 ulp, so the bound covers both builds.
        (-3, 12), 12.0, 14.0),
}


def sweep(lo, hi, dtype, n):
    """About n values of `dtype` in [lo, hi], evenly spaced in bit pattern (so every binade,
    down to the subnormals, gets its share) plus evenly spaced in value."""
    itype = np.int32 if dtype == np.float32 else np.int64
    pos_hi, neg_hi = max(hi, 0.0), max(-lo, 0.0)
    parts = [np.linspace(lo, hi, n // 4, dtype=dtype)]
    for top, sign in ((pos_hi, 1), (neg_hi, -1)):
        if top > 0:
            top_bits = np.array(min(top, np.finfo(dtype).max), dtype).view(itype)
            bits = np.linspace(0, top_bits, n // 3, dtype=np.float64).astype(itype)
            parts.append(sign * bits.view(dtype))
    x = np.unique(np.concatenate(parts))
    return x[(x >= lo) & (x <= hi)]


def ulp_error(got, ref, scale, dtype):
    """|got - ref| in ulp of `scale` (all in the reference's precision)."""
    p = 24 if dtype == np.float32 else 53
    tiny = np.finfo(dtype).smallest_subnormal
    _, e = np.frexp(np.abs(scale))
    ulp = np.maximum(np.ldexp(np.ones_like(scale), e - p), tiny)
    return np.abs(got.astype(ref.dtype) - ref) / ulp


def _check_sweep(name, got, x, ref, scale, dtype, bound):
    with np.errstate(over="ignore"):  # rounding the reference overflows where the result does
        rounded = ref.astype(dtype)
    finite = np.isfinite(rounded)
    # where the exact result overflows or is NaN, C must give the same special value
    np.testing.assert_array_equal(got[~finite], rounded[~finite])
    err = ulp_error(got[finite], ref[finite], scale[finite], dtype)
    worst = int(np.argmax(err))
    assert err[worst] <= bound, (f"{name} {np.dtype(dtype).name}: {err[worst]:.2f} ulp at "
                                 f"x={x[finite][worst]!r} (bound {bound})")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACCURACY))
def test_vmath_accuracy_sweep(name, dtype):
    ref_fn, (lo, hi), b32, b64, params = ACCURACY[name]
    n = 4000 if dtype == np.float64 and name in ("erf", "gelu") else 200_000  # mpmath is slow
    x = sweep(lo, hi, dtype, n)
    with np.errstate(all="ignore"):
        ref, scale = ref_fn(x, dtype)
    got = _c.KERNELS[name](x, *params)
    _check_sweep(name, got, x, ref, scale, dtype, b32 if dtype == np.float32 else b64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(GRAD_ACCURACY))
def test_vmath_backward_accuracy_sweep(name, dtype):
    ref_fn, (lo, hi), b32, b64 = GRAD_ACCURACY[name]
    n = 4000 if dtype == np.float64 and name == "gelu_backward" else 200_000
    x = sweep(lo, hi, dtype, n)
    with np.errstate(all="ignore"):
        ref, scale = ref_fn(x, dtype)
    got = _c.KERNELS[name](np.ones_like(x), x)
    _check_sweep(name, got, x, ref, scale, dtype, b32 if dtype == np.float32 else b64)


SPECIAL = {
    # name: [(x, expected)] exactly as libm gives them (signed zeros included)
    "exp": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, 0.0), (1000.0, np.inf), (-1000.0, 0.0),
            (0.0, 1.0), (-0.0, 1.0)],
    "expm1": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, -1.0), (1000.0, np.inf), (-1000.0, -1.0),
              (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30)],
    "log": [(np.nan, np.nan), (np.inf, np.inf), (0.0, -np.inf), (-0.0, -np.inf), (-1.0, np.nan),
            (-np.inf, np.nan), (1.0, 0.0)],
    "log1p": [(np.nan, np.nan), (np.inf, np.inf), (-1.0, -np.inf), (-2.0, np.nan), (-np.inf, np.nan),
              (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30)],
    "tanh": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30),
             (50.0, 1.0), (-50.0, -1.0)],
    "erf": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (30.0, 1.0),
            (-30.0, -1.0)],
    "sigmoid": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, 0.0), (1000.0, 1.0), (-1000.0, 0.0), (0.0, 0.5)],
    "silu": [(np.nan, np.nan), (np.inf, np.inf), (1000.0, 1000.0), (-1000.0, -0.0), (0.0, 0.0)],
    "logsigmoid": [(np.nan, np.nan), (np.inf, 0.0), (-np.inf, -np.inf), (-1000.0, -1000.0)],
    "gelu": [(np.nan, np.nan), (np.inf, np.inf), (-1000.0, -0.0), (1000.0, 1000.0), (0.0, 0.0)],
    "gelu_tanh": [(np.nan, np.nan), (np.inf, np.inf), (-1000.0, -0.0), (1000.0, 1000.0), (0.0, 0.0)],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_vmath_special_values_are_exact(name, dtype):
    x = np.array([v for v, _ in SPECIAL[name]], dtype)
    want = np.array([w for _, w in SPECIAL[name]], dtype)
    got = _c.KERNELS[name](x)
    np.testing.assert_array_equal(got, want)  # NaN == NaN here
    # The sign of a zero is part of the answer; the sign of a NaN is not (IEEE 754 leaves it
    # unspecified, and the -O0 sanitizer build gives -nan where -O3 gives nan).
    signed = ~np.isnan(want)
    assert np.array_equal(np.signbit(got[signed]), np.signbit(want[signed])), (name, got, want)


def test_softplus_does_not_overflow_below_its_threshold():
    # log1p(exp(beta x)) / beta would overflow for beta x > 88 (float32); the kernel must not
    x = np.array([100.0, 200.0, -200.0], np.float32)
    got = _c.softplus(x, 1.0, 1e30)
    np.testing.assert_allclose(got, [100.0, 200.0, 0.0], rtol=1e-7, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["exp", "gelu", "add", "lt", "silu_backward", "leaky_relu"])
def test_fast_path_and_general_path_agree(name, dtype, rng):
    # contiguous inputs take the wrappers' fast path (fresh output or out=), strided
    # views of the same values the general one
    n = 70_000  # past the aligned-allocation cut-off (256 KiB) for float32 and float64
    args = [rng.standard_normal(n).astype(dtype) for _ in range(2 if name in BINARY + COMPARE else 1)]
    strided = [np.repeat(a, 2)[::2] for a in args]
    params = PARAM_VALUES.get(name, ())
    fast = _c.KERNELS[name](*args, *params)
    into = np.empty_like(fast)
    assert _c.KERNELS[name](*args, *params, out=into) is into
    general = _c.KERNELS[name](*strided, *params)
    np.testing.assert_array_equal(fast, general)
    np.testing.assert_array_equal(into, general)
    assert fast.flags.c_contiguous and fast.dtype == (np.bool_ if name in COMPARE else dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_length_and_alignment_computes_alike(dtype, rng):
    # The vectorized loop has a body, an epilogue of narrower vectors and a scalar tail, picked by
    # the slice's length and alignment; each must give the bits the strided loop gives (a clone
    # whose epilogue fused multiply-adds differently once gave exp results one ulp apart).
    base = rng.uniform(-3.0, 3.0, 64 + 16).astype(dtype)
    for name in UNARY:
        params = PARAM_VALUES.get(name, ())
        x = np.abs(base) if name in ("log", "log2", "log10", "sqrt", "rsqrt") else base
        for n in range(1, 49):
            for off in range(16):
                piece = x[off:off + n]
                fast = _c.KERNELS[name](piece, *params)
                general = _c.KERNELS[name](np.repeat(piece, 2)[::2], *params)
                np.testing.assert_array_equal(fast, general, err_msg=f"{name} n={n} offset={off}")


def test_fast_path_out_aliasing():
    x = np.arange(10, dtype=np.float64)
    y = np.full(10, 2.0)
    _c.mul(x, y, out=x)  # exact alias of an input: safe, stays on the fast path
    np.testing.assert_array_equal(x, np.arange(10) * 2.0)
    z = np.arange(11, dtype=np.float64)
    base = z.copy()
    _c.add(z[:-1], z[:-1], out=z[1:])  # partial overlap: inputs are copied first
    np.testing.assert_array_equal(z[1:], 2 * base[:-1])
    frozen = np.empty(10)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        _c.mul(x, y, out=frozen)
    with pytest.raises(ValueError, match="writable"):
        _c.exp(x, out=np.empty((10, 2))[:, 0])  # not contiguous


def test_fast_path_keeps_the_checks():
    x = np.ones(4, np.float32)
    with pytest.raises(TypeError, match="float32 or float64, got >f4"):
        _c.exp(x.astype(">f4"))
    with pytest.raises(TypeError, match="one dtype, got float32 and float64"):
        _c.mul(x, np.ones(4))
    with pytest.raises(ValueError, match="cannot be broadcast"):
        _c.add(x, np.ones(3, np.float32))
    with pytest.raises(TypeError, match="takes 1 parameter"):
        _c.leaky_relu(x)
    np.testing.assert_array_equal(_c.neg(np.ones((3, 4), np.float32).T), -np.ones((4, 3), np.float32))


def test_auto_thresholds_follow_the_measured_classes():
    from pyautograd.kernels import _registry as R
    assert R.FUSED_POINTWISE <= R.COSTLY_POINTWISE <= R.CHEAP_POINTWISE
    assert R.spec_for("sin").threshold is None and R.spec_for("cos").threshold is None
    assert R.spec_for("add").threshold == R.CHEAP_POINTWISE
    assert R.spec_for("gelu_backward").threshold == R.FUSED_POINTWISE
    # a new kernel must be classified on purpose, not fall into the default class
    pointwise = {name for _, name in TABLE}  # the other families declare their own specs
    costly = {n for n in pointwise if R.spec_for(n).threshold == R.COSTLY_POINTWISE}
    assert costly == {"exp", "expm1", "log", "log1p", "tanh"}

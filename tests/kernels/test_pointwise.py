"""Pointwise kernels: C against the NumPy reference over drawn shapes,
broadcast pairs, memory layouts and both dtypes; bad input raises."""
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
        assert K._limits["exp"] is None
    with K.use_backend("c"):
        assert K._limits["exp"] == 0
        np.testing.assert_allclose(K.exp(x), np.exp(x), rtol=1e-6)
        # integer input cannot take C: the dispatcher falls back to NumPy
        np.testing.assert_array_equal(K.neg(np.arange(3)), -np.arange(3))
    monkeypatch.setenv("PYAUTOGRAD_C_THRESHOLD", "7")
    with K.use_backend("auto"):
        assert K._limits["exp"] == 7
    del calls

"""Optimizer kernels: C against the NumPy reference for every option combination
and both dtypes, both against PyTorch over 20 steps, the multi-tensor forms
against the single ones, and bad input.

C against the reference: bitwise. Both run the same operations in the same order with
the hyperparameters rounded to the dtype the same way, and optim.c is built with
-ffp-contract=off (csrc/build.py): with contraction, the AVX2/AVX-512 clones fused a
multiply and an add (one rounding instead of two) and up to a third of the elements
differed in the last bit after a step (issue 18). Against PyTorch (float64, 20 steps):
1e-10 absolute on values of order 1, as the task asks; the measured gap is ~1e-15.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pyautograd.kernels as K
from pyautograd.kernels import _numpy

from dispatch_probe import dispatcher_choice  # tests/dispatch_probe.py

from .layouts import in_layout

needs_c = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")
if K.c_available():
    from pyautograd.kernels import _c

DTYPES = (np.float32, np.float64)
ADAM_HYPER = dict(lr=1e-2, beta2=0.999, eps=1e-8)

SGD_OPTIONS = [
    dict(momentum=m, dampening=d, nesterov=n, weight_decay=wd, maximize=mx)
    for m in (0.0, 0.9) for d in (0.0, 0.3) for n in (False, True) for wd in (0.0, 0.05) for mx in (False, True)
    if not (n and (m == 0 or d != 0))
]
ADAM_OPTIONS = [
    dict(beta1=b1, weight_decay=wd, amsgrad=ams, decoupled_weight_decay=dec, maximize=mx)
    for b1 in (0.9, 0.3) for wd in (0.0, 0.05) for ams in (False, True) for dec in (False, True)
    for mx in (False, True)
]  # beta1 = 0.3 takes PyTorch's second lerp form (weight 1 - beta1 >= 0.5)


def _ident(options):
    return ",".join(f"{k}={v}" for k, v in options.items())


def _abs(a):
    """|a| as an array (np.abs of a 0-d array is a NumPy scalar)."""
    return np.asarray(np.abs(a))


def _state(rng, shape, dtype, count):
    """`count` arrays of `shape`: the first drawn from a normal, the others |normal| (second moments)."""
    first = np.asarray(rng.standard_normal(shape), dtype=dtype)
    return [first] + [_abs(np.asarray(rng.standard_normal(shape), dtype=dtype)) for _ in range(count - 1)]


def _assert_bitwise(got, want):
    """C against the reference: the same bits (optim.c is built without FMA contraction)."""
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w, strict=True)


def _run_sgd(impl, grads, options, param, buf, **kw):
    for i, g in enumerate(grads):
        out = impl.sgd_step(param, g, buf, lr=0.1, first_step=(i == 0), **options, **kw)
        assert out is param
    return param, buf


def _run_adam(impl, grads, options, param, m, v, vmax):
    for step, g in enumerate(grads, 1):
        out = impl.adam_step(param, g, m, v, vmax, step=step, **ADAM_HYPER, **options)
        assert out is param
    return param, m, v, vmax


# ---- C against the reference -------------------------------------------------------------

@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", SGD_OPTIONS, ids=_ident)
def test_sgd_c_matches_reference(options, dtype, rng):
    grads = [rng.standard_normal(257).astype(dtype) for _ in range(3)]
    start = _state(rng, 257, dtype, 2)
    c = _run_sgd(_c, grads, options, *[a.copy() for a in start])
    ref = _run_sgd(_numpy, grads, options, *[a.copy() for a in start])
    _assert_bitwise(c, ref)
    assert not np.array_equal(c[0], start[0])


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=_ident)
def test_adam_c_matches_reference(options, dtype, rng):
    grads = [rng.standard_normal(257).astype(dtype) for _ in range(3)]
    start = _state(rng, 257, dtype, 4)
    c = _run_adam(_c, grads, options, *[a.copy() for a in start])
    ref = _run_adam(_numpy, grads, options, *[a.copy() for a in start])
    _assert_bitwise(c, ref)
    assert not np.array_equal(c[0], start[0])


@needs_c
@settings(max_examples=30, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES),
       shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
       amsgrad=st.booleans(), decoupled=st.booleans(), momentum=st.sampled_from([0.0, 0.9]))
def test_drawn_shapes_match_reference(data, dtype, shape, amsgrad, decoupled, momentum):
    # 0-d, empty and odd-sized arrays; values include signed zeros and large magnitudes
    arrays = hnp.arrays(dtype, shape, elements=st.floats(-1e3, 1e3, width=32))
    p, g, buf = (data.draw(arrays) for _ in range(3))
    m, v, vmax = (_abs(data.draw(arrays)) for _ in range(3))
    c = [a.copy() for a in (p, m, v, vmax)]
    r = [a.copy() for a in (p, m, v, vmax)]
    opts = dict(step=2, **ADAM_HYPER, beta1=0.9, weight_decay=0.01, amsgrad=amsgrad, decoupled_weight_decay=decoupled)
    _c.adam_step(c[0], g, c[1], c[2], c[3], **opts)
    _numpy.adam_step(r[0], g, r[1], r[2], r[3], **opts)
    _assert_bitwise(c, r)
    cs, rs = [p.copy(), buf.copy()], [p.copy(), buf.copy()]
    _c.sgd_step(cs[0], g, cs[1], lr=0.1, momentum=momentum, weight_decay=0.01)
    _numpy.sgd_step(rs[0], g, rs[1], lr=0.1, momentum=momentum, weight_decay=0.01)
    _assert_bitwise(cs, rs)


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
def test_large_arrays_cross_the_thread_threshold(dtype, rng):
    n = 300_007  # threaded, and not a multiple of any vector width
    grads = [rng.standard_normal(n).astype(dtype) for _ in range(2)]
    start = _state(rng, n, dtype, 4)
    options = dict(beta1=0.9, weight_decay=0.01, amsgrad=True, decoupled_weight_decay=False, maximize=False)
    _assert_bitwise(_run_adam(_c, grads, options, *[a.copy() for a in start]),
                    _run_adam(_numpy, grads, options, *[a.copy() for a in start]))
    sgd = dict(momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.01, maximize=False)
    _assert_bitwise(_run_sgd(_c, grads, sgd, *[a.copy() for a in start[:2]]),
                    _run_sgd(_numpy, grads, sgd, *[a.copy() for a in start[:2]]))


@needs_c
def test_nan_and_inf_propagate_as_in_the_reference():
    g = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, 2.0, -3.0])
    p = np.array([1.0, 2.0, 3.0, np.nan, -0.0, np.inf, 0.0, 1.0])
    v0 = np.array([0.0, 1.0, np.nan, 0.0, 0.0, 1.0, np.inf, 2.0])
    for amsgrad in (False, True):
        c = [p.copy(), np.zeros(8), v0.copy(), v0[::-1].copy()]
        r = [a.copy() for a in c]
        opts = dict(step=1, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, amsgrad=amsgrad, weight_decay=0.1)
        _c.adam_step(c[0], g, *c[1:], **opts)
        _numpy.adam_step(r[0], g, *r[1:], **opts)
        _assert_bitwise(c, r)
    c, r = [p.copy(), np.ones(8)], [p.copy(), np.ones(8)]
    _c.sgd_step(c[0], g, c[1], lr=0.1, momentum=0.9)
    _numpy.sgd_step(r[0], g, r[1], lr=0.1, momentum=0.9)
    _assert_bitwise(c, r)


# ---- against PyTorch ---------------------------------------------------------------------

@pytest.fixture
def torch1(torch):
    """PyTorch on one thread: its two-thread Adam was seen here to give a slightly wrong first update."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(previous)


BACKENDS = ["numpy", pytest.param("c", marks=needs_c)]
TORCH_ADAM = [dict(beta1=0.9), dict(beta1=0.9, weight_decay=0.1), dict(beta1=0.8, amsgrad=True, maximize=True),
              dict(beta1=0.9, weight_decay=0.1, decoupled_weight_decay=True),
              dict(beta1=0.3, weight_decay=0.05, amsgrad=True, decoupled_weight_decay=True)]
TORCH_SGD = [dict(), dict(momentum=0.9), dict(momentum=0.9, dampening=0.5, weight_decay=0.1),
             dict(momentum=0.9, nesterov=True, maximize=True), dict(weight_decay=0.2, maximize=True)]


def _kernels(name):
    return _c if name == "c" else _numpy


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", TORCH_ADAM, ids=_ident)
def test_adam_20_steps_match_pytorch(torch1, backend, options, rng):
    torch = torch1
    impl = _kernels(backend)
    opts = dict(options)
    beta1 = opts.pop("beta1")
    decoupled = opts.pop("decoupled_weight_decay", False)
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    p = rng.standard_normal(1000)
    t = torch.tensor(p.copy(), requires_grad=True)
    opt = cls([t], lr=1e-2, betas=(beta1, 0.999), eps=1e-8, foreach=False, weight_decay=opts.get("weight_decay", 0.0),
              amsgrad=opts.get("amsgrad", False), maximize=opts.get("maximize", False))
    m, v, vmax = np.zeros(1000), np.zeros(1000), np.zeros(1000)
    for step in range(1, 21):
        g = rng.standard_normal(1000)
        t.grad = torch.tensor(g)
        opt.step()
        impl.adam_step(p, g, m, v, vmax, step=step, lr=1e-2, beta1=beta1, beta2=0.999, eps=1e-8,
                       decoupled_weight_decay=decoupled, **opts)
    np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(m, opt.state[t]["exp_avg"].numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(v, opt.state[t]["exp_avg_sq"].numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", TORCH_SGD, ids=_ident)
def test_sgd_20_steps_match_pytorch(torch1, backend, options, rng):
    torch = torch1
    impl = _kernels(backend)
    p = rng.standard_normal(1000)
    t = torch.tensor(p.copy(), requires_grad=True)
    opt = torch.optim.SGD([t], lr=0.05, foreach=False, **options)
    buf = np.zeros(1000)
    for step in range(1, 21):
        g = rng.standard_normal(1000)
        t.grad = torch.tensor(g)
        opt.step()
        impl.sgd_step(p, g, buf, lr=0.05, first_step=(step == 1), **options)
    np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
    if options.get("momentum"):
        np.testing.assert_allclose(buf, opt.state[t]["momentum_buffer"].numpy(), rtol=0, atol=1e-10)


# ---- the multi-tensor forms ----------------------------------------------------------------

def _group(rng, shapes, dtype, lists):
    """`lists` lists of arrays of the given shapes: params from a normal, the rest |normal|."""
    return [[_state(rng, s, dtype, 2)[1 if k else 0] for s in shapes] for k in range(lists)]


def _copy(group):
    return [[a.copy() for a in seq] for seq in group]


IMPLS = [pytest.param("numpy"), pytest.param("c", marks=needs_c)]


@pytest.mark.parametrize("impl", IMPLS)
@settings(max_examples=15, deadline=None)
@given(dtype=st.sampled_from(DTYPES), amsgrad=st.booleans(), nesterov=st.booleans(),
       shapes=st.lists(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6), min_size=0, max_size=6))
def test_many_forms_equal_single_forms(impl, dtype, amsgrad, nesterov, shapes):
    kernels = _kernels(impl)
    rng = np.random.default_rng(len(shapes))
    params, grads, m, v, vmax = _group(rng, shapes, dtype, 5)
    many, single = _copy([params, m, v, vmax]), _copy([params, m, v, vmax])
    opts = dict(step=4, **ADAM_HYPER, beta1=0.9, weight_decay=0.02, amsgrad=amsgrad)
    assert kernels.adam_step_many(many[0], grads, *many[1:], **opts) is many[0]
    for i in range(len(shapes)):
        kernels.adam_step(single[0][i], grads[i], single[1][i], single[2][i], single[3][i], **opts)
    for a_list, b_list in zip(many, single):
        for a, b in zip(a_list, b_list):
            np.testing.assert_array_equal(a, b)
    many, single = _copy([params, m]), _copy([params, m])
    sgd = dict(lr=0.1, momentum=0.9, nesterov=nesterov, weight_decay=0.01)
    assert kernels.sgd_step_many(many[0], grads, many[1], **sgd) is many[0]
    for i in range(len(shapes)):
        kernels.sgd_step(single[0][i], grads[i], single[1][i], **sgd)
    for a_list, b_list in zip(many, single):
        for a, b in zip(a_list, b_list):
            np.testing.assert_array_equal(a, b)


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
def test_threaded_many_form_splits_across_tensors(dtype, rng):
    # the threads' chunks start and end inside tensors and span several of them
    shapes = [(50_001,), (3,), (0,), (70_000,), (1,), (123, 457)]
    params, grads, m, v = _group(rng, shapes, dtype, 4)
    c, r = _copy([params, m, v]), _copy([params, m, v])
    opts = dict(step=7, **ADAM_HYPER, beta1=0.9, decoupled_weight_decay=True, weight_decay=0.1)
    _c.adam_step_many(c[0], grads, c[1], c[2], **opts)
    _numpy.adam_step_many(r[0], grads, r[1], r[2], **opts)
    for a_list, b_list in zip(c, r):
        _assert_bitwise(a_list, b_list)
    c, r = _copy([params, m]), _copy([params, m])
    _c.sgd_step_many(c[0], grads, c[1], lr=0.1, momentum=0.9, first_step=True)
    _numpy.sgd_step_many(r[0], grads, r[1], lr=0.1, momentum=0.9, first_step=True)
    for a_list, b_list in zip(c, r):
        _assert_bitwise(a_list, b_list)


# ---- bad input ---------------------------------------------------------------------------------

def _adam_args(n=4, dtype=np.float32):
    return [np.zeros(n, dtype) for _ in range(4)]


ADAM_KW = dict(step=1, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)


@pytest.mark.parametrize("impl", IMPLS)
def test_bad_arrays_raise_naming_the_array(impl):
    k = _kernels(impl)
    p, g, m, v = _adam_args()
    with pytest.raises(TypeError, match=r"adam_step: param must be a numpy.ndarray, got list"):
        k.adam_step([0.0] * 4, g, m, v, **ADAM_KW)
    with pytest.raises(TypeError, match="param has dtype int64; the optimizer kernels take float32 or float64"):
        k.adam_step(np.zeros(4, np.int64), g, m, v, **ADAM_KW)
    with pytest.raises(TypeError, match="exp_avg has dtype float64 but param has float32"):
        k.adam_step(p, g, np.zeros(4), v, **ADAM_KW)
    with pytest.raises(ValueError, match=r"grad has shape \(5,\) but param has shape \(4,\)"):
        k.adam_step(p, np.zeros(5, np.float32), m, v, **ADAM_KW)
    for layout in ("transposed", "step", "reversed"):
        twod = in_layout(np.zeros((3, 4), np.float32), layout)
        with pytest.raises(ValueError, match="exp_avg_sq must be C-contiguous"):
            k.adam_step(np.zeros((3, 4), np.float32), np.zeros((3, 4), np.float32),
                        np.zeros((3, 4), np.float32), twod, **ADAM_KW)
    frozen = np.zeros(4, np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="exp_avg is read-only"):
        k.adam_step(p, g, frozen, v, **ADAM_KW)
    k.adam_step(p, frozen, m, v, **ADAM_KW)  # a read-only gradient is fine: it is only read
    with pytest.raises(ValueError, match="max_exp_avg_sq is required when amsgrad=True"):
        k.adam_step(p, g, m, v, amsgrad=True, **ADAM_KW)
    with pytest.raises(ValueError, match="momentum_buffer is required when momentum != 0"):
        k.sgd_step(p, g, lr=0.1, momentum=0.9)
    with pytest.raises(TypeError, match="sgd_step: momentum_buffer has dtype float64"):
        k.sgd_step(p, g, np.zeros(4), lr=0.1, momentum=0.9)


@pytest.mark.parametrize("impl", IMPLS)
def test_overlapping_arrays_raise(impl):
    k = _kernels(impl)
    p, g, m, _ = _adam_args()
    with pytest.raises(ValueError, match="exp_avg and exp_avg_sq share memory"):
        k.adam_step(p, g, m, m, **ADAM_KW)
    base = np.zeros(9, np.float32)
    with pytest.raises(ValueError, match="param and grad share memory"):
        k.sgd_step(base[:5], base[4:], lr=0.1)
    buf = np.zeros(4, np.float32)
    with pytest.raises(ValueError, match="share memory"):
        k.sgd_step(p, g, p, lr=0.1, momentum=0.9)
    params, grads = [np.zeros(3, np.float32), np.zeros(3, np.float32)], [np.zeros(3, np.float32)]
    grads.append(params[0])
    with pytest.raises(ValueError, match=r"params\[0\] and grads\[1\] share memory"):
        k.sgd_step_many(params, grads, [buf[:3], np.zeros(3, np.float32)], lr=0.1, momentum=0.9)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("bad, error, message", [
    (dict(beta1=1.0), ValueError, r"invalid beta1 1.0 \(expected 0 <= beta1 < 1\)"),
    (dict(beta2=-0.1), ValueError, "invalid beta2"),
    (dict(lr=-1.0), ValueError, "invalid lr"),
    (dict(eps=-1e-8), ValueError, "invalid eps"),
    (dict(step=0), ValueError, "invalid step 0"),
    (dict(step=1.5), TypeError, "step must be an integer, got float"),
    (dict(weight_decay=-0.1), ValueError, "invalid weight_decay"),
])
def test_bad_adam_hyperparameters_raise(impl, bad, error, message):
    with pytest.raises(error, match=message):
        _kernels(impl).adam_step(*_adam_args(), **{**ADAM_KW, **bad})


@pytest.mark.parametrize("impl", IMPLS)
def test_bad_sgd_hyperparameters_raise(impl):
    k = _kernels(impl)
    p, g, buf, _ = _adam_args()
    with pytest.raises(ValueError, match="nesterov momentum requires a momentum > 0 and zero dampening"):
        k.sgd_step(p, g, buf, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="invalid momentum -0.5"):
        k.sgd_step(p, g, buf, lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="invalid lr"):
        k.sgd_step(p, g, lr=float("nan"))


@pytest.mark.parametrize("impl", IMPLS)
def test_bad_groups_raise_naming_the_index(impl):
    k = _kernels(impl)
    params = [np.zeros(3, np.float32), np.zeros((2, 2), np.float32)]
    grads = [np.zeros(3, np.float32), np.zeros((2, 2), np.float32)]
    moments = [[np.zeros(3, np.float32), np.zeros((2, 2), np.float32)] for _ in range(2)]
    with pytest.raises(ValueError, match="adam_step_many: got 2 params but 1 grads"):
        k.adam_step_many(params, grads[:1], *moments, **ADAM_KW)
    with pytest.raises(ValueError, match=r"exp_avgs\[1\] has shape \(4,\) but params\[1\] has shape \(2, 2\)"):
        k.adam_step_many(params, grads, [moments[0][0], np.zeros(4, np.float32)], moments[1], **ADAM_KW)
    with pytest.raises(TypeError, match=r"params\[1\] has dtype float64 but params\[0\] has float32"):
        k.adam_step_many([params[0], np.zeros((2, 2))], grads, *moments, **ADAM_KW)
    with pytest.raises(TypeError, match="grads must be a list of numpy.ndarray, got ndarray"):
        k.sgd_step_many(params, np.zeros(3, np.float32), lr=0.1)
    with pytest.raises(ValueError, match=r"grads\[0\] must be C-contiguous"):
        k.sgd_step_many([np.zeros((3, 2), np.float32)], [np.zeros((2, 3), np.float32).T], lr=0.1)
    with pytest.raises(ValueError, match="max_exp_avg_sqs is required when amsgrad=True"):
        k.adam_step_many(params, grads, *moments, amsgrad=True, **ADAM_KW)
    with pytest.raises(ValueError, match="momentum_buffers is required when momentum != 0"):
        k.sgd_step_many(params, grads, lr=0.1, momentum=0.5)
    assert k.adam_step_many([], [], [], [], **ADAM_KW) == []


@needs_c
def test_c_rejects_bad_arguments_itself():
    # the last line of defence, reached only by calling the library directly
    from pyautograd._C import ffi, lib
    p = [ffi.from_buffer("float[]", np.zeros(4, np.float32)) for _ in range(4)]
    hyper = (1e-3, 0.9, 0.999, 1e-8, 0.0, 0, 0, 0, 1)
    assert lib.pag_optim_adam_step_f32(*p, ffi.NULL, 4, 1, *hyper) == lib.PAG_OK
    assert lib.pag_optim_adam_step_f32(ffi.NULL, *p[1:], ffi.NULL, 4, 1, *hyper) == lib.PAG_EINVAL
    assert lib.pag_optim_adam_step_f32(*p, ffi.NULL, -1, 1, *hyper) == lib.PAG_EINVAL
    assert lib.pag_optim_adam_step_f32(*p, ffi.NULL, 4, 0, *hyper) == lib.PAG_EINVAL  # step 0
    amsgrad = (1e-3, 0.9, 0.999, 1e-8, 0.0, 1, 0, 0, 1)
    assert lib.pag_optim_adam_step_f32(*p, ffi.NULL, 4, 1, *amsgrad) == lib.PAG_EINVAL
    assert lib.pag_optim_adam_step_f32(p[0], p[1], p[2], p[2], ffi.NULL, 4, 1, *hyper) == lib.PAG_EINVAL
    sgd = (0.1, 0.9, 0.0, 0.0, 0, 0, 0, 1)
    assert lib.pag_optim_sgd_step_f32(p[0], p[1], ffi.NULL, 4, *sgd) == lib.PAG_EINVAL  # momentum, no buffer
    assert lib.pag_optim_sgd_step_f32(p[0], p[1], ffi.NULL, 0, *sgd) == lib.PAG_OK  # nothing to touch
    sizes = ffi.new("int64_t[]", [4, -1])
    ptrs = ffi.new("float *[]", [p[0], p[1]])
    assert lib.pag_optim_sgd_step_many_f32(ptrs, ptrs, ffi.NULL, sizes, 2, 0.1, 0.0, 0.0, 0.0, 0, 0, 0, 1) \
        == lib.PAG_EINVAL
    assert lib.pag_optim_sgd_step_many_f32(ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL, 0, 0.1, 0.0, 0.0, 0.0,
                                           0, 0, 0, 1) == lib.PAG_OK



# ---- dispatch ------------------------------------------------------------------------------------

@needs_c
def test_dispatcher_picks_c_for_optimizer_steps(monkeypatch):
    p, g, m, v = _adam_args(8)
    with K.use_backend("auto"):
        assert dispatcher_choice(lambda: K.adam_step(p, g, m, v, **ADAM_KW)) == "C"
        assert dispatcher_choice(lambda: K.sgd_step_many([p], [g], lr=0.1)) == "C"
        assert dispatcher_choice(lambda: K.adam_step_many([], [], [], [], **ADAM_KW)) == "NumPy"  # nothing to decide on
        with pytest.raises(TypeError, match="param has dtype float16"):  # NumPy's checks reject it
            K.adam_step(p.astype(np.float16), g, m, v, **ADAM_KW)
    with K.use_backend("numpy"):
        assert dispatcher_choice(lambda: K.adam_step_many([p], [g], [m], [v], **ADAM_KW)) == "NumPy"
    monkeypatch.setenv("PYAUTOGRAD_C_THRESHOLD", "10")
    with K.use_backend("auto"):  # the group's total size decides
        assert dispatcher_choice(lambda: K.sgd_step_many([p], [g], lr=0.1)) == "NumPy"
        assert dispatcher_choice(lambda: K.sgd_step_many([p, m], [g, v], lr=0.1)) == "C"


# ---- RMSprop and Adagrad --------------------------------------------------------------------

RMSPROP_OPTIONS = [
    dict(alpha=a, weight_decay=wd, momentum=m, centered=c, maximize=mx)
    for a in (0.99, 0.3) for wd in (0.0, 0.05) for m in (0.0, 0.9) for c in (False, True) for mx in (False, True)
]  # alpha = 0.3 takes PyTorch's second lerp form for grad_avg (weight 1 - alpha >= 0.5)
ADAGRAD_OPTIONS = [dict(lr_decay=d, weight_decay=wd, maximize=mx)
                   for d in (0.0, 0.01) for wd in (0.0, 0.05) for mx in (False, True)]


def _run_rmsprop(impl, grads, options, param, square_avg, grad_avg, buf):
    for g in grads:
        assert impl.rmsprop_step(param, g, square_avg, grad_avg, buf, lr=1e-2, eps=1e-8, **options) is param
    return param, square_avg, grad_avg, buf


def _run_adagrad(impl, grads, options, param, state_sum):
    for step, g in enumerate(grads, 1):
        assert impl.adagrad_step(param, g, state_sum, step=step, lr=0.1, eps=1e-10, **options) is param
    return param, state_sum


def _zero_state(rng, n, dtype, count):
    """param from a normal, then `count` zeroed state arrays (as the optimizers start them)."""
    return [rng.standard_normal(n).astype(dtype)] + [np.zeros(n, dtype) for _ in range(count)]


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=_ident)
def test_rmsprop_c_matches_reference(options, dtype, rng):
    grads = [rng.standard_normal(257).astype(dtype) for _ in range(3)]
    start = _zero_state(rng, 257, dtype, 3)
    c = _run_rmsprop(_c, grads, options, *[a.copy() for a in start])
    ref = _run_rmsprop(_numpy, grads, options, *[a.copy() for a in start])
    _assert_bitwise(c, ref)
    assert not np.array_equal(c[0], start[0])


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", ADAGRAD_OPTIONS, ids=_ident)
def test_adagrad_c_matches_reference(options, dtype, rng):
    grads = [rng.standard_normal(257).astype(dtype) for _ in range(3)]
    start = _zero_state(rng, 257, dtype, 1)
    start[1] += dtype(0.1)  # initial_accumulator_value
    c = _run_adagrad(_c, grads, options, *[a.copy() for a in start])
    ref = _run_adagrad(_numpy, grads, options, *[a.copy() for a in start])
    _assert_bitwise(c, ref)
    assert not np.array_equal(c[0], start[0])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", [dict(), dict(momentum=0.9, weight_decay=0.1),
                                     dict(centered=True, alpha=0.3, maximize=True),
                                     dict(centered=True, momentum=0.5, alpha=0.9)], ids=_ident)
def test_rmsprop_20_steps_match_pytorch(torch1, backend, options, rng):
    impl = _kernels(backend)
    p = rng.standard_normal(1000)
    t = torch1.tensor(p.copy(), requires_grad=True)
    opt = torch1.optim.RMSprop([t], lr=1e-2, foreach=False, **options)
    opts = {"alpha": 0.99, **options}
    sq, ga, buf = np.zeros(1000), np.zeros(1000), np.zeros(1000)
    for _ in range(20):
        g = rng.standard_normal(1000)
        t.grad = torch1.tensor(g)
        opt.step()
        impl.rmsprop_step(p, g, sq, ga, buf, lr=1e-2, eps=1e-8, **opts)
    np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(sq, opt.state[t]["square_avg"].numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", [dict(), dict(lr_decay=0.05, weight_decay=0.1, maximize=True)], ids=_ident)
def test_adagrad_20_steps_match_pytorch(torch1, backend, options, rng):
    impl = _kernels(backend)
    p = rng.standard_normal(1000)
    t = torch1.tensor(p.copy(), requires_grad=True)
    opt = torch1.optim.Adagrad([t], lr=0.1, initial_accumulator_value=0.2, foreach=False, **options)
    state_sum = np.full(1000, 0.2)
    for step in range(1, 21):
        g = rng.standard_normal(1000)
        t.grad = torch1.tensor(g)
        opt.step()
        impl.adagrad_step(p, g, state_sum, step=step, lr=0.1, eps=1e-10, **options)
    np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(state_sum, opt.state[t]["sum"].numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("impl", IMPLS)
@settings(max_examples=10, deadline=None)
@given(dtype=st.sampled_from(DTYPES), centered=st.booleans(), momentum=st.sampled_from([0.0, 0.9]),
       shapes=st.lists(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6), min_size=0, max_size=6))
def test_rmsprop_adagrad_many_forms_equal_single_forms(impl, dtype, centered, momentum, shapes):
    kernels = _kernels(impl)
    rng = np.random.default_rng(len(shapes))
    params, grads, sq, ga, buf = _group(rng, shapes, dtype, 5)
    many, single = _copy([params, sq, ga, buf]), _copy([params, sq, ga, buf])
    opts = dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.02, momentum=momentum, centered=centered)
    assert kernels.rmsprop_step_many(many[0], grads, *many[1:], **opts) is many[0]
    for i in range(len(shapes)):
        kernels.rmsprop_step(single[0][i], grads[i], single[1][i], single[2][i], single[3][i], **opts)
    many, single = many + _copy([params, sq]), single + _copy([params, sq])
    opts = dict(step=3, lr=0.1, lr_decay=0.01, eps=1e-10, weight_decay=0.02)
    assert kernels.adagrad_step_many(many[4], grads, many[5], **opts) is many[4]
    for i in range(len(shapes)):
        kernels.adagrad_step(single[4][i], grads[i], single[5][i], **opts)
    for a_list, b_list in zip(many, single):
        for a, b in zip(a_list, b_list):
            np.testing.assert_array_equal(a, b)


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
def test_rmsprop_adagrad_threaded_groups_match_reference(dtype, rng):
    shapes = [(50_001,), (3,), (0,), (70_000,), (123, 457)]
    params, grads = _group(rng, shapes, dtype, 2)
    sq, ga, buf = ([np.zeros(s, dtype) for s in shapes] for _ in range(3))  # (centered is ill-conditioned else)
    c, r = _copy([params, sq, ga, buf]), _copy([params, sq, ga, buf])
    opts = dict(lr=0.01, alpha=0.99, eps=1e-8, momentum=0.9, centered=True)
    _c.rmsprop_step_many(c[0], grads, *c[1:], **opts)
    _numpy.rmsprop_step_many(r[0], grads, *r[1:], **opts)
    c, r = c + _copy([params, sq]), r + _copy([params, sq])
    _c.adagrad_step_many(c[4], grads, c[5], step=2, lr=0.1, eps=1e-10)
    _numpy.adagrad_step_many(r[4], grads, r[5], step=2, lr=0.1, eps=1e-10)
    for a_list, b_list in zip(c, r):
        _assert_bitwise(a_list, b_list)


@pytest.mark.parametrize("impl", IMPLS)
def test_rmsprop_adagrad_bad_input_raises(impl):
    k = _kernels(impl)
    p, g, sq, other = _adam_args()
    with pytest.raises(ValueError, match="rmsprop_step: grad_avg is required when centered=True"):
        k.rmsprop_step(p, g, sq, lr=0.1, alpha=0.9, eps=1e-8, centered=True)
    with pytest.raises(ValueError, match="rmsprop_step: momentum_buffer is required when momentum > 0"):
        k.rmsprop_step(p, g, sq, lr=0.1, alpha=0.9, eps=1e-8, momentum=0.9)
    with pytest.raises(ValueError, match=r"rmsprop_step: invalid alpha -0.5 \(expected alpha >= 0\)"):
        k.rmsprop_step(p, g, sq, lr=0.1, alpha=-0.5, eps=1e-8)
    with pytest.raises(ValueError, match="square_avg and momentum_buffer share memory"):
        k.rmsprop_step(p, g, sq, None, sq, lr=0.1, alpha=0.9, eps=1e-8, momentum=0.9)
    with pytest.raises(TypeError, match="rmsprop_step: square_avg has dtype float64 but param has float32"):
        k.rmsprop_step(p, g, np.zeros(4), lr=0.1, alpha=0.9, eps=1e-8)
    with pytest.raises(ValueError, match="adagrad_step: invalid lr_decay -1"):
        k.adagrad_step(p, g, sq, step=1, lr=0.1, lr_decay=-1, eps=1e-10)
    with pytest.raises(ValueError, match="adagrad_step: invalid step 0"):
        k.adagrad_step(p, g, sq, step=0, lr=0.1, eps=1e-10)
    with pytest.raises(ValueError, match="param and state_sum share memory"):
        k.adagrad_step(p, g, p, step=1, lr=0.1, eps=1e-10)
    with pytest.raises(ValueError, match=r"adagrad_step_many: state_sums\[0\] has shape \(5,\) but params\[0\]"):
        k.adagrad_step_many([p], [g], [np.zeros(5, np.float32)], step=1, lr=0.1, eps=1e-10)
    with pytest.raises(ValueError, match="rmsprop_step_many: grad_avgs is required when centered=True"):
        k.rmsprop_step_many([p], [g], [sq], lr=0.1, alpha=0.9, eps=1e-8, centered=True)
    assert k.rmsprop_step_many([], [], [], lr=0.1, alpha=0.9, eps=1e-8) == []


@needs_c
def test_c_rejects_bad_rmsprop_adagrad_arguments_itself():
    from pyautograd._C import ffi, lib
    p = [ffi.from_buffer("float[]", np.zeros(4, np.float32)) for _ in range(5)]
    rms = (0.01, 0.99, 1e-8, 0.0)
    assert lib.pag_optim_rmsprop_step_f32(*p, 4, *rms, 0.9, 1, 0, 1) == lib.PAG_OK
    assert lib.pag_optim_rmsprop_step_f32(*p[:3], ffi.NULL, p[4], 4, *rms, 0.0, 1, 0, 1) == lib.PAG_EINVAL
    assert lib.pag_optim_rmsprop_step_f32(*p[:4], ffi.NULL, 4, *rms, 0.9, 0, 0, 1) == lib.PAG_EINVAL
    assert lib.pag_optim_rmsprop_step_f32(*p[:4], ffi.NULL, 4, *rms, 0.0, 0, 0, 1) == lib.PAG_OK
    assert lib.pag_optim_adagrad_step_f32(*p[:3], 4, 0, 0.1, 0.0, 1e-10, 0.0, 0, 1) == lib.PAG_EINVAL  # step 0
    assert lib.pag_optim_adagrad_step_f32(p[0], p[1], p[0], 4, 1, 0.1, 0.0, 1e-10, 0.0, 0, 1) == lib.PAG_EINVAL

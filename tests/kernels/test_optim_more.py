"""Adadelta and Adamax group kernels: C against the NumPy reference for every option combination and
both dtypes (threaded groups included), both against PyTorch over 20 steps, and bad input.
Tolerances as tests/kernels/test_optim.py's."""
import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels import _numpy
from pyautograd.kernels._registry import dispatcher_choice

needs_c = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")
if K.c_available():
    from pyautograd.kernels import _c

DTYPES = (np.float32, np.float64)
TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
ADADELTA_OPTIONS = [dict(rho=r, weight_decay=wd, maximize=mx) for r in (0.9, 0.3) for wd in (0.0, 0.05)
                    for mx in (False, True)]
ADAMAX_OPTIONS = [dict(beta1=b1, weight_decay=wd, maximize=mx) for b1 in (0.9, 0.3) for wd in (0.0, 0.05)
                  for mx in (False, True)]  # beta1 = 0.3 takes PyTorch's second lerp form


def _group(rng, shapes, dtype):
    draw = lambda s: np.asarray(rng.standard_normal(s), dtype=dtype)  # noqa: E731  (0-d stays an array)
    params = [draw(s) for s in shapes]
    state = [[np.asarray(np.abs(draw(s))) for s in shapes] for _ in range(2)]
    grads = [[draw(s) for s in shapes] for _ in range(5)]
    return params, state, grads


def _adadelta(impl, params, state, grads, options):
    for gs in grads:
        assert impl.adadelta_step_many(params, gs, *state, lr=0.5, eps=1e-6, **options) is params
    return params + state[0] + state[1]


def _adamax(impl, params, state, grads, options):
    for step, gs in enumerate(grads, 1):
        assert impl.adamax_step_many(params, gs, *state, step=step, lr=1e-2, beta2=0.999, eps=1e-8,
                                     **options) is params
    return params + state[0] + state[1]


RUNS = {"adadelta": (_adadelta, ADADELTA_OPTIONS), "adamax": (_adamax, ADAMAX_OPTIONS)}
CASES = [(name, o) for name, (_, opts) in RUNS.items() for o in opts]


@needs_c
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,options", CASES, ids=str)
def test_c_matches_reference(name, options, dtype, rng):
    run = RUNS[name][0]
    shapes = [(3, 4), (), (7,), (0,)]
    params, state, grads = _group(rng, shapes, dtype)
    copy = lambda arrays: [a.copy() for a in arrays]  # noqa: E731
    got = run(_c, copy(params), [copy(s) for s in state], grads, options)
    want = run(_numpy, copy(params), [copy(s) for s in state], grads, options)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, equal_nan=True, **TOL[dtype])


@needs_c
@pytest.mark.parametrize("name", RUNS)
def test_threaded_groups_match_reference(name, rng):
    run, options = RUNS[name]
    params, state, grads = _group(rng, [(300, 300), (70001,)], np.float64)
    copy = lambda arrays: [a.copy() for a in arrays]  # noqa: E731
    threads = K.get_num_threads()
    K.set_num_threads(2)
    try:
        got = run(_c, copy(params), [copy(s) for s in state], grads[:2], options[1])
    finally:
        K.set_num_threads(threads)
    want = run(_numpy, copy(params), [copy(s) for s in state], grads[:2], options[1])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, **TOL[np.float64])


@pytest.mark.parametrize("backend_name", ["numpy", "c"])
@pytest.mark.parametrize("name", ["Adadelta", "Adamax"])
def test_20_steps_match_pytorch_on_each_backend(name, backend_name, torch, rng):
    if backend_name == "c" and not K.c_available():
        pytest.skip("C kernels not built")
    torch.set_num_threads(1)
    import pyautograd as pag
    w0, grads = rng.standard_normal((4, 5)), [rng.standard_normal((4, 5)) for _ in range(20)]
    kwargs = dict(lr=0.1, weight_decay=0.05, maximize=True)
    results = []
    with K.use_backend(backend_name):
        for lib in (pag, torch):
            p = (pag.nn if lib is pag else lib.nn).Parameter(lib.tensor(w0))
            opt = getattr(lib.optim, name)([p], **kwargs)
            for g in grads:
                p.grad = lib.tensor(g)
                opt.step()
            results.append(p.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


@needs_c
def test_dispatcher_picks_c():
    p, g, a, b = (np.ones(8) for _ in range(4))
    with K.use_backend("auto"):
        assert dispatcher_choice(lambda: K.adadelta_step_many([p], [g], [a], [b], lr=1.0, rho=0.9, eps=1e-6)) == "C"
        assert dispatcher_choice(lambda: K.adamax_step_many([p], [g], [a], [b], step=1, lr=1e-3, beta1=0.9,
                                                            beta2=0.999, eps=1e-8)) == "C"


@pytest.mark.parametrize("impl_name", ["numpy", "c"])
def test_bad_input_raises_naming_the_argument(impl_name):
    if impl_name == "c" and not K.c_available():
        pytest.skip("C kernels not built")
    k = _numpy if impl_name == "numpy" else _c
    p, g, a, b = (np.ones(5) for _ in range(4))
    with pytest.raises(ValueError, match=r"adadelta_step_many: invalid rho 1.5"):
        k.adadelta_step_many([p], [g], [a], [b], lr=1.0, rho=1.5, eps=1e-6)
    with pytest.raises(ValueError, match=r"adamax_step_many: invalid step 0"):
        k.adamax_step_many([p], [g], [a], [b], step=0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    with pytest.raises(ValueError, match=r"adadelta_step_many: acc_deltas\[0\] has shape \(4,\) but params\[0\]"):
        k.adadelta_step_many([p], [g], [a], [np.ones(4)], lr=1.0, rho=0.9, eps=1e-6)
    with pytest.raises(TypeError, match=r"exp_infs\[0\] has dtype float32 but params\[0\] has float64"):
        k.adamax_step_many([p], [g], [a], [b.astype(np.float32)], step=1, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    with pytest.raises(ValueError, match=r"share memory"):
        k.adamax_step_many([p], [g], [p], [b], step=1, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    with pytest.raises(ValueError, match=r"got 1 params but 2 grads"):
        k.adadelta_step_many([p], [g, g], [a], [b], lr=1.0, rho=0.9, eps=1e-6)

"""Adadelta, Adamax, RAdam, Rprop, NAdam and ASGD group kernels: C against the NumPy reference for every option combination and
both dtypes (threaded groups included), both against PyTorch over 20 steps, and bad input.
Tolerances as tests/kernels/test_optim.py's."""
import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels import _numpy
from dispatch_probe import dispatcher_choice  # tests/dispatch_probe.py

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


RADAM_OPTIONS = [dict(beta1=b1, beta2=b2, weight_decay=wd, decoupled_weight_decay=dec, maximize=mx)
                 for b1 in (0.9, 0.3) for b2 in (0.999, 0.6) for wd in (0.0, 0.05) for dec in (False, True)
                 for mx in (False, True)]  # beta2 = 0.6 reaches rho_t > 5 (the rectified step) within 5 steps
RPROP_OPTIONS = [dict(etaminus=em, etaplus=ep, step_size_min=lo, step_size_max=hi, maximize=mx)
                 for em, ep in ((0.5, 1.2), (0.3, 1.7)) for lo, hi in ((1e-6, 50.0), (0.05, 0.2)) for mx in (False, True)]


def _radam(impl, params, state, grads, options):
    for step, gs in enumerate(grads, 1):
        assert impl.radam_step_many(params, gs, *state, step=step, lr=1e-2, eps=1e-8, **options) is params
    return params + state[0] + state[1]


def _rprop(impl, params, state, grads, options):
    state[1] = [np.full_like(p, 0.01) for p in params]  # step sizes start at lr
    for gs in grads + [[np.where(np.asarray(g) > 0, g, -g) for g in gs] for gs in grads[:2]]:
        assert impl.rprop_step_many(params, gs, *state, **options) is params
    return params + state[0] + state[1]


NADAM_OPTIONS = [dict(beta1=b1, weight_decay=wd, decoupled_weight_decay=dec, maximize=mx)
                 for b1 in (0.9, 0.3) for wd in (0.0, 0.05) for dec in (False, True) for mx in (False, True)]
ASGD_OPTIONS = [dict(lambd=lam, weight_decay=wd, maximize=mx, t0=t0)
                for lam in (1e-4, 0.1) for wd in (0.0, 0.05) for mx in (False, True) for t0 in (1e6, 2)]


def _nadam(impl, params, state, grads, options):
    product = 1.0
    for step, gs in enumerate(grads, 1):
        mu = options["beta1"] * (1 - 0.5 * 0.96 ** (step * 0.004))
        mu_next = options["beta1"] * (1 - 0.5 * 0.96 ** ((step + 1) * 0.004))
        product *= mu
        assert impl.nadam_step_many(params, gs, *state, step=step, lr=1e-2, beta2=0.999, eps=1e-8, mu=mu,
                                    mu_next=mu_next, mu_product=product, **options) is params
    return params + state[0] + state[1]


def _asgd(impl, params, state, grads, options):
    options = dict(options)
    t0 = options.pop("t0")
    eta, mu = 0.05, 1.0
    for step, gs in enumerate(grads, 1):
        assert impl.asgd_step_many(params, gs, state[0], eta=eta, mu=mu, **options) is params
        eta, mu = 0.05 / (1 + options["lambd"] * 0.05 * step) ** 0.75, 1 / max(1, step - t0)
    return params + state[0]


RUNS = {"adadelta": (_adadelta, ADADELTA_OPTIONS), "adamax": (_adamax, ADAMAX_OPTIONS),
        "radam": (_radam, RADAM_OPTIONS), "rprop": (_rprop, RPROP_OPTIONS), "nadam": (_nadam, NADAM_OPTIONS),
        "asgd": (_asgd, ASGD_OPTIONS)}
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
    for g, w in zip(got, want):  # bitwise: optim.c is built without FMA contraction (csrc/build.py)
        np.testing.assert_array_equal(g, w, strict=True)


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
@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "RAdam", "Rprop", "NAdam", "ASGD"])
def test_20_steps_match_pytorch_on_each_backend(name, backend_name, torch, rng):
    if backend_name == "c" and not K.c_available():
        pytest.skip("C kernels not built")
    torch.set_num_threads(1)
    import pyautograd as pag
    w0, grads = rng.standard_normal((4, 5)), [rng.standard_normal((4, 5)) for _ in range(20)]
    kwargs = dict(lr=0.1, maximize=True, **({} if name == "Rprop" else dict(weight_decay=0.05)))
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
        assert dispatcher_choice(lambda: K.radam_step_many([p], [g], [a], [b], step=1, lr=1e-3, beta1=0.9,
                                                           beta2=0.999, eps=1e-8)) == "C"
        assert dispatcher_choice(lambda: K.rprop_step_many([p], [g], [a], [b], etaminus=0.5, etaplus=1.2,
                                                           step_size_min=1e-6, step_size_max=50)) == "C"
        assert dispatcher_choice(lambda: K.nadam_step_many([p], [g], [a], [b], step=1, lr=1e-3, beta1=0.9,
                                                           beta2=0.999, eps=1e-8, mu=0.4, mu_next=0.4,
                                                           mu_product=0.4)) == "C"
        assert dispatcher_choice(lambda: K.asgd_step_many([p], [g], [a], eta=0.01, mu=1.0, lambd=1e-4)) == "C"


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
    with pytest.raises(ValueError, match=r"rprop_step_many: invalid etas \(1.5, 1.2\)"):
        k.rprop_step_many([p], [g], [a], [b], etaminus=1.5, etaplus=1.2, step_size_min=1e-6, step_size_max=50)
    with pytest.raises(ValueError, match=r"asgd_step_many: invalid weight_decay -1"):
        k.asgd_step_many([p], [g], [a], eta=0.01, mu=1.0, lambd=1e-4, weight_decay=-1)
    with pytest.raises(ValueError, match=r"radam_step_many: invalid beta1 1.0"):
        k.radam_step_many([p], [g], [a], [b], step=1, lr=1e-3, beta1=1.0, beta2=0.999, eps=1e-8)


@pytest.mark.parametrize("impl_name", ["numpy", "c"])
def test_rprop_nan_gradients_and_clamp_as_pytorch(impl_name, torch):
    if impl_name == "c" and not K.c_available():
        pytest.skip("C kernels not built")
    k = _numpy if impl_name == "numpy" else _c
    g0, g1 = np.array([1.0, -1.0, np.nan, 2.0]), np.array([1.0, 1.0, 1.0, 0.0])
    p, prev, size = np.zeros(4), np.zeros(4), np.full(4, 0.1)
    tp = torch.nn.Parameter(torch.zeros(4, dtype=torch.float64))
    opt = torch.optim.Rprop([tp], lr=0.1, step_sizes=(0.3, 0.2))  # min > max: PyTorch's clamp gives max
    for g in (g0, g1):
        k.rprop_step_many([p], [g], [prev], [size], etaminus=0.5, etaplus=1.2, step_size_min=0.3, step_size_max=0.2)
        tp.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_array_equal(p, tp.detach().numpy())
    np.testing.assert_array_equal(size, opt.state[tp]["step_size"].numpy())

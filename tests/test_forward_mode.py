"""Forward-mode derivatives on the reverse-mode engine (the double-vjp trick), against PyTorch's
forward AD: torch.func.jvp, torch.func.jacfwd and autograd.functional.jacobian(strategy=
"forward-mode"), with their structures, errors and the one documented difference (code run
under no_grad is not seen here, with a warning)."""
import warnings

import numpy as np
import pytest

import pyautograd as P
from pyautograd import func as pfunc
from pyautograd.autograd import functional as pF

X = [0.3, -1.2, 2.0]
T = [1.0, 0.5, -2.0]


def _libs(torch):
    return ((P, pfunc, pF), (torch, torch.func, torch.autograd.functional))


def _close(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _close(a, b)
    elif isinstance(theirs, dict):
        assert ours.keys() == theirs.keys()
        for k in theirs:
            _close(ours[k], theirs[k])
    else:
        assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


FUNCS = {
    "sin": lambda lib: (lambda x: x.sin()),
    "poly and reduction": lambda lib: (lambda x: (x ** 3 * 2 - x).sum()),
    "matmul": lambda lib: (lambda x: lib.outer(x, x) @ x.exp()),
    "softmax": lambda lib: (lambda x: lib.softmax(x * 2, 0)),
    "two inputs, two outputs": lambda lib: (lambda x, y: (x * y, (x + y).tanh())),
    "integer output": lambda lib: (lambda x: (x.sin(), x.argmax())),
    "constant output": lambda lib: (lambda x: lib.ones(2, dtype=lib.float64)),
    "in-place inside": lambda lib: (lambda x: x.clone().mul_(2).exp_()),
    "dict output": lambda lib: (lambda x: {"a": x.cos(), "b": (x * 2,)}),
}


@pytest.mark.parametrize("name", list(FUNCS))
def test_jvp_matches_pytorchs_forward_ad(torch, name):
    results = []
    for lib, func, _ in _libs(torch):
        f = FUNCS[name](lib)
        x = lib.tensor(X, dtype=lib.float64)
        t = lib.tensor(T, dtype=lib.float64)
        primals, tangents = ((x, x * 0.5), (t, t.flip(0))) if name.startswith("two") else ((x,), (t,))
        results.append(func.jvp(f, primals, tangents))
    _close(*results)


@pytest.mark.parametrize("name", ["sin", "poly and reduction", "matmul", "softmax", "in-place inside",
                                  "integer output", "dict output"])
def test_jacfwd_matches_pytorch(torch, name):
    results = []
    for lib, func, _ in _libs(torch):
        results.append(func.jacfwd(FUNCS[name](lib))(lib.tensor(X, dtype=lib.float64)))
    _close(*results)


def test_jacfwd_argnums_has_aux_and_nesting_match_pytorch(torch):
    results = []
    for lib, func, _ in _libs(torch):
        x, y = lib.tensor(X, dtype=lib.float64), lib.tensor(T, dtype=lib.float64)
        results.append((
            func.jacfwd(lambda a, b: (a * b).sin(), argnums=(0, 1))(x, y),
            func.jacfwd(lambda a, b: a * b, argnums=1)(x, y),
            func.jacfwd(lambda a: (a.exp(), a.sum()), has_aux=True)(x),
            func.jacfwd(func.jacfwd(lambda a: (a ** 3).sum()))(x),          # forward over forward
            func.jacfwd(func.jacrev(lambda a: (a.sin() * a).sum()))(x),     # forward over reverse
            func.jvp(lambda a: a.cos(), (x,), (y,), has_aux=False)))
    _close(*results)


def test_jvp_output_is_differentiable_when_the_primals_require_grad(torch):
    grads = []
    for lib, func, _ in _libs(torch):
        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        out, jv = func.jvp(lambda a: a.sin() * a, (x,), (lib.tensor(T, dtype=lib.float64),))
        (jv.sum() + out.sum()).backward()
        grads.append(x.grad)
    _close(*grads)


def test_jvp_has_aux_returns_the_aux_without_graph(torch):
    results = []
    for lib, func, _ in _libs(torch):
        x, t = lib.tensor(X, dtype=lib.float64), lib.tensor(T, dtype=lib.float64)
        out, jv, aux = func.jvp(lambda a: (a.sin(), {"k": a * 3}), (x,), (t,), has_aux=True)
        assert not aux["k"].requires_grad
        results.append((out, jv, aux))
    _close(*results)


@pytest.mark.parametrize("call, match", [
    (lambda lib, func, x: func.jvp(lambda a: a, x, x), "Expected primals to be a tuple"),
    (lambda lib, func, x: func.jvp(lambda a: a, (x,), (x, x)), "same python structure"),
    (lambda lib, func, x: func.jvp(lambda a: a, (x,), (x[:2],)), "different size"),
    (lambda lib, func, x: func.jvp(lambda a: a, (x,), (x,), has_aux=True), r"\(output, aux\)"),
    (lambda lib, func, x: func.jvp(lambda a: lib.ones(1), (x,), (x,), strict=True), "independent of the inputs"),
])
def test_jvp_errors_are_pytorchs(torch, call, match):
    for lib, func, _ in _libs(torch):
        with pytest.raises(RuntimeError, match=match):
            call(lib, func, lib.tensor(X, dtype=lib.float64))


def test_functional_jacobian_forward_mode_matches_pytorch(torch):
    results = []
    for lib, _, F in _libs(torch):
        x, y = lib.tensor(X, dtype=lib.float64), lib.tensor(T, dtype=lib.float64)
        results.append((F.jacobian(lambda a: a.exp() * a.sum(), x, vectorize=True, strategy="forward-mode"),
                        F.jacobian(lambda a, b: (a * b, a.sin()), (x, y), vectorize=True, strategy="forward-mode")))
        for kwargs, kind in (({}, NotImplementedError), ({"vectorize": True, "create_graph": True}, NotImplementedError),
                             ({"vectorize": True, "strict": True}, RuntimeError)):
            with pytest.raises(kind):
                F.jacobian(lambda a: a, x, strategy="forward-mode", **kwargs)
    _close(*results)


def test_jvp_warns_when_the_function_switches_grad_off():
    # PyTorch's forward AD follows tangents through no_grad; the reverse-mode graph records nothing
    # there, so that path is missing here (PyTorch's answer for this function is 3 cos(3x) t).
    def f(x):
        with P.no_grad():
            y = x * 3
        return y.sin()
    x, t = P.tensor(X, dtype=P.float64), P.tensor(T, dtype=P.float64)
    with pytest.warns(UserWarning, match="switched grad off"):
        _, jv = pfunc.jvp(f, (x,), (t,))
    assert jv.abs().sum().item() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pfunc.jvp(lambda a: a.sin(), (x,), (t,))  # no warning without no_grad


def test_jvp_in_place_writes_into_a_primal_reach_it_as_pytorchs(torch):
    results = []
    for lib, func, _ in _libs(torch):
        x, t = lib.tensor(X, dtype=lib.float64), lib.tensor(T, dtype=lib.float64)
        out, jv = func.jvp(lambda a: a.mul_(2).sin(), (x,), (t,))
        results.append((out, jv, x))
    _close(*results)

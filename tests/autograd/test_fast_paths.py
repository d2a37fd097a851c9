"""The per-op fast paths give the same results as the general ones.

Backward formulas that are plain arithmetic run on arrays when no graph is built
(ops/_arrayeval.py); create_graph=True runs the same formulas on Tensors, so the
two must agree exactly. Kernels hand Python numbers to ufuncs as cached 0-d
arrays (kernels/_fp.py), anomaly mode screens gradients with one reduction,
and sites keep instruction offsets: each is checked against the plain result.
"""
import numpy as np
import pytest

import pyautograd as torch
from pyautograd import kernels
from pyautograd._sites import format_site, user_site
from pyautograd.ops import _arrayeval
from pyautograd.ops._opdef import REGISTRY


def _grads(fn, inputs, create_graph):
    xs = [torch.tensor(a, requires_grad=True) for a in inputs]
    out = fn(*xs)
    gs = torch.autograd.grad(out.sum(), xs, create_graph=create_graph)
    return [g.detach().numpy() for g in gs]


CASES = [
    ("tensor * tensor", lambda x, y: x * y, [np.float32([1.5, -2.0, 3.0]), np.float32([0.25, 4.0, -1.0])]),
    ("tensor * number", lambda x: x * 1.0001, [np.float32([1.5, -2.0, 3.0])]),
    ("tensor / tensor", lambda x, y: x / y, [np.float64([1.5, -2.0, 3.0]), np.float64([0.3, 7.0, -1.1])]),
    ("number / tensor", lambda x: 2.5 / x, [np.float32([1.5, -2.0, 3.0])]),
    ("division by zero", lambda x, y: x / y, [np.float32([1.0, 0.0]), np.float32([0.0, 0.0])]),
    ("broadcast", lambda x, y: x * y, [np.float32([[1.0], [2.0]]), np.float32([[3.0, 4.0, 5.0]])]),
    ("0-d", lambda x, y: x * y - x, [np.float32(2.0), np.float32(3.0)]),
    ("mixed dtypes", lambda x, y: x * y, [np.float32([1.5, 2.5]), np.float64(3.1)]),
    ("float16", lambda x: -(x * 3.3) + x / 7, [np.float16([1.5, -2.0, 6e4])]),
    ("numpy scalar", lambda x: x * np.float64(1.1), [np.float32([1.5, -2.0])]),
]


@pytest.mark.parametrize("name, fn, inputs", CASES, ids=[c[0] for c in CASES])
def test_array_formulas_match_the_tensor_path(name, fn, inputs):
    fast = _grads(fn, inputs, create_graph=False)
    reference = _grads(fn, inputs, create_graph=True)  # formulas on Tensors
    for f, r in zip(fast, reference):
        assert f.dtype == r.dtype and f.shape == r.shape
        np.testing.assert_array_equal(f, r)


def test_arithmetic_formulas_are_recognised():
    assert _arrayeval.arithmetic_kernels(REGISTRY["mul"].formulas[0][0], 2) == (("mul",), ("mul", 0, 1))
    assert REGISTRY["mul"].arithmetic[0].single == ("mul", 0, 1)
    assert REGISTRY["div"].arithmetic[1].single is None  # -grad * input / (other * other)
    assert REGISTRY["exp"].arithmetic[0].single == ("mul", 0, 1)  # grad * result
    assert _arrayeval.arithmetic_kernels(lambda grad, x: 2 - -grad / x, 2) == (("div", "neg", "sub"), None)
    for not_arithmetic in (lambda grad, input: grad * input.exp(), lambda grad: grad,
                           lambda grad, alpha: grad if alpha == 1 else grad * alpha, lambda grad: grad ** 2):
        with pytest.raises(_arrayeval.NotArithmetic):
            _arrayeval.arithmetic_kernels(not_arithmetic, not_arithmetic.__code__.co_argcount)


def test_array_formulas_keep_the_saved_tensor_checks():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0], requires_grad=True)
    z = x * y
    with torch.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    w = x * y
    w.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        w.sum().backward()


def test_number_operands_give_numpys_results():
    for dtype in (np.float16, np.float32, np.float64):
        a = np.array([1.5, -2.0, 0.0, 3e4], dtype)
        for value in (1.0001, 3, -0.0, 0.0, 1e300, float("inf"), float("nan"), True):
            for kernel, ufunc in (("mul", np.multiply), ("add", np.add), ("div", np.true_divide)):
                with np.errstate(all="ignore"):
                    want, want_r = ufunc(a, value), ufunc(value, a)
                got, got_r = getattr(kernels, kernel)(a, value), getattr(kernels, kernel)(value, a)
                assert got.dtype == want.dtype and got_r.dtype == want_r.dtype
                np.testing.assert_array_equal(got, want)
                np.testing.assert_array_equal(got_r, want_r)
                np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_anomaly_screen_lets_large_finite_gradients_pass():
    x = torch.tensor([1e30, -1e30, 2.0], requires_grad=True)  # squares overflow float32
    with torch.autograd.detect_anomaly():
        (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.float32([3.0, 3.0, 3.0]))
    y = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="returned nan values"):
            (y.sqrt() * torch.tensor([0.0, 1.0]) * float("inf")).sum().backward()


def test_sites_resolve_to_the_calling_line():
    import sys

    def here():
        return user_site(2), sys._getframe(1).f_lineno

    site, line = here()  # the line to find
    text = format_site(site)
    assert "site, line = here()  # the line to find" in text
    assert f"line {line}," in text

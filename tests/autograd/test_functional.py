"""autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp.

Closed forms (exact, in float64) for the values and the tuple conventions;
PyTorch, when importable, for random points and the argument errors.
"""
import numpy as np
import pytest

import pyautograd as pag
from pyautograd.autograd import functional as F

A = np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]])
Q = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [4.0, 0.0, 1.0]])


def _t(values, lib=pag, requires_grad=False):
    return lib.tensor(values, dtype=lib.float64, requires_grad=requires_grad)


def _np(t):
    return t.detach().numpy()


# -- closed forms ----------------------------------------------------------------------------


def test_jacobian_of_a_linear_map_is_its_matrix():
    x = _t([1.0, -2.0, 0.5])
    jac = F.jacobian(lambda v: _t(A) @ v, x)
    assert jac.shape == (2, 3) and not jac.requires_grad
    np.testing.assert_array_equal(_np(jac), A)


def test_jacobian_of_an_elementwise_square_is_diagonal():
    xs = np.array([[1.0, 2.0], [-3.0, 0.5]])
    jac = F.jacobian(lambda v: v ** 2, _t(xs))
    assert jac.shape == (2, 2, 2, 2)
    expected = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            expected[i, j, i, j] = 2 * xs[i, j]
    np.testing.assert_array_equal(_np(jac), expected)


def test_jacobian_tuple_conventions():
    x, y = _t([1.0, 2.0]), _t([3.0, 4.0, 5.0])

    def two_in(a, b):
        return a.sum() * b  # shape (3,)

    def two_in_two_out(a, b):
        return a * 3, b.sum() * a.sum()

    j = F.jacobian(two_in, (x, y))
    assert isinstance(j, tuple) and len(j) == 2
    np.testing.assert_array_equal(_np(j[0]), [[3.0, 3.0], [4.0, 4.0], [5.0, 5.0]])
    np.testing.assert_array_equal(_np(j[1]), 3.0 * np.eye(3))
    jj = F.jacobian(two_in_two_out, (x, y))
    assert [[tuple(b.shape) for b in row] for row in jj] == [[(2, 2), (2, 3)], [(2,), (3,)]]
    np.testing.assert_array_equal(_np(jj[0][0]), 3 * np.eye(2))
    np.testing.assert_array_equal(_np(jj[0][1]), np.zeros((2, 3)))
    np.testing.assert_array_equal(_np(jj[1][0]), [12.0, 12.0])
    np.testing.assert_array_equal(_np(jj[1][1]), [3.0, 3.0, 3.0])
    single_out_tuple = F.jacobian(lambda a: (a * 2,), x)
    assert isinstance(single_out_tuple, tuple) and single_out_tuple[0].shape == (2, 2)


def test_jacobian_of_a_scalar_output_and_a_zero_dim_input():
    x = _t(2.0)
    jac = F.jacobian(lambda v: v ** 3, x)
    assert jac.shape == () and jac.item() == 12.0
    grad = F.jacobian(lambda v: (v ** 2).sum(), _t([1.0, 2.0]))
    np.testing.assert_array_equal(_np(grad), [2.0, 4.0])


def test_jacobian_of_an_unused_input_is_zero_or_an_error_in_strict_mode():
    x, y = _t([1.0, 2.0]), _t([3.0])
    j = F.jacobian(lambda a, b: a * 2, (x, y))
    np.testing.assert_array_equal(_np(j[1]), np.zeros((2, 1)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        F.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not require gradients"):
        F.jacobian(lambda a: pag.ones(2), x, strict=True)


def test_vectorize_gives_the_same_jacobian():
    x = _t([0.3, -0.7, 1.1])
    func = lambda v: (v.exp() * v.sum(), v[:2] * 3)  # noqa: E731
    plain, vectorized = F.jacobian(func, x), F.jacobian(func, x, vectorize=True)
    for a, b in zip(plain, vectorized):
        np.testing.assert_array_equal(_np(a), _np(b))
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True` are not supported together"):
        F.jacobian(func, x, vectorize=True, strict=True)


def test_jacobian_with_create_graph_is_differentiable():
    x = _t([1.0, 2.0], requires_grad=True)
    jac = F.jacobian(lambda v: v ** 3, x, create_graph=True)
    assert jac.requires_grad and type(jac.grad_fn).__name__ == "ViewBackward0"
    jac.sum().backward()  # d/dx sum(diag(3x^2)) = 6x
    np.testing.assert_array_equal(_np(x.grad), [6.0, 12.0])


def test_callers_graph_untouched_without_create_graph():
    x = _t([1.0, 2.0], requires_grad=True)
    F.jacobian(lambda v: v ** 2, x)
    F.hessian(lambda v: (v ** 3).sum(), x)
    F.vjp(lambda v: v * 2, x, _t([1.0, 1.0]))
    assert x.grad is None and x.is_leaf


def test_hessian_closed_forms():
    xs = np.array([1.0, -2.0, 0.5])
    h = F.hessian(lambda v: (v ** 3).sum(), _t(xs))
    np.testing.assert_array_equal(_np(h), np.diag(6 * xs))
    quad = F.hessian(lambda v: v @ (_t(Q) @ v), _t(xs))  # xᵀQx: Q + Qᵀ
    np.testing.assert_array_equal(_np(quad), Q + Q.T)


def test_hessian_of_two_inputs_is_a_tuple_of_tuples():
    x, y = _t([1.0, 2.0]), _t([3.0, 4.0])
    h = F.hessian(lambda a, b: (a * a * b).sum(), (x, y))  # f = Σ a²b
    np.testing.assert_array_equal(_np(h[0][0]), np.diag([6.0, 8.0]))  # 2b
    np.testing.assert_array_equal(_np(h[0][1]), np.diag([2.0, 4.0]))  # 2a
    np.testing.assert_array_equal(_np(h[1][0]), np.diag([2.0, 4.0]))
    np.testing.assert_array_equal(_np(h[1][1]), np.zeros((2, 2)))


def test_hessian_needs_a_single_element_output():
    x = _t([1.0, 2.0])
    with pytest.raises(RuntimeError, match="should contain a single element"):
        F.hessian(lambda v: v ** 2, x)
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        F.hessian(lambda v: (v.sum(),), x)
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 0 is "
                                           "independent of the input"):
        F.hessian(lambda v: (v * 2).sum(), x, strict=True)


def test_vjp_and_jvp_closed_forms():
    x = _t([1.0, -2.0, 0.5])
    out, vjp = F.vjp(lambda v: _t(A) @ v, x, _t([1.0, 2.0]))
    np.testing.assert_array_equal(_np(out), A @ _np(x))
    np.testing.assert_array_equal(_np(vjp), np.array([1.0, 2.0]) @ A)
    out, jvp = F.jvp(lambda v: _t(A) @ v, x, _t([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(_np(jvp), A @ np.array([1.0, 0.0, 2.0]))
    out, g = F.vjp(lambda v: (v ** 2).sum(), x)  # v may be omitted for a one-element output
    np.testing.assert_array_equal(_np(g), 2 * _np(x))
    out, d = F.jvp(lambda v: v ** 3, _t(2.0))  # and for a one-element input
    assert d.item() == 12.0


def test_vjp_jvp_tuple_conventions_and_unused_inputs():
    x, y = _t([1.0, 2.0]), _t([3.0, 4.0])
    out, (gx, gy) = F.vjp(lambda a, b: a * 2, (x, y), _t([1.0, 1.0]))
    np.testing.assert_array_equal(_np(gx), [2.0, 2.0])
    np.testing.assert_array_equal(_np(gy), [0.0, 0.0])
    outs, jvps = F.jvp(lambda a, b: (a * b, a.sum() + b), (x, y), (_t([1.0, 0.0]), _t([0.0, 1.0])))
    np.testing.assert_array_equal(_np(jvps[0]), [3.0, 2.0])  # b·da + a·db
    np.testing.assert_array_equal(_np(jvps[1]), [1.0, 2.0])
    with pytest.raises(RuntimeError, match="The output of the user-provided function is independent of input 1"):
        F.vjp(lambda a, b: a * 2, (x, y), _t([1.0, 1.0]), strict=True)


def test_hvp_and_vhp_closed_forms():
    xs = np.array([1.0, -2.0, 0.5])
    v = np.array([1.0, 2.0, 3.0])
    cube = lambda t: (t ** 3).sum()  # noqa: E731
    quad = lambda t: t @ (_t(Q) @ t)  # noqa: E731
    for fn in (F.hvp, F.vhp):
        out, hv = fn(cube, _t(xs), _t(v))
        assert out.item() == float((xs ** 3).sum())
        np.testing.assert_array_equal(_np(hv), 6 * xs * v)
    np.testing.assert_array_equal(_np(F.hvp(quad, _t(xs), _t(v))[1]), (Q + Q.T) @ v)
    np.testing.assert_array_equal(_np(F.vhp(quad, _t(xs), _t(v))[1]), v @ (Q + Q.T))


def test_create_graph_results_keep_history():
    x = _t([1.0, 2.0], requires_grad=True)
    out, vjp = F.vjp(lambda v: v ** 3, x, _t([1.0, 1.0]), create_graph=True)
    assert out.requires_grad and vjp.requires_grad
    vjp.sum().backward()  # d/dx Σ 3x² = 6x
    np.testing.assert_array_equal(_np(x.grad), [6.0, 12.0])
    x.grad = None
    _, hv = F.hvp(lambda v: (v ** 4).sum(), x, _t([1.0, 1.0]), create_graph=True)
    hv.sum().backward()  # d/dx Σ 12x² = 24x
    np.testing.assert_array_equal(_np(x.grad), [24.0, 48.0])


def test_argument_errors():
    x = _t([1.0, 2.0])
    with pytest.raises(TypeError, match="The inputs given to jacobian must be either a Tensor or a tuple of "
                                        "Tensors but the given inputs has type <class 'list'>"):
        F.jacobian(lambda v: v, [1.0, 2.0])
    with pytest.raises(TypeError, match="but the value at index 1 has type <class 'float'>"):
        F.vjp(lambda a, b: a, (x, 1.0))
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be torch.Size\(\[2\]\) but got "
                                           r"torch.Size\(\[3\]\)"):
        F.vjp(lambda v: v * 2, x, _t([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length: should be 2 but got 1"):
        F.jvp(lambda a, b: a, (x, x), (x,))
    with pytest.raises(RuntimeError, match="The vector v can only be None if the user-provided function "
                                           "returns a single Tensor with a single element"):
        F.vjp(lambda v: v * 2, x)
    # PyTorch's forward-mode jacobian exists only with vectorize=True, and raises this without it.
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        F.jacobian(lambda v: v, x, strategy="forward-mode")


# -- against PyTorch ---------------------------------------------------------------------------


def _both(torch, fn_name, func_for, inputs, **kwargs):
    """Runs torch.autograd.functional.<fn_name> and ours on the same float64 points."""
    results = []
    for lib in (pag, torch):
        args = tuple(_t(x, lib) for x in inputs)
        fn = getattr(lib.autograd.functional, fn_name)
        extra = {k: (tuple(_t(x, lib) for x in v) if k == "v" else v) for k, v in kwargs.items()}
        if "v" in extra and len(extra["v"]) == 1:
            extra["v"] = extra["v"][0]
        results.append(fn(func_for(lib), args if len(args) > 1 else args[0], **extra))
    return results


def _assert_nested_close(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            _assert_nested_close(x, y)
    else:
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(_np(a), b.detach().numpy(), rtol=1e-12, atol=1e-13)


def _model(lib):
    def f(x, w):
        return ((x @ w).tanh() * x.sum()).exp(), (w ** 2).sum(0)
    return f


def _scalar_model(lib):
    def f(x, w):
        return ((x @ w).sigmoid() * x.sum()).sum() + (w ** 3).sum()
    return f


@pytest.mark.parametrize("create_graph", [False, True])
def test_matches_torch(torch, create_graph):
    rng = np.random.default_rng(7)
    x, w = rng.normal(size=(2, 3)).tolist(), rng.normal(size=(3, 2)).tolist()
    v_out = (rng.normal(size=(2, 2)).tolist(), rng.normal(size=(2,)).tolist())
    v_in = (rng.normal(size=(2, 3)).tolist(), rng.normal(size=(3, 2)).tolist())
    cases = [
        ("jacobian", _model, {}),
        ("hessian", _scalar_model, {}),
        ("vjp", _model, {"v": v_out}),
        ("jvp", _model, {"v": v_in}),
        ("hvp", _scalar_model, {"v": v_in}),
        ("vhp", _scalar_model, {"v": v_in}),
    ]
    for name, model, kwargs in cases:
        ours, theirs = _both(torch, name, model, (x, w), create_graph=create_graph, **kwargs)
        _assert_nested_close(ours, theirs)


def test_single_tensor_conventions_match_torch(torch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3,)).tolist()
    for name, func_for, kwargs in (
            ("jacobian", lambda lib: (lambda t: t.exp() * t.sum()), {}),
            ("hessian", lambda lib: (lambda t: (t.sin() * t).sum()), {}),
            ("vjp", lambda lib: (lambda t: t.exp()), {"v": (x,)}),
            ("hvp", lambda lib: (lambda t: (t.exp() * t).sum()), {"v": (x,)})):
        ours, theirs = _both(torch, name, func_for, (x,), **kwargs)
        _assert_nested_close(ours, theirs)

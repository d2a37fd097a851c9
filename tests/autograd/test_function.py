"""Custom autograd Functions: ctx, saving, dirty/non-differentiable outputs, errors, double backward.

Closed-form checks run everywhere; the ``torch`` fixture adds PyTorch as the
oracle for gradients and error texts (the same Function code runs on both
libraries, defined by ``_functions(lib)``).
"""
import gc
import weakref

import numpy as np
import pytest

import pyautograd as pag
from pyautograd.autograd import Function, once_differentiable
from pyautograd.graph.node import AccumulateGrad, Node, SavedTensor


def _functions(lib):
    """The same custom Functions, written against `lib` (pyautograd or torch)."""
    F = lib.autograd.Function
    once = lib.autograd.function.once_differentiable

    class Exp(F):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            result, = ctx.saved_tensors
            return grad * result

    class Cube(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 3 * x ** 2

    class OnceCube(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @once
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 3 * x ** 2

    class ScaledSum(F):
        """(a * k + b, a - b): a number argument, broadcasting, two outputs."""

        @staticmethod
        def forward(ctx, a, k, b):
            ctx.k = k
            ctx.save_for_backward(a, b)
            return a * k + b, a - b

        @staticmethod
        def backward(ctx, g1, g2):
            need_a, _, need_b = ctx.needs_input_grad
            ga = g1 * ctx.k + g2 if need_a else None
            gb = g1 - g2 if need_b else None
            return ga, None, gb

    class MulNew(F):
        """x * y in the setup_context form, with a keyword argument."""

        @staticmethod
        def forward(x, y, scale=1.0):
            return x * y * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, y, scale = inputs
            ctx.scale = scale
            ctx.save_for_backward(x, y)

        @staticmethod
        def backward(ctx, grad):
            x, y = ctx.saved_tensors
            return grad * y * ctx.scale, grad * x * ctx.scale, None

    class AddOneInPlace(F):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    class MulInPlace(F):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            x.mul_(k)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    class Identity(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 2  # distinguishable from the identity's true gradient

    class SortLike(F):
        """(2 * x, a float output marked non-differentiable)."""

        @staticmethod
        def forward(ctx, x):
            doubled, tripled = x * 2, x * 3
            ctx.mark_non_differentiable(tripled)
            return doubled, tripled

        @staticmethod
        def backward(ctx, g_doubled, g_tripled):
            ctx.seen = (g_doubled, g_tripled)
            return g_doubled * 2

    class TwoOut(F):
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1, g2)
            total = g1 * 2 if g1 is not None else None
            if g2 is not None:
                total = g2 * 3 if total is None else total + g2 * 3
            return total, None

    return {name: cls for name, cls in locals().items() if isinstance(cls, type)}


FN = _functions(pag)


def _leaf(values, lib=pag, dtype=None):
    return lib.tensor(values, dtype=dtype or lib.float64, requires_grad=True)


# -- basics -------------------------------------------------------------------------------


def test_exp_gradient_node_and_edges():
    x = _leaf([0.0, 1.0, -2.0])
    y = FN["Exp"].apply(x)
    assert type(y.grad_fn).__name__ == "ExpBackward" and y.grad_fn.name() == "ExpBackward"
    assert isinstance(y.grad_fn, Node) and y.requires_grad and not y.is_leaf
    (fn, nr), = y.grad_fn.next_functions
    assert isinstance(fn, AccumulateGrad) and fn.variable is x and nr == 0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.exp([0.0, 1.0, -2.0]))


def test_forward_runs_under_no_grad_and_apply_under_no_grad_records_nothing():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(pag.is_grad_enabled())
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = _leaf([1.0])
    y = Probe.apply(x)
    assert seen == [False] and pag.is_grad_enabled() and y.grad_fn is not None
    with pag.no_grad():
        z = Probe.apply(x)
    assert z.grad_fn is None and not z.requires_grad
    w = Probe.apply(pag.tensor([1.0]))  # no input requires grad
    assert w.grad_fn is None and not w.requires_grad


def test_needs_input_grad_and_number_arguments():
    a, b = _leaf([1.0, 2.0]), pag.tensor([10.0, 20.0], dtype=pag.float64)
    out1, out2 = FN["ScaledSum"].apply(a, 3.0, b)
    assert out1.grad_fn is out2.grad_fn
    assert out1.grad_fn.needs_input_grad == (True, False, False)
    assert len(out1.grad_fn.next_functions) == 2  # one edge per tensor argument
    assert out1.grad_fn.next_functions[1] == (None, 0)
    (out1.sum() + 2 * out2.sum()).backward()
    np.testing.assert_array_equal(a.grad.numpy(), [5.0, 5.0])


def test_setup_context_form_binds_keywords_and_defaults():
    x, y = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    out = FN["MulNew"].apply(x, y, scale=2.0)
    assert type(out.grad_fn).__name__ == "MulNewBackward"
    assert out.grad_fn.needs_input_grad == (True, True, False)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 8.0])
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 4.0])
    FN["MulNew"].apply(x, y).sum().backward()  # the default scale is bound too
    np.testing.assert_array_equal(x.grad.numpy(), [9.0, 12.0])


def test_arbitrary_ctx_attributes_and_grad_fn_saved_tensors():
    a, b = _leaf([1.0]), _leaf([2.0])
    out, _ = FN["ScaledSum"].apply(a, 4.0, b)
    node = out.grad_fn
    assert node.k == 4.0
    sa, sb = node.saved_tensors
    assert sa is a and sb is b  # saved inputs come back as themselves


def test_saved_output_unpacks_onto_the_node_without_a_cycle():
    x = _leaf([1.0, 2.0])
    y = FN["Exp"].apply(x)
    saved = y.grad_fn.saved["saved_tensors"][0]
    assert isinstance(saved, SavedTensor) and saved.tensor is None  # data only, not the Tensor
    result, = y.grad_fn.saved_tensors
    assert result.grad_fn is y.grad_fn and result.requires_grad
    np.testing.assert_array_equal(result.detach().numpy(), y.detach().numpy())


def test_saved_tensors_are_released_after_backward_unless_retain_graph():
    x = _leaf([1.0, 2.0])
    y = FN["Cube"].apply(x * 1)
    node = y.grad_fn
    y.sum().backward(retain_graph=True)
    assert len(node.saved_tensors) == 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 24.0])
    assert node.saved["saved_tensors"][0].tensor is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = node.saved_tensors
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


def test_in_place_change_of_a_saved_tensor_is_caught():
    x = _leaf([1.0, 2.0])
    h = x * 1
    y = FN["Cube"].apply(h)
    h.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[torch.DoubleTensor \[2\]\], "
                                           r"which is output 0 of MulBackward0, is at version 1; expected "
                                           r"version 0 instead"):
        y.sum().backward()


def test_in_place_change_of_a_saved_output_is_caught():
    x = _leaf([1.0, 2.0])
    y = FN["Exp"].apply(x)
    y.add_(1)
    with pytest.raises(RuntimeError, match="which is output 0 of ExpBackward, is at version 1"):
        y.sum().backward()


def test_save_for_backward_rejects_non_tensors():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 1

    with pytest.raises(TypeError, match="save_for_backward can only save variables, but argument 1 is "
                                        "of type int"):
        Bad.apply(_leaf([1.0]))


# -- gradient validation ------------------------------------------------------------------


def _returning(grads_fn):
    class Custom(Function):
        @staticmethod
        def forward(ctx, *args):
            return args[0] * 1

        @staticmethod
        def backward(ctx, grad):
            return grads_fn(grad)

    Custom.__name__ = "Custom"
    return Custom


def test_wrong_number_of_gradients():
    class Two(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, grad):
            return grad

    x, y = _leaf([1.0]), _leaf([2.0])
    with pytest.raises(RuntimeError, match=r"^function TwoBackward returned an incorrect number of "
                                           r"gradients \(expected 2, got 1\)\n"):
        Two.apply(x, y).sum().backward()


def test_extra_gradients_must_be_none():
    x = _leaf([1.0, 2.0])
    _returning(lambda g: (g, None, None)).apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    with pytest.raises(RuntimeError, match=r"expected 1, got 2"):
        _returning(lambda g: (g, g)).apply(x).sum().backward()


def test_gradient_of_wrong_shape():
    x = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"^Function CustomBackward returned an invalid gradient at index "
                                           r"0 - got \[3\] but expected shape compatible with \[2\]\n"):
        _returning(lambda g: pag.ones(3, dtype=pag.float64)).apply(x).sum().backward()


def test_broadcastable_gradient_is_summed_and_cast():
    x = _leaf([1.0, 2.0], dtype=pag.float32)
    _returning(lambda g: pag.ones(3, 2, dtype=pag.float64)).apply(x).sum().backward()
    assert x.grad.dtype is pag.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_gradient_for_a_number_argument_or_of_a_wrong_type():
    x = _leaf([1.0])
    with pytest.raises(RuntimeError, match="returned a gradient different than None at position 2, but the "
                                           "corresponding forward input was not a Variable"):
        _returning(lambda g: (g, g)).apply(x, 2).sum().backward()
    with pytest.raises(RuntimeError, match=r"expected Variable or None \(got int\)"):
        _returning(lambda g: 3).apply(x).sum().backward()


def test_gradient_for_an_input_that_does_not_require_grad_is_dropped():
    x, c = _leaf([1.0, 2.0]), pag.tensor([5.0, 6.0], dtype=pag.float64)
    out, _ = FN["ScaledSum"].apply(x, 1.0, c)
    out.sum().backward()
    assert c.grad is None and x.grad is not None


def test_backward_missing_or_both_backward_and_vjp():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

    class Both(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return grad

        @staticmethod
        def vjp(ctx, grad):
            return grad

    class VjpOnly(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def vjp(ctx, grad):
            return grad * 5

    x = _leaf([1.0])
    with pytest.raises(NotImplementedError, match="You must implement either the backward or vjp method"):
        NoBackward.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp'"):
        Both.apply(x).sum().backward()
    VjpOnly.apply(x).sum().backward()
    assert x.grad.item() == 5.0


def test_legacy_instance_call_is_refused():
    with pytest.warns(DeprecationWarning):
        instance = FN["Exp"]()
    with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
        instance(_leaf([1.0]))


# -- outputs: non-differentiable, materialized, inputs returned, dirty ------------------------


def test_mark_non_differentiable_and_materialized_zeros():
    x = _leaf([1.0, 2.0])
    doubled, tripled = FN["SortLike"].apply(x)
    assert doubled.requires_grad and not tripled.requires_grad and tripled.grad_fn is None
    doubled.sum().backward()
    g_doubled, g_tripled = doubled.grad_fn.seen
    np.testing.assert_array_equal(g_tripled.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads(materialize):
    x = _leaf([1.0, 2.0])
    a, b = FN["TwoOut"].apply(x, materialize)
    a.sum().backward()
    g1, g2 = a.grad_fn.seen
    np.testing.assert_array_equal(g1.numpy(), [1.0, 1.0])
    if materialize:
        np.testing.assert_array_equal(g2.numpy(), [0.0, 0.0])
    else:
        assert g2 is None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_non_tensor_and_integer_outputs():
    class Mixed(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x.long(), "label"

        @staticmethod
        def backward(ctx, g, g_int, g_label):
            ctx.seen = (g_int, g_label)
            return g * 2

    x = _leaf([1.5, 2.5])
    y, n, label = Mixed.apply(x)
    assert label == "label" and not n.requires_grad and n.dtype is pag.int64
    y.sum().backward()
    g_int, g_label = y.grad_fn.seen
    assert g_label is None and g_int.dtype is pag.int64 and g_int.tolist() == [0, 0]


def test_input_returned_unchanged_becomes_a_view_with_the_function_as_history():
    x = _leaf([1.0, 2.0])
    y = FN["Identity"].apply(x)
    assert y is not x and y._is_view() and y._base is x
    assert type(y.grad_fn).__name__ == "IdentityBackward" and x.grad_fn is None
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    with pag.no_grad():
        z = FN["Identity"].apply(x)
    assert z is not x and not z.requires_grad and not z._is_view()


def test_mark_dirty_rebases_history_and_bumps_version():
    x = _leaf([1.0, 2.0])
    h = x * 3
    out = FN["AddOneInPlace"].apply(h)
    assert out is h and h._version == 2  # add_ inside forward, then mark_dirty
    assert type(h.grad_fn).__name__ == "AddOneInPlaceBackward"
    np.testing.assert_array_equal(h.detach().numpy(), [4.0, 7.0])
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [24.0, 42.0])


def test_mark_dirty_errors():
    x = _leaf([1.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place "
                                           "operation"):
        FN["AddOneInPlace"].apply(x)

    class NotReturned(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x * 2

    with pytest.raises(RuntimeError, match="Some elements marked as dirty during the forward method were not "
                                           "returned as output"):
        NotReturned.apply(x * 1)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        FN["AddOneInPlace"].apply(x[:1])


def test_mark_dirty_without_recording_still_bumps_version():
    t = pag.zeros(2)
    with pag.no_grad():
        out = FN["AddOneInPlace"].apply(t)
    assert out is t and t._version == 2 and not t.requires_grad
    leaf = _leaf([1.0])
    with pag.no_grad():
        FN["AddOneInPlace"].apply(leaf)  # allowed for leaves under no_grad, like optimizers
    assert leaf.item() == 2.0 and leaf.grad_fn is None


# -- higher order ----------------------------------------------------------------------------


def test_backward_in_tensor_ops_gives_double_and_third_backward():
    x = _leaf([1.0, -2.0, 0.5])
    y = FN["Cube"].apply(x)
    g1, = pag.autograd.grad(y.sum(), x, create_graph=True)
    g2, = pag.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = pag.autograd.grad(g2.sum(), x)
    xs = np.array([1.0, -2.0, 0.5])
    np.testing.assert_array_equal(g1.detach().numpy(), 3 * xs ** 2)
    np.testing.assert_array_equal(g2.detach().numpy(), 6 * xs)
    np.testing.assert_array_equal(g3.numpy(), [6.0, 6.0, 6.0])


def test_double_backward_through_a_saved_output():
    x = _leaf([0.5, 1.0])
    y = FN["Exp"].apply(x)
    g1, = pag.autograd.grad(y.sum(), x, create_graph=True)
    g2, = pag.autograd.grad(g1.sum(), x)
    np.testing.assert_allclose(g2.numpy(), np.exp([0.5, 1.0]), rtol=1e-15)


def test_once_differentiable_first_order_and_double_backward_error():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            seen.append(pag.is_grad_enabled())
            return grad * 4

    x = _leaf([1.0, 2.0])
    Probe.apply(x).sum().backward()
    assert seen == [False] and x.grad.tolist() == [4.0, 4.0]

    y = FN["OnceCube"].apply(x)
    g, = pag.autograd.grad((y * y).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), 6 * np.array([1.0, 2.0]) ** 5)
    assert g.requires_grad
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                           r"@once_differentiable \(OnceCubeBackward\)"):
        g.sum().backward()


# -- hooks, independence, exports ------------------------------------------------------------------


def test_node_hooks_on_a_function_node_and_tensor_hooks_on_its_outputs():
    x = _leaf([1.0, 2.0])
    y = FN["Cube"].apply(x)
    log = []
    y.grad_fn.register_prehook(lambda grads: log.append("pre"))
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] * 10,))
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    assert log == ["pre"]
    np.testing.assert_array_equal(x.grad.numpy(), [60.0, 240.0])


def test_each_apply_gets_its_own_node():
    x = _leaf([1.0])
    a, b = FN["Cube"].apply(x), FN["Cube"].apply(x * 2)
    assert a.grad_fn is not b.grad_fn and type(a.grad_fn) is type(b.grad_fn)
    (a + b).sum().backward()
    assert x.grad.item() == 3.0 + 3 * 4.0 * 2


def test_graph_with_a_function_is_freed_without_the_garbage_collector():
    gc.collect()
    gc.disable()
    try:
        x = _leaf([1.0, 2.0])
        y = FN["Exp"].apply(x * 2)
        out, _ = FN["ScaledSum"].apply(y, 2.0, y)
        node = weakref.ref(out.grad_fn)
        inner = weakref.ref(y.grad_fn)
        del y, out, _
        assert node() is None and inner() is None
    finally:
        gc.enable()


def test_exports():
    import pyautograd.autograd.function as function_module
    assert pag.autograd.Function is Function and function_module.once_differentiable is once_differentiable
    assert pag.autograd.function.Function is Function


# -- against PyTorch --------------------------------------------------------------------------------


def _pair(torch, values):
    return (pag.tensor(values, dtype=pag.float64, requires_grad=True),
            torch.tensor(values, dtype=torch.float64, requires_grad=True))


def _same(ours, theirs):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_gradients_match_torch(torch):
    ours, theirs = FN, _functions(torch)
    rng = np.random.default_rng(0)
    a_vals, b_vals = rng.normal(size=(3, 4)).tolist(), rng.normal(size=(4,)).tolist()
    for lib, fns, store in ((pag, ours, {}), (torch, theirs, {})):
        a = lib.tensor(a_vals, dtype=lib.float64, requires_grad=True)
        b = lib.tensor(b_vals, dtype=lib.float64, requires_grad=True)
        s, d = fns["ScaledSum"].apply(fns["Exp"].apply(a), 1.5, b)
        m = fns["MulNew"].apply(s, d, scale=0.5)
        c = fns["Cube"].apply(m)
        h = c * 1
        fns["MulInPlace"].apply(h, 2.0)
        loss = (h * fns["Identity"].apply(d)).sum()
        ga, gb = lib.autograd.grad(loss, (a, b), create_graph=True)
        gga, = lib.autograd.grad((ga * ga).sum() + gb.sum(), a)
        store.update(loss=loss, ga=ga, gb=gb, gga=gga)
        if lib is pag:
            mine = store
        else:
            ref = store
    for key in ("loss", "ga", "gb", "gga"):
        np.testing.assert_allclose(mine[key].detach().numpy(), ref[key].detach().numpy(), rtol=1e-10)


def test_dirty_view_rewrites_the_base_like_torch(torch):
    results = []
    for lib in (pag, torch):
        fns = _functions(lib) if lib is torch else FN
        x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        y = x * 1
        out = fns["MulInPlace"].apply(y[:2], 3.0)
        (y * lib.tensor([1.0, 10.0, 100.0], dtype=lib.float64)).sum().backward()
        results.append((type(y.grad_fn).__name__, y.detach().numpy().copy(), x.grad.numpy().copy(),
                        out._version))
    assert results[0][0] == results[1][0] == "CopySlices"
    np.testing.assert_array_equal(results[0][1], results[1][1])
    np.testing.assert_array_equal(results[0][2], results[1][2])
    assert results[0][3] == results[1][3]


def test_error_texts_match_torch(torch):
    def messages(lib):
        F = lib.autograd.Function

        class Two(F):
            @staticmethod
            def forward(ctx, x, y):
                return x + y

            @staticmethod
            def backward(ctx, grad):
                return grad

        class WrongShape(F):
            @staticmethod
            def forward(ctx, k, x):
                return x * k

            @staticmethod
            def backward(ctx, grad):
                return None, lib.ones(5, dtype=lib.float64)

        out = []
        for fn, args in ((Two, (2,)), (WrongShape, (3.0,))):
            x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
            call = (fn.apply(x, x) if fn is Two else fn.apply(args[0], x))
            with pytest.raises(RuntimeError) as info:
                call.sum().backward()
            out.append(str(info.value).split("\n")[0])  # PyTorch's sentence; ours adds lines after it
        return out

    assert messages(pag) == messages(torch)


def test_once_differentiable_first_grad_matches_torch(torch):
    values = [0.5, -1.5]
    x, tx = _pair(torch, values)
    y, ty = FN["OnceCube"].apply(x), _functions(torch)["OnceCube"].apply(tx)
    g, = pag.autograd.grad(y.sum(), x, create_graph=True)
    tg, = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    _same(g, tg)
    assert g.requires_grad == tg.requires_grad


# -- with gradcheck and anomaly mode ------------------------------------------------------------------


def test_gradcheck_passes_correct_functions_and_catches_a_wrong_backward():
    x = _leaf([0.5, -1.0])
    assert pag.autograd.gradcheck(FN["Exp"].apply, (x,))
    assert pag.autograd.gradgradcheck(FN["Cube"].apply, (x,))

    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return grad  # misses the factor 2x

    with pytest.raises(pag.autograd.GradcheckError, match="Jacobian mismatch for output 0 with respect to "
                                                          "input 0"):
        pag.autograd.gradcheck(Wrong.apply, (x,))


def test_anomaly_mode_names_the_function():
    class NanBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return grad * float("nan")

    x = _leaf([1.0])
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with pag.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'NanBackwardBackward' returned nan values in its "
                                                   "0th output"):
                NanBackward.apply(x).sum().backward()

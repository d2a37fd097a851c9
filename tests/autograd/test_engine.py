"""The engine's mechanics: graph traversal, accumulation, retain_graph, higher order,
autograd.grad/backward options, hooks and grad modes.

Values are closed forms (exact); where the ``torch`` fixture is available, the
same scenarios also run on PyTorch and must agree, error texts included.
"""
import threading
import warnings

import numpy as np
import pytest

import pyautograd as pag
from pyautograd.graph.node import AccumulateGrad


def _leaf(values, lib=pag):
    return lib.tensor(values, requires_grad=True)


# -- graph traversal and accumulation -------------------------------------------------------


def test_diamond_sums_both_paths():
    a = _leaf(3.0)
    b = a * 2
    e = b * b + b * 3  # de/db = 2b + 3 = 15, db/da = 2
    e.backward()
    assert a.grad.item() == 30.0


def test_fan_out_into_a_leaf_accumulates_every_use():
    a = _leaf(3.0)
    (a + a + a * a).backward()  # 1 + 1 + 2a
    assert a.grad.item() == 8.0


def test_wide_diamond_and_deep_chain_are_iterative():
    a = _leaf(1.0)
    parts = [a * float(i) for i in range(1, 51)]
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    total.backward()
    assert a.grad.item() == sum(range(1, 51))
    x = _leaf(1.0)
    y = x
    for _ in range(5000):  # deeper than the recursion limit
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_grad_reaches_a_leaf_through_two_paths():
    # A node reached by two paths must run once both gradients arrived (regression: grad() ran
    # only one path when the shared child was first seen through the other parent).
    a = _leaf(3.0)
    assert pag.autograd.grad(a * (a * 2), a)[0].item() == 12.0
    q = pag.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [4.0, 0.0, 1.0]], dtype=pag.float64)
    x = pag.tensor([1.0, -2.0, 0.5], dtype=pag.float64, requires_grad=True)
    g, = pag.autograd.grad(x @ (q @ x), x)
    np.testing.assert_array_equal(g.numpy(), (q.numpy() + q.numpy().T) @ x.detach().numpy())


def test_leaf_node_is_accumulate_grad_shared_by_uses():
    a = _leaf([1.0, 2.0])
    y, z = a * 2, a * 3
    acc = y.grad_fn.next_functions[0][0]
    assert isinstance(acc, AccumulateGrad) and acc.variable is a
    assert z.grad_fn.next_functions[0][0] is acc and acc.name() == "torch::autograd::AccumulateGrad"


def test_broadcast_input_gets_a_summed_gradient():
    a = _leaf([1.0, 2.0])
    (a.expand(3, 2) * pag.arange(6.0).reshape(3, 2)).sum().backward()
    assert a.grad.tolist() == [6.0, 9.0]


def test_detach_stops_the_gradient():
    a = _leaf([1.0, 2.0])
    (a * a.detach()).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0]


# -- retain_graph ---------------------------------------------------------------------------

_SECOND_TIME = ("Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you "
                "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
                "through the graph a second time or if you need to access saved tensors after calling "
                "backward.")


def test_second_backward_without_retain_graph_raises_pytorchs_text():
    a = _leaf(2.0)
    y = a ** 2
    y.backward()
    with pytest.raises(RuntimeError) as info:
        y.backward()
    assert str(info.value).startswith(_SECOND_TIME)
    z = (a * a).sum()
    pag.autograd.grad(z, a)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        pag.autograd.grad(z, a)


def test_retain_graph_allows_repeated_backward():
    a = _leaf(2.0)
    y = a ** 2
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    assert a.grad.item() == 12.0
    z = (a * a).sum()
    g, = pag.autograd.grad(z, a, retain_graph=True)
    z.backward()
    assert g.item() == 4.0 and a.grad.item() == 16.0


def test_second_backward_text_matches_torch(torch):
    texts = []
    for lib in (pag, torch):
        a = _leaf(2.0, lib)
        y = a ** 2
        y.backward()
        with pytest.raises(RuntimeError) as info:
            y.backward()
        texts.append(str(info.value))
    assert texts[0].startswith(texts[1])


# -- higher order -----------------------------------------------------------------------------------


def test_third_and_fourth_derivative_of_x4():
    x = _leaf(2.0)
    y = x ** 4
    g1, = pag.autograd.grad(y, x, create_graph=True)
    g2, = pag.autograd.grad(g1, x, create_graph=True)
    g3, = pag.autograd.grad(g2, x, create_graph=True)
    g4, = pag.autograd.grad(g3, x)
    assert (g1.item(), g2.item(), g3.item(), g4.item()) == (32.0, 48.0, 48.0, 24.0)
    assert g3.requires_grad and not g4.requires_grad


def test_third_order_of_a_composite_matches_torch(torch):
    values = [0.3, -1.2, 2.0]
    results = []
    for lib in (pag, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        y = (x.sin() * x.exp() + x ** 3 / (1 + x * x)).sum()
        grads = []
        for _ in range(3):
            g, = lib.autograd.grad(y, x, create_graph=True)
            grads.append(g.detach().numpy().copy())
            y = g.sum()
        results.append(grads)
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_backward_with_create_graph_then_differentiate_the_grad():
    x = _leaf(2.0)
    with pytest.warns(UserWarning, match="create_graph=True will create a reference cycle"):
        (x ** 3).backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.item() == 12.0
    x.grad = None
    g.backward()
    assert x.grad.item() == 12.0  # d/dx 3x² = 6x


# -- autograd.grad options -------------------------------------------------------------------------


def test_grad_allow_unused_and_materialize_grads():
    a, b = _leaf(1.0), _leaf(2.0)
    with pytest.raises(RuntimeError, match=r"^The differentiated Tensor at index 1 appears to not have been used "
                                           r"in the graph. Set allow_unused=True if this is the desired "
                                           r"behavior.\n"):
        pag.autograd.grad(a * 2, (a, b))
    ga, gb = pag.autograd.grad(a * 2, (a, b), allow_unused=True)
    assert ga.item() == 2.0 and gb is None
    ga, gb = pag.autograd.grad(a * 2, (a, b), materialize_grads=True)
    assert gb.item() == 0.0 and gb.shape == b.shape
    with pytest.raises(ValueError, match="Expected allow_unused to be True or not passed when "
                                         "materialize_grads=True"):
        pag.autograd.grad(a * 2, (a, b), allow_unused=False, materialize_grads=True)


def test_grad_errors():
    a = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors"):
        pag.autograd.grad((a * 2).sum(), (a, pag.tensor([1.0, 2.0])))
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of "
                                           r"torch.Size\(\[3\]\) and output\[0\] has a shape of "
                                           r"torch.Size\(\[2\]\)."):
        pag.autograd.grad(a * 2, a, pag.ones(3))


def test_grad_does_not_touch_dot_grad_and_handles_several_outputs():
    a = _leaf([1.0, 2.0])
    g, = pag.autograd.grad([a * a, a * 3], a, [pag.ones(2), pag.tensor([1.0, 2.0])])
    assert g.tolist() == [5.0, 10.0] and a.grad is None


def test_grad_with_respect_to_an_intermediate():
    a = _leaf([1.0, 2.0])
    b = a * 2
    d = (b * b).sum() + b.sum()
    gb, ga = pag.autograd.grad(d, [b, a])
    assert gb.tolist() == [5.0, 9.0] and ga.tolist() == [10.0, 18.0]


def test_backward_inputs_limits_accumulation():
    a, w = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    (a * w).sum().backward(inputs=[w])
    assert a.grad is None and w.grad.tolist() == [1.0, 2.0]
    b = a * 2
    (b * b).sum().backward(inputs=[b])
    assert b.grad.tolist() == [4.0, 8.0] and a.grad is None
    with pytest.raises(RuntimeError, match="'inputs' argument to backward\\(\\) cannot be empty"):
        (a * 2).sum().backward(inputs=[])


def test_non_scalar_backward_needs_a_gradient():
    a = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs"):
        (a * 2).backward()
    (a * 3).backward(pag.tensor([1.0, 10.0]))
    assert a.grad.tolist() == [3.0, 30.0]


def test_root_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad and does not have a "
                                           "grad_fn$"):
        pag.tensor([1.0, 2.0]).sum().backward()
    a = _leaf([1.0])
    with pag.no_grad():
        y = a * 2
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        y.sum().backward()


def test_error_texts_match_torch(torch):
    def texts(lib):
        out = []
        a, b = _leaf([1.0, 2.0], lib), _leaf([1.0], lib)
        for thunk in (lambda: (a * 2).backward(),
                      lambda: lib.tensor([1.0]).sum().backward(),
                      lambda: lib.autograd.grad((a * 2).sum(), (a, b)),
                      lambda: lib.autograd.grad(a * 2, a, lib.ones(3))):
            with pytest.raises(RuntimeError) as info:
                thunk()
            out.append(str(info.value))
        return out

    for ours, theirs in zip(texts(pag), texts(torch)):
        assert ours.startswith(theirs)


# -- .grad accumulation ---------------------------------------------------------------------------


def test_grad_accumulates_across_calls_and_resets_with_none():
    a = _leaf([1.0, 2.0])
    for k in range(1, 4):
        (a * 2).sum().backward()
        assert a.grad.tolist() == [2.0 * k] * 2
    a.grad = None
    (a * 5).sum().backward()
    assert a.grad.tolist() == [5.0, 5.0]


def test_zero_grad_in_place_keeps_the_same_tensor():
    a = _leaf([1.0, 2.0])
    (a * 2).sum().backward()
    g = a.grad
    a.grad.zero_()
    (a * 3).sum().backward()
    assert a.grad is g and g.tolist() == [3.0, 3.0]


def test_two_leaves_grads_do_not_alias():
    a, b = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.add_(1)
    assert b.grad.tolist() == [1.0, 1.0] and a.grad.tolist() == [2.0, 2.0]
    c, d = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    (c + d).backward(pag.tensor([5.0, 6.0]))  # the root gradient itself reaches both leaves
    c.grad.mul_(10)
    assert d.grad.tolist() == [5.0, 6.0]


def test_user_gradient_is_not_aliased_into_grad():
    a = _leaf([1.0, 2.0])
    g = pag.ones(2)
    (a * 1).backward(g)
    a.grad.add_(1)
    assert g.tolist() == [1.0, 1.0]


def test_grad_setter_checks():
    a = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="attempting to assign a gradient of size '\\[3\\]' to a tensor of "
                                           "size '\\[2\\]'"):
        a.grad = pag.ones(3)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None"):
        a.grad = 3
    a.grad = pag.full((2,), 7.0)
    (a * 1).sum().backward()
    assert a.grad.tolist() == [8.0, 8.0]


def test_non_leaf_grad_warns_and_is_none():
    y = _leaf([1.0]) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


# -- hooks ------------------------------------------------------------------------------------


def test_register_hook_replaces_the_gradient_and_remove_undoes_it():
    a = _leaf([1.0, 2.0])
    handle = a.register_hook(lambda g: g * 10)
    (a * 3).sum().backward()
    assert a.grad.tolist() == [30.0, 30.0]
    handle.remove()
    handle.remove()  # a second remove is a no-op
    a.grad = None
    (a * 3).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]
    with a.register_hook(lambda g: g * 100):
        pass  # the handle removes the hook at the end of the with block
    a.grad = None
    (a * 3).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_hooks_run_in_grad_too():
    a = _leaf([1.0, 2.0])
    a.register_hook(lambda g: g * 10)
    b = a * 2
    b.register_hook(lambda g: g + 1)
    g_a, = pag.autograd.grad((b * 3).sum(), a)
    assert g_a.tolist() == [80.0, 80.0]  # ((3 + 1) * 2) * 10


def test_non_leaf_hooks_run_in_order_and_retain_grad_sees_their_result():
    a = _leaf(2.0)
    b = a * 3
    log = []
    b.register_hook(lambda g: log.append(("h1", g.item())) or g * 2)
    b.retain_grad()
    b.register_hook(lambda g: log.append(("h2", g.item())) or g + 1)
    (b * 5).backward()
    assert log == [("h1", 5.0), ("h2", 10.0)]
    assert b.grad.item() == 11.0 and a.grad.item() == 33.0 and b.retains_grad and not a.retains_grad


def test_retain_grad_accumulates_and_errors():
    a = _leaf([1.0, 2.0])
    b = a * 2
    b.retain_grad()
    (b * b).sum().backward(retain_graph=True)
    (b * b).sum().backward()
    assert b.grad.tolist() == [8.0, 16.0]
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        pag.ones(2).retain_grad()
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        pag.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hooks():
    a = _leaf([1.0, 2.0])
    seen = []
    handle = a.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (a * 3).sum().backward()
    (a * 3).sum().backward()
    assert seen == [[3.0, 3.0], [6.0, 6.0]]
    handle.remove()
    (a * 3).sum().backward()
    assert len(seen) == 2
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf"):
        (a * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_node_prehook_and_hook():
    a = _leaf([1.0, 2.0])
    y = a * 3
    log = []
    pre = y.grad_fn.register_prehook(lambda grad_outputs: log.append(grad_outputs[0].tolist()) or
                                     (grad_outputs[0] * 2,))
    post = y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1, None))
    y.sum().backward(retain_graph=True)
    assert log == [[1.0, 1.0]] and a.grad.tolist() == [7.0, 7.0]  # (1 * 2) * 3 + 1
    pre.remove()
    post.remove()
    a.grad = None
    y.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0] and len(log) == 1


# -- grad modes ---------------------------------------------------------------------------------


def test_grad_modes_as_context_managers():
    a = _leaf([1.0])
    with pag.no_grad():
        assert not (a * 2).requires_grad and not pag.is_grad_enabled()
        with pag.enable_grad():
            assert (a * 2).requires_grad
        assert not pag.is_grad_enabled()
    with pag.set_grad_enabled(False):
        assert not (a * 2).requires_grad
    assert pag.is_grad_enabled() and (a * 2).requires_grad


def test_set_grad_enabled_as_a_function_call():
    try:
        pag.set_grad_enabled(False)
        assert not pag.is_grad_enabled()
    finally:
        pag.set_grad_enabled(True)
    assert pag.is_grad_enabled()


def test_grad_modes_as_decorators():
    a = _leaf([1.0])

    @pag.no_grad()
    def no_grad_fn(x):
        return (x * 2).requires_grad

    @pag.enable_grad()
    def enable_grad_fn(x):
        return (x * 2).requires_grad

    @pag.set_grad_enabled(False)
    def disabled_fn(x):
        return (x * 2).requires_grad

    @pag.inference_mode()
    def inference_fn(x):
        return (x * 2).requires_grad, pag.is_inference_mode_enabled()

    assert no_grad_fn(a) is False and no_grad_fn.__name__ == "no_grad_fn"
    with pag.no_grad():
        assert enable_grad_fn(a) is True
    assert disabled_fn(a) is False and pag.is_grad_enabled()
    assert inference_fn(a) == (False, True) and not pag.is_inference_mode_enabled()


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with pag.no_grad():
            raise ValueError
    assert pag.is_grad_enabled()


def test_no_grad_is_thread_local():
    entered, release, seen = threading.Event(), threading.Event(), {}

    def worker():
        with pag.no_grad():
            entered.set()
            release.wait(5)
            seen["worker"] = pag.is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert entered.wait(5)
        seen["main"] = pag.is_grad_enabled()
        seen["main_records"] = (_leaf([1.0]) * 2).requires_grad
    finally:
        release.set()
        thread.join(5)
    assert seen == {"main": True, "main_records": True, "worker": False}


def test_new_threads_start_with_grad_enabled():
    seen = []
    with pag.no_grad():
        thread = threading.Thread(target=lambda: seen.append(pag.is_grad_enabled()))
        thread.start()
        thread.join(5)
    assert seen == [True]


def test_inference_mode():
    a = _leaf([1.0])
    with pag.inference_mode():
        y = a * 2
        assert pag.is_inference_mode_enabled() and not pag.is_grad_enabled()
    assert not y.requires_grad and not pag.is_inference_mode_enabled() and pag.is_grad_enabled()
    with pag.inference_mode(False):
        assert (a * 2).requires_grad and not pag.is_inference_mode_enabled()


def test_grad_modes_match_torch(torch):
    def probe(lib):
        a = _leaf([1.0], lib)
        out = []
        with lib.no_grad():
            out.append((a * 2).requires_grad)
            with lib.enable_grad():
                out.append((a * 2).requires_grad)
        with lib.inference_mode():
            out.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
        with lib.set_grad_enabled(False):
            out.append(lib.is_grad_enabled())
        out.append(lib.is_grad_enabled())
        return out

    assert probe(pag) == probe(torch)


def test_warnings_are_not_emitted_by_plain_backward():
    a = _leaf([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (a * a).sum().backward()
        assert a.grad is not None

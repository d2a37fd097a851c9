"""Memory: saved values are freed after backward, training loops do not grow, and a graph
is freed by reference counting alone (no reference cycles), so the garbage collector
never has pyautograd objects to collect.
"""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import pyautograd as pag
from pyautograd.autograd import Function


@pytest.fixture
def no_gc():
    """Runs the test with the collector off; yields a function returning what a collection
    would find: the pyautograd objects among the unreachable ones (gc.DEBUG_SAVEALL keeps
    them in gc.garbage instead of freeing them)."""
    gc.collect()
    gc.disable()

    def collected():
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            found = [o for o in gc.garbage if type(o).__module__.startswith("pyautograd")]
            found += [o for o in gc.garbage if getattr(type(o), "__module__", "") == __name__]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        return found

    try:
        yield collected
    finally:
        gc.enable()


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.note = "ctx attributes are fine"
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * x * grad


def _graph(x, w):
    """A graph exercising saved inputs and outputs, multi-use, views, in-place on a non-leaf,
    a custom Function and a retained, hooked intermediate."""
    h = (x @ w).exp()  # ExpBackward0 saves its output
    h.retain_grad()
    h.register_hook(lambda g: g * 1)
    v = h[:, :1] * h  # a view used with its base
    s = Square.apply(v.tanh())
    s.mul_(2)  # in-place on a non-leaf rebases its history
    return (s + h).sum()


def test_saved_arrays_are_released_by_backward(no_gc):
    x = pag.randn(3, 4, dtype=pag.float64, requires_grad=True)
    a = x * 2  # only the next node's SavedTensor keeps this intermediate alive
    y = (a * a).exp()
    z = y.sum()
    saved_a = weakref.ref(a)
    saved_exp_data = weakref.ref(y.grad_fn.saved["result"].data)
    del a, y
    assert saved_a() is not None and saved_exp_data() is not None
    z.backward(retain_graph=True)
    assert saved_a() is not None and saved_exp_data() is not None  # retained for a second pass
    z.backward()
    assert saved_a() is None and saved_exp_data() is None
    assert no_gc() == []


def test_custom_function_saved_tensors_are_released(no_gc):
    x = pag.randn(5, requires_grad=True)
    h = x * 3
    out = Square.apply(h)
    saved = weakref.ref(h)
    del h
    out.sum().backward()
    assert saved() is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = out.grad_fn.saved_tensors
    assert no_gc() == []


def test_deleting_outputs_frees_the_graph_without_the_collector(no_gc):
    x = pag.randn(3, 4, dtype=pag.float64, requires_grad=True)
    w = pag.randn(4, 2, dtype=pag.float64, requires_grad=True)
    loss = _graph(x, w)
    nodes, stack = [], [loss.grad_fn]
    while stack:  # every node of the graph, weakly
        node = stack.pop()
        nodes.append(weakref.ref(node))
        stack.extend(n for n, _ in node.next_functions if n is not None)
    assert len(nodes) > 10
    del loss, node, stack
    assert all(r() is None for r in nodes)
    assert no_gc() == []


def test_graph_is_freed_after_backward_and_after_grad(no_gc):
    x = pag.randn(3, 4, dtype=pag.float64, requires_grad=True)
    w = pag.randn(4, 2, dtype=pag.float64, requires_grad=True)
    loss = _graph(x, w)
    root = weakref.ref(loss.grad_fn)
    loss.backward()
    del loss
    assert root() is None and no_gc() == []
    loss = _graph(x, w)
    root = weakref.ref(loss.grad_fn)
    g1, = pag.autograd.grad(loss, w, create_graph=True)  # a graph of the gradient, not a cycle
    g2, = pag.autograd.grad(g1.sum(), w)
    del loss, g1, g2
    assert root() is None and no_gc() == []
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()


def test_a_leaf_does_not_keep_its_graph_alive(no_gc):
    x = pag.randn(4, requires_grad=True)
    y = (x * 2).sum()
    node = weakref.ref(y.grad_fn)
    acc = weakref.ref(y.grad_fn.next_functions[0][0])
    del y
    assert node() is None and acc() is None  # x holds its AccumulateGrad only weakly
    assert no_gc() == []


def test_training_loop_does_not_grow():
    pag.manual_seed(0)
    x = pag.randn(8, 4)
    w = pag.randn(4, 3, requires_grad=True)
    b = pag.zeros(3, requires_grad=True)

    def step():
        loss = (x @ w + b).relu().sum()
        loss.backward()
        with pag.no_grad():
            w.sub_(0.001 * w.grad)
            b.sub_(0.001 * b.grad)
        w.grad = None
        b.grad = None

    for _ in range(100):  # warm caches (kernel dispatch, signatures) before measuring
        step()
    gc.collect()
    objects_before = len(gc.get_objects())
    try:
        # tracemalloc makes each step ~4x slower, so it traces the last 6000 of the 10,000 steps
        # (a leak per step shows in any window); the object count covers the whole loop.
        for i in range(10_000):
            if i == 4_000:
                tracemalloc.start()
            step()
            if i == 4_999:
                at_5k = tracemalloc.get_traced_memory()[0]
        at_10k = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    gc.collect()
    assert len(gc.get_objects()) - objects_before < 50
    # A graph of this step is a few KB, so one leaked graph (or even one leaked 16-byte object)
    # per step would add >= 80 KB over the 5000 measured steps. The bound leaves room for the
    # ~6 B/step that the C matmul wrapper's path was measured to retain (NumPy backend: none).
    assert at_10k - at_5k < 64 * 1024, (at_5k, at_10k)

"""The code generated per op (ops/_codegen.py) computes what the generic path computes.

Every op-database sample runs twice: as it runs normally (the generated common case of each op's
function and the generated `apply` of its nodes) and with both turned off (every call through
`_apply.call`, every node through `_apply.run_formulas`). Values, gradients of a plain backward
(where formulas may run on arrays) and of create_graph=True (where they run on Tensors) must be
the same arrays, with the same dtypes, and the result's grad_fn the same node type.
"""
import contextlib

import numpy as np
import pytest

import pyautograd
from op_calls import bind, outputs, samples
from opdb import op_db
from pyautograd.ops import _apply, _codegen
from pyautograd.ops._opdef import REGISTRY, OpNode

GENERATED_CALL = sorted(name for name, op in REGISTRY.items()
                        if "_inline" in op.function.__globals__)
GENERATED_APPLY = sorted(name for name, op in REGISTRY.items()
                         if op.node_class.apply is not _apply.run_formulas)


@contextlib.contextmanager
def _generic_only():
    """Every op through `call` and every node through `run_formulas` while open."""
    applies = {}
    for op in REGISTRY.values():
        op.function.__globals__["_inline"] = False
        if op.node_class.apply is not OpNode.apply:
            applies[op] = op.node_class.apply
            op.node_class.apply = OpNode.apply
    try:
        yield
    finally:
        for op in REGISTRY.values():
            op.function.__globals__["_inline"] = True
        for op, apply in applies.items():
            op.node_class.apply = apply


def _run(info, sample, create_graph):
    bound = bind(sample, requires_grad=True)
    result = outputs(bound.call(info.op))
    first = result[0]
    node = type(first.grad_fn).__name__ if first.grad_fn is not None else None
    value = first.detach().numpy().copy()
    if not bound.leaves or not first.requires_grad or not first.dtype.is_floating_point:
        return value, node, ()
    weights = pyautograd.from_numpy(np.linspace(0.5, 1.5, first.numel()).reshape(first.shape).astype(value.dtype))
    grads = pyautograd.autograd.grad((first * weights).sum(), bound.leaves, create_graph=create_graph,
                                     allow_unused=True)
    return value, node, tuple(None if g is None else g.detach().numpy().copy() for g in grads)


def _same(a, b, what):
    assert a.dtype == b.dtype and a.shape == b.shape, what
    np.testing.assert_array_equal(a, b, err_msg=what)


def test_most_simple_ops_are_generated():
    assert {"mul", "add", "sub", "div", "exp", "tanh", "relu", "neg"} <= set(GENERATED_CALL)
    assert {"mul", "add", "sub", "div", "exp", "tanh", "relu", "neg"} <= set(GENERATED_APPLY)
    assert len(GENERATED_APPLY) > len(REGISTRY) // 2


@pytest.mark.parametrize("info", op_db, ids=lambda info: info.full_name)
def test_generated_code_equals_the_generic_path(info, backend):
    """`backend` (conftest): NumPy, or C at every size."""
    for dtype in info.dtypes:
        for sample in samples(info, dtype)[:4]:
            for create_graph in (False, True):
                what = f"{info.full_name} {sample.desc} create_graph={create_graph}"
                value, node, grads = _run(info, sample, create_graph)
                with _generic_only():
                    value_g, node_g, grads_g = _run(info, sample, create_graph)
                _same(value, value_g, what)
                assert node == node_g, what
                assert len(grads) == len(grads_g), what
                for a, b in zip(grads, grads_g):
                    assert (a is None) == (b is None), what
                    if a is not None:
                        _same(a, b, what)


def test_kernel_errors_are_the_generic_paths():
    """A kernel's error on the generated path is raised by the generic path (PyTorch's RuntimeError)."""
    a, b = pyautograd.ones(3), pyautograd.ones(4)
    with pytest.raises(RuntimeError) as generated:
        a * b
    with _generic_only(), pytest.raises(RuntimeError) as generic:
        a * b
    assert str(generated.value) == str(generic.value)
    assert "(3)" in str(generated.value) and "(4)" in str(generated.value)


def test_uncommon_calls_take_the_generic_path():
    """Other dtypes, mixed dtypes, a number first, a subclass and complex parameters are `call`'s."""
    x = pyautograd.tensor([1.0, 2.0], requires_grad=True)
    assert (x * pyautograd.tensor([2, 3])).dtype == pyautograd.float32
    assert (x * pyautograd.tensor([2.0, 3.0], dtype=pyautograd.float64)).dtype == pyautograd.float64
    assert (x.half() * 2).dtype == pyautograd.float16
    assert (2 * x).grad_fn.name() == "MulBackward0"
    p = pyautograd.nn.Parameter(pyautograd.ones(2))
    assert type(p * 2) is pyautograd.Tensor
    for call in (lambda: pyautograd.add(x, x, alpha=1j), lambda: pyautograd.nn.functional.leaky_relu(x, 1j)):
        with pytest.raises(RuntimeError) as generated:  # NotImplementedError is a RuntimeError
            call()
        with _generic_only(), pytest.raises(RuntimeError) as generic:
            call()
        assert type(generated.value) is type(generic.value) and str(generated.value) == str(generic.value)
    assert _codegen.plain_call_source(REGISTRY["mul"], "input, other, ", "")

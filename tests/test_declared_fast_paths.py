"""One rule for a faster second path: it is declared on the op, and it agrees with the formulas.

- ``defop(..., fast_backward=...)``: a fused backward on arrays, run when no graph is built.
  For every op that has one, every op-database sample's gradients through the fused path
  (plain backward) equal those through the formulas (the same backward with
  create_graph=True, which runs the formulas), on both kernel backends and every dtype.
- ``defop(..., array_backward=...)``: arithmetic formulas run on the arrays when no graph is
  built. The declaration is checked when the op is declared (by running the formula on
  recording stand-ins, which works the same on every Python version); here, that a
  non-arithmetic formula is refused and that the plans found are the expected ones.
"""
import numpy as np
import pytest

import pyautograd
from op_calls import bind, outputs, samples, tolerance
from opdb import op_db
from pyautograd import kernels
from pyautograd.ops._opdef import REGISTRY, defop

FAST = sorted(name for name, op in REGISTRY.items() if op.fast_backward is not None)


def _entries(op_name):
    """The OpInfos exercising primitive `op_name` (by name, covers, or function)."""
    function = REGISTRY[op_name].function
    return [info for info in op_db
            if info.name == op_name or op_name in info.covers or info.op is function]


def _grads(info, sample, create_graph):
    bound = bind(sample, requires_grad=True)
    if not bound.leaves:
        return None, ()
    result = outputs(bound.call(info.op))
    first = result[0]
    # A fixed, non-uniform upstream gradient (a plain sum hides errors that sum to zero).
    weights = pyautograd.from_numpy(np.linspace(0.5, 1.5, first.numel()).reshape(first.shape).astype(
        first.detach().numpy().dtype))
    grads = pyautograd.autograd.grad((first * weights).sum(), bound.leaves, create_graph=create_graph,
                                     allow_unused=True)
    return first.detach().numpy(), tuple(None if g is None else g.detach().numpy() for g in grads)


def test_the_fast_paths_are_found():
    assert {"native_layer_norm", "native_batch_norm", "prod_all", "cumprod"} <= set(FAST)
    for name in FAST:
        assert _entries(name), f"{name} has a fast_backward but no OpInfo exercises it"


@pytest.mark.parametrize("op_name", FAST)
def test_fast_backward_equals_the_formulas(op_name, backend):
    """`backend` (conftest): NumPy, or C at every size."""
    checked = 0
    for info in _entries(op_name):
        for dtype in info.dtypes:
            atol, rtol = tolerance(info, np.dtype(dtype).name)
            for sample in samples(info, dtype):
                value_fast, fast = _grads(info, sample, create_graph=False)
                value_formula, formula = _grads(info, sample, create_graph=True)
                if not fast:
                    continue
                np.testing.assert_array_equal(value_fast, value_formula)
                assert len(fast) == len(formula)
                for a, b in zip(fast, formula):
                    assert (a is None) == (b is None)
                    if a is not None:
                        assert a.dtype == b.dtype and a.shape == b.shape
                        np.testing.assert_allclose(a, b, atol=max(atol, 1e-5 if a.dtype == np.float32 else 1e-10),
                                                   rtol=max(rtol, 1e-4 if a.dtype == np.float32 else 1e-9),
                                                   err_msg=f"{info.full_name} {sample.desc}")
                checked += 1
    assert checked > 0


def test_fast_backward_runs_without_a_graph_only(monkeypatch):
    """The fused path is the one a plain backward takes (so the comparison above compares two
    different paths), and the formulas are the ones create_graph takes."""
    op = REGISTRY["native_layer_norm"]
    fn, needs = op.fast_backward
    calls = []

    def spy(*args):
        calls.append(True)
        return fn(*args)
    monkeypatch.setattr(op, "fast_backward", (spy, needs))
    x = pyautograd.randn(3, 4, requires_grad=True)
    pyautograd.nn.functional.layer_norm(x, (4,)).sum().backward()
    assert calls == [True]
    g, = pyautograd.autograd.grad(pyautograd.nn.functional.layer_norm(x, (4,)).pow(2).sum(), x, create_graph=True)
    assert calls == [True] and g.requires_grad


def test_a_fast_backward_may_only_read_what_the_formulas_read():
    with pytest.raises(TypeError, match="no formula reads"):
        defop("_test_fast_reads_more", "input, other", kernels.mul,
              grads={"input": lambda grad, other: grad * other},
              fast_backward=lambda grad, input: (grad, None))
    assert "_test_fast_reads_more" not in REGISTRY


def test_array_backward_refuses_a_formula_that_is_not_arithmetic():
    with pytest.raises(TypeError, match="not plain arithmetic"):
        defop("_test_not_arith", "input", kernels.exp, grads={"input": lambda grad, input: grad * input.exp()},
              array_backward=True)
    with pytest.raises(TypeError, match="not plain arithmetic"):
        defop("_test_branch", "input, alpha", kernels.mul,
              grads={"input": lambda grad, alpha: grad if alpha == 1 else grad * alpha}, array_backward=True)
    assert "_test_not_arith" not in REGISTRY and "_test_branch" not in REGISTRY


def test_array_plans_are_what_the_formulas_compute():
    plans = {name: {op.inputs[i]: (p.kernels, p.single) for i, p in enumerate(op.arithmetic) if p is not None}
             for name, op in REGISTRY.items()}
    assert plans["mul"] == {"input": (("mul",), ("mul", 0, 1)), "other": (("mul",), ("mul", 0, 1))}
    assert plans["div"]["other"] == (("div", "mul", "neg"), None)
    assert plans["tanh_backward"] == {"output": (("mul",), None)}
    assert plans["lerp_tensor"]["weight"] == (("mul", "sub"), None)
    assert sum(1 for p in plans.values() if p) >= 25

"""Tests of the reduction ops beyond the generic op-database runners (test_ops_forward.py,
test_ops_grad.py and test_ops_vs_torch.py run every entry of opdb/reduction.py):
second derivatives at the kink samples against torch.autograd, which alone judges them,
then what a table cannot say: the subgradient conventions, return types, grad_fn names,
dtype arguments, method forms and errors.

Tolerance against PyTorch: 1e-10 relative (the same formulas in the same precision).
"""
import math
import warnings

import numpy as np
import pytest

import pyautograd as P
from opdb.reduction import OPS

# Gradients are taken with .backward (see _backward), create_graph included, on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")

_TORCH_TOL = dict(atol=1e-10, rtol=1e-10)


def _cases(entry_filter):
    out = []
    for info in OPS:
        if entry_filter(info):
            samples = list(info.samples(np.float64, np.random.default_rng(7)))
            out += [pytest.param(info, s, id=f"{info.name}-{s.desc}") for s in samples]
    return out


# -- second derivatives at kinks and ties, against PyTorch -----------------------------------------------
# (the generic runners in test_ops_*.py run these entries forward, gradcheck and gradgradcheck off the
# kinks, and first-order gradients against PyTorch everywhere; double backward at a kink has no
# finite-difference answer, so only PyTorch judges it, here)


def _tensors(args, grad_positions=()):
    return tuple(P.from_numpy(a).requires_grad_(i in grad_positions) if isinstance(a, np.ndarray) else a
                 for i, a in enumerate(args))


def _outputs(out):
    """A result as a list of arrays (tensors' data, named tuples flattened, Python bools as arrays)."""
    items = out if isinstance(out, tuple) else (out,)
    return [x._data if isinstance(x, P.Tensor) else np.asarray(x) for x in items]


def _grad_positions(sample):
    if sample.grad_args is not None:
        return tuple(sample.grad_args)
    return tuple(i for i, a in enumerate(sample.args) if isinstance(a, np.ndarray) and a.dtype.kind == "f")


def _float_outputs(out):
    items = out if isinstance(out, tuple) else (out,)
    return [y for y in items if isinstance(y, P.Tensor) and y.is_floating_point()]


class _Problem:
    """One float64 sample, its random cotangents and directions for a second derivative."""

    def __init__(self, info, sample):
        self.info, self.sample = info, sample
        self.positions = _grad_positions(sample)
        rng = np.random.default_rng(11)
        outs = _float_outputs(info.op(*_tensors(sample.args), **sample.kwargs))
        self.cotangents = [rng.standard_normal(y.shape) for y in outs]
        self.directions = [rng.standard_normal(sample.args[i].shape) for i in self.positions]

    def call(self, arrays, requires_grad=True):
        args = list(self.sample.args)
        for i, a in zip(self.positions, arrays):
            args[i] = a
        tensors = _tensors(args, self.positions if requires_grad else ())
        return [tensors[i] for i in self.positions], _float_outputs(self.info.op(*tensors, **self.sample.kwargs))

    def first(self, arrays, cotangents, create_graph=False):
        """(inputs, cotangent tensors, gradients) -- None gradients become zeros."""
        inputs, outs = self.call(arrays)
        vs = [P.from_numpy(v).requires_grad_(create_graph) for v in cotangents]
        return inputs, vs, _backward(outs, vs, inputs, create_graph)


def _backward(outputs, cotangents, leaves, create_graph=False):
    """The gradients of <outputs, cotangents> w.r.t. `leaves` (fresh leaves: their .grad is
    taken and cleared), zeros where none flows. Through .backward, not autograd.grad, whose
    pruning of the graph loses gradients on some graphs (see the report)."""
    if any(y.requires_grad for y in outputs):
        P.autograd.backward(outputs, cotangents, create_graph=create_graph)
    grads = [x.grad if x.grad is not None else P.zeros_like(x) for x in leaves]
    for x in leaves:
        x.grad = None
    return grads


def _differentiable(info, sample):
    if not info.supports_autograd:
        return False
    problem_outs = _float_outputs(info.op(*_tensors(sample.args), **sample.kwargs))
    return bool(problem_outs) and all(y._data.size and np.isfinite(y._data).all() for y in problem_outs)


_KINK_CASES = [c for c in _cases(lambda info: info.supports_autograd) if c.values[1].kink and _differentiable(*c.values)]


def _torch_grads(torch, info, sample, problem, create_graph):
    args = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a for a in sample.args]
    inputs = [args[i].requires_grad_() for i in problem.positions]
    out = info.torch_fn(*args, **sample.kwargs)
    outs = [y for y in (out if isinstance(out, tuple) else (out,)) if y.is_floating_point()]
    vs = [torch.from_numpy(v).requires_grad_(create_graph) for v in problem.cotangents]
    grads = torch.autograd.grad(outs, inputs, vs, create_graph=create_graph, allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(x) for g, x in zip(grads, inputs)]
    return inputs, vs, grads


@pytest.mark.parametrize("info, sample", _KINK_CASES)
def test_double_backward_matches_torch_at_kinks(info, sample, torch):
    problem = _Problem(info, sample)
    arrays = [sample.args[i] for i in problem.positions]
    inputs, vs, grads = problem.first(arrays, problem.cotangents, create_graph=True)
    total = sum((g * P.from_numpy(w)).sum() for g, w in zip(grads, problem.directions))
    got = _backward([total], [P.tensor(1.0, dtype=P.float64)], inputs + vs)
    t_inputs, t_vs, t_grads = _torch_grads(torch, info, sample, problem, True)
    t_total = sum((g * torch.from_numpy(w)).sum() for g, w in zip(t_grads, problem.directions))
    want = torch.autograd.grad(t_total, t_inputs + t_vs, allow_unused=True)
    for g, w, x in zip(got, want, inputs + vs):
        w = w.detach().numpy(force=True) if w is not None else np.zeros(x.shape)  # force: ZeroTensors
        np.testing.assert_allclose(g._data, w, **_TORCH_TOL, equal_nan=True, err_msg=f"{info.name} {sample.desc}")


# -- conventions at ties and zeros (PyTorch's values, written out) ----------------------------------------------


def _grad_of(fn, values):
    x = P.tensor(values, dtype=P.float64, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.tolist()


def test_max_min_over_all_share_the_gradient_among_ties():
    assert _grad_of(lambda x: x.max(), [1.0, 3.0, 3.0]) == [0.0, 0.5, 0.5]
    assert _grad_of(lambda x: x.min(), [[2.0, -1.0], [-1.0, -1.0]]) == [[0.0, 1 / 3], [1 / 3, 1 / 3]]
    assert _grad_of(lambda x: x.max(), [1.0, math.nan, 3.0, math.nan]) == [0.0, 0.5, 0.0, 0.5]


def test_max_min_along_a_dim_send_the_gradient_to_the_returned_index():
    assert _grad_of(lambda x: x.max(0).values, [1.0, 3.0, 3.0]) == [0.0, 1.0, 0.0]
    assert _grad_of(lambda x: x.min(1, keepdim=True)[0], [[2.0, 2.0], [5.0, 4.0]]) == [[1.0, 0.0], [0.0, 1.0]]
    assert P.tensor([1.0, 3.0, 3.0]).max(0).indices.item() == 1


def test_amax_amin_share_the_gradient_among_ties_per_slice():
    assert _grad_of(lambda x: x.amax(1), [[1.0, 3.0, 3.0], [4.0, 0.0, 4.0]]) == [[0, 0.5, 0.5], [0.5, 0, 0.5]]
    assert _grad_of(lambda x: x.amin(), [[1.0, 3.0], [1.0, 1.0]]) == [[1 / 3, 0], [1 / 3, 1 / 3]]


def test_norm_gradients_at_zero_and_at_ties():
    assert _grad_of(lambda x: x.norm(), [0.0, 0.0, 0.0]) == [0.0, 0.0, 0.0]
    assert _grad_of(lambda x: x.norm(p=1), [0.0, -2.0]) == [0.0, -1.0]
    assert _grad_of(lambda x: x.norm(p=math.inf), [1.0, -3.0, 3.0]) == [0.0, -0.5, 0.5]
    x = P.tensor([1.0, 2.0], requires_grad=True)
    (x.norm(p=0) + x.sum()).backward()  # the 0-"norm" contributes no gradient
    assert x.grad.tolist() == [1.0, 1.0]


def test_prod_gradient_with_one_and_several_zeros():
    assert _grad_of(lambda x: x.prod(), [0.0, 2.0, 3.0, 4.0]) == [24.0, 0.0, 0.0, 0.0]
    assert _grad_of(lambda x: x.prod(), [0.0, 2.0, 3.0, 0.0]) == [0.0, 0.0, 0.0, 0.0]
    assert _grad_of(lambda x: x.prod(1), [[0.0, 2.0], [3.0, 4.0]]) == [[2.0, 0.0], [4.0, 3.0]]
    # Second order at a zero: d2/dx0 dx1 of x0 x1 x2 x3 is x2 x3 = 12, not 0.
    x = P.tensor([0.0, 2.0, 3.0, 4.0], dtype=P.float64, requires_grad=True)
    (g,) = _backward([x.prod()], [P.tensor(1.0, dtype=P.float64)], [x], create_graph=True)
    (h0,) = _backward([g[0]], [P.tensor(1.0, dtype=P.float64)], [x])
    assert h0.tolist() == [0.0, 12.0, 8.0, 6.0]


def test_softmax_double_backward_goes_through_the_fused_backward_ops():
    x = P.randn(2, 3, dtype=P.float64, requires_grad=True)
    for fn, name in ((P.softmax, "SoftmaxBackwardDataBackward0"), (P.log_softmax, "LogSoftmaxBackwardDataBackward0")):
        (g,) = _backward([(fn(x, 1) ** 2).sum()], [P.tensor(1.0, dtype=P.float64)], [x], create_graph=True)
        # The gradient's producer: the fused backward op, itself differentiable.
        node = g.grad_fn
        names = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if n is not None and n.name() not in names:
                names.add(n.name())
                stack += [e[0] for e in getattr(n, "next_functions", ())]
        assert name in names


# -- names, types, dtypes, methods -----------------------------------------------------------------------


def test_grad_fn_names():
    x = P.randn(3, 4, requires_grad=True)
    expected = {
        "ProdBackward0": x.prod(), "ProdBackward1": x.prod(1), "MaxBackward1": x.max(),
        "MaxBackward0": x.max(1).values, "MinBackward1": x.min(), "MinBackward0": x.min(0)[0],
        "AmaxBackward0": x.amax((0, 1)), "AminBackward0": x.amin(0), "VarBackward0": x.var(1),
        "StdBackward0": x.std(), "LinalgVectorNormBackward0": x.norm(p=3, dim=1),
        "LogsumexpBackward0": x.logsumexp(1), "SoftmaxBackward0": x.softmax(0),
        "LogSoftmaxBackward0": x.log_softmax(-1), "MaximumBackward0": P.max(x, x * 2),
        "MinimumBackward0": x.min(other=x * 2), "SumBackward1": x.sum(()),
    }
    for name, y in expected.items():
        assert type(y.grad_fn).__name__ == name
    for y in (x.argmax(), x.argmin(1), x.all(), x.any(0), P.isclose(x, x), x.max(1).indices):
        assert y.grad_fn is None and not y.requires_grad


def test_max_with_dim_returns_a_named_tuple():
    r = P.tensor([[1.0, 2.0]]).max(1)
    assert isinstance(r, tuple) and isinstance(r, P.return_types.max) and len(r) == 2
    values, indices = r
    assert values is r.values and indices is r.indices and indices.dtype is P.int64
    assert repr(r) == "torch.return_types.max(\nvalues=tensor([2.]),\nindices=tensor([1]))"
    assert repr(P.tensor([3.0, 1.0]).min(0)) == "torch.return_types.min(\nvalues=tensor(1.),\nindices=tensor(1))"


def test_dtype_rules():
    assert P.tensor([1, 2]).prod().dtype is P.int64 and P.tensor([True]).prod().dtype is P.int64
    assert P.tensor([1.0, 2.0]).prod(dtype=P.float64).dtype is P.float64
    assert P.tensor([1, 2]).logsumexp(0).dtype is P.float32
    assert P.tensor([1, 2], dtype=P.uint8).all().dtype is P.uint8
    assert P.tensor([1, 2]).any(0).dtype is P.bool
    x = P.randn(2, 3, requires_grad=True)
    for y in (x.softmax(1, P.float64), P.log_softmax(x, 1, dtype=P.float64), x.norm(dtype=P.float64)):
        assert y.dtype is P.float64
        y.sum().backward()
        assert x.grad.dtype is P.float32
    assert P.softmax(P.tensor([1, 2]), 0, dtype=P.float32).dtype is P.float32


def test_empty_dim_list_means_every_dim_except_for_all_any():
    x = P.tensor([[1.0, 0.0], [2.0, 3.0]])
    for y in (x.sum(()), x.mean(()), x.amax(()), x.var(()), x.norm(dim=()), x.logsumexp(())):
        assert y.shape == ()
    assert x.all(()).tolist() == [[True, False], [True, True]]


def test_method_forms_match_the_functions():
    x = P.tensor([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    for name, args in (("prod", (1,)), ("max", ()), ("min", (0,)), ("amax", ((0, 1),)), ("amin", (1,)),
                       ("argmax", ()), ("argmin", (1,)), ("var", (1,)), ("std", ()), ("norm", (1,)),
                       ("logsumexp", (0,)), ("softmax", (1,)), ("log_softmax", (0,)), ("all", (1,)),
                       ("any", ())):
        got, want = getattr(x, name)(*args), getattr(P, name)(x, *args)
        for g, w in zip(_outputs(got), _outputs(want)):
            np.testing.assert_array_equal(g, w)
    assert x.equal(x.clone()) and x.allclose(x + 1e-9) and x.isclose(x).all()
    assert x.max(other=x * 0).tolist() == [[1.0, 0.0, 0.5], [3.0, 0.0, 0.0]]


def test_equal_allclose_isclose():
    a = P.tensor([1.0, math.inf, math.nan])
    assert not P.equal(a, a) and P.equal(a[:2], a[:2].clone()) and not P.equal(a, a[:2])
    assert P.equal(P.tensor([1.0]), P.tensor([1]))  # compared after promotion, as PyTorch
    assert P.isclose(a, a).tolist() == [True, True, False]
    assert P.isclose(a, a, equal_nan=True).tolist() == [True, True, True]
    assert P.allclose(P.tensor([1.0]), P.tensor([1.0, 1.000001]))
    assert not P.allclose(P.tensor([1.0]), P.tensor([1.1]), rtol=0.01, atol=0.0)
    assert P.isclose(P.tensor([1, 2]), P.tensor([1, 3]), atol=1.5).tolist() == [True, True]


# -- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, kind, match", [
    (lambda: P.tensor([]).max(), RuntimeError, r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0"),
    (lambda: P.zeros(2, 0).min(1), IndexError, r"min\(\): Expected reduction dim 1 to have non-zero size.*\[2, 0\]"),
    (lambda: P.zeros(2, 0).amin((0, 1)), IndexError, r"amin\(\): Expected reduction dim 1 to have non-zero size"),
    (lambda: P.zeros(2, 0).amax(), RuntimeError, r"amax\(\): Expected reduction dim to be specified"),
    (lambda: P.tensor([]).argmax(), IndexError, r"argmax\(\): Expected reduction dim to be specified"),
    (lambda: P.zeros(2, 0).argmin(1), IndexError, r"argmin\(\): Expected reduction dim 1 to have non-zero size"),
    (lambda: P.tensor([True]).argmax(), RuntimeError, r"argmax\(\): does not support bool input"),
    (lambda: P.tensor([1, 2]).var(), RuntimeError, "std and var only support floating point"),
    (lambda: P.tensor([1, 2]).norm(), RuntimeError, "linalg.vector_norm: Expected a floating point or complex "
                                                     "tensor as input. Got Long"),
    (lambda: P.tensor([]).norm(p=math.inf), RuntimeError, "cannot compute the inf norm on an empty tensor"),
    (lambda: P.zeros(0, 3).norm(p=-math.inf, dim=0), RuntimeError, "-inf norm on the dimension 0"),
    (lambda: P.randn(2).norm(p="nuc"), RuntimeError, "linalg.matrix_norm: The input tensor A must have at least 2"),
    (lambda: P.randn(2, 2, 2).norm(p="fro", dim=(0, 1, 2)), RuntimeError, "dim must be a 2-tuple"),
    (lambda: P.randn(2).norm(p="abc"), RuntimeError, "Order abc not supported"),
    (lambda: P.tensor([1, 2]).softmax(0), NotImplementedError, "\"softmax\" not implemented for 'Long'"),
    (lambda: P.randn(3).max(1.5), TypeError, r"max\(\) received an invalid combination of arguments - got \(float\)"),
    (lambda: P.randn(3).max(keepdim=True), TypeError, "keepdim=True needs a dim"),
    (lambda: P.randn(3).max(P.randn(3), True), TypeError, "invalid combination"),
    (lambda: P.randn(3).max(2), IndexError, r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 2\)"),
    (lambda: P.randn(2, 3).prod((0, 1)), TypeError, "prod\\(\\): argument 'dim' must be int, not tuple"),
    (lambda: P.randn(2, 3).amax(1.5), TypeError, "argument .dim. must be int or tuple of ints, not float"),
    (lambda: P.randn(2, 3).amax((0, 0)), RuntimeError, "appears multiple times"),
    (lambda: P.randn(2, 3).var(0, 1), TypeError, "'unbiased' must be bool"),
    (lambda: P.randn(2, 3).std(1, True, correction=1), TypeError, "either unbiased or correction"),
    (lambda: P.randn(2, 3).softmax(2), IndexError, "Dimension out of range"),
    (lambda: P.isclose(P.tensor([1.0]), P.tensor([1.0], dtype=P.float64)), RuntimeError, "Float did not match Double"),
    (lambda: P.isclose(P.tensor([1.0]), P.tensor([1.0]), rtol=-1), RuntimeError, "rtol must be greater than or equal to zero"),
    (lambda: P.equal(P.tensor([1.0]), 1.0), TypeError, "argument 'other' \\(position 2\\) must be Tensor, not float"),
    (lambda: P.allclose(P.tensor([1.0]), 1.0), TypeError, "must be Tensor"),
    (lambda: P.logsumexp(P.randn(2)), TypeError, "dim"),
])
def test_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()


def test_var_warns_when_degrees_of_freedom_run_out():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert math.isnan(P.tensor([2.0]).var().item())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P.tensor([2.0]).var(correction=0)


def test_large_inputs_take_the_c_kernels_and_agree(backend):
    rng = np.random.default_rng(5)
    a = rng.standard_normal((64, 300))
    x = P.from_numpy(a)
    np.testing.assert_allclose(x.amax(1)._data, a.max(1))
    np.testing.assert_array_equal(x.max(0).indices._data, a.argmax(0))
    np.testing.assert_allclose(x.std(1)._data, a.std(1, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(x.norm(dim=0)._data, np.linalg.norm(a, axis=0), rtol=1e-12)
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(x.softmax(1)._data, e / e.sum(1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(x.prod(0)._data, a.prod(0), rtol=1e-12)


def test_every_reduction_primitive_is_covered_by_an_entry():
    from pyautograd.ops import pointwise, reduction, shape
    imported = {id(f) for module in (pointwise, shape) for f in vars(module).values()}
    declared = {f.op.name for f in vars(reduction).values() if hasattr(f, "op") and id(f) not in imported}
    covered = {name for info in OPS for name in info.covers}
    assert declared - {"sum_all", "sum_dim", "mean_all", "mean_dim"} <= covered

"""The small functions of issue 12 beyond what the op database checks: take/put/fill's errors and
in-place forms, the integration rules, combinatorics, windows, torch.testing, the Beta and
Multinomial distributions, func.stack_module_state and the saved-tensor hooks."""
import numpy as np
import pytest

import pyautograd as torch


# -- take, put, fill --------------------------------------------------------------------------

def test_put_inplace_writes_and_bumps_the_version():
    x = torch.zeros(2, 3)
    before = x._version
    out = x.put_(torch.tensor([0, -1]), torch.tensor([1.0, 2.0]))
    assert out is x and x._version > before
    np.testing.assert_array_equal(x.numpy(), [[1, 0, 0], [0, 0, 2]])
    x.put_(torch.tensor([0, 0]), torch.tensor([1.0, 1.0]), accumulate=True)
    assert x[0, 0].item() == 3.0


def test_put_inplace_on_a_leaf_that_requires_grad_is_refused():
    x = torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.put_(torch.tensor([0]), torch.tensor([1.0]))


@pytest.mark.parametrize("call, kind, message", [
    (lambda: torch.take(torch.zeros(3), torch.tensor([3])), IndexError,
     "out of range: tried to access index 3 on a tensor of 3 elements."),
    (lambda: torch.take(torch.zeros(3), torch.tensor([-4])), IndexError, "index -4"),
    (lambda: torch.take(torch.zeros(3), torch.tensor([0.0])), RuntimeError,
     "take(): Expected a long tensor for index, but got Float"),
    (lambda: torch.take(torch.zeros(0), torch.tensor([0])), IndexError, "take(): tried to take from an empty tensor"),
    (lambda: torch.put(torch.zeros(3), torch.tensor([0, 1]), torch.ones(1)), IndexError,
     "source.numel() = 1, index.numel() = 2"),
    (lambda: torch.put(torch.zeros(3), torch.tensor([0]), torch.ones(1, dtype=torch.float64)), RuntimeError,
     "self.dtype = Float and source.dtype = Double"),
    (lambda: torch.fill(torch.zeros(3), torch.ones(2)), RuntimeError,
     "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."),
])
def test_take_put_fill_errors(call, kind, message):
    with pytest.raises(kind) as info:
        call()
    assert message in str(info.value)


def test_fill_casts_to_the_input_dtype_and_sums_into_a_tensor_value():
    assert torch.fill(torch.tensor([1, 2]), 2.7).tolist() == [2, 2]
    value = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    x = torch.zeros(3, requires_grad=True)
    y = torch.fill(x, value)
    assert y.dtype == torch.float32 and y.grad_fn.name() == "FillBackward1"
    y.sum().backward()
    assert value.grad.item() == 3.0 and value.grad.dtype == torch.float64
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert not hasattr(torch.Tensor, "fill")  # as in PyTorch: only the in-place method


# -- trapezoid, cartesian_prod, combinations, windows, scalar_tensor ----------------------------

def test_trapezoid_of_integers_is_float_and_matches_the_rule():
    y = torch.arange(6).reshape(2, 3)
    assert torch.trapezoid(y).dtype == torch.float32
    assert torch.trapezoid(y).tolist() == [2.0, 8.0]
    assert torch.trapezoid(y, dx=2).tolist() == [4.0, 16.0]
    assert torch.trapezoid(y, torch.tensor([0, 1, 3])).tolist() == [3.5, 12.5]
    assert torch.cumulative_trapezoid(y, dx=2).tolist() == [[1.0, 4.0], [7.0, 16.0]]
    assert torch.trapz(y, dx=1.5).tolist() == [3.0, 12.0]


def test_trapezoid_node_names_follow_the_overload():
    y = torch.randn(3, 4, requires_grad=True)
    assert torch.trapezoid(y).grad_fn.name() == "MulBackward1"
    assert torch.trapezoid(y, torch.arange(4.0)).grad_fn.name() == "DivBackward1"
    assert torch.cumulative_trapezoid(y).grad_fn.name() == "CumsumBackward0"
    assert torch.trapezoid(torch.zeros(2, 0, requires_grad=True)).grad_fn is None


@pytest.mark.parametrize("call, kind, message", [
    (lambda: torch.trapezoid(torch.zeros(2, 3), torch.zeros(2)), RuntimeError,
     "trapezoid: There must be one `x` value for each sample point"),
    (lambda: torch.trapezoid(torch.tensor([True, False])), RuntimeError, "received a bool input for `y`"),
    (lambda: torch.trapezoid(torch.zeros(2), dx=True), RuntimeError, "we only support dx as a real number"),
    (lambda: torch.trapezoid(torch.zeros(3), torch.zeros(3), dx=2), TypeError, "not both"),
    (lambda: torch.trapezoid(torch.zeros(2, 3), dim=2), IndexError, "Dimension out of range"),
    (lambda: torch.cartesian_prod(torch.zeros(2, 2)), RuntimeError, "Expect a 1D vector, but got shape [2, 2]"),
    (lambda: torch.cartesian_prod(torch.zeros(2), torch.zeros(2, dtype=torch.int64)), RuntimeError,
     "meshgrid expects all tensors to have the same dtype"),
    (lambda: torch.combinations(torch.zeros(3), -1), RuntimeError, "Expect a non-negative number, but got -1"),
    (lambda: torch.hann_window(-1), RuntimeError, "hann_window requires non-negative window_length"),
    (lambda: torch.kaiser_window(3, dtype=torch.int64), RuntimeError, "kaiser_window expects floating point dtypes"),
    (lambda: torch.hann_window(3.0), TypeError, "must be int, not float"),
])
def test_integration_combinatorics_window_errors(call, kind, message):
    with pytest.raises(kind) as info:
        call()
    assert message in str(info.value)


def test_cartesian_prod_of_one_tensor_is_that_tensor_and_combinations_send_gradients_back():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert torch.cartesian_prod(a) is a
    pairs = torch.combinations(a, 2)
    assert pairs.grad_fn.name() == "StackBackward0"
    pairs.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0]  # each element sits in two of the three pairs
    assert torch.combinations(a, 0).shape == (0,) and torch.combinations(a, 4).shape == (0, 4)


def test_windows_follow_the_default_dtype_and_requires_grad():
    torch.set_default_dtype(torch.float64)
    try:
        assert torch.hann_window(4).dtype == torch.float64
        assert torch.scalar_tensor(1).dtype == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    w = torch.hamming_window(5, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    np.testing.assert_allclose(torch.hann_window(4, periodic=False).numpy(), [0.0, 0.75, 0.75, 0.0], atol=1e-7)
    np.testing.assert_allclose(torch.bartlett_window(5, False).numpy(), [0.0, 0.5, 1.0, 0.5, 0.0])
    assert torch.scalar_tensor(True).dtype == torch.float32


# -- func.stack_module_state, saved-tensor hooks ------------------------------------------------

def test_stack_module_state_stacks_parameters_as_new_leaves_and_buffers_as_they_are():
    from pyautograd import nn
    from pyautograd.func import functional_call, stack_module_state
    models = [nn.Linear(3, 2) for _ in range(4)]
    params, buffers = stack_module_state(models)
    assert params["weight"].shape == (4, 2, 3) and params["bias"].shape == (4, 2) and buffers == {}
    assert params["weight"].is_leaf and params["weight"].requires_grad
    np.testing.assert_array_equal(params["weight"][2].detach().numpy(), models[2].weight.detach().numpy())
    x = torch.randn(5, 3)
    out = functional_call(models[0], {k: v[1] for k, v in params.items()}, (x,))
    out.sum().backward()
    assert params["weight"].grad[1].abs().sum() > 0 and params["weight"].grad[0].abs().sum() == 0
    assert models[1].weight.grad is None  # the stack is a new leaf
    _, bn_buffers = stack_module_state([nn.BatchNorm1d(3) for _ in range(2)])
    assert bn_buffers["num_batches_tracked"].dtype == torch.int64 and not bn_buffers["running_mean"].requires_grad


@pytest.mark.parametrize("models, message", [
    ([], "Expected at least one model, got 0."),
    (lambda nn: [nn.Linear(2, 2), nn.Linear(2, 2).eval()], "same training/eval mode"),
    (lambda nn: [nn.Linear(2, 2), nn.Identity()], "same class"),
])
def test_stack_module_state_errors(models, message):
    from pyautograd import nn
    from pyautograd.func import stack_module_state
    with pytest.raises(RuntimeError, match=message):
        stack_module_state(models(nn) if callable(models) else models)


def test_saved_tensors_hooks_pack_every_saved_tensor_and_double_backward_runs_through_them():
    from pyautograd.autograd.graph import saved_tensors_hooks
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    packed = []

    def pack(t):
        packed.append(tuple(t.shape))
        return t.detach().clone() * 1  # a copy: the graph must not need the original

    with saved_tensors_hooks(pack, lambda p: p):
        y = (x * x.exp()).sum()
    with torch.no_grad():
        z = x * x  # nothing is saved without a graph
    assert len(packed) == 3 and z.grad_fn is None  # exp's result, and mul's two inputs
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), (x.exp() * (1 + x)).detach().numpy())
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (x.exp() * (2 + x)).detach().numpy())


def test_saved_tensors_hooks_nest_belong_to_their_context_and_check_the_unpacked_type():
    from pyautograd.autograd.graph import saved_tensors_hooks
    x = torch.ones(2, requires_grad=True)
    calls = []
    with saved_tensors_hooks(lambda t: calls.append("outer") or t, lambda p: p):
        with saved_tensors_hooks(lambda t: calls.append("inner") or t, lambda p: p):
            (x * 2).sum()
            x.sin()
        x.cos()
    x.tan()
    assert calls == ["inner", "outer"]
    with saved_tensors_hooks(lambda t: 1, lambda p: p):
        y = x.sin().sum()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got result of type int"):
        y.backward()


def test_save_on_cpu_gives_the_same_gradients():
    from pyautograd.autograd.graph import save_on_cpu
    x = torch.tensor([0.3, 1.2], requires_grad=True)
    (x.sin() * x).sum().backward()
    expected = x.grad.clone()
    for pin in (False, True):
        x.grad = None
        with save_on_cpu(pin_memory=pin):
            y = (x.sin() * x).sum()
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), expected.numpy())


# -- torch.testing ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pt():
    """PyTorch (the real one), or a clean skip."""
    return pytest.importorskip("torch")


# Each case builds (actual, expected, keyword arguments) with a library's tensor constructor.
_CLOSE_CASES = {
    "one element off": lambda t: (t.tensor([1.0, 2.0, 3.0]), t.tensor([1.0, 2.5, 3.0]), {}),
    "2-d, zero expected": lambda t: (t.tensor([[1.0, 2.0], [3.0, 4.0]]), t.tensor([[1.0, 2.0], [3.0, 0.0]]), {}),
    "0-d": lambda t: (t.tensor(1.5), t.tensor(1.0), {}),
    "float64": lambda t: (t.tensor([1.0, 2.0], dtype=t.float64), t.tensor([1.0, 2.1], dtype=t.float64), {}),
    "ints": lambda t: (t.tensor([1, 2]), t.tensor([1, 3]), {}),
    "bools": lambda t: (t.tensor([True, False]), t.tensor([True, True]), {}),
    "nan": lambda t: (t.tensor([float("nan")]), t.tensor([float("nan")]), {}),
    "nan equal": lambda t: (t.tensor([float("nan"), 1.0]), t.tensor([float("nan"), 1.0]), {"equal_nan": True}),
    "within defaults": lambda t: (t.tensor([1.0, 100.0]), t.tensor([1.000001, 100.0001]), {}),
    "dtype": lambda t: (t.tensor([1.0]), t.tensor([1.0], dtype=t.float64), {}),
    "no dtype check": lambda t: (t.tensor([1.0, 2.0, float("nan")]), t.tensor([1.0, 2.001, float("nan")], dtype=t.float64),
                                 {"check_dtype": False, "equal_nan": True}),
    "shape": lambda t: (t.tensor([1.0, 2.0]), t.tensor([1.0, 2.0, 3.0]), {}),
    "stride": lambda t: (t.zeros(2, 3).t(), t.zeros(3, 2), {"check_stride": True}),
    "list item": lambda t: ([t.tensor(1.0), t.tensor(2.0)], [t.tensor(1.0), t.tensor(3.0)], {}),
    "dict item": lambda t: ({"a": t.tensor(1.0), "b": t.tensor([2.0, 1.0])}, {"a": t.tensor(1.0), "b": t.tensor([2.0, 3.0])},
                            {}),
    "keys": lambda t: ({"a": 1, "b": 2}, {"a": 1, "c": 2}, {}),
    "numbers": lambda t: (1.5, 1.0, {}),
    "int numbers": lambda t: (1, 2, {}),
    "number types": lambda t: (1.0, 1, {}),
    "booleans": lambda t: (True, False, {}),
    "none": lambda t: (None, 1, {}),
    "lengths": lambda t: ([1, 2], [1, 2, 3], {}),
    "list and tuple": lambda t: ([1, 2], (1, 2), {}),
    "tensor and number": lambda t: (t.tensor([1.0]), 1.0, {}),
    "arrays": lambda t: (np.array([1.0, 2.0]), np.array([1.0, 2.1]), {}),
    "tensor and array": lambda t: (t.tensor([1.0]), np.array([1.0]), {}),
    "own tolerances": lambda t: (t.tensor([1.0, 2.0]), t.tensor([1.0, 2.01]), {"rtol": 1e-2, "atol": 0.0}),
    "exact tolerances": lambda t: (t.tensor([1.0, 2.0]), t.tensor([1.0, 2.01]), {"rtol": 0, "atol": 0}),
    "one tolerance": lambda t: (t.tensor([1.0]), t.tensor([1.0]), {"rtol": 1e-3}),
    "message": lambda t: (t.tensor([1.0]), t.tensor([2.0]), {"msg": "custom"}),
    "message function": lambda t: (t.tensor([1.0]), t.tensor([2.0]), {"msg": lambda m: "prefix: " + m}),
}


def _outcome(assert_close, case):
    actual, expected, kwargs = case
    try:
        assert_close(actual, expected, **kwargs)
    except (AssertionError, TypeError, ValueError) as exc:
        return type(exc).__name__, str(exc)
    return None


@pytest.mark.parametrize("name", sorted(_CLOSE_CASES))
def test_assert_close_as_pytorch(name, pt):
    ours = _outcome(torch.testing.assert_close, _CLOSE_CASES[name](torch))
    if ours is not None:  # the one difference: the class is pyautograd's
        ours = (ours[0], ours[1].replace("pyautograd._tensor.Tensor", "torch.Tensor"))
    theirs = _outcome(pt.testing.assert_close, _CLOSE_CASES[name](pt))
    assert ours == theirs


@pytest.mark.parametrize("args", [([1.0, 2.0], [1.0, 2.0001]), ([1.0, 2.0], [1.0, 2.1]), ([1, 2], [1, 2]),
                                  ([float("nan")], [float("nan")])])
def test_assert_allclose_as_pytorch(args, pt):
    def run(lib):
        with pytest.warns(FutureWarning, match="assert_allclose\\(\\)` is deprecated since 1.12"):
            return _outcome(lib.testing.assert_allclose, (lib.tensor(args[0]), args[1], {}))
    assert run(torch) == run(pt)


def test_assert_close_without_pytorch():
    torch.testing.assert_close(torch.ones(3), torch.ones(3) + 1e-6)
    with pytest.raises(AssertionError, match=r"Mismatched elements: 1 / 3 \(33.3%\)"):
        torch.testing.assert_close(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))


# -- distributions.Beta and Multinomial ---------------------------------------------------------

# name -> (the parameters, make(lib, *parameter tensors), a value for log_prob)
_DISTRIBUTIONS = {
    "Beta": (([0.5, 2.0, 3.0, 0.3], [1.5, 0.7, 3.0, 0.9]), lambda lib, a, b: lib.distributions.Beta(a, b),
             [0.2, 0.5, 0.9, 0.01]),
    "Beta(numbers)": ((), lambda lib: lib.distributions.Beta(2.0, 3.0), 0.25),
    "Multinomial(probs)": (([[0.2, 0.3, 0.5], [0.1, 0.0, 0.9]],),
                           lambda lib, p: lib.distributions.Multinomial(5, probs=p),
                           [[1.0, 2.0, 2.0], [2.0, 0.0, 3.0]]),
    "Multinomial(logits)": (([0.1, -1.0, 2.0],), lambda lib, z: lib.distributions.multinomial.Multinomial(3, logits=z),
                            [1.0, 0.0, 2.0]),
}


def _build(lib, name):
    params, make, value = _DISTRIBUTIONS[name]
    leaves = [lib.tensor(np.asarray(p, np.float64), requires_grad=True) for p in params]
    return make(lib, *leaves), leaves, lib.tensor(np.asarray(value, np.float64))


@pytest.mark.parametrize("name", sorted(_DISTRIBUTIONS))
def test_distribution_as_pytorch(name, pt):
    (ours, _, vo), (theirs, _, vt) = _build(torch, name), _build(pt, name)
    # PyTorch's Multinomial entropy rounds log(n!) through float32 (the lgamma of an int tensor),
    # 5e-8 off the exact sum (checked by enumerating the outcomes); ours is exact in float64.
    tol = 1e-7 if name.startswith("Multinomial") else 1e-10
    if ours.mean.dtype == torch.float32:  # numbers make float32 parameters: a few ulps
        tol = 1e-5
    np.testing.assert_allclose(ours.log_prob(vo).detach().numpy(), theirs.log_prob(vt).detach().numpy(),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.entropy().detach().numpy(), theirs.entropy().detach().numpy(), rtol=tol)
    for attr in ("mean", "variance", "stddev") + (("mode",) if name.startswith("Beta") else ()):
        np.testing.assert_allclose(getattr(ours, attr).detach().numpy(), getattr(theirs, attr).detach().numpy(),
                                   rtol=1e-12, err_msg=attr)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert tuple(ours.sample((4, 2)).shape) == tuple(theirs.sample((4, 2)).shape)
    assert str(ours.sample().dtype) == str(theirs.sample().dtype)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", ["Beta", "Multinomial(probs)", "Multinomial(logits)"])
def test_distribution_gradients_as_pytorch(name, pt):
    def grads(lib):
        dist, leaves, value = _build(lib, name)
        out = dist.log_prob(value).sum() + dist.entropy().sum() + dist.mean.sum() + dist.variance.sum()
        return [g.numpy() for g in lib.autograd.grad(out, leaves)]
    for o, t in zip(grads(torch), grads(pt)):
        np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-8)


def test_beta_and_multinomial_gradcheck():
    a = torch.tensor([0.7, 2.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([1.3, 0.9], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([0.3, 0.8], dtype=torch.float64)
    beta = torch.distributions.Beta

    def beta_terms(a, b):
        return beta(a, b).log_prob(x) + beta(a, b).entropy()
    assert torch.autograd.gradcheck(beta_terms, (a, b))
    assert torch.autograd.gradgradcheck(beta_terms, (a, b))
    # (no probability of exactly 1/2: its logit 0 is where the softplus pieces |z| and max(z, 0) kink)
    p = torch.tensor([0.2, 0.45, 0.35], dtype=torch.float64, requires_grad=True)
    counts = torch.tensor([1.0, 3.0, 0.0], dtype=torch.float64)

    def multinomial_terms(p):
        m = torch.distributions.Multinomial(4, probs=p)
        return m.log_prob(counts) + m.entropy()
    assert torch.autograd.gradcheck(multinomial_terms, (p,))
    assert torch.autograd.gradgradcheck(multinomial_terms, (p,))


def test_beta_and_multinomial_samples():
    torch.manual_seed(3)
    draws = torch.distributions.Beta(torch.tensor([2.0, 0.5]), torch.tensor([6.0, 0.5])).sample((20000,))
    assert draws.shape == (20000, 2) and float(draws.min()) >= 0 and float(draws.max()) <= 1
    np.testing.assert_allclose(draws.mean(0).numpy(), [0.25, 0.5], atol=0.01)
    assert not torch.distributions.Beta(2.0, 3.0).has_rsample
    assert not hasattr(torch.distributions.Beta(2.0, 3.0), "rsample")  # not reparameterized here (see the docs)
    counts = torch.distributions.Multinomial(10, probs=torch.tensor([0.1, 0.2, 0.7])).sample((5000,))
    assert counts.dtype == torch.float32 and (counts.sum(-1) == 10).all()
    np.testing.assert_allclose(counts.mean(0).numpy(), [1.0, 2.0, 7.0], atol=0.08)


def test_beta_and_multinomial_validation():
    with pytest.raises(ValueError, match="concentration0"):
        torch.distributions.Beta(torch.tensor([1.0]), torch.tensor([-1.0]))
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count"):
        torch.distributions.Multinomial(torch.tensor([2, 3]), probs=torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        torch.distributions.Multinomial(3)


def test_deprecated_platform_flags_warn_and_answer_as_the_cpu_build(pt):
    for name in ("has_mps", "has_cuda", "has_cudnn"):
        with pytest.warns(UserWarning, match=f"'{name}' is deprecated, please use"):
            ours = getattr(torch, name)
        with pytest.warns(UserWarning, match=f"'{name}' is deprecated"):
            theirs = getattr(pt, name)
        assert ours is False and isinstance(theirs, bool)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        torch.no_such_name  # noqa: B018

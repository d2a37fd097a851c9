"""gradcheck and gradgradcheck: they pass on correct gradients, catch wrong ones (in slow and
fast mode) and say where, and make PyTorch's other checks (reentrancy, grad_output,
dtypes, inputs)."""
import re
import warnings

import numpy as np
import pytest

import pyautograd as torch
from pyautograd import kernels
from pyautograd._random import default_generator
from pyautograd.autograd import GradcheckError, gradcheck, gradgradcheck
from pyautograd.ops._opdef import REGISTRY, defop


def private_op(name, signature, forward, grads):
    """A primitive declared for one test only: out of the op registry, which the op database
    checks for coverage."""
    fn = defop(name, signature, forward, grads=grads)
    del REGISTRY[name]
    return fn


def double(x):
    return torch.tensor(np.asarray(x, np.float64), requires_grad=True)


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    return double(rng.uniform(-2, 2, (2, 3))), double(rng.uniform(-2, 2, (2, 3)))


# A mul whose gradient w.r.t. `other` is 3 times too large at element (1, 2) only.
_TRIPLED = np.ones((2, 3))
_TRIPLED[1, 2] = 3.0
wrong_mul = private_op("test_gradcheck_wrong_mul", "input, other", kernels.mul,
                       {"input": lambda grad, other: grad * other,
                        "other": lambda grad, input: grad * input * torch.tensor(_TRIPLED)})

# sin whose first derivative is right but computed off the graph, so its second is 0.
flat_sin = private_op("test_gradcheck_flat_sin", "input", kernels.sin,
                      {"input": lambda grad, input: grad * torch.tensor(np.cos(input._data))})

_calls = [0]


def _drifting(grad, input):
    _calls[0] += 1
    return grad * input.cos() * (1 + 1e-9 * _calls[0])


drifting_sin = private_op("test_gradcheck_drifting_sin", "input", kernels.sin, {"input": _drifting})


def _ignores_zero_grad(grad, other):
    # Right for any grad_output with |grad|_1 >= 1 (one-hots, unit vectors), but 1 for a zero one.
    return grad * other + (1 - torch.clamp(grad.abs().sum(), max=1.0))


leaky_mul = private_op("test_gradcheck_leaky_mul", "input, other", kernels.mul,
                       {"input": _ignores_zero_grad, "other": lambda grad, input: grad * input})


# -- correct functions pass ----------------------------------------------------------------


@pytest.mark.parametrize("fast_mode", [False, True])
def test_passes_on_correct_functions(xy, fast_mode):
    x, y = xy
    z = double([0.5, -1.5, 2.0])
    assert gradcheck(torch.sin, x, fast_mode=fast_mode)
    assert gradcheck(lambda a, b: a * b.exp(), (x, y), fast_mode=fast_mode)
    assert gradcheck(lambda a, b: (a + b).sum(1), (x, z), fast_mode=fast_mode)  # broadcasting
    assert gradcheck(lambda a, k, b: (a * k, b.t()), (x, 2.5, y), fast_mode=fast_mode)  # tuple out, number in
    assert gradcheck(lambda a: a.t(), (x,), fast_mode=fast_mode)  # a view of the input
    assert gradcheck(lambda a: a, (x,), fast_mode=fast_mode)  # the input itself
    assert gradgradcheck(lambda a, b: a * b.sin(), (x, y), fast_mode=fast_mode)


def test_inputs_are_restored_without_a_version_bump(xy):
    x, y = xy
    before = x._data.copy()
    assert gradcheck(lambda a, b: a * b, (x, y)) and gradcheck(lambda a, b: a * b, (x, y), fast_mode=True)
    assert x._version == 0
    np.testing.assert_array_equal(x._data, before)


# -- a wrong backward is caught and located ------------------------------------------------------


def _numbers(message, label):
    return float(re.search(rf"{label}:\s+(\S+)", message).group(1))


def test_wrong_gradient_is_located_in_slow_mode(xy):
    x, y = xy
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_mul, (x, y))
    msg = str(info.value)
    assert "Jacobian mismatch for output 0 with respect to input 1" in msg
    assert "worst element: d output0[1, 2] / d input1[1, 2]" in msg
    expected = float(x._data[1, 2])
    assert _numbers(msg, "numerical") == pytest.approx(expected, rel=1e-6)
    assert _numbers(msg, "analytical") == pytest.approx(3 * expected, rel=1e-12)
    assert _numbers(msg, "difference") == pytest.approx(2 * abs(expected), rel=1e-6)
    assert "analytical / numerical = 3" in msg
    assert "entries outside the tolerance (atol=1e-05, rtol=0.001): 1 of 36" in msg
    # Both Jacobians, around the worst entry only (rows 3..5 of 0..5), the entry starred.
    assert len(re.findall(r"\d\*", msg)) == 2 and "rows 3..5 of 0..5" in msg and "(truncated)" in msg


def test_wrong_gradient_is_located_in_fast_mode(xy):
    x, y = xy
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_mul, (x, y), fast_mode=True)
    msg = str(info.value)
    assert msg.startswith("Jacobian mismatch for output 0 with respect to input 1 in fast mode")
    assert "Rechecking this pair element by element" in msg
    assert "worst element: d output0[1, 2] / d input1[1, 2]" in msg
    assert "analytical / numerical = 3" in msg


def test_raise_exception_false_returns_false(xy):
    x, y = xy
    assert gradcheck(wrong_mul, (x, y), raise_exception=False) is False
    assert gradcheck(wrong_mul, (x, y), raise_exception=False, fast_mode=True) is False
    assert gradgradcheck(flat_sin, (x,), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative(xy):
    x, _ = xy
    assert gradcheck(flat_sin, (x,))
    with pytest.raises(GradcheckError, match=r"output 0 \(the gradient w.r.t. input 0\) with respect to input 0"):
        gradgradcheck(flat_sin, (x,))


def test_gradgradcheck_grad_outputs_are_seeded_and_checked(xy):
    x, y = xy
    assert gradgradcheck(lambda a, b: a * b, (x, y), gen_non_contig_grad_outputs=True)
    g = torch.tensor(np.full((2, 3), 0.5), requires_grad=True)
    assert gradgradcheck(lambda a, b: a * b, (x, y), (g,))


def test_module_parameters_are_checked_as_inputs(xy):
    x, y = xy

    class Scale:
        def __init__(self, weight, mul):
            self.weight, self.mul = weight, mul

        def named_parameters(self):
            return [("weight", self.weight)]

        def parameters(self):
            return [self.weight]

        def __call__(self, inp):
            return self.mul(inp, self.weight)

    with pytest.raises(GradcheckError, match=r"with respect to input 1 \(parameter 'weight'\)"):
        gradcheck(Scale(y, wrong_mul), (x,))
    assert gradcheck(Scale(y, torch.mul), (x,)) and gradgradcheck(Scale(y, torch.mul), (x,))
    y.requires_grad_(False)
    assert gradcheck(Scale(y, wrong_mul), (x,))  # a frozen parameter is not an input


# -- PyTorch's other checks ------------------------------------------------------------------


def test_warns_when_an_input_is_not_float64(xy):
    x, _ = xy
    with pytest.warns(UserWarning, match=r"Input #0 requires gradient and is not a double precision floating"):
        gradcheck(torch.sin, (x.detach().float().requires_grad_(),), raise_exception=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradcheck(torch.sin, (x,))


def test_reentrancy_failure_is_detected(xy):
    x, _ = xy
    with pytest.raises(GradcheckError, match=r"Backward is not reentrant.*nondet_tol\) was 0.0"):
        gradcheck(drifting_sin, (x,))
    assert gradcheck(drifting_sin, (x,), nondet_tol=1e-6)


def test_backward_must_be_multiplied_by_grad_output(xy):
    x, y = xy
    with pytest.raises(GradcheckError, match=r"backward not multiplied by grad_output.*input 0"):
        gradcheck(leaky_mul, (x, y))


def test_no_differentiable_output_needs_a_zero_numerical_gradient(xy):
    x, _ = xy
    assert gradcheck(lambda a: a.detach() * 0 + 1, (x,))
    for fast_mode in (False, True):
        with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
            gradcheck(lambda a: a.detach() * 2, (x,), fast_mode=fast_mode)


def test_undefined_output_grads_with_several_outputs(xy):
    x, y = xy
    assert gradcheck(lambda a, b: (a * b, a.sin(), b.exp()), (x, y), check_undefined_grad=True)


def test_bad_inputs_and_options_raise(xy):
    x, _ = xy
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(torch.sin, (x.detach(),))
    with pytest.raises(RuntimeError, match="dimension with stride 0"):
        gradcheck(torch.sin, (torch.Tensor._make(np.broadcast_to(np.zeros(1), (3,)), True),))
    for option in ("check_forward_ad", "check_batched_grad", "check_batched_forward_grad"):
        with pytest.raises(NotImplementedError, match=option):
            gradcheck(torch.sin, (x,), **{option: True})
    for option in ("check_fwd_over_rev", "check_batched_grad"):
        with pytest.raises(NotImplementedError, match=option):
            gradgradcheck(torch.sin, (x,), **{option: True})
    with pytest.raises(AssertionError):
        gradcheck(torch.sin, (x,), check_backward_ad=False)


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(GradcheckError, RuntimeError)
    assert torch.autograd.GradcheckError is GradcheckError


class _NoisyCounter:
    """Builds (lazily: nn may be imported after this module) a Module whose forward draws a
    random mask with pyautograd.rand and updates a buffer that scales its output: train-mode
    randomness and state, like dropout and batch norm."""

    @staticmethod
    def make():
        import pyautograd.nn as nn

        class NoisyCounter(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 2).double()
                self.register_buffer("calls", torch.zeros(1, dtype=torch.float64))

            def forward(self, x):
                keep = (torch.rand(x.shape) > 0.3).double()  # a fresh "dropout" mask per call
                self.calls.add_(1)  # state updated in forward
                return self.fc(x * keep) * (1 + 0.1 * self.calls)
        return NoisyCounter()


@pytest.mark.parametrize("fast_mode", [False, True])
def test_module_randomness_and_buffers_are_held_fixed(fast_mode):
    torch.manual_seed(0)
    model = _NoisyCounter.make()
    x = double(np.random.default_rng(1).uniform(-1, 1, (4, 3)))
    state = default_generator.get_state()
    assert gradcheck(model, (x,), fast_mode=fast_mode)
    assert gradgradcheck(model, (x,), fast_mode=fast_mode)
    assert model.calls.item() == 0  # the buffer is as it was
    assert default_generator.get_state() == state  # and so is the generator
    # Without holding them, every evaluation sees another mask and another scale.
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: model(a), (x,), fast_mode=fast_mode)


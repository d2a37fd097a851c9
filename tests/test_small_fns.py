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

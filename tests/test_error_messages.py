"""Golden tests for autograd error messages.

Each test triggers one common autograd error and checks the exception type,
that the message contains PyTorch 2.13's core sentence (so searches for the
PyTorch text still find it), and pyautograd's additions where it has them.
docs/debugging.md shows each message in full.
"""
import warnings

import pytest

import pyautograd as torch


def _line(text):
    """The number of the first line of this file that contains `text`."""
    with open(__file__) as f:
        return next(k for k, line in enumerate(f, 1) if text in line and "_line(" not in line)


def _raises(exc_type, fn):
    with pytest.raises(exc_type) as info:
        fn()
    return str(info.value)


def test_inplace_modified_saved_tensor():
    w = torch.tensor([1., 2.], requires_grad=True)
    h = w * 1
    y = h * h  # saving line
    h.add_(1)  # mutating line
    msg = _raises(RuntimeError, lambda: y.sum().backward())
    assert ("one of the variables needed for gradient computation has been "
            "modified by an inplace operation") in msg
    assert "is at version 1; expected version 0 instead" in msg
    # Our additions: the saving op and the mutating op, with both source lines.
    assert "saved for backward by MulBackward0" in msg
    assert "y = h * h  # saving line" in msg
    assert "modified in place by add_" in msg
    assert "h.add_(1)  # mutating line" in msg
    assert "Fix:" in msg and ".clone()" in msg


def test_leaf_used_in_place():
    w = torch.tensor([1.], requires_grad=True)
    msg = _raises(RuntimeError, lambda: w.add_(1))
    assert msg.startswith("a leaf Variable that requires grad is being used in an in-place operation.\n")
    # Our additions: the op, the tensor, the user's line (the in-place site), the fix written with it.
    assert "add_ was called on a leaf tensor that requires grad (shape [1], torch.float32), at:" in msg
    assert f'File "{__file__}", line {_line("lambda: w.add_(1)")}, in' in msg
    assert "with torch.no_grad():\n        msg = _raises(RuntimeError, lambda: w.add_(1))" in msg
    assert "out-of-place add" in msg


def test_leaf_in_place_names_a_module_parameter():
    import pyautograd.nn as nn
    model = nn.Sequential(nn.Linear(3, 2))

    def step():
        model[0].bias += 1  # the in-place site
    msg = _raises(RuntimeError, step)
    assert msg.startswith("a leaf Variable that requires grad is being used in an in-place operation.")
    assert "add_ was called on parameter '0.bias' (shape [2], torch.float32)" in msg
    assert "model[0].bias += 1  # the in-place site" in msg


def test_view_of_leaf_in_place():
    w = torch.tensor([1., 2., 3.], requires_grad=True)
    msg = _raises(RuntimeError, lambda: w[0:2].mul_(2))
    assert msg.startswith("a view of a leaf Variable that requires grad is being used in an "
                          "in-place operation.")
    assert ("mul_ was called on a view (shape [2], torch.float32) of a leaf tensor that requires grad "
            "(shape [3], torch.float32)") in msg
    assert "w[0:2].mul_(2)" in msg


def test_backward_twice_without_retain_graph():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    msg = _raises(RuntimeError, lambda: y.backward())
    assert "Trying to backward through the graph a second time" in msg
    assert "Specify retain_graph=True" in msg
    # Our additions: which backward function needed the freed tensors, where its forward ran, the fix.
    assert "MulBackward0 needs tensors it saved in the forward pass" in msg
    assert "y = (x * x).sum()" in msg
    assert ".detach() it before reusing it" in msg


def test_nonscalar_backward_without_gradient():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    msg = _raises(RuntimeError, lambda: y.backward())
    assert "grad can be implicitly created only for scalar outputs" in msg
    assert "shape [2]" in msg
    assert "y.backward(torch.ones_like(y))" in msg
    assert "y.sum().backward()" in msg


def test_requires_grad_on_integer_tensor():
    msg = _raises(RuntimeError,
                  lambda: torch.tensor([1, 2, 3], requires_grad=True))
    # PyTorch: "Only Tensors of floating point and complex dtype can require
    # gradients"; ours drops "and complex" (no complex dtypes) and lowercases.
    assert msg.startswith("Only Tensors of floating point and complex dtype can require gradients")
    assert "torch.int64" in msg
    assert "x.float()" in msg


def test_numpy_on_tensor_that_requires_grad():
    x = torch.tensor([1., 2.], requires_grad=True)
    msg = _raises(RuntimeError, lambda: x.numpy())
    assert msg.startswith("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                          "instead.\n")
    assert "asked for by numpy(); the tensor is a leaf tensor that requires grad (shape [2], torch.float32)" in msg
    assert "t.item() for one number" in msg
    import numpy as np
    msg = _raises(RuntimeError, lambda: np.asarray(x * 2))
    assert msg.startswith("Can't call numpy() on Tensor that requires grad.")
    assert "asked for by NumPy (np.asarray(t)" in msg and "the output of MulBackward0" in msg


def test_grad_of_non_leaf_warns():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert y.grad is None
    msgs = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith("The .grad attribute of a Tensor that is not a leaf Tensor is being "
                              "accessed")
    assert "use .retain_grad() on the non-leaf Tensor" in msgs[0]
    assert "This tensor (shape [2], torch.float32) is the output of MulBackward0, not a leaf" in msgs[0]


def test_autograd_grad_unused_input():
    x = torch.tensor([1., 2.], requires_grad=True)
    z = torch.tensor([3., 4.], requires_grad=True)
    y = (x * 2).sum()
    msg = _raises(RuntimeError, lambda: torch.autograd.grad(y, [x, z]))
    assert msg.startswith("The differentiated Tensor at index 1 appears to not have been used in the graph. "
                          "Set allow_unused=True if this is the desired behavior.\n")
    assert "Input 1 is a leaf tensor that requires grad (shape [2], torch.float32)" in msg


def test_autograd_grad_unused_parameter_is_named():
    import pyautograd.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(3, 2), nn.Linear(2, 1)

        def forward(self, x):
            return self.fc1(x).sum()  # fc2 is never used
    net = Net()
    y = net(torch.ones(1, 3))
    msg = _raises(RuntimeError, lambda: torch.autograd.grad(y, list(net.parameters())))
    assert msg.startswith("The differentiated Tensor at index 2 appears to not have been used in the graph.")
    assert "Input 2 is parameter 'fc2.weight' (shape [1, 2], torch.float32)" in msg


def test_custom_function_gradient_of_wrong_shape():
    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum()

    x = torch.ones(3, requires_grad=True)
    msg = _raises(RuntimeError, lambda: Double.apply(x).sum().backward())
    assert msg.startswith("Function DoubleBackward returned an invalid gradient at index 0 - "
                          "got [] but expected shape compatible with [3]\n")
    assert (f'Double.backward (File "{__file__}", line {_line("def backward(ctx, g):")}, in backward) '
            "returned a gradient of shape [], torch.float32 for argument 0 (x), a tensor of shape [3], "
            "torch.float32.") in msg


def test_custom_function_wrong_number_of_gradients():
    class Mul(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    x = torch.ones(3, requires_grad=True)
    y = torch.ones(3, requires_grad=True)
    msg = _raises(RuntimeError, lambda: Mul.apply(x, y).sum().backward())
    assert msg.startswith("function MulBackward returned an incorrect number of gradients "
                          "(expected 2, got 1)\n")
    assert ("Mul.forward takes 2 arguments (x: a tensor of shape [3], torch.float32; y: a tensor of shape "
            "[3], torch.float32), so Mul.backward (File") in msg


def test_anomaly_nan_from_masked_branch():
    x = torch.tensor([0., 0.0025, 0.5], requires_grad=True)

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with torch.autograd.detect_anomaly():
                mask = (x < 0.003).float()
                y = mask * 12.9 * x + (1 - mask) * (x ** 0.5)  # forward line
                y.sum().backward()

    msg = _raises(RuntimeError, run)
    assert msg.startswith("Function 'PowBackward0' returned nan values in its 0th output.\n")
    # Our additions: the forward traceback, the chain, and the 0 * inf diagnosis.
    assert ("Traceback of forward call that caused the error:\n" in msg
            and "\n    y = mask * 12.9 * x + (1 - mask) * (x ** 0.5)  # forward line\n" in msg)
    assert "SumBackward0 -> AddBackward0 -> MulBackward0 -> PowBackward0" in msg
    assert "this NaN is 0 * inf" in msg
    assert "element [0]: input = 0, incoming gradient 0, local derivative inf" in msg
    assert "y[m] = x[m] ** 0.5" in msg


def test_in_place_write_into_expanded_tensor():
    x = torch.tensor([1., 2.]).expand(3, 2)
    msg = _raises(RuntimeError, lambda: x.add_(1))
    assert ("unsupported operation: more than one element of the written-to "
            "tensor refers to a single memory location. Please clone() the "
            "tensor before performing the operation.") in msg
    assert msg.startswith("add_:")

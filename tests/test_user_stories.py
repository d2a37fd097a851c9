"""The user stories of ../shared/USER-STORIES.md, run as written with the import swapped.

Each test runs the story's code and checks what it prints (PyTorch's text) or
how it fails. Stories that need nn, optim, gradcheck or anomaly mode are in
their own tests as those land.
"""
import warnings

import pytest

import pyautograd as torch


def test_story_1_first_gradient(capsys):
    t = torch.tensor(2.0, requires_grad=True)
    result = 3 * t ** 2 + 2 * t + 1
    result.backward()
    print(t.grad)
    assert capsys.readouterr().out == "tensor(14.)\n"


def test_story_2_gradients_accumulate_until_cleared(capsys):
    t = torch.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (3 * t ** 2 + 2 * t + 1).backward()
        print(t.grad)
    assert capsys.readouterr().out == "tensor(14.)\ntensor(28.)\ntensor(42.)\n"
    for clear in ("none", "zero_"):
        for _ in range(3):
            if clear == "none":
                t.grad = None
            else:
                t.grad.zero_()
            (3 * t ** 2 + 2 * t + 1).backward()
            print(t.grad)
    assert capsys.readouterr().out == "tensor(14.)\n" * 6


def test_story_2_second_backward_needs_retain_graph():
    t = torch.tensor(2.0, requires_grad=True)
    y = 3 * t ** 2 + 2 * t + 1
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    y = 3 * t ** 2 + 2 * t + 1
    y.backward(retain_graph=True)
    y.backward()
    assert t.grad.item() == 14 + 14 + 14


def test_story_3_leaves_non_leaves_and_in_place():
    w = torch.tensor([1.], requires_grad=True)
    x = torch.tensor([2.], requires_grad=True)
    a = torch.add(w, x); b = torch.add(w, 1); y = torch.mul(a, b)  # noqa: E702
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w.add_(1)
    y.backward()
    assert repr(w.grad) == "tensor([5.])" and repr(x.grad) == "tensor([2.])"
    assert w.is_leaf and x.is_leaf and not a.is_leaf and a.requires_grad and y.requires_grad


def test_story_3_modified_saved_tensor_names_both_sites():
    w = torch.tensor([1.], requires_grad=True)
    h = w * 1; y2 = h * h; h.add_(1)  # noqa: E702
    with pytest.raises(RuntimeError) as info:
        y2.backward()
    msg = str(info.value)
    assert "one of the variables needed for gradient computation has been modified by an inplace operation" in msg
    assert "is at version 1; expected version 0 instead" in msg
    assert "MulBackward0" in msg and "add_" in msg
    assert msg.count("test_user_stories.py") >= 2  # the saving op's line and the mutating op's line
    assert "h = w * 1; y2 = h * h; h.add_(1)" in msg


def test_story_4_intermediate_gradients(capsys):
    a = torch.tensor([1., 2., 3., 4., 5.], requires_grad=True)
    b = a[:2]; b.retain_grad()  # noqa: E702
    c = 2. * b.sum(); c.retain_grad()  # noqa: E702
    c.backward()
    print(b.grad)
    assert capsys.readouterr().out == "tensor([2., 2.])\n"
    d = a * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert d.grad is None
    assert any("retain_grad" in str(w.message) for w in caught)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        torch.tensor([1, 2]).requires_grad_()


def loss_function(x):
    mask = (x < 0.003).float()
    gamma_x = mask * 12.9 * x + (1 - mask) * (x ** 0.5)
    return torch.mean((x - gamma_x) ** 2)


def test_story_5_nan_gradient_from_masked_branch(capsys):
    x = torch.tensor([0, 0.0025, 0.5, 0.8, 1], requires_grad=True)
    loss = loss_function(x)
    print(loss)
    loss.backward()
    print(x.grad)
    assert capsys.readouterr().out == ("tensor(0.0105, grad_fn=<MeanBackward0>)\n"
                                       "tensor([    nan,  0.1416, -0.0243, -0.0167,  0.0000])\n")
    x = torch.tensor([0, 0.0025, 0.5, 0.8, 1], requires_grad=True)
    gamma_x = 0 * x ** 0.5
    gamma_x.sum().backward()
    print(x.grad)
    assert capsys.readouterr().out == "tensor([nan, 0., 0., 0., 0.])\n"


def test_story_8_derivatives_of_matrices(capsys):
    a = torch.tensor([[1], [2], [3.], [4]])
    X = torch.tensor([[1, 2, 3], [5, 6, 7], [8, 9, 10], [5, 4, 3.]], requires_grad=True)
    b = torch.tensor([[2], [3], [4.]])
    f = a.view(1, -1).mm(X).mm(b); f.backward()  # noqa: E702
    assert X.grad.tolist() == a.mm(b.view(1, -1)).tolist()
    assert a.grad is None and b.grad is None
    A = torch.tensor([[1, 2], [3, 4.]])
    X = torch.tensor([[1, 2, 3], [4, 5., 6]], requires_grad=True)
    F = A.mm(X); F.backward(torch.ones_like(F))  # noqa: E702
    print(X.grad)
    assert capsys.readouterr().out == "tensor([[4., 4., 4.],\n        [6., 6., 6.]])\n"
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        F.backward()


def test_story_5_fix_assigning_through_masks_gives_clean_gradients(capsys):
    x = torch.tensor([0, 0.0025, 0.5, 0.8, 1], requires_grad=True)
    gamma_x = torch.ones_like(x)
    mask = x < 0.003;  gamma_x[mask] = 12.9 * x[mask]  # noqa: E702
    mask = x >= 0.003; gamma_x[mask] = x[mask] ** 0.5  # noqa: E702
    torch.mean((x - gamma_x) ** 2).backward()
    print(x.grad)
    assert capsys.readouterr().out == "tensor([ 0.0000,  0.1416, -0.0243, -0.0167,  0.0000])\n"


def test_story_6_seed_training_loop_runs_100_epochs_under_anomaly_mode():
    import pyautograd.nn as nn
    import pyautograd.optim as optim

    class ComplexModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 20); self.fc2 = nn.Linear(20, 30)  # noqa: E702

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))

    model = ComplexModel(); criterion = nn.MSELoss()  # noqa: E702
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch.autograd.set_detect_anomaly(True)
    try:
        input_data = torch.randn(5, 10)
        for epoch in range(100):  # noqa: B007 (the story as its user wrote it)
            optimizer.zero_grad()
            loss = criterion(model(input_data), torch.randn(5, 30))
            loss.backward(); optimizer.step()  # noqa: E702
    finally:
        torch.autograd.set_detect_anomaly(False)
    assert loss.item() == loss.item()  # finite, not NaN


def test_story_9_training_loop_habits():
    import pyautograd.nn as nn
    import pyautograd.optim as optim
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 5))
    opt = optim.SGD(model[2].parameters(), lr=0.1)  # model[0] frozen below
    for p in model[0].parameters():
        p.requires_grad = False
    frozen = model[0].weight.detach().numpy().copy()
    dataset = [(torch.randn(3, 4), torch.randint(0, 5, (3,))) for _ in range(10)]
    losses = []
    for data, target in dataset:
        output = model(data)
        loss = torch.nn.functional.cross_entropy(output, target)
        opt.zero_grad(); loss.backward(); opt.step()  # noqa: E702
        losses.append(loss.detach().numpy())
        assert isinstance(loss.item(), float)
    with torch.no_grad():
        assert not model(dataset[0][0]).requires_grad
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        loss.numpy()
    assert (model[0].weight.detach().numpy() == frozen).all()

"""The legacy API still in tutorials, against torch 2.13: typed tensor classes (constructors and
isinstance), torch.Tensor(*sizes) / torch.Tensor(data), Tensor.type(), autograd.Variable, .data."""
import warnings

import numpy as np
import pytest

import pyautograd as P

TYPES = ("FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor")


def _same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("name", TYPES)
def test_typed_constructors_as_torch(name, torch):
    ours, theirs = getattr(P, name), getattr(torch, name)
    _same(ours(2, 3), theirs(2, 3))
    _same(ours(), theirs())
    _same(ours(P.Size([4])), theirs(torch.Size([4])))
    data = [[1, 0], [2, 1]]
    np.testing.assert_array_equal(ours(data).numpy(), theirs(data).numpy())
    _same(ours(data), theirs(data))
    for dtype in ("float32", "float64", "int64", "bool"):
        assert isinstance(P.zeros(1, dtype=getattr(P, dtype)), ours) == \
            isinstance(torch.zeros(1, dtype=getattr(torch, dtype)), theirs)
    assert issubclass(ours, P.Tensor) == issubclass(theirs, torch.Tensor)
    assert repr(ours) == repr(theirs)
    assert ours(data).type() == theirs(data).type() == f"torch.{name}"


def test_typed_constructor_truncates_and_refuses_like_torch(torch):
    np.testing.assert_array_equal(P.LongTensor([1.5, 2.7]).numpy(), torch.LongTensor([1.5, 2.7]).numpy())
    with pytest.raises(TypeError):
        torch.FloatTensor(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="dtype"):
        P.FloatTensor(P.tensor([1, 2]))
    assert P.equal(P.FloatTensor(P.tensor([1.0, 2.0])), P.tensor([1.0, 2.0]))


@pytest.mark.parametrize("args", [(2, 3), (3,), ([1, 2],), ((2, 3),), (np.array([1, 2]),), ()])
def test_tensor_constructor_as_torch(args, torch):
    ours, theirs = P.Tensor(*args), torch.Tensor(*args)
    _same(ours, theirs)
    if ours.numel() and args and not isinstance(args[0], int):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_tensor_constructor_aliases_a_tensor_and_refuses_a_number(torch):
    t = P.tensor([1, 2])
    alias = P.Tensor(t)
    assert alias.dtype == P.int64 == P.int64 and str(torch.Tensor(torch.tensor([1, 2])).dtype) == "torch.int64"
    alias[0] = 5
    assert t[0].item() == 5  # shares storage, as PyTorch's legacy constructor
    with pytest.raises(TypeError, match="sequence"):
        P.Tensor(2.5)
    assert isinstance(P.zeros(1), P.Tensor) and isinstance(P.nn.Parameter(P.zeros(1)), P.Tensor)


@pytest.mark.parametrize("target", ["torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor", "float64",
                                    "LongTensor"])
def test_type_conversion_as_torch(target, torch):
    def convert(lib):
        x = lib.tensor([1.5, -2.0])
        arg = getattr(lib, target) if not target.startswith("torch.") else target
        return x.type(arg)
    ours, theirs = convert(P), convert(torch)
    _same(ours, theirs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_type_errors_as_torch(torch):
    with pytest.raises(ValueError, match="invalid type"):
        P.zeros(1).type("torch.Foo")
    with pytest.raises(ValueError):
        torch.zeros(1).type("torch.Foo")
    with pytest.raises(RuntimeError):
        P.zeros(1).type("torch.cuda.FloatTensor")
    with pytest.raises(RuntimeError):
        torch.zeros(1).type("torch.cuda.FloatTensor")
    x = P.zeros(2)
    assert x.type(P.float32) is x and x.type("torch.FloatTensor") is x


def test_variable_as_torch(torch):
    from pyautograd.autograd import Variable
    x = P.zeros(2)
    v = Variable(x, requires_grad=True)
    assert v.requires_grad and not x.requires_grad and v is not x
    assert isinstance(x, Variable) and isinstance(torch.zeros(1), torch.autograd.Variable)
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]
    with pytest.warns(UserWarning, match="volatile was removed"):
        Variable(x, volatile=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert Variable(x).data.tolist() == [0.0, 0.0]


def test_data_is_a_detached_alias():
    w = P.ones(2, requires_grad=True)
    d = w.data
    assert not d.requires_grad
    d.mul_(3)
    assert w.tolist() == [3.0, 3.0]

"""scatter_reduce and index_reduce beyond the op database: ties, zeros, integers, errors and the
in-place forms, each against PyTorch."""
import warnings

import numpy as np
import pytest

import pyautograd as P

torch = pytest.importorskip("torch")


def _both(fn, *arrays, grad=True):
    """fn run on pyautograd and on torch with the same float64 arrays: (values, grads) of each."""
    out = []
    for lib in (P, torch):
        ts = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
              for a in arrays]
        y = fn(lib, *ts)
        grads = []
        if grad:
            y.sum().backward()
            grads = [t.grad.numpy() for t in ts if hasattr(t, "grad") and t.requires_grad]
        out.append((y.detach().numpy(), grads))
    return out


@pytest.mark.parametrize("reduce", ["amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_ties_share_the_gradient_as_pytorch(reduce, include_self):
    x = np.array([[1.0, 2.0, 2.0], [0.0, 3.0, 3.0]])
    src = np.array([[2.0, 2.0, 1.0], [3.0, 3.0, 0.0]])
    index = np.array([[1, 1, 0], [1, 1, 2]])
    (ours, og), (theirs, tg) = _both(lambda lib, a, s: a.scatter_reduce(1, lib.tensor(index), s, reduce,
                                                                       include_self=include_self), x, src)
    np.testing.assert_allclose(ours, theirs)
    for a, b in zip(og, tg):
        np.testing.assert_allclose(a, b)


def test_prod_with_zeros_matches_pytorch_and_refuses_double_backward_for_two():
    x = np.array([2.0, 0.0, 3.0])
    src = np.array([0.0, 4.0, 0.0, 5.0])
    index = np.array([0, 1, 2, 2])
    (ours, og), (theirs, tg) = _both(lambda lib, a, s: lib.scatter_reduce(a, 0, lib.tensor(index), s, "prod"),
                                     x, src)
    np.testing.assert_allclose(ours, theirs)
    for a, b in zip(og, tg):
        np.testing.assert_allclose(a, b)
    two = np.array([0.0, 0.0])
    s = P.tensor(two, requires_grad=True)
    y = P.scatter_reduce(P.ones(1, dtype=P.float64), 0, P.tensor([0, 0]), s, "prod")
    (g,) = P.autograd.grad(y.sum(), s, create_graph=True)
    with pytest.raises(RuntimeError, match="Double backward is unsupported"):
        g.sum().backward()


def test_integer_mean_rounds_down_as_pytorch():
    for include_self in (True, False):
        ours = P.tensor([1, 2, 3]).scatter_reduce(0, P.tensor([0, 0]), P.tensor([-4, -4]), "mean",
                                                  include_self=include_self)
        theirs = torch.tensor([1, 2, 3]).scatter_reduce(0, torch.tensor([0, 0]), torch.tensor([-4, -4]), "mean",
                                                        include_self=include_self)
        assert ours.tolist() == theirs.tolist()


def test_inplace_forms():
    x, y = P.zeros(3), torch.zeros(3)
    x.scatter_reduce_(0, P.tensor([0, 0, 2]), P.tensor([1.0, 2.0, 3.0]), "amax", include_self=False)
    y.scatter_reduce_(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]), "amax", include_self=False)
    assert x.tolist() == y.tolist()
    x, y = P.ones(2, 2), torch.ones(2, 2)
    x.index_reduce_(0, P.tensor([1, 1]), P.tensor([[2.0, 3.0], [4.0, 5.0]]), "prod")
    with warnings.catch_warnings():  # PyTorch's "in beta" warning, given once per process
        warnings.simplefilter("ignore", UserWarning)
        y.index_reduce_(0, torch.tensor([1, 1]), torch.tensor([[2.0, 3.0], [4.0, 5.0]]), "prod")
    assert x.tolist() == y.tolist()


def test_errors_name_the_op():
    x = P.zeros(3)
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin"):
        x.scatter_reduce(0, P.tensor([0]), P.ones(1), "max")
    with pytest.raises(RuntimeError, match="Expected reduce to be one of prod, mean, amax or amin but got sum"):
        x.index_reduce(0, P.tensor([0]), P.ones(1), "sum")
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.scatter_reduce(0, P.tensor([3]), P.ones(1), "sum")
    with pytest.raises(RuntimeError, match="Number of indices"):
        x.index_reduce(0, P.tensor([0, 1]), P.ones(3), "amax")


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_the_legacy_reduce_argument(reduce):
    x, src = np.arange(1.0, 11.0).reshape(2, 5), np.arange(2.0, 8.0).reshape(2, 3)
    index = np.array([[0, 1, 0], [4, 4, 2]])
    for make in (lambda lib, x: x.scatter(1, lib.tensor(index), lib.tensor(src), reduce=reduce),
                 lambda lib, x: x.detach().clone().scatter_(1, lib.tensor(index), 1.5, reduce=reduce),
                 lambda lib, x: lib.scatter(x, 1, lib.tensor(index), lib.tensor(src), reduce=reduce)):
        (ours, _), (theirs, _) = _both(make, x, grad=False)
        np.testing.assert_array_equal(ours, theirs)
    # PyTorch has no derivative for this form; pyautograd's is scatter_reduce's (sum, prod)
    xt = P.tensor(x, requires_grad=True)
    assert P.autograd.gradcheck(lambda t: t.scatter(1, P.tensor(index), P.tensor(src), reduce=reduce), (xt,))
    for lib in (P, torch):
        with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply"):
            lib.ones(3).scatter(0, lib.tensor([0]), lib.ones(1), reduce="mean")

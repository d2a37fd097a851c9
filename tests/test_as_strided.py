"""as_strided and storage_offset beyond the op database (issue 12): a view sharing memory and
version with its input, PyTorch's bounds and argument errors, storages of large (allocator-made)
tensors, and the backward through slices, flips and expanded inputs, against PyTorch."""
import numpy as np
import pytest

import pyautograd as P
from pyautograd.autograd import gradcheck, gradgradcheck


def test_is_a_view_sharing_memory_and_version():
    x = P.arange(12.0)
    v = x[2:].as_strided((2, 2), (1, 2), 3)
    np.testing.assert_array_equal(v.numpy(), [[3.0, 5.0], [4.0, 6.0]])
    assert v.storage_offset() == 3 and v.stride() == (1, 2) and v._base is x
    x.add_(1)
    np.testing.assert_array_equal(v.numpy(), [[4.0, 6.0], [5.0, 7.0]])
    v.mul_(0)
    assert x[3:7].sum().item() == 0 and x._version == v._version == 2


@pytest.mark.parametrize("size, stride, offset, needed", [((4,), (4,), 0, 104), ((1,), (1,), 12, 104),
                                                          ((3, 2), (4, 5), 1, 120)])
def test_out_of_bounds_raises_and_reads_nothing(size, stride, offset, needed):
    x = P.arange(12.0, dtype=P.float64)
    with pytest.raises(RuntimeError, match=rf"setStorage: sizes \[.*\], strides \[.*\], storage offset {offset}, "
                                           rf"and itemsize 8 requiring a storage size of {needed} are out of "
                                           rf"bounds for storage of size 96"):
        x[1:3].as_strided(size, stride, offset)


def test_storage_of_a_large_tensor_is_its_allocation():
    # large results come from the aligned allocator: the storage is exactly the allocation
    y = P.ones(300000) * 2
    assert y.storage_offset() == 0 and y[7:].storage_offset() == 7
    assert y[1:].as_strided((2,), (1,), 299998).tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="storage size of 1200004 are out of bounds for storage of size 1200000"):
        y.as_strided((1,), (1,), 300000)


def test_argument_errors():
    x = P.arange(6.0)
    with pytest.raises(RuntimeError, match="Negative strides are not supported at the moment, got strides: \\[-1\\]"):
        x.as_strided((2,), (-1,), 3)
    with pytest.raises(RuntimeError, match="mismatch in length of strides and shape"):
        x.as_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="Tensor: invalid storage offset -1"):
        x.as_strided((2,), (1,), -1)
    with pytest.raises(TypeError, match="argument 'size' \\(position 1\\) must be tuple of ints, not int"):
        x.as_strided(2, 1)


def test_backward_matches_torch(torch):
    cases = [(lambda b: b[1:].as_strided((3,), (2,), 0), [1.0, 2.0, 3.0]),
             (lambda b: b[1:4].as_strided((4,), (1,), 2), [0.0, 1.0, 2.0, 3.0]),
             (lambda b: b.as_strided((3, 2), (1, 1)), np.arange(6.0).reshape(3, 2)),
             (lambda b: b[:3].expand(2, 3).as_strided((3,), (1,)), [1.0, 10.0, 100.0]),
             (lambda b: b[::2].as_strided((3,), (1,)), [1.0, 10.0, 100.0]),
             (lambda b: b.view(2, 3).t().as_strided((2, 2), (2, 1), 1), [[1.0, 2.0], [3.0, 4.0]])]
    for k, (f, w) in enumerate(cases):
        grads = []
        for lib in (P, torch):
            b = lib.tensor(np.arange(6.0), requires_grad=True)
            out = f(b)
            (out * lib.tensor(w)).sum().backward()
            grads.append(np.asarray(b.grad.tolist()))
        np.testing.assert_array_equal(grads[0], grads[1], err_msg=f"case {k}")


def test_writing_into_elements_that_share_memory_raises():
    v = P.arange(6.0).as_strided((3, 2), (0, 1))
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single "
                                           "memory location"):
        v.add_(1)


def _state(t):
    return t.tolist(), tuple(t.shape), tuple(t.stride()), t.storage_offset()


def test_as_strided_inplace_as_torch(torch):
    # the tensor itself takes the geometry; a view of a slice reaches outside the slice; the
    # version bumps; other views of the storage see the same memory; the node is AsStridedBackward1
    for lib in (P, torch):
        x = lib.arange(12.0)
        assert x.as_strided_((3, 2), (1, 3), 1) is x and x._version == 1
    x, tx = P.arange(12.0), torch.arange(12.0)
    assert _state(x[2:].as_strided_((3, 2), (1, 3))) == _state(tx[2:].as_strided_((3, 2), (1, 3)))
    a, ta = P.arange(8.0, requires_grad=True), torch.arange(8.0, requires_grad=True)
    v, tv = (a * 2)[2:], (ta * 2)[2:]
    v.as_strided_((3, 2), (1, 3), 1)
    tv.as_strided_((3, 2), (1, 3), 1)
    assert type(v.grad_fn).__name__ == type(tv.grad_fn).__name__ == "AsStridedBackward1"
    (v * v).sum().backward()
    (tv * tv).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())
    with pytest.raises(RuntimeError, match="leaf"):
        P.ones(3, requires_grad=True).as_strided_((2,), (1,))
    e = P.zeros(1).expand(3)  # nothing is written: elements sharing memory may be restrided
    assert _state(e.as_strided_((2,), (0,))) == _state(torch.zeros(1).expand(3).as_strided_((2,), (0,)))


def test_as_strided_scatter_as_torch(torch):
    # the result copies the input's storage and geometry (offset included); a zero-stride input is
    # copied contiguous; src is cast to the input's dtype
    x, tx = P.arange(12.0).reshape(3, 4), torch.arange(12.0).reshape(3, 4)
    src, tsrc = -P.arange(4.0).reshape(2, 2), -torch.arange(4.0).reshape(2, 2)
    for f in (lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (4, 1), 5),
              lambda lib, x, s: x.t().as_strided_scatter(s, (2, 2), (1, 3), 0),
              lambda lib, x, s: lib.as_strided_scatter(x[:, 1:], s, (2, 2), (1, 3)),
              lambda lib, x, s: lib.as_strided_scatter(x[1:], s, (2, 2), (1, 3)),
              lambda lib, x, s: lib.as_strided_scatter(x.expand(2, 3, 4), s, (2, 2), (4, 1), 5),
              lambda lib, x, s: lib.as_strided_scatter(x.int(), s * 1.5, (2, 2), (4, 1), 5),
              lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (1, 1), 0)):
        ours, theirs = f(P, x, src), f(torch, tx, tsrc)
        assert _state(ours) == _state(theirs) and str(ours.dtype) == str(theirs.dtype)
    for call, kind in ((lambda lib, x, s: lib.as_strided_scatter(x, s[0], (2, 2), (4, 1)), RuntimeError),
                       (lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (4, 1), 11), RuntimeError),
                       (lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (0, 1)), RuntimeError),
                       (lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (4, 1), -1), RuntimeError),
                       (lambda lib, x, s: lib.as_strided_scatter(x, 3.0, (2, 2), (4, 1)), TypeError),
                       (lambda lib, x, s: lib.as_strided_scatter(x.t().requires_grad_(), s, (2, 2), (1, 3)),
                        RuntimeError)):
        with pytest.raises(kind):
            call(torch, tx.clone(), tsrc)
        with pytest.raises(kind):
            call(P, x.clone(), src)


def test_as_strided_scatter_gradients():
    # the input's gradient is zero where src was written; src's is the result's there (a position
    # written twice: the last writer's); gradcheck and gradgradcheck in float64
    x = P.arange(12.0, requires_grad=True)
    s = P.ones(2, 2, requires_grad=True)
    w = P.arange(12.0) + 1
    (P.as_strided_scatter(x, s, (2, 2), (1, 1), 2) * w).sum().backward()
    assert x.grad.tolist() == [1, 2, 0, 0, 0, 6, 7, 8, 9, 10, 11, 12]
    assert s.grad.tolist() == [[3, 0], [4, 5]]
    xt = P.randn(4, 3, dtype=P.float64).t()
    s64 = P.randn(2, 2, dtype=P.float64, requires_grad=True)
    assert gradcheck(lambda b: P.as_strided_scatter(xt, b, (2, 2), (1, 3), 1), (s64,))
    x64 = P.randn(3, 4, dtype=P.float64, requires_grad=True)
    assert gradgradcheck(lambda a, b: P.as_strided_scatter(a, b, (2, 2), (1, 1), 3), (x64, s64))


def test_inplace_transposes_and_comparison_aliases(torch):
    for name, args in (("t_", ()), ("transpose_", (0, 2)), ("swapaxes_", (1, 0)), ("swapdims_", (2, 1))):
        shape = (2, 3) if name == "t_" else (2, 3, 4)
        x = P.arange(24.0)[:6 if name == "t_" else 24].reshape(shape)
        tx = torch.arange(24.0)[:6 if name == "t_" else 24].reshape(shape)
        assert getattr(x, name)(*args) is x and _state(x) == _state(getattr(tx, name)(*args))
        a = P.ones(shape, requires_grad=True) * 1
        ta = torch.ones(shape, requires_grad=True) * 1
        assert type(getattr(a, name)(*args).grad_fn).__name__ == type(getattr(ta, name)(*args).grad_fn).__name__
    with pytest.raises(RuntimeError, match="t_\\(\\) expects a tensor with <= 2 dimensions, but self is 3D"):
        P.ones(2, 2, 2).t_()
    for name in ("not_equal_", "less_", "less_equal_", "greater_", "greater_equal_", "logical_and_",
                 "logical_or_", "logical_xor_"):
        x, tx = P.tensor([0.0, 1.0, 2.0]), torch.tensor([0.0, 1.0, 2.0])
        getattr(x, name)(P.tensor([1.0, 1.0, 0.0]))
        getattr(tx, name)(torch.tensor([1.0, 1.0, 0.0]))
        assert x.tolist() == tx.tolist(), name
    x, tx = P.tensor([0, 3]), torch.tensor([0, 3])
    assert x.logical_not_().tolist() == tx.logical_not_().tolist()

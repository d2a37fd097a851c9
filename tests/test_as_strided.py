"""as_strided and storage_offset beyond the op database (issue 12): a view sharing memory and
version with its input, PyTorch's bounds and argument errors, storages of large (allocator-made)
tensors, and the backward through slices, flips and expanded inputs, against PyTorch."""
import numpy as np
import pytest

import pyautograd as P


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

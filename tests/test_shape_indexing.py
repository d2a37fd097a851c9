"""Shape and indexing ops beyond the generic op-database runners (test_ops_forward.py,
test_ops_grad.py and test_ops_vs_torch.py run the shape and indexing entries of tests/opdb/:
values against NumPy and PyTorch, gradcheck, gradgradcheck, grad_fn names): errors, views
against copies, accumulation of repeated indices, in-place forms and the other behaviours
a table of samples cannot state."""
import warnings

import numpy as np
import pytest

import pyautograd
from pyautograd import autograd


# -- errors: PyTorch's exception kinds, messages that name the index, dim and sizes ----------------

def _x(*shape):
    return pyautograd.randn(*shape) if shape else pyautograd.tensor(1.0)


def _long(values):
    return pyautograd.tensor(values, dtype=pyautograd.int64)


_ERRORS = [
    (lambda: pyautograd.split(_x(), 1), RuntimeError, "split expects at least a 1-dimensional tensor"),
    (lambda: pyautograd.split(_x(4), -1), RuntimeError, "non-negative, but got split_size=-1"),
    (lambda: pyautograd.split(_x(4), 0), RuntimeError, "can only be 0 if dimension size is 0"),
    (lambda: pyautograd.split(_x(4), [1, 2]), RuntimeError, r"sum exactly to 4 .* split_sizes=\[1, 2\]"),
    (lambda: pyautograd.split(_x(4), [-1, 5]), RuntimeError, "only non-negative entries"),
    (lambda: pyautograd.chunk(_x(4), 0), RuntimeError, "greater than 0, got: 0"),
    (lambda: pyautograd.unbind(_x()), IndexError, "tensor has no dimensions"),
    (lambda: _x(2, 3).repeat(2), RuntimeError, "can not be smaller than number of dimensions"),
    (lambda: _x(2, 3).repeat(-1, 2), RuntimeError, r"negative dimension -2: \[-2, 6\]"),
    (lambda: _x(2, 3).diagonal(0, 1, -1), RuntimeError, "diagonal dimensions cannot be identical 1, -1"),
    (lambda: pyautograd.outer(_x(2, 2), _x(2)), RuntimeError, "Expected 1-D argument self, but got 2-D"),
    (lambda: pyautograd.einsum("ij,jk", _x(2, 2)), RuntimeError, "fewer operands"),
    (lambda: pyautograd.einsum("ij", _x(2, 2), _x(2)), RuntimeError, "more operands"),
    (lambda: pyautograd.einsum("i", _x(2, 2)), RuntimeError, r"subscripts in the equation \(1\) does not match .* \(2\)"),
    (lambda: pyautograd.einsum("i1", _x(2, 2)), RuntimeError, "invalid subscript given at index 1"),
    (lambda: pyautograd.einsum("ij->k", _x(2, 2)), RuntimeError, "output subscript k does not appear"),
    (lambda: pyautograd.einsum("ij->ii", _x(2, 2)), RuntimeError, "appears more than once in the output"),
    (lambda: pyautograd.einsum("ii", _x(3, 4)), RuntimeError, "sizes don't match, 4 != 3"),
    (lambda: pyautograd.einsum("ij,jk", _x(2, 3), _x(4, 2)), RuntimeError, "subscript j has size 4 for operand 1"),
    (lambda: pyautograd.einsum("i.j", _x(2, 2)), RuntimeError, "not part of any ellipsis"),
    (lambda: pyautograd.baddbmm(_x(2, 3, 5), _x(3, 4), _x(2, 4, 5)), RuntimeError, "batch1 must be a 3D tensor"),
    (lambda: pyautograd.baddbmm(_x(2, 3, 5), _x(2, 3, 4), _x(2, 3, 5)), RuntimeError,
     r"batch2 tensor to be: \[2, 4\] but got: \[2, 3\]"),
    (lambda: pyautograd.baddbmm(_x(2, 4, 5), _x(2, 3, 4), _x(2, 4, 5)), RuntimeError,
     "must match the existing size"),
    (lambda: pyautograd.baddbmm(_x(2, 3, 5).double(), _x(2, 3, 4), _x(2, 4, 5)), RuntimeError,
     "Input dtypes must be the same"),
    (lambda: pyautograd.cumsum(_x(2, 2), 2), IndexError, "Dimension out of range"),
    (lambda: pyautograd.flip(_x(2, 2), (0, 0)), RuntimeError, "appears multiple times"),
    (lambda: pyautograd.roll(_x(2, 2), (1, 2), 0), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    (lambda: pyautograd.roll(_x(2, 2), (1, 2)), RuntimeError, "shifts: 2, dims:0"),
    (lambda: pyautograd.narrow(_x(4, 2), 0, 3, 2), RuntimeError, r"start \(3\) \+ length \(2\) exceeds dimension size \(4\)"),
    (lambda: pyautograd.narrow(_x(4, 2), 0, 5, 0), IndexError, r"start out of range .*\[-4, 4\], but got 5"),
    (lambda: pyautograd.narrow(_x(4, 2), 0, 1, -1), RuntimeError, "length must be non-negative"),
    (lambda: pyautograd.select(_x(4, 5), 1, 5), IndexError, r"index 5 out of range for tensor of size \[4, 5\] at dimension 1"),
    (lambda: _x(3, 4)[3], IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: _x(3, 4)[-4], IndexError, "index -4 is out of bounds for dimension 0 with size 3"),
    (lambda: _x(3, 4)[:, 9], IndexError, "index 9 is out of bounds for dimension 1 with size 4"),
    (lambda: _x(3, 4, 5)[..., 5], IndexError, "index 5 is out of bounds for dimension 2 with size 5"),
    (lambda: _x(3, 4)[:, _long([0, -5])], IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
    (lambda: _x(3, 4)[[0, 7]], IndexError, "index 7 is out of bounds for dimension 0 with size 3"),
    (lambda: _x(3, 4)[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
    (lambda: _x(3, 4)[pyautograd.ones(4, dtype=pyautograd.bool)], IndexError,
     r"shape of the mask \[4\] at index 0 does not match the shape of the indexed tensor \[3, 4\] at index 0"),
    (lambda: _x(3, 4)[_long([0, 1]), _long([0, 1, 2])], IndexError,
     r"could not be broadcast together with shapes \[2\], \[3\]"),
    (lambda: _x(3, 4)[pyautograd.tensor([0.0])], IndexError, "must be long, int, byte or bool tensors"),
    (lambda: _x(3, 4)["a"], IndexError, r"valid indices \(got str\)"),
    (lambda: _x(3, 4)[::-1], ValueError, "step must be greater than zero"),
    (lambda: _x(3, 4)[::0], ValueError, "slice step cannot be zero"),
    (lambda: _x(3, 4)[..., 0, ...], IndexError, "single ellipsis"),
    (lambda: pyautograd.gather(_x(3, 4), 1, _long([0, 1])), RuntimeError, "same number of dimensions as input"),
    (lambda: pyautograd.gather(_x(3, 4), 1, _long([[0]] * 4)), RuntimeError,
     r"Size does not match at dimension 0 expected index \[4, 1\] to be no larger than self \[3, 4\] apart from dimension 1"),
    (lambda: pyautograd.gather(_x(3, 4), 1, _long([[4]])), RuntimeError, "index 4 is out of bounds for dimension 1 with size 4"),
    (lambda: pyautograd.gather(_x(3, 4), 1, _long([[-1]])), RuntimeError, "index -1 is out of bounds"),
    (lambda: pyautograd.gather(_x(3, 4), 1, pyautograd.zeros(1, 1)), RuntimeError, "Expected dtype int64 for index"),
    (lambda: pyautograd.scatter(_x(3, 4), 1, _long([[0]]), _x(1, 1).double()), RuntimeError,
     "Expected self.dtype to be equal to src.dtype"),
    (lambda: pyautograd.scatter(_x(3, 4), 1, _long([[0, 1]]), _x(1, 1)), RuntimeError, r"no larger size than src \[1, 1\]"),
    (lambda: pyautograd.scatter(_x(3, 4), 0, _long([[3]]), 1.0), RuntimeError, "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: pyautograd.scatter_add(_x(3, 4), 0, _long([[0]]), 1.0), TypeError, "must be Tensor, not float"),
    (lambda: pyautograd.index_select(_x(3, 4), 0, _long([[0]])), IndexError, "Index is supposed to be a vector"),
    (lambda: pyautograd.index_select(_x(3, 4), 0, pyautograd.zeros(1)), RuntimeError, "Expected dtype int32 or int64"),
    (lambda: pyautograd.index_select(_x(3, 4), 1, _long([0, 4])), RuntimeError, "index 4 is out of bounds for dimension 1 with size 4"),
    (lambda: pyautograd.masked_fill(_x(3, 4), _long([1, 0, 1, 0]), 1.0), RuntimeError, "only supports boolean masks"),
    (lambda: pyautograd.masked_fill(_x(3, 4), pyautograd.ones(4, dtype=pyautograd.bool), _x(1)), RuntimeError,
     "0-dimensional value tensor, but got tensor with 1 dimension"),
    (lambda: _x(3, 4).masked_fill_(pyautograd.ones(2, 3, 4, dtype=pyautograd.bool), 1.0), RuntimeError,
     r"output with shape \[3, 4\] doesn't match the broadcast shape \[2, 3, 4\]"),
    (lambda: pyautograd.masked_fill(_long([1, 2]), pyautograd.ones(2, dtype=pyautograd.bool), float("nan")),
     RuntimeError, "value cannot be converted to type int64 without overflow"),
    (lambda: pyautograd.masked_select(_x(3, 4), _long([1, 0, 1, 0])), RuntimeError, "expected BoolTensor for mask"),
    (lambda: pyautograd.masked_select(_x(3, 4), pyautograd.ones(3, dtype=pyautograd.bool)), RuntimeError,
     r"size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 1"),
    (lambda: pyautograd.take_along_dim(_x(3, 4), _long([0]), 1), RuntimeError, "same number of dimensions"),
    (lambda: pyautograd.take_along_dim(_x(3, 4), _long([[0]]).int(), 1), RuntimeError, "should be Long but got"),
    (lambda: pyautograd.one_hot(pyautograd.tensor([0.0])), RuntimeError, "only applicable to index tensor of type LongTensor"),
    (lambda: pyautograd.one_hot(_long([0, 2]), 2), RuntimeError, "must be smaller than num_classes"),
    (lambda: pyautograd.one_hot(_long([0, -1]), 2), RuntimeError, "must be non-negative"),
    (lambda: pyautograd.one_hot(_long([])), RuntimeError, "Can not infer total number of classes from empty tensor"),
]


@pytest.mark.parametrize("call, kind, message", _ERRORS, ids=[f"e{i}" for i in range(len(_ERRORS))])
def test_errors(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


# -- views, in-place forms, accumulation ------------------------------------------------------------

def test_split_chunk_unbind_diagonal_return_views():
    x = pyautograd.tensor(np.arange(12.0).reshape(3, 4))
    pieces = [*pyautograd.split(x, [1, 2]), *x.chunk(2, 1), *x.unbind(1), x.diagonal(1)]
    for p in pieces:
        assert p._base is x and p._version == x._version
    pieces[-1].zero_()  # the diagonal view is writable, like PyTorch's
    pieces[0].mul_(-1)
    assert x.tolist() == [[-0.0, -0.0, -2.0, -3.0], [4.0, 5.0, 0.0, 7.0], [8.0, 9.0, 10.0, 0.0]]
    assert x._version == pieces[2]._version == 2


def test_basic_indexing_is_a_view_advanced_a_copy():
    x = pyautograd.tensor(np.arange(6.0).reshape(2, 3))
    assert x[0, 1:]._base is x and x[None, ..., 0]._base is x and x[pyautograd.tensor(1)]._base is x
    assert x[[0, 1]]._base is None and x[x > 2]._base is None and x[True]._base is None


def test_grad_fn_names_of_indexing_steps():
    x = pyautograd.randn(3, 4, requires_grad=True)
    names = {"x[0]": x[0], "x[:, 1]": x[:, 1], "x[1:]": x[1:], "x[:]": x[:], "x[:, :]": x[:, :],
             "x[None]": x[None], "x[0, None]": x[0, None], "x[...]": x[...], "x[[0]]": x[[0]],
             "x[x > 0]": x[x > 0], "iter": next(iter(x)), "narrow": x.narrow(0, 0, 1)}
    got = {k: type(v.grad_fn).__name__ for k, v in names.items()}
    assert got == {"x[0]": "SelectBackward0", "x[:, 1]": "SelectBackward0", "x[1:]": "SliceBackward0",
                   "x[:]": "SliceBackward0", "x[:, :]": "AliasBackward0", "x[None]": "UnsqueezeBackward0",
                   "x[0, None]": "UnsqueezeBackward0", "x[...]": "AliasBackward0", "x[[0]]": "IndexBackward0",
                   "x[x > 0]": "IndexBackward0", "iter": "UnbindBackward0", "narrow": "SliceBackward0"}


def test_repeated_indices_accumulate_in_backward_and_double_backward():
    x = pyautograd.zeros(4, dtype=pyautograd.float64, requires_grad=True)
    idx = _long([2, 0, 2, 2])
    outs = [x[idx], x[[2, 0, 2, 2]], x.index_select(0, idx), x.gather(0, idx),
            pyautograd.take_along_dim(x, idx, 0), x[None, :][:, idx][0]]
    for y in outs:
        (g,) = autograd.grad(y, x, pyautograd.ones(4, dtype=pyautograd.float64), create_graph=True)
        assert g.tolist() == [1.0, 0.0, 3.0, 0.0]
    v = pyautograd.ones(4, dtype=pyautograd.float64, requires_grad=True)
    (g,) = autograd.grad(x[idx], x, v, create_graph=True)
    (gv,) = autograd.grad((g * pyautograd.tensor([1.0, 10.0, 100.0, 1000.0], dtype=pyautograd.float64)).sum(), v)
    assert gv.tolist() == [100.0, 1.0, 100.0, 100.0]


def test_scatter_add_accumulates_repeats():
    src = pyautograd.ones(2, 3, requires_grad=True)
    out = pyautograd.zeros(2, 2).scatter_add(1, _long([[0, 0, 1], [1, 1, 1]]), src)
    assert out.tolist() == [[2.0, 1.0], [0.0, 3.0]]
    out.backward(pyautograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert src.grad.tolist() == [[1.0, 1.0, 2.0], [4.0, 4.0, 4.0]]


def test_inplace_forms_match_out_of_place(torch):
    data = np.random.default_rng(0).standard_normal((3, 4))
    mask = data > 0
    idx = np.array([[0, 2], [1, 3], [3, 0]])
    calls = [("masked_fill_", lambda t, lib: (mask_t(lib), -1.0)),
             ("scatter_", lambda t, lib: (1, lib.from_numpy(idx), 2.0)),
             ("scatter_add_", lambda t, lib: (1, lib.from_numpy(idx), t[:, :2] * 3)),
             ("cumsum_", lambda t, lib: (1,)), ("cumprod_", lambda t, lib: (0,))]

    def mask_t(lib):
        return lib.from_numpy(mask)

    for name, make_args in calls:
        grads = []
        for lib in (pyautograd, torch):
            leaf = lib.from_numpy(data.copy()).requires_grad_()
            y = leaf * 1.0
            getattr(y, name)(*make_args(y, lib))
            (y * lib.from_numpy(data)).sum().backward()
            grads.append((y.detach().numpy(), leaf.grad.numpy(), type(y.grad_fn).__name__))
        np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12, err_msg=name)
        assert grads[0][2] == grads[1][2]


def test_cumprod_with_zeros_second_derivative_matches_torch(torch):
    data = np.array([[0.5, 0.0, 2.0, 0.0, -1.5], [0.0, 1.5, 2.0, -1.0, 0.5], [1.0, 2.0, 0.0, 3.0, 0.0]])
    v = np.random.default_rng(1).standard_normal(data.shape)
    results = []
    for lib, grad in ((pyautograd, autograd.grad), (torch, torch.autograd.grad)):
        x = lib.from_numpy(data.copy()).requires_grad_()
        (g,) = grad(x.cumprod(1), x, lib.from_numpy(v), create_graph=True)
        (gg,) = grad((g * g).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)


def test_partially_used_split_outputs_get_zero_gradients():
    x = pyautograd.arange(6.0, requires_grad=True)
    a, b, c = x.split(2)
    (b * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 3.0, 3.0, 0.0, 0.0]


def test_cat_gradient_skips_inputs_without_grad():
    x = pyautograd.ones(3, requires_grad=True)
    y = pyautograd.cat([pyautograd.zeros(2), x])
    y.backward(pyautograd.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert x.grad.tolist() == [3.0, 4.0, 5.0]


def test_legacy_index_forms_warn():
    x = pyautograd.arange(12).reshape(3, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[[0, 1], [1, 2]]].tolist() == [1, 6]  # read as x[(0, 1), (1, 2)], as PyTorch does
    with pytest.warns(UserWarning, match="uint8"):
        assert x[pyautograd.tensor([1, 0, 1], dtype=pyautograd.uint8)].shape == (2, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x[[0, 2]].shape == (2, 4)


def test_nonzero_as_tuple_indexes_the_same_elements():
    x = pyautograd.tensor([[0.0, 1.5], [2.0, 0.0]])
    assert x[x.nonzero(as_tuple=True)].tolist() == [1.5, 2.0]
    assert [t.dtype for t in x.nonzero(as_tuple=True)] == [pyautograd.int64] * 2

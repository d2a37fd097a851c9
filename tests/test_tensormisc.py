"""Issue 12's Tensor odds and ends, against PyTorch: resize_ / resize_as_ on the storage and the
deprecated resize / resize_as (the op database checks resize's values and gradients too)."""
import warnings

import numpy as np
import pytest

import pyautograd as P


def _both(torch, make):
    """The same tensor built by `make(lib)` in pyautograd and in PyTorch."""
    return make(P), make(torch)


def _same(ours, theirs):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.stride() == theirs.stride()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# -- resize_: the storage's elements in the new layout ----------------------------------------

@pytest.mark.parametrize("make, sizes, kwargs", [
    (lambda t: t.arange(6.0), [(2, 2)], {}),
    (lambda t: t.arange(6.0), [3], {}),
    (lambda t: t.arange(6.0), [[2, 3]], {}),
    (lambda t: t.arange(6.0), [(6,)], {}),                       # same sizes: nothing changes
    (lambda t: t.arange(6.0).reshape(2, 3).t(), [2, 3], {}),       # non-contiguous: storage order
    (lambda t: t.arange(6.0).reshape(2, 3).t(), [3, 2], {}),       # same sizes: strides kept
    (lambda t: t.arange(6.0).reshape(2, 3), [0], {}),
    (lambda t: t.arange(24.0), [1, 2, 3, 4], {"memory_format": "channels_last"}),
    (lambda t: t.arange(24.0).reshape(1, 2, 3, 4), [1, 2, 3, 4], {"memory_format": "channels_last"}),
    (lambda t: t.arange(120.0), [1, 2, 3, 4, 5], {"memory_format": "channels_last_3d"}),
    (lambda t: t.arange(6), [2, 2], {"memory_format": "contiguous_format"}),
])
def test_resize_keeps_the_storage_elements_as_pytorch(torch, make, sizes, kwargs):
    ours, theirs = _both(torch, make)
    kw = {k: getattr(P, v) for k, v in kwargs.items()}
    tkw = {k: getattr(torch, v) for k, v in kwargs.items()}
    v0, tv0 = ours._version, theirs._version
    assert ours.resize_(*sizes, **kw) is ours
    theirs.resize_(*sizes, **tkw)
    _same(ours, theirs)
    assert ours._version - v0 == theirs._version - tv0


def test_resize_shrink_then_regrow_finds_the_old_elements(torch):
    ours, theirs = _both(torch, lambda t: t.arange(6.0))
    for sizes in ((2,), (6,), (2, 3)):
        ours.resize_(*sizes)
        theirs.resize_(*sizes)
        _same(ours, theirs)


def test_resize_of_a_view_reads_its_base_storage(torch):
    base, tbase = _both(torch, lambda t: t.arange(6.0))
    v, tv = base[1:3], tbase[1:3]
    v.resize_(4)
    tv.resize_(4)
    _same(v, tv)
    assert v._base is base
    v[0] = 10.0
    assert base[1].item() == 10.0  # still the same memory


def test_resize_grows_an_unshared_tensor_with_zeros_beyond_the_old_elements():
    x = P.arange(4.0)
    x.resize_(3, 3)
    assert x.shape == (3, 3)
    # PyTorch leaves the new elements uninitialized; pyautograd fills zeros.
    np.testing.assert_array_equal(x.numpy().ravel(), [0, 1, 2, 3, 0, 0, 0, 0, 0])
    for empty in (P.empty(0), P.Tensor(), P.tensor([])):
        assert empty.resize_(2, 2).shape == (2, 2)


@pytest.mark.parametrize("share", [
    lambda x: x.detach(),            # same memory through another tensor
    lambda x: x[:1],                 # a view of it exists
    lambda x: x.data,
])
def test_resize_refuses_to_grow_memory_another_tensor_shares(share):
    x = P.zeros(3)
    other = share(x)
    with pytest.raises(RuntimeError, match="Trying to resize storage that is not resizable"):
        x.resize_(5)
    assert x.shape == (3,) and other.numel() >= 1
    x.resize_(2)  # shrinking stays within the memory, shared or not
    x[0] = 7.0
    assert other.reshape(-1)[0].item() == 7.0


def test_resize_of_from_numpy_memory_raises_as_pytorch(torch):
    a, ta = np.arange(6.0), np.arange(6.0)
    ours, theirs = P.from_numpy(a), torch.from_numpy(ta)
    ours.resize_(2)
    theirs.resize_(2)
    _same(ours, theirs)
    for t in (ours, theirs):
        with pytest.raises(RuntimeError, match="Trying to resize storage that is not resizable"):
            t.resize_(10)


@pytest.mark.parametrize("grad_mode", ["enabled", "no_grad"])
@pytest.mark.parametrize("make", [lambda t: t.ones(3, requires_grad=True),
                                  lambda t: t.ones(3, requires_grad=True) * 2])
def test_resize_of_a_tensor_that_requires_grad_raises_as_pytorch(torch, grad_mode, make):
    for lib in (P, torch):
        x = make(lib)
        ctx = lib.no_grad() if grad_mode == "no_grad" else lib.enable_grad()
        with ctx, pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            x.resize_(3)


@pytest.mark.parametrize("call, kind", [
    (lambda t: t.ones(3).resize_(2, 3.5), TypeError),
    (lambda t: t.ones(3).resize_(), TypeError),
    (lambda t: t.ones(3).resize_(2, 3, memory_format=t.channels_last), RuntimeError),
    (lambda t: t.ones(3).resize_(2, 3, memory_format=t.preserve_format), RuntimeError),
    (lambda t: t.ones(3).resize_(-1), RuntimeError),
    (lambda t: t.ones(3).resize_as_([2, 2]), TypeError),
])
def test_resize_argument_errors_are_pytorchs_kinds(torch, call, kind):
    for lib in (P, torch):
        with pytest.raises(kind):
            call(lib)


def test_resize_accepts_size_keyword_and_0d_int_tensors(torch):
    for lib in (P, torch):
        x = lib.arange(6.0)
        assert x.resize_(size=(2, 3)).shape == (2, 3)
        assert x.resize_(lib.tensor(4)).shape == (4,)


def test_resize_as_takes_the_template_sizes(torch):
    ours, theirs = _both(torch, lambda t: t.arange(6.0))
    assert ours.resize_as_(P.ones(2, 2)) is ours
    theirs.resize_as_(torch.ones(2, 2))
    _same(ours, theirs)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        P.ones(2, requires_grad=True).resize_as_(P.ones(1))


# -- the deprecated resize / resize_as ---------------------------------------------------------

def test_resize_warns_and_is_a_differentiable_view_of_a_contiguous_tensor(torch):
    results = []
    for lib in (P, torch):
        x = lib.arange(6.0).reshape(2, 3).clone().requires_grad_()
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            y = x.resize(3, 2)
        assert y._base is x and type(y.grad_fn).__name__ == "ResizeBackward"
        (y * lib.arange(6.0).reshape(3, 2)).sum().backward()
        results.append(x.grad.numpy())
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            assert x.resize_as(lib.ones(6)).shape == (6,)
    np.testing.assert_array_equal(*results)


def test_resize_must_keep_the_number_of_elements(torch):
    for lib in (P, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with pytest.raises(RuntimeError, match=r"requested resize to 4 \(4 elements in total\), but the given "
                                                   r"tensor has a size of 2x3 \(6 elements\)"):
                lib.ones(2, 3).resize(4)


# -- the complex helpers on real tensors --------------------------------------------------------

@pytest.mark.parametrize("name", ["conj", "conj_physical", "resolve_conj", "resolve_neg"])
def test_complex_helpers_return_the_real_input_itself_as_pytorch(torch, name):
    for lib in (P, torch):
        for x in (lib.arange(6.0), lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True) * 2,
                  lib.arange(3)):
            assert getattr(x, name)() is x
            assert getattr(lib, name)(x) is x
        with pytest.raises(TypeError):
            getattr(lib, name)(1.0)


def test_conj_physical_inplace_bumps_the_version_and_records_a_node_as_pytorch(torch):
    for lib in (P, torch):
        x = lib.ones(3)
        before = x._version
        assert x.conj_physical_() is x and x._version == before + 1
        w = lib.ones(3, requires_grad=True) * 2
        assert type(w.conj_physical_().grad_fn).__name__ == "ConjPhysicalBackward1"
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            lib.ones(3, requires_grad=True).conj_physical_()


def test_conj_physical_out_copies_and_needs_the_same_dtype(torch):
    for lib in (P, torch):
        out = lib.empty(3)
        assert lib.conj_physical(lib.arange(3.0), out=out) is out
        assert out.tolist() == [0.0, 1.0, 2.0] and out._version == 1
        with pytest.raises(RuntimeError):
            lib.conj_physical(lib.arange(3), out=lib.empty(3))


def test_is_conj_is_neg_is_xpu_and_name_answer_as_pytorchs_cpu_tensors(torch):
    for lib in (P, torch):
        x = lib.ones(2)
        assert (x.is_conj(), lib.is_conj(x), x.is_neg(), lib.is_neg(x), x.is_xpu) == (False,) * 5
        assert lib.is_complex(x) is False and x.is_complex() is False
        assert x.name is None and lib.nn.Parameter(lib.ones(1)).name is None
        with pytest.raises(AttributeError):
            x.name = "weights"  # read-only in PyTorch

"""Complex tensors (issue 12): dtypes and promotion, printing, creation, the views between
complex and real, the ops that compute complex numbers with PyTorch's conjugate Wirtinger
gradients, the refusal of every other op, and save/load. The `torch` fixture compares with
PyTorch where it is installed (and skips cleanly elsewhere); the op database entries in
tests/opdb/complex.py run the generic forward/gradcheck/PyTorch tests."""
import io
import warnings

import numpy as np
import pytest

import pyautograd as P
from pyautograd import kernels
from pyautograd.autograd import gradcheck as gc_fn, gradgradcheck as ggc_fn


def _torch_or_none():
    # for tests whose own assertions hold without PyTorch, and which also compare with it
    try:
        import torch
    except ImportError:
        return None
    return torch


def _z(values, dtype=None):
    return P.tensor(values, dtype=dtype)


# -- dtypes and promotion -------------------------------------------------------------------

def test_dtypes_and_aliases():
    assert P.cfloat is P.complex64 and P.cdouble is P.complex128
    assert repr(P.complex64) == "torch.complex64"
    for d, size in ((P.complex64, 8), (P.complex128, 16)):
        assert d.is_complex and not d.is_floating_point and d.is_signed and d.itemsize == size
    assert not P.float32.is_complex
    assert P.complex64.to_real() is P.float32 and P.float64.to_complex() is P.complex128


@pytest.mark.parametrize("a, b, expected", [
    ("float32", "complex64", "complex64"), ("float64", "complex64", "complex128"),
    ("complex64", "complex128", "complex128"), ("int64", "complex64", "complex64"),
    ("bool", "complex128", "complex128"), ("float16", "complex64", "complex64"),
    ("bfloat16", "complex64", "complex64")])
def test_promote_types(a, b, expected):
    assert P.promote_types(getattr(P, a), getattr(P, b)) is getattr(P, expected)
    assert P.promote_types(getattr(P, b), getattr(P, a)) is getattr(P, expected)
    torch = _torch_or_none()
    if torch is not None:
        assert str(torch.promote_types(getattr(torch, a), getattr(torch, b))) == f"torch.{expected}"


def _promotion_cases(lib):
    return {
        "float32 * 1j": lambda: lib.ones(2) * 1j,
        "float64 * 1j": lambda: lib.ones(2, dtype=lib.float64) * 1j,
        "int64 * 1j": lambda: lib.arange(2) * 1j,
        "bool * 1j": lambda: lib.tensor([True]) * 1j,
        "float64 + complex64": lambda: lib.ones(2, dtype=lib.float64) + lib.ones(2, dtype=lib.complex64),
        "float32 + 0-d complex128": lambda: lib.ones(2) + lib.tensor(1j, dtype=lib.complex128),
        "0-d float64 + complex64": lambda: lib.tensor(1.0, dtype=lib.float64) + lib.ones(2, dtype=lib.complex64),
        "complex64 * 2.5": lambda: lib.ones(2, dtype=lib.complex64) * 2.5,
        "complex128 / int": lambda: lib.ones(2, dtype=lib.complex128) / 3,
        "tensor([1+2j])": lambda: lib.tensor([1 + 2j]),
        "tensor([1, 2j])": lambda: lib.tensor([1, 2j]),
    }


@pytest.mark.parametrize("case", list(_promotion_cases(P)))
def test_promotion_as_pytorch(case, torch):
    ours = _promotion_cases(P)[case]()
    theirs = _promotion_cases(torch)[case]()
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_default_complex_follows_the_default_float():
    P.set_default_dtype(P.float64)
    try:
        assert P.tensor([1j]).dtype is P.complex128
        assert (P.ones(2) * 1j).dtype is P.complex128
        assert repr(P.tensor([1 + 2j])) == "tensor([1.+2.j])"  # the default complex: no dtype shown
    finally:
        P.set_default_dtype(P.float32)
    assert P.tensor([1j]).dtype is P.complex64


def test_complex32_is_refused_not_widened():
    with pytest.raises(TypeError, match="complex32"):
        P.ones(2, dtype=P.float16) * 1j


def test_is_complex_and_is_floating_point():
    z = _z([1 + 2j])
    assert z.is_complex() and P.is_complex(z) and not z.is_floating_point() and not P.is_floating_point(z)
    assert not P.ones(1).is_complex() and not P.is_complex(P.ones(1))
    assert P.finfo(P.complex64) == P.finfo(P.float32)
    assert P.finfo(P.complex128).eps == np.finfo(np.float64).eps  # PyTorch's finfo(complex128) is float64's


# -- printing ---------------------------------------------------------------------------------

_PRINT_CASES = [
    ([1 + 2j, 3 - 1j], None),
    ([1.5 + 2j, -3.25 - 1e-3j], None),
    ([[1 + 2j, 3 - 1j], [0j, 1e10j]], None),
    ([1 + 2j], "complex128"),
    (1 + 2j, None),
    ([0.1 + 0.25j, -0.0 - 0.0j, 2.5e-5 + 3j], None),
    ([complex(i, -i) / 7 for i in range(30)], None),
    ([complex(i, i * i) for i in range(2000)], None),
    ([], "complex64"),
]


@pytest.mark.parametrize("values, dtype", _PRINT_CASES, ids=[str(i) for i in range(len(_PRINT_CASES))])
def test_printing_as_pytorch(values, dtype, torch):
    ours = P.tensor(values, dtype=getattr(P, dtype) if dtype else None)
    theirs = torch.tensor(values, dtype=getattr(torch, dtype) if dtype else None)
    assert repr(ours) == repr(theirs)


def test_printing_with_grad(torch):
    ours = P.tensor([1 + 1j], requires_grad=True)
    theirs = torch.tensor([1 + 1j], requires_grad=True)
    assert repr(ours) == repr(theirs) == "tensor([1.+1.j], requires_grad=True)"
    assert repr(ours * 2) == repr(theirs * 2)


# -- creation -----------------------------------------------------------------------------------

def test_creation():
    assert P.zeros(2, dtype=P.cfloat).dtype is P.complex64
    assert P.ones_like(_z([1j])).dtype is P.complex64
    assert P.tensor([1, 2], dtype=P.cdouble).tolist() == [1 + 0j, 2 + 0j]
    a = np.array([1j, 2], dtype=np.complex128)
    t = P.from_numpy(a)
    assert t.dtype is P.complex128 and np.shares_memory(t.numpy(), a)
    assert _z([1 + 2j])[0].item() == 1 + 2j and complex(_z(3j)) == 3j


def test_random_complex_samples():
    P.manual_seed(0)
    z = P.randn(20000, dtype=P.cfloat)
    assert z.dtype is P.complex64
    # as PyTorch: unit variance in all, half of it in each part
    parts = P.view_as_real(z).numpy()
    np.testing.assert_allclose(parts.var(0), [0.5, 0.5], atol=0.03)
    u = P.view_as_real(P.rand(20000, dtype=P.cdouble)).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02


# -- the views ------------------------------------------------------------------------------------

def test_view_as_real_shares_memory():
    z = _z([1 + 2j, 3 - 1j])
    r = P.view_as_real(z)
    assert r.shape == (2, 2) and r.dtype is P.float32 and r._base is z
    r[0, 1] = 7.0
    assert z.tolist() == [1 + 7j, 3 - 1j]
    assert z.real._base is z and z.imag._base is z
    z.imag.mul_(2)  # no autograd: writes into z
    assert z.tolist() == [1 + 14j, 3 - 2j]


def test_view_as_real_of_strided(torch):
    base = np.arange(24, dtype=np.float64).reshape(4, 3, 2)
    ours = P.view_as_real(P.view_as_complex(P.tensor(base)).transpose(0, 1)[:, ::2])
    theirs = torch.view_as_real(torch.view_as_complex(torch.tensor(base)).transpose(0, 1)[:, ::2])
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.stride() == theirs.stride()


def test_view_as_complex_shares_memory():
    x = P.zeros(3, 2)
    z = P.view_as_complex(x)
    assert z.shape == (3,) and z.dtype is P.complex64 and z._base is x
    z.add_(1j)
    assert x[:, 1].tolist() == [1.0, 1.0, 1.0]


_BAD_VIEWS = {
    "not last dim 2": lambda lib: lib.view_as_complex(lib.ones(3, 3)),
    "transposed": lambda lib: lib.view_as_complex(lib.ones(3, 2).t()),
    "last stride 0": lambda lib: lib.view_as_complex(lib.ones(4, 2)[:, :1].expand(4, 2)),
    "integer": lambda lib: lib.view_as_complex(lib.ones(3, 2, dtype=lib.int64)),
    "odd offset": lambda lib: lib.view_as_complex(lib.ones(6)[1:5].view(2, 2)),
    "odd stride": lambda lib: lib.view_as_complex(lib.ones(3, 3)[:, :2]),
    "0-d": lambda lib: lib.view_as_complex(lib.ones(())),
    "real of real": lambda lib: lib.view_as_real(lib.ones(3)),
    "imag of real": lambda lib: lib.ones(2).imag,
    "complex of doubles and floats": lambda lib: lib.complex(lib.ones(2), lib.ones(2, dtype=lib.float64)),
    "complex of longs": lambda lib: lib.complex(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
    "polar of longs": lambda lib: lib.polar(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
}


@pytest.mark.parametrize("case", list(_BAD_VIEWS))
def test_checks_as_pytorch(case, torch):
    with pytest.raises(RuntimeError) as theirs:
        _BAD_VIEWS[case](torch)
    with pytest.raises(RuntimeError) as ours:
        _BAD_VIEWS[case](P)
    # PyTorch's sentence first (ours may add the shapes or strides)
    assert str(ours.value).startswith(str(theirs.value).split(" (")[0].strip())


def test_real_of_a_real_tensor_is_itself():
    x = P.ones(2)
    assert x.real is x and P.real(x) is x


# -- values, gradients and nodes against PyTorch --------------------------------------------------

def _cases(lib):
    def cl(values):
        return lib.tensor(values, dtype=lib.complex128, requires_grad=True)

    def rl(values):
        return lib.tensor(values, dtype=lib.float64, requires_grad=True)

    z = [[1 + 2j, -0.5 + 1j, 3 - 1j], [0.25 - 2j, -1 - 1j, 2 + 0.5j]]
    w = [[0.5 - 1j, 2 + 1j, -1 + 0.25j], [1 + 1j, 0.5 + 0.5j, -2 - 1j]]
    r = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    return {
        "mul": (lambda a, b: a * b, (cl(z), cl(w))),
        "mul real": (lambda a, b: a * b, (cl(z), rl(r))),
        "mul scalar": (lambda a: a * (2 - 3j), (rl(r),)),
        "div": (lambda a, b: a / b, (cl(z), cl(w))),
        "rdiv scalar": (lambda a: (1 + 1j) / a, (cl(z),)),
        "add sub neg": (lambda a, b: -(a + 2 * b - 1j), (cl(z), rl(r))),
        "exp": (lambda a: a.exp(), (cl(z),)),
        "pow": (lambda a: a ** 2 + a.square() * a ** -1.5 + a.sqrt() + a.log(), (cl(z),)),
        "real ** complex": (lambda a: a.abs() ** (0.5 + 2j), (rl(r),)),
        "abs": (lambda a: a.abs(), (cl(z),)),
        "angle": (lambda a: a.angle(), (cl(z),)),
        "conj": (lambda a: a.conj(), (cl(z),)),
        "conj_physical": (lambda a: lib.conj_physical(a), (cl(z),)),
        "real": (lambda a: a.real, (cl(z),)),
        "imag": (lambda a: a.imag, (cl(z),)),
        "view_as_real": (lambda a: lib.view_as_real(a), (cl(z),)),
        "view_as_complex": (lambda a: lib.view_as_complex(a.reshape(3, 2)), (rl(r),)),
        "complex": (lambda a, b: lib.complex(a, b), (rl(r), rl(r[::-1]))),
        "polar": (lambda a, b: lib.polar(a.abs(), b), (rl(r), rl(r[::-1]))),
        "sum": (lambda a: a.sum(), (cl(z),)),
        "sum dim": (lambda a: a.sum(1), (cl(z),)),
        "mean": (lambda a: a.mean(0), (cl(z),)),
        "matmul": (lambda a, b: a @ b.t(), (cl(z), cl(w))),
        "mv": (lambda a, b: a @ b[0], (cl(z), cl(w))),
        "dot": (lambda a, b: lib.dot(a[0], b[1]), (cl(z), cl(w))),
        "bmm": (lambda a, b: a.unsqueeze(0).expand(2, 2, 3) @ b.t(), (cl(z), cl(w))),
        "mH": (lambda a: a.mH @ a, (cl(z),)),
        "cumsum": (lambda a: a.cumsum(1), (cl(z),)),
        "to complex": (lambda a: a.to(lib.complex128), (rl(r),)),
        "cat stack": (lambda a, b: lib.stack([lib.cat([a, b]), lib.cat([b, a])]), (cl(z), rl(r))),
        "index": (lambda a: a[1, ::2].flip(0).unsqueeze(0).permute(1, 0), (cl(z),)),
        "advanced index": (lambda a: a[[1, 0, 1]], (cl(z),)),
        "where": (lambda a, b: lib.where(a.real > 0, a, b), (cl(z), cl(w))),
        "index_put": (lambda a, b: _put(lib, a, b), (cl(z), rl(r))),
        "flatten view": (lambda a: a.flatten().view(3, 2).transpose(0, 1).reshape(-1), (cl(z),)),
    }


def _put(lib, a, b):
    c = a * 1  # a copy with history, written in place at an advanced index (IndexPutBackward0)
    c[lib.tensor([1, 0])] = b[0] * (1 - 1j)
    c[:, 1] = b[1, :2]
    return c


@pytest.mark.parametrize("case", list(_cases(P)))
def test_values_grads_and_nodes_as_pytorch(case, torch):
    fn, ours_in = _cases(P)[case]
    their_fn, theirs_in = _cases(torch)[case]
    ours, theirs = fn(*ours_in), their_fn(*theirs_in)
    assert str(ours.dtype) == str(theirs.dtype)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    # (PyTorch's conj is a lazy view: resolved for NumPy)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().resolve_conj().numpy(), rtol=1e-12, atol=1e-12)
    # a real loss weighing real and imaginary parts differently, so every part of the gradient counts
    weights = np.linspace(-1.0, 2.0, ours.numel()).reshape(tuple(ours.shape))

    def loss(lib, out):
        w = lib.tensor(weights, dtype=lib.float64)
        if out.is_complex():
            return (lib.view_as_real(out.resolve_conj()) * lib.stack([w, 3 * w], -1)).sum()
        return (out * w).sum()
    ours_g = P.autograd.grad(loss(P, ours), ours_in)
    theirs_g = torch.autograd.grad(loss(torch, theirs), theirs_in)
    for a, b in zip(ours_g, theirs_g):
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.numpy(), b.resolve_conj().numpy(), rtol=1e-10, atol=1e-12)


def _rotary(lib, xq_values, freq_values):
    freqs = lib.outer(lib.arange(8).float(), lib.tensor(freq_values))
    freqs_cis = lib.polar(lib.ones_like(freqs), freqs)  # complex64
    xq = lib.tensor(xq_values, requires_grad=True)
    xq_ = lib.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
    out = lib.view_as_real(xq_ * freqs_cis.view(1, 8, 1, 4)).flatten(3)
    weights = lib.tensor(np.linspace(-1, 1, out.numel(), dtype=np.float32).reshape(tuple(out.shape)))
    (out * weights).sum().backward()
    return freqs_cis, out, xq


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_rotary_embedding_as_pytorch(backend, torch, monkeypatch):
    """The issue's example: LLaMA's rotary embedding, forward and xq.grad equal to PyTorch's."""
    if backend == "c" and not kernels.c_available():
        pytest.skip("no C kernels in this build")
    rng = np.random.default_rng(0)
    xq_values = rng.standard_normal((2, 8, 3, 8)).astype(np.float32)
    freq_values = rng.random(4).astype(np.float32)
    with kernels.use_backend(backend):
        freqs_cis, out, xq = _rotary(P, xq_values, freq_values)
    t_freqs_cis, t_out, t_xq = _rotary(torch, xq_values, freq_values)
    assert freqs_cis.dtype is P.complex64 and out.dtype is P.float32 and out.shape == (2, 8, 3, 8)
    assert type(out.grad_fn).__name__ == type(t_out.grad_fn).__name__ == "ViewBackward0"
    np.testing.assert_allclose(freqs_cis.numpy(), t_freqs_cis.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(xq.grad.numpy(), t_xq.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_nodes_of_the_views_and_constructors():
    x = P.ones(3, 2, requires_grad=True)
    z = P.view_as_complex(x)
    assert type(z.grad_fn).__name__ == "ViewAsComplexBackward0"
    assert type(P.view_as_real(z).grad_fn).__name__ == "ViewAsRealBackward0"
    assert type(z.real.grad_fn).__name__ == "SelectBackward0"  # view_as_real(z)[..., 0], as PyTorch
    assert type(P.polar(x[:, 0], x[:, 1]).grad_fn).__name__ == "PolarBackward0"
    assert type(P.complex(x[:, 0], x[:, 1]).grad_fn).__name__ == "ComplexBackward0"
    assert type(z.conj().grad_fn).__name__ == "ConjBackward0"
    assert type(P.conj_physical(z).grad_fn).__name__ == "ConjPhysicalBackward0"
    assert type(z.abs().grad_fn).__name__ == "AbsBackward0"
    assert type(z.angle().grad_fn).__name__ == "AngleBackward0"


def test_second_order_through_complex():
    # gradgradcheck on a real function that goes through complex ops: formulas are Tensor ops
    x = P.tensor(np.random.default_rng(3).standard_normal((3, 2)), dtype=P.float64, requires_grad=True)

    def f(x):
        z = P.view_as_complex(x)
        return P.view_as_real((z * z.conj().exp()) / (z + 3)).sum(-1) + z.abs() * z.angle()
    assert gc_fn(f, (x,)) and ggc_fn(f, (x,))


def test_real_leaves_get_real_gradients():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = (x * (1 + 1j)).abs().sum()
    y.backward()
    assert x.grad.dtype is P.float32
    np.testing.assert_allclose(x.grad.numpy(), [np.sqrt(2)] * 2, rtol=1e-6)


def test_conj_is_computed_not_a_lazy_view():
    z = _z([1 + 2j, 3 - 1j])
    c = z.conj()
    assert c.tolist() == [1 - 2j, 3 + 1j]
    # PyTorch's conj is a view with the conjugate bit; ours a new tensor: is_conj stays False
    assert not c.is_conj() and not P.is_conj(c) and c._base is None
    assert c.resolve_conj() is c and z.conj_physical().tolist() == c.tolist()
    torch = _torch_or_none()
    if torch is not None:
        assert torch.tensor([1 + 2j]).conj().is_conj()  # (the divergence docs/supported.md names)
    x = P.ones(2)
    assert x.conj() is x and P.conj_physical(x) is x


def test_casts_to_real_warn_as_pytorch():
    z = _z([1 + 2j, 3 - 1j], P.complex128)
    with pytest.warns(UserWarning, match="discards the imaginary part") as record:
        f = z.float()
    assert len(record) == 1 and f.tolist() == [1.0, 3.0] and f.dtype is P.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.long().tolist() == [1, 3]  # PyTorch does not warn for integer targets
    x = P.ones(2)
    with pytest.warns(UserWarning, match="discards the imaginary part"):
        x.copy_(_z([5 + 1j, 6j]))
    assert x.tolist() == [5.0, 0.0]


def test_a_complex_number_into_a_real_tensor_is_refused(torch):
    for lib in (P, torch):
        x = lib.ones(2)
        with pytest.raises(RuntimeError, match="value cannot be converted to type"):
            x[0] = 1j
        with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
            x[lib.tensor([0, 1])] = lib.tensor([1j, 2j])
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Float"):
            x.mul_(1j)


def test_writes_through_a_dtype_changing_view_with_history_are_refused():
    z = P.tensor([1 + 2j], requires_grad=True).clone()
    with pytest.raises(RuntimeError, match="view of a torch.complex64 tensor"):
        z.real.mul_(2)
    assert z.tolist() == [1 + 2j]  # refused before any write
    with P.no_grad():
        z.real.mul_(2)
    assert z.tolist() == [2 + 2j]


# -- the refusal: every op without complex support ------------------------------------------

_REFUSED = {
    "relu": lambda z: P.relu(z),
    "sigmoid": lambda z: z.sigmoid(),
    "tanh": lambda z: z.tanh(),
    "sin": lambda z: z.sin(),
    "rsqrt": lambda z: z.rsqrt(),
    "max": lambda z: z.max(),
    "amax": lambda z: z.amax(0),
    "argmax": lambda z: z.argmax(),
    "lt": lambda z: z < z,
    "ge": lambda z: z >= 1,
    "clamp": lambda z: z.clamp(0, 1),
    "clamp by floats": lambda z: P.clamp(z, 0.5),
    "abs_": lambda z: z.abs_(),
    "normal_": lambda z: z.normal_(),
    "uniform_": lambda z: z.uniform_(),
    "randint_like": lambda z: P.randint_like(z, 3),
    "floor": lambda z: z.floor(),
    "sort": lambda z: P.sort(z),
    "lerp": lambda z: P.lerp(z, z, 0.5),
    "softmax": lambda z: z.softmax(0),
    "log_softmax": lambda z: z.log_softmax(0),
    "pow by a tensor": lambda z: z ** P.tensor([2.0, 3.0]),
    "a real tensor by a complex slope": lambda z: P.nn.functional.leaky_relu(z.real, 1j),
    "prod": lambda z: z.prod(),
    "var": lambda z: z.var(),
    "linear": lambda z: P.nn.functional.linear(z.reshape(1, 2), P.ones(2, 2, dtype=P.complex64)),
    "cumprod": lambda z: z.cumprod(0),
    "logsumexp": lambda z: z.logsumexp(0),
    "addcmul": lambda z: P.addcmul(z, z, z),
    "real by a complex number": lambda z: P.ones(2).sigmoid() * 1j + P.ones(2).exp2() * 1j + (P.ones(2) > 1j),
}


@pytest.mark.parametrize("name", list(_REFUSED))
@pytest.mark.parametrize("dtype, type_name", [(P.complex64, "ComplexFloat"), (P.complex128, "ComplexDouble")])
def test_ops_without_complex_support_refuse_it(name, dtype, type_name):
    """Never a silently wrong answer: a RuntimeError (NotImplementedError, as PyTorch's) naming
    the op and the complex type, raised before any kernel runs (the C kernels take real
    arrays only)."""
    z = _z([1 + 2j, 3 - 1j], dtype)
    with pytest.raises(RuntimeError) as info:
        _REFUSED[name](z)
    text = str(info.value)
    assert ("ComplexFloat" in text or "ComplexDouble" in text or "complex" in text), text


def test_refusal_names_the_op():
    with pytest.raises(NotImplementedError, match="\"relu\" not implemented for 'ComplexDouble'"):
        P.relu(_z([1j], P.complex128))
    with pytest.raises(NotImplementedError, match="\"gt\" not implemented for 'ComplexFloat'"):
        P.gt(P.ones(2), 1j)


def test_c_kernels_never_take_complex_arrays():
    if not kernels.c_available():
        pytest.skip("no C kernels in this build")
    from pyautograd.kernels._c import _marshal
    with pytest.raises(TypeError, match="complex64"):
        _marshal.ptr(np.zeros(3, np.complex64))
    with pytest.raises(TypeError, match="complex128"):
        _marshal.out_ptr(np.zeros(3, np.complex128))
    # the dispatcher sends complex arrays to the NumPy reference even where C is forced
    z = np.array([1 + 2j, 3 - 1j], np.complex64)
    with kernels.use_backend("c"):
        np.testing.assert_array_equal(kernels.mul(z, z), z * z)
        np.testing.assert_array_equal(kernels.exp(z), np.exp(z))
        np.testing.assert_allclose(kernels.sum(z, None, False), z.sum())


# -- gradcheck keeps it honest ------------------------------------------------------------------

def test_gradcheck_refuses_complex_inputs_and_outputs():
    x = P.tensor([1 + 1j], dtype=P.complex128, requires_grad=True)
    with pytest.raises(NotImplementedError, match="input 0 is complex"):
        gc_fn(lambda z: z * 2, (x,))
    y = P.ones(2, dtype=P.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="output 0 is complex"):
        gc_fn(lambda r: r * 1j, (y,))
    # through real parts, it checks (and catches a wrong complex formula: tests/opdb/complex.py)
    assert gc_fn(lambda r: P.view_as_real(r * 1j), (y,))


# -- save and load ----------------------------------------------------------------------------

def test_save_and_load():
    state = {"z": _z([1 + 2j, 3 - 1j]), "d": _z([5j], P.complex128)}
    buf = io.BytesIO()
    P.save(state, buf)
    buf.seek(0)
    loaded = P.load(buf)
    assert loaded["z"].dtype is P.complex64 and loaded["z"].tolist() == [1 + 2j, 3 - 1j]
    assert loaded["d"].dtype is P.complex128 and loaded["d"].tolist() == [5j]


def test_torch_format_both_ways(torch, tmp_path):
    ours = {"z": _z([1 + 2j, 3 - 1j]), "d": _z([5j], P.complex128)}
    P.save(ours, tmp_path / "ours.pt", _use_torch_format=True)
    back = torch.load(tmp_path / "ours.pt")  # ComplexFloatStorage, ComplexDoubleStorage
    assert back["z"].dtype == torch.complex64 and back["z"].tolist() == [1 + 2j, 3 - 1j]
    assert back["d"].dtype == torch.complex128
    torch.save({"z": torch.tensor([2 - 1j])}, tmp_path / "theirs.pt")
    assert P.load(tmp_path / "theirs.pt")["z"].tolist() == [2 - 1j]


# -- custom Functions ------------------------------------------------------------------------

class _TimesI(P.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1j

    @staticmethod
    def backward(ctx, grad):
        return (grad * -1j).real


class _TimesIComplexGrad(_TimesI):
    @staticmethod
    def backward(ctx, grad):
        return grad * -1j


def test_custom_function_with_a_complex_output():
    x = P.ones(2, requires_grad=True)
    out = _TimesI.apply(x)
    assert out.dtype is P.complex64 and out.requires_grad
    P.view_as_real(out).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]  # d/dx of (0 + x): the real part of (1 + 1j) * -1j


def test_custom_function_returning_a_complex_gradient_for_a_real_input_is_refused():
    # PyTorch's engine refuses it too (input_is_complex == grad_is_complex)
    x = P.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="complex gradient"):
        P.view_as_real(_TimesIComplexGrad.apply(x)).sum().backward()


def test_testing_tolerances_of_complex_are_their_parts():
    z = _z([1 + 2j, 3 - 1j])
    P.testing.assert_close(z, z + 1e-7j)  # within complex64's (float32's) defaults
    with pytest.raises(AssertionError, match="not close"):
        P.testing.assert_close(z, z + 1e-3j)
    assert P.allclose(z, z + 1e-7j) and P.isclose(z, z).all() and P.equal(z, z)


_COMPLEX_INTO_REAL = {
    "masked_fill": lambda x: x.masked_fill(P.tensor([True, False]), 1j),
    "scatter_add": lambda x: x.scatter_add(0, P.tensor([0, 1]), P.tensor([1j, 2j])),
    "put": lambda x: x.put(P.tensor([0]), P.tensor([1j])),
    "pad": lambda x: P.nn.functional.pad(x, (1, 1), value=1j),
    "index_add": lambda x: x.index_add(0, P.tensor([0]), P.tensor([1j])),
}


@pytest.mark.parametrize("name", list(_COMPLEX_INTO_REAL))
def test_complex_values_into_a_real_tensor_are_refused(name):
    """Never NumPy's silent real part: the kernels refuse (ops with complex support write complex
    values only into complex tensors)."""
    with pytest.raises((RuntimeError, TypeError), match="complex|Complex"):
        _COMPLEX_INTO_REAL[name](P.ones(2))


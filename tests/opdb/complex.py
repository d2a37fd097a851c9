"""OpInfos of complex tensors (issue 12): the views between complex and real, the constructors,
and the ops that declare complex support, each tested through real inputs and outputs.

Every entry is a function of float tensors (pairs of real and imaginary parts in a last dim
of 2 where complex values go in, through view_as_complex) whose result is real again (through
view_as_real, .real/.imag, abs or angle), so the generic tests apply unchanged: forward against
the NumPy reference, gradcheck and gradgradcheck in float64 -- on real numbers, as finite
differences need, which checks PyTorch's conjugate Wirtinger convention of the complex
gradients in between -- and values, gradients, dtypes and grad_fn names against PyTorch.
pyautograd's gradcheck refuses complex inputs and outputs (it never skips them).
"""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg


def _torch():
    import torch
    return torch


def _both(make):
    """(op, torch_fn) from make(lib) -> function: the same composition on either library."""
    return make(P), (lambda *a: make(_torch())(*a))


def _c(x):
    """NumPy: pairs (..., 2) as complex numbers (set part by part: 1j * inf would make a NaN)."""
    z = np.empty(x.shape[:-1], np.complex128)
    z.real, z.imag = x[..., 0], x[..., 1]
    return z


def _r(z, like):
    """NumPy: complex numbers as pairs (..., 2), in the float dtype of `like`."""
    return np.stack([z.real, z.imag], -1).astype(like.dtype)


def _pairs(shape, dtype, rng, **kw):
    # Parts kept away from 0: angle's branch cut (the negative real axis) and abs's kink at 0
    # stay out of gradcheck's steps.
    return make_arg(tuple(shape) + (2,), dtype, rng, avoid=(0.0,), margin=0.05, **kw)


def _unary_samples(dtype, rng):
    return [SampleInput((_pairs((2, 3), dtype, rng),), desc="2x3"),
            SampleInput((_pairs((), dtype, rng),), desc="0-d"),
            SampleInput((_pairs((4,), dtype, rng),), desc="4")]


def _binary_samples(dtype, rng):
    return [SampleInput((_pairs((2, 3), dtype, rng), _pairs((2, 3), dtype, rng)), desc="2x3"),
            SampleInput((_pairs((2, 3), dtype, rng), _pairs((3,), dtype, rng)), desc="broadcast"),
            SampleInput((_pairs((), dtype, rng), _pairs((2,), dtype, rng)), desc="0-d")]


def _parts_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng)), desc="2x3"),
            SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng)), desc="broadcast"),
            SampleInput((make_arg((), dtype, rng), make_arg((), dtype, rng)), desc="0-d")]


def _polar_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng, low=0.2, high=2.0), make_arg((2, 3), dtype, rng)), desc="2x3"),
            SampleInput((make_arg((3,), dtype, rng, low=0.2, high=2.0), make_arg((2, 3), dtype, rng)),
                        desc="broadcast")]


def _real_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng, avoid=(0.0,), margin=0.05),), desc="2x3"),
            SampleInput((make_arg((), dtype, rng, avoid=(0.0,), margin=0.05),), desc="0-d")]


def _matmul_samples(dtype, rng):
    return [SampleInput((_pairs((3, 4), dtype, rng), _pairs((4, 2), dtype, rng)), desc="mm"),
            SampleInput((_pairs((2, 3, 4), dtype, rng), _pairs((4,), dtype, rng)), desc="batch @ vector"),
            SampleInput((_pairs((4,), dtype, rng), _pairs((4,), dtype, rng)), desc="dot"),
            SampleInput((_pairs((2, 3, 4), dtype, rng), _pairs((2, 4, 2), dtype, rng)), desc="bmm")]


def _where_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), np.bool_, rng), _pairs((2, 3), dtype, rng), _pairs((2, 3), dtype, rng)),
                        desc="2x3", grad_args=(1, 2)),
            SampleInput((make_arg((2, 3), np.bool_, rng), _pairs((3,), dtype, rng), _pairs((2, 1), dtype, rng)),
                        desc="broadcast", grad_args=(1, 2))]


def _equal_samples(dtype, rng):
    x = _pairs((2, 3), dtype, rng)
    y = x.copy()
    y[0, :, 1] += 1  # the first row differs in its imaginary parts only
    y[1, 0, 0] -= 1  # one element in its real part only
    return [SampleInput((x, y), desc="2x3")]


def _special_samples(dtype, rng):
    x = _pairs((6,), dtype, rng)
    x[0, 0], x[1, 1], x[2, 0], x[3, 1] = np.nan, np.nan, np.inf, -np.inf
    return [SampleInput((x,), desc="nan and inf parts")]


def _matrix_samples(dtype, rng):
    return [SampleInput((_pairs((3, 3), dtype, rng),), desc="3x3")]


def _index_add_samples(dtype, rng):
    return [SampleInput((_pairs((3, 2), dtype, rng), _pairs((2, 2), dtype, rng)), desc="3x2, repeated index")]


def _index_add_ref(x, y):
    out = x.copy()
    out[1] += 2.0 * (y[0] + y[1])
    return out


def _rotary_samples(dtype, rng):
    return [SampleInput((make_arg((2, 4, 3, 8), dtype, rng), make_arg((4, 4), dtype, rng)), desc="LLaMA rotary")]


def _rotary(lib):
    # The LLaMA rotary embedding: pairs of features rotated by position-dependent angles.
    def rotary(xq, freqs):
        freqs_cis = lib.polar(lib.ones_like(freqs), freqs)
        xq_ = lib.view_as_complex(xq.reshape(*xq.shape[:-1], -1, 2))
        return lib.view_as_real(xq_ * freqs_cis.view(1, xq.shape[1], 1, -1)).flatten(3)
    return rotary


def _rotary_ref(xq, freqs):
    z = _c(xq.reshape(*xq.shape[:-1], -1, 2)) * np.exp(1j * freqs)[None, :, None, :]
    return _r(z, xq).reshape(xq.shape)


_COMPLEX_OF = {np.dtype(np.float32): "complex64", np.dtype(np.float64): "complex128"}


def _entry(name, make, samples, ref, variant="", covers=(), **kw):
    op, torch_fn = _both(make)
    return OpInfo(name, op, samples, ref=ref, torch_fn=torch_fn, variant=variant, covers=covers, **kw)


vc = "view_as_complex"
OPS = [
    # the views: a complex view of the pairs, and its real view again (through a complex op)
    _entry("view_as_complex", lambda lib: lambda x: lib.view_as_complex(x).imag, _unary_samples,
           lambda x: x[..., 1]),
    _entry("view_as_real", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x) * (2 - 1j)),
           _unary_samples, lambda x: _r(_c(x) * (2 - 1j), x)),
    _entry("real", lambda lib: lambda x: lib.real(lib.view_as_complex(x)), _unary_samples, lambda x: x[..., 0]),
    _entry("imag", lambda lib: lambda x: lib.imag(lib.view_as_complex(x)), _unary_samples, lambda x: x[..., 1]),
    # real -> complex constructors (ComplexBackward0, PolarBackward0: real gradients)
    _entry("complex", lambda lib: lambda a, b: lib.view_as_real(lib.complex(a, b)), _parts_samples,
           lambda a, b: np.stack(np.broadcast_arrays(a, b), -1)),
    _entry("polar", lambda lib: lambda r, t: lib.view_as_real(lib.polar(r, t)), _polar_samples,
           lambda r, t: _r(r * np.exp(1j * t.astype(np.float64)), r)),
    # angle of a real tensor (0 or pi; gradient zero) and of a complex one
    _entry("angle", lambda lib: lambda x: lib.angle(x), _real_samples,
           lambda x: np.where(x < 0, np.pi, 0.0).astype(x.dtype)),
    _entry("angle", lambda lib: lambda x: lib.angle(lib.view_as_complex(x)), _unary_samples,
           lambda x: np.angle(_c(x)).astype(x.dtype), variant="complex"),
    # the ops that declare complex support, on complex operands
    _entry("abs", lambda lib: lambda x: lib.view_as_complex(x).abs(), _unary_samples,
           lambda x: np.abs(_c(x)).astype(x.dtype), variant="complex"),
    _entry("mul", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x) * lib.view_as_complex(y)),
           _binary_samples, lambda x, y: _r(_c(x) * _c(y), x), variant="complex"),
    _entry("div", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x) / lib.view_as_complex(y)),
           _binary_samples, lambda x, y: _r(_c(x) / _c(y), x), variant="complex"),
    _entry("add", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x) + lib.view_as_complex(y) * 1j),
           _binary_samples, lambda x, y: _r(_c(x) + _c(y) * 1j, x), variant="complex"),
    _entry("sub", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x) - lib.view_as_complex(y)),
           _binary_samples, lambda x, y: _r(_c(x) - _c(y), x), variant="complex"),
    _entry("exp", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).exp()), _unary_samples,
           lambda x: _r(np.exp(_c(x)), x), variant="complex"),
    _entry("conj", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).conj() * lib.view_as_complex(x)),
           _unary_samples, lambda x: _r(np.conj(_c(x)) * _c(x), x), variant="complex"),
    _entry("conj_physical", lambda lib: lambda x: lib.view_as_real(lib.conj_physical(lib.view_as_complex(x)) * 2),
           _unary_samples, lambda x: _r(np.conj(_c(x)) * 2, x), variant="complex",
           covers=("conj_physical_complex",)),
    _entry("sum", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).sum(-1)), _unary_samples,
           lambda x: _r(np.sum(_c(x), -1), x), variant="complex"),
    _entry("mean", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).mean()), _unary_samples,
           lambda x: _r(np.mean(_c(x)), x), variant="complex"),
    _entry("matmul", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x) @ lib.view_as_complex(y)),
           _matmul_samples, lambda x, y: _r(_c(x) @ _c(y), x), variant="complex"),
    _entry("to", lambda lib: lambda x: lib.view_as_real(x.to(getattr(lib, _COMPLEX_OF[np.dtype(str(x.dtype).split(".")[-1])]))
                                                         * (1 + 2j)),
           _real_samples, lambda x: _r(x * (1 + 2j), x), variant="complex"),
    _entry("where", lambda lib: lambda c, x, y: lib.view_as_real(lib.where(c, lib.view_as_complex(x),
                                                                          lib.view_as_complex(y))),
           _where_samples, lambda c, x, y: _r(np.where(c, _c(x), _c(y)), x), variant="complex"),
    _entry("eq", lambda lib: lambda x, y: lib.view_as_complex(x) == lib.view_as_complex(y), _equal_samples,
           lambda x, y: _c(x) == _c(y), variant="complex", supports_autograd=False),
    _entry("ne", lambda lib: lambda x, y: lib.view_as_complex(x) != lib.view_as_complex(y), _equal_samples,
           lambda x, y: _c(x) != _c(y), variant="complex", supports_autograd=False),
    _entry("isfinite", lambda lib: lambda x: lib.view_as_complex(x).isfinite(), _special_samples,
           lambda x: np.isfinite(_c(x)), variant="complex", supports_autograd=False),
    _entry("isnan", lambda lib: lambda x: lib.view_as_complex(x).isnan(), _special_samples,
           lambda x: np.isnan(_c(x)), variant="complex", supports_autograd=False),
    _entry("isinf", lambda lib: lambda x: lib.view_as_complex(x).isinf(), _special_samples,
           lambda x: np.isinf(_c(x)), variant="complex", supports_autograd=False),
    _entry("pow", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x) ** 3), _unary_samples,
           lambda x: _r(_c(x) ** 3, x), variant="complex"),
    _entry("pow", lambda lib: lambda x: lib.view_as_real(x.abs() ** (0.5 - 1.5j)), _real_samples,
           lambda x: _r(np.abs(x).astype(np.float64) ** (0.5 - 1.5j), x), variant="complex_exponent"),
    _entry("sqrt", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).sqrt()), _unary_samples,
           lambda x: _r(np.sqrt(_c(x)), x), variant="complex"),
    _entry("log", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).log()), _unary_samples,
           lambda x: _r(np.log(_c(x)), x), variant="complex"),
    # data movement on complex tensors (gradients: the same moves back, in the complex dtype)
    _entry("tril", lambda lib: lambda x: lib.view_as_real(lib.tril(lib.view_as_complex(x))), _matrix_samples,
           lambda x: _r(np.tril(_c(x)), x), variant="complex"),
    _entry("triu", lambda lib: lambda x: lib.view_as_real(lib.triu(lib.view_as_complex(x), 1)), _matrix_samples,
           lambda x: _r(np.triu(_c(x), 1), x), variant="complex"),
    _entry("gather", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).gather(1, lib.tensor([[0, 0], [2, 1], [1, 1]]))),
           _matrix_samples, lambda x: _r(np.take_along_axis(_c(x), np.array([[0, 0], [2, 1], [1, 1]]), 1), x),
           variant="complex", covers=("scatter_add",)),
    _entry("index_select", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).index_select(0, lib.tensor([2, 0, 2]))),
           _matrix_samples, lambda x: _r(_c(x)[[2, 0, 2]], x), variant="complex"),
    _entry("index_add", lambda lib: lambda x, y: lib.view_as_real(lib.view_as_complex(x).index_add(
                0, lib.tensor([1, 1]), lib.view_as_complex(y), alpha=2.0)),
           _index_add_samples, lambda x, y: _r(_index_add_ref(_c(x), _c(y)), x), variant="complex"),
    _entry("masked_select", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).masked_select(
                lib.tensor([[True, False, True]] * 3))), _matrix_samples,
           lambda x: _r(_c(x)[np.array([[True, False, True]] * 3)], x), variant="complex"),
    _entry("masked_fill", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).masked_fill(
                lib.tensor([[True, False, True]] * 3), 2 - 1j)), _matrix_samples,
           lambda x: _r(np.where(np.array([[True, False, True]] * 3), 2 - 1j, _c(x)), x), variant="complex"),
    _entry("nonzero", lambda lib: lambda x: lib.nonzero(lib.view_as_complex(x) * lib.tensor([1.0, 0.0, 1.0])),
           _matrix_samples, lambda x: np.argwhere(_c(x) * np.array([1, 0, 1])), variant="complex",
           supports_autograd=False),
    _entry("count_nonzero", lambda lib: lambda x: lib.count_nonzero(lib.view_as_complex(x) * lib.tensor([1.0, 0.0, 1.0]), 0),
           _matrix_samples, lambda x: np.count_nonzero(_c(x) * np.array([1, 0, 1]), 0), variant="complex",
           supports_autograd=False),
    _entry("pad", lambda lib: lambda x: lib.view_as_real(lib.nn.functional.pad(lib.view_as_complex(x), (1, 2))),
           _matrix_samples, lambda x: _r(np.pad(_c(x), ((0, 0), (1, 2))), x), variant="complex",
           covers=("constant_pad_nd",)),
    _entry("rot90", lambda lib: lambda x: lib.view_as_real(lib.rot90(lib.view_as_complex(x))), _matrix_samples,
           lambda x: _r(np.rot90(_c(x)), x), variant="complex"),
    _entry("unfold", lambda lib: lambda x: lib.view_as_real(lib.view_as_complex(x).unfold(1, 2, 1)),
           _matrix_samples, lambda x: _r(np.stack([_c(x)[:, 0:2], _c(x)[:, 1:3]], 1), x), variant="complex",
           covers=("unfold", "unfold_backward")),
    _entry("trace", lambda lib: lambda x: lib.view_as_real(lib.trace(lib.view_as_complex(x))), _matrix_samples,
           lambda x: _r(np.trace(_c(x)), x), variant="complex", covers=("trace_backward",)),
    _entry("diag", lambda lib: lambda x: lib.view_as_real(lib.diag(lib.view_as_complex(x))), _matrix_samples,
           lambda x: _r(np.diag(_c(x)), x), variant="complex"),
    _entry("diag_embed", lambda lib: lambda x: lib.view_as_real(lib.diag_embed(lib.view_as_complex(x))), _matrix_samples,
           lambda x: _r(np.stack([np.diag(row) for row in _c(x)]), x), variant="complex"),
    _entry("take", lambda lib: lambda x: lib.view_as_real(lib.take(lib.view_as_complex(x), lib.tensor([0, 8, 4, 8]))),
           _matrix_samples, lambda x: _r(_c(x).reshape(-1)[[0, 8, 4, 8]], x), variant="complex", covers=("put",)),
    # the pattern the issue names: LLaMA's rotary embedding
    _entry("view_as_real", _rotary, _rotary_samples, _rotary_ref, variant="rotary"),
]

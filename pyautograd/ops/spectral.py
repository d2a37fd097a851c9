"""torch.fft (issue 12): the discrete Fourier transforms, built on PyTorch's three primitives.

- ``fft_c2c`` (FftC2CBackward0): complex to complex over some dims; its backward is the
  transform in the other direction with the same normalization;
- ``fft_r2c`` (FftR2CBackward0): real to complex, the whole spectrum or the one-sided half
  (the last dim's first n // 2 + 1 bins); its backward pads the one-sided gradient with zeros
  to the full spectrum, transforms it back and keeps the real part;
- ``fft_c2r`` (FftC2RBackward0): a one-sided spectrum to a real signal; its backward is the
  one-sided transform of the gradient with the bins that stand for two (1 .. n - n//2 - 1,
  each paired with its conjugate in the full spectrum) doubled.

The front ends (fft, rfft, irfft, hfft, ... and their 2-d and n-d forms) compose them as
PyTorch's do, so the grad_fn chains are PyTorch's: a real input of a complex transform is cast
first (ToCopyBackward0), a signal cut or padded to `n` goes through slicing (SliceBackward0)
and constant_pad_nd, an inverse of a real input is the conjugate of the forward (ConjBackward0).
``normalization`` is an int: 0 none, 1 by sqrt(n), 2 by n (kernels/_numpy/fft.py).
"""
import functools
import numbers

import numpy as np

from .. import _creation, _dtype, kernels
from .._tensor import Tensor
from ._out import with_out
from ._opdef import defop
from .complex_real import _SCALAR_NAMES, conj, conj_physical, real
from .nn_layers import constant_pad_nd
from .shape import roll

# -- the primitives -------------------------------------------------------------------------------


def _r2c_backward(grad, dim, normalization, onesided, input_shapes):
    if onesided:
        last, full = dim[-1], input_shapes[0][dim[-1]]
        # constant_pad_nd's pairs run from the last dim backwards: pad dim `last` at its end
        pad = (0, 0) * (grad.ndim - 1 - last) + (0, full - grad.shape[last])
        grad = constant_pad_nd(grad, pad, 0)
    return real(fft_c2c(grad, dim, normalization, False))


def _c2r_backward(grad, dim, normalization, last_dim_size):
    spectrum = fft_r2c(grad, dim, normalization, True)
    bins = spectrum.shape[dim[-1]]
    doubled = last_dim_size - bins
    if doubled <= 0:
        return spectrum
    weights = np.ones(bins, grad._data.dtype)
    weights[1:1 + doubled] = 2.0
    shape = [1] * spectrum.ndim
    shape[dim[-1]] = bins
    return spectrum * _creation.tensor(weights.reshape(shape))


fft_c2c = defop("fft_c2c", "input, dim, normalization, forward", kernels.fft_c2c, promote=None, complex=True,
                node_name="FftC2CBackward0",
                grads={"input": lambda grad, dim, normalization, forward: fft_c2c(grad, dim, normalization,
                                                                                  not forward)})
fft_r2c = defop("fft_r2c", "input, dim, normalization, onesided", kernels.fft_r2c, promote=None,
                node_name="FftR2CBackward0", grads={"input": _r2c_backward})
fft_c2r = defop("fft_c2r", "input, dim, normalization, last_dim_size", kernels.fft_c2r, promote=None,
                complex=True, node_name="FftC2RBackward0", grads={"input": _c2r_backward})

# -- argument handling, as PyTorch's SpectralOps --------------------------------------------------


def _norm(norm, forward):
    """PyTorch's normalization code for `norm` in this direction."""
    if norm is None or norm == "backward":
        return 0 if forward else 2
    if norm == "forward":
        return 2 if forward else 0
    if norm == "ortho":
        return 1
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _promote(input, require_complex, op):
    """`input` in the dtype its transform runs in: integers and bools become the default float
    dtype, and with `require_complex` real dtypes their complex one (float32 -> complex64)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    dt = input.dtype
    if dt.is_complex:
        return input
    if dt in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"Unsupported dtype {_SCALAR_NAMES[dt.name]}")
    if not dt.is_floating_point:
        dt = _dtype.get_default_dtype()
    if require_complex:
        dt = _dtype.complex64 if dt is _dtype.float32 else _dtype.complex128
    return input if dt is input.dtype else input.to(dt)


def _int(op, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"fft_{op}(): argument '{name}' must be int, not {type(value).__name__}")
    return int(value)


def _wrap(dim, ndim):
    """A dim of a transform as a non-negative index (a 0-d tensor has none to transform)."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _check_points(sizes):
    for n in sizes:
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _resize(x, dims, sizes):
    """`x` cut (slicing) or zero-padded (one constant_pad_nd) to `sizes` along `dims`."""
    pad = [0] * (2 * x.ndim)
    for d, n in zip(dims, sizes):
        if x.shape[d] > n:
            x = x.narrow(d, 0, n)
        elif x.shape[d] < n:
            pad[2 * (x.ndim - 1 - d) + 1] = n - x.shape[d]
    return constant_pad_nd(x, tuple(pad), 0) if any(pad) else x


def _one_dim(op, input, n, dim):
    """(dim, n or None) of a 1-d transform, checked."""
    dim = _wrap(_int(op, "dim", dim), input.ndim)
    if n is not None:
        n = _int(op, "n", n)
    return dim, n


def _shape_and_dims(op, input, s, dim):
    """(dims, sizes) of an n-d transform: PyTorch's canonical form of `s` and `dim` (dims in the
    order given, the last one the half-spectrum dim of rfftn/irfftn; a size of -1 keeps the
    input's)."""
    ndim = input.ndim
    dims = None
    if dim is not None:
        given = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        dims = [_wrap(_int(op, "dim", d), ndim) for d in given]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = [_int(op, "s", v) for v in ((s,) if isinstance(s, numbers.Integral) else tuple(s))]
        if dims is not None and len(dims) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
        if dims is None:
            dims = list(range(ndim - len(s), ndim))
        sizes = [input.shape[d] if v == -1 else v for d, v in zip(dims, s)]
    else:
        dims = list(range(ndim)) if dims is None else dims
        sizes = [input.shape[d] for d in dims]
    _check_points(sizes)
    return dims, sizes


def _fft_out(complex_result):
    """The function with PyTorch's keyword-only out= (cast into `out`, which must be complex
    for a complex result and real for a real one, as PyTorch checks first)."""
    def decorate(fn):
        plain = with_out(fn, fn.__name__, "cast")

        @functools.wraps(plain)
        def function(*args, out=None, **kwargs):
            if isinstance(out, Tensor) and out.dtype.is_complex != complex_result:
                kind = "complex" if complex_result else "floating point"
                raise RuntimeError(f"{fn.__name__} expects a {kind} output tensor, but got "
                                   f"{_SCALAR_NAMES[out.dtype.name]}")
            return plain(*args, out=out, **kwargs)
        return function
    return decorate


# -- the 1-d transforms ---------------------------------------------------------------------------


def _c2c(op, input, n, dim, norm, forward):
    input = _promote(input, True, op)
    dim, n = _one_dim(op, input, n, dim)
    if n is not None:
        _check_points([n])
        input = _resize(input, [dim], [n])
    _check_points([input.shape[dim]])
    return fft_c2c(input, (dim,), _norm(norm, forward), forward)


def _r2c(op, input, n, dim, norm, forward, onesided):
    if isinstance(input, Tensor) and input.dtype.is_complex:
        raise RuntimeError(f"{op} expects a real input tensor, but got {_SCALAR_NAMES[input.dtype.name]}")
    input = _promote(input, False, op)
    dim, n = _one_dim(op, input, n, dim)
    if n is not None:
        _check_points([n])
        input = _resize(input, [dim], [n])
    _check_points([input.shape[dim]])
    result = fft_r2c(input, (dim,), _norm(norm, forward), onesided)
    return result if forward else conj(result)


def _c2r(op, input, n, dim, norm, forward):
    input = _promote(input, True, op)
    dim, n = _one_dim(op, input, n, dim)
    size = 2 * (input.shape[dim] - 1) if n is None else n
    _check_points([size])
    if n is not None:
        input = _resize(input, [dim], [size // 2 + 1])
    if forward:  # hfft: the Hermitian signal's transform is the inverse of its conjugate, unscaled
        input = conj(input)
    return fft_c2r(input, (dim,), _norm(norm, forward), size)


@_fft_out(True)
def fft(input, n=None, dim=-1, norm=None):
    """The discrete Fourier transform of `input` along `dim`, cut or zero-padded to `n` points
    (norm: "backward" (default, unscaled), "ortho" (1/sqrt(n)) or "forward" (1/n)). A real input
    gives the complex dtype of its precision (float32 -> complex64; integers: the default's)."""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _c2c("fft", input, n, dim, norm, True)
    return _r2c("fft", input, n, dim, norm, True, False)


@_fft_out(True)
def ifft(input, n=None, dim=-1, norm=None):
    """The inverse discrete Fourier transform along `dim` (norm "backward", the default, divides by n)."""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _c2c("ifft", input, n, dim, norm, False)
    return _r2c("ifft", input, n, dim, norm, False, False)


@_fft_out(True)
def rfft(input, n=None, dim=-1, norm=None):
    """The transform of a real signal: its one-sided spectrum, n // 2 + 1 bins along `dim`."""
    return _r2c("rfft", input, n, dim, norm, True, True)


@_fft_out(False)
def irfft(input, n=None, dim=-1, norm=None):
    """The inverse of rfft: a real signal of `n` points (default 2 * (bins - 1)) from a one-sided
    spectrum (the imaginary parts of bin 0 and, for even n, bin n / 2 are ignored)."""
    return _c2r("irfft", input, n, dim, norm, False)


@_fft_out(False)
def hfft(input, n=None, dim=-1, norm=None):
    """The transform of a Hermitian signal given by its first half: a real spectrum of `n` points."""
    return _c2r("hfft", input, n, dim, norm, True)


@_fft_out(True)
def ihfft(input, n=None, dim=-1, norm=None):
    """The inverse of hfft: the first half (n // 2 + 1 points) of the Hermitian signal whose
    transform is the real `input`."""
    return _r2c("ihfft", input, n, dim, norm, False, True)


# -- the n-d transforms ---------------------------------------------------------------------------


def _c2c_n(op, input, s, dim, norm, forward):
    input = _promote(input, True, op)
    dims, sizes = _shape_and_dims(op, input, s, dim)
    return fft_c2c(_resize(input, dims, sizes), tuple(dims), _norm(norm, forward), forward)


def _real_only(op, input, message):
    if isinstance(input, Tensor) and input.dtype.is_complex:
        raise RuntimeError(f"{message}, but found: {_SCALAR_NAMES[input.dtype.name]}"
                           if message.startswith("Only") else f"{message}, but got {_SCALAR_NAMES[input.dtype.name]}")
    return _promote(input, False, op)


def _some_axis(op, dims):
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")


def _rfftn(op, input, s, dim, norm):
    input = _real_only(op, input, "rfftn expects a real-valued input tensor")
    dims, sizes = _shape_and_dims(op, input, s, dim)
    _some_axis("rfftn", dims)
    return fft_r2c(_resize(input, dims, sizes), tuple(dims), _norm(norm, True), True)


def _c2r_n(op, input, s, dim, norm, forward):
    """irfftn (forward False) and hfftn (True): (dims, last size, the resized complex input)."""
    input = _promote(input, True, op)
    dims, sizes = _shape_and_dims(op, input, s, dim)
    _some_axis(op, dims)
    last = 2 * (input.shape[dims[-1]] - 1) if s is None or list(np.atleast_1d(s))[-1] == -1 else sizes[-1]
    _check_points([last])
    sizes[-1] = last // 2 + 1
    return dims, last, _resize(input, dims, sizes)


def _irfftn(op, input, s, dim, norm):
    dims, last, x = _c2r_n(op, input, s, dim, norm, False)
    return fft_c2r(x, tuple(dims), _norm(norm, False), last)


def _hfftn(op, input, s, dim, norm):
    dims, last, x = _c2r_n(op, input, s, dim, norm, True)
    normalization = _norm(norm, True)
    if len(dims) > 1:
        x = fft_c2c(x, tuple(dims[:-1]), normalization, True)
    return fft_c2r(conj(x), (dims[-1],), normalization, last)


def _ihfftn(op, input, s, dim, norm):
    input = _real_only(op, input, "Only supports floating-point dtypes")
    dims, sizes = _shape_and_dims(op, input, s, dim)
    _some_axis("ihfftn", dims)
    normalization = _norm(norm, False)
    half = fft_r2c(_resize(input, dims, sizes), (dims[-1],), normalization, True)
    if len(dims) == 1:
        return conj(half)
    return fft_c2c(conj_physical(half), tuple(dims[:-1]), normalization, False)


@_fft_out(True)
def fft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-d discrete Fourier transform (over `dim`, each cut or zero-padded to `s`)."""
    return _c2c_n("fft2", input, s, dim, norm, True)


@_fft_out(True)
def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-d inverse discrete Fourier transform."""
    return _c2c_n("ifft2", input, s, dim, norm, False)


@_fft_out(True)
def fftn(input, s=None, dim=None, norm=None):
    """The n-d discrete Fourier transform (over `dim`, default every dim, or the last len(s))."""
    return _c2c_n("fftn", input, s, dim, norm, True)


@_fft_out(True)
def ifftn(input, s=None, dim=None, norm=None):
    """The n-d inverse discrete Fourier transform."""
    return _c2c_n("ifftn", input, s, dim, norm, False)


@_fft_out(True)
def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-d transform of a real signal, one-sided along the last of `dim`."""
    return _rfftn("rfft2", input, s, dim, norm)


@_fft_out(True)
def rfftn(input, s=None, dim=None, norm=None):
    """The n-d transform of a real signal, one-sided along the last of `dim`."""
    return _rfftn("rfftn", input, s, dim, norm)


@_fft_out(False)
def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of rfft2: a real signal (the last of `s` defaults to 2 * (bins - 1))."""
    return _irfftn("irfft2", input, s, dim, norm)


@_fft_out(False)
def irfftn(input, s=None, dim=None, norm=None):
    """The inverse of rfftn: a real signal (the last of `s` defaults to 2 * (bins - 1))."""
    return _irfftn("irfftn", input, s, dim, norm)


@_fft_out(False)
def hfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-d transform of a Hermitian signal given by its half along the last of `dim`."""
    return _hfftn("hfft2", input, s, dim, norm)


@_fft_out(False)
def hfftn(input, s=None, dim=None, norm=None):
    """The n-d transform of a Hermitian signal given by its half along the last of `dim`."""
    return _hfftn("hfftn", input, s, dim, norm)


@_fft_out(True)
def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of hfft2: the half (along the last of `dim`) of a Hermitian signal."""
    return _ihfftn("ihfft2", input, s, dim, norm)


@_fft_out(True)
def ihfftn(input, s=None, dim=None, norm=None):
    """The inverse of hfftn: the half (along the last of `dim`) of a Hermitian signal."""
    return _ihfftn("ihfftn", input, s, dim, norm)


# -- frequencies and shifts -----------------------------------------------------------------------


def _frequencies(op, count, n, d, dtype, device, requires_grad, negative):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"fft_{op}(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    if dt.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_SCALAR_NAMES[dt.name]}'")
    if not dt.is_floating_point:
        raise RuntimeError(f"{op} requires a floating point or complex dtype")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    values = np.arange(count, dtype=dt.numpy_dtype)
    if negative:
        values[(n + 1) // 2:] -= n
    # PyTorch scales the integers by the number 1 / (n d) rounded to the tensor's dtype
    values = values * dt.numpy_dtype.type(1.0 / (n * d)) if n else values
    return _creation.tensor(values, device=device, requires_grad=requires_grad)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point transform with sample spacing d: [0, 1, ...,
    (n - 1) // 2, -(n // 2), ..., -1] / (n d), in the default dtype unless `dtype` is given."""
    if out is not None:
        return with_out(fftfreq, "fftfreq", "dtype")(n, d, dtype=dtype, device=device, out=out)
    return _frequencies("fftfreq", n, n, d, dtype, device, requires_grad, True)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of rfft's n // 2 + 1 bins: [0, 1, ..., n // 2] / (n d)."""
    if out is not None:
        return with_out(rfftfreq, "rfftfreq", "dtype")(n, d, dtype=dtype, device=device, out=out)
    return _frequencies("rfftfreq", n // 2 + 1 if n >= 0 else n, n, d, dtype, device, requires_grad, False)


def _shift(input, dim, up):
    if not isinstance(input, Tensor):
        raise TypeError(f"argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    dims = range(input.ndim) if dim is None else ((dim,) if isinstance(dim, numbers.Integral) else tuple(dim))
    dims = [_wrap(d, input.ndim) for d in dims]
    return roll(input, tuple((input.shape[d] + up) // 2 for d in dims), tuple(dims))


def fftshift(input, dim=None):
    """`input` rolled so that frequency 0 is in the middle of `dim` (default: every dim)."""
    return _shift(input, dim, 0)


def ifftshift(input, dim=None):
    """The inverse of fftshift."""
    return _shift(input, dim, 1)


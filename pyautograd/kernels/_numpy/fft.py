"""The discrete Fourier transforms (NumPy only: numpy.fft's pocketfft, which computes float32 and
float64 in their own precision). Three kernels, as PyTorch's three primitives: complex to
complex, real to complex, complex to real, each over several dims at once.

`normalization` is PyTorch's: 0 leaves the sums unscaled, 1 divides them by sqrt(n), 2 by n,
with n the product of the signal sizes (the real signal's for r2c and c2r). The direction does
not change the scale, so the backward of each transform is another with the same
normalization."""
import numpy as np

__all__ = ["fft_c2c", "fft_r2c", "fft_c2r"]

# numpy.fft's `norm` that scales its forward (exp(-i...)) and its inverse transform as
# PyTorch's normalization code does: numpy divides the forward by n under "forward", the
# inverse by n under "backward", either by sqrt(n) under "ortho".
_FORWARD_NORM = ("backward", "ortho", "forward")
_INVERSE_NORM = ("forward", "ortho", "backward")
_COMPLEX = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128)}


def fft_c2c(x, dims, normalization, forward):
    """The complex transform of complex `x` over `dims` (forward: exp(-2 pi i jk / n))."""
    if not dims:
        return x.copy()
    if forward:
        return np.fft.fftn(x, axes=dims, norm=_FORWARD_NORM[normalization]).astype(x.dtype, copy=False)
    return np.fft.ifftn(x, axes=dims, norm=_INVERSE_NORM[normalization]).astype(x.dtype, copy=False)


def fft_r2c(x, dims, normalization, onesided):
    """The forward transform of real `x` over `dims`; `onesided` keeps the last dim's first
    n // 2 + 1 bins (the rest are their conjugates)."""
    dtype = _COMPLEX[x.dtype]
    if onesided:
        return np.fft.rfftn(x, axes=dims, norm=_FORWARD_NORM[normalization]).astype(dtype, copy=False)
    return fft_c2c(x.astype(dtype), dims, normalization, True)


def fft_c2r(x, dims, normalization, last_dim_size):
    """The inverse transform over `dims` of a one-sided spectrum `x` (last dim of
    last_dim_size // 2 + 1 bins) to a real signal of `last_dim_size` points along dims[-1]; the
    imaginary parts that a real signal's spectrum cannot have (bin 0, and bin n / 2 when n is
    even) are ignored."""
    sizes = [x.shape[d] for d in dims[:-1]] + [last_dim_size]
    out = np.fft.irfftn(x, s=sizes, axes=dims, norm=_INVERSE_NORM[normalization])
    return out.astype(x.real.dtype, copy=False)

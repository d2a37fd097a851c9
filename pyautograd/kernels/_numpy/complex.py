"""Complex-number kernels (NumPy only: the C kernels take float32/float64 arrays and are never
handed complex ones). The views share memory with their input, as PyTorch's do."""
import numpy as np

__all__ = ["view_as_real", "view_as_complex", "complex", "polar", "angle", "conj"]

_REAL = {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64)}
_COMPLEX = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128)}


def view_as_real(x):
    """The complex array `x` as a real view of shape x.shape + (2,) (real, imaginary)."""
    # A trailing axis of length 1 is contiguous whatever x's strides, so NumPy can reinterpret
    # it as two floats: the view keeps x's strides (in bytes) and adds one of an item.
    return x[..., None].view(_REAL[x.dtype])


def view_as_complex(x):
    """The real array `x` of last dim 2 (stride one element) as a complex view of shape x.shape[:-1]."""
    return x.view(_COMPLEX[x.dtype])[..., 0]


def complex(real, imag):
    """real + i imag, broadcast (both of one float dtype)."""
    shape = np.broadcast_shapes(np.shape(real), np.shape(imag))
    out = np.empty(shape, _COMPLEX[np.result_type(real, imag)])
    out.real = real
    out.imag = imag
    return out


def polar(abs, angle):
    """abs * (cos(angle) + i sin(angle)), broadcast (both of one float dtype)."""
    return complex(abs * np.cos(angle), abs * np.sin(angle))


def angle(x):
    """The argument of each element, in (-pi, pi]; for real arrays pi where negative, 0 elsewhere
    (NaN stays NaN), as PyTorch's angle."""
    if x.dtype.kind == "c":
        return np.angle(x)
    out = np.where(x < 0, np.pi, 0.0).astype(x.dtype)
    return np.where(np.isnan(x), x, out)


def conj(x):
    """The complex conjugate, computed (a new array)."""
    return np.conjugate(x)

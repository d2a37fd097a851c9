"""NumPy reference for image rearrangements and resampling: pixel_shuffle, pixel_unshuffle,
channel_shuffle (reshapes and transposes), and separable resampling (interpolate's nearest,
nearest-exact and (bi/tri)linear modes: along each resampled axis a matrix (out x in) whose
rows hold the source weights, built with PyTorch's index rules, contracted with the input;
the backward contracts with the transposes)."""
import numpy as np

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "resample", "resample_backward"]


def pixel_shuffle(x, r):
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r)."""
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    y = x.reshape(lead + (c // (r * r), r, r, h, w))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return np.ascontiguousarray(y).reshape(lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(x, r):
    """(*, C, H * r, W * r) -> (*, C * r * r, H, W)."""
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    y = x.reshape(lead + (c, h // r, r, w // r, r))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return np.ascontiguousarray(y).reshape(lead + (c * r * r, h // r, w // r))


def channel_shuffle(x, groups):
    """(N, g * k, *) -> channels reordered as (k, g) instead of (g, k)."""
    n, c = x.shape[:2]
    y = x.reshape((n, groups, c // groups) + x.shape[2:]).swapaxes(1, 2)
    return np.ascontiguousarray(y).reshape(x.shape)


def _scale(n_in, n_out, align_corners, scale):
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale else n_in / n_out


def resample_matrix(n_in, n_out, mode, align_corners, scale):
    """The (n_out, n_in) weights of one axis, PyTorch's rules for `mode`."""
    s = _scale(n_in, n_out, align_corners, scale)
    m = np.zeros((n_out, n_in))
    dst = np.arange(n_out)
    if mode == "nearest":
        src = np.minimum(np.floor(dst.astype(np.float32) * np.float32(s)).astype(int), n_in - 1)  # float, as PyTorch
        m[dst, src] = 1.0
    elif mode == "nearest-exact":
        src = np.minimum(np.floor((dst + 0.5) * s).astype(int), n_in - 1)
        m[dst, src] = 1.0
    else:
        pos = dst * s if align_corners else np.maximum((dst + 0.5) * s - 0.5, 0.0)
        lo = np.minimum(np.floor(pos).astype(int), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = pos - lo
        np.add.at(m, (dst, lo), 1.0 - frac)
        np.add.at(m, (dst, hi), frac)
    return m


def _matrices(in_size, out_size, mode, align_corners, scales):
    return [resample_matrix(i, o, mode, align_corners, s) for i, o, s in zip(in_size, out_size, scales)]


def _contract(x, mats):
    axis = x.ndim - len(mats)
    for m in mats:
        x = np.tensordot(x, m.astype(x.dtype, copy=False), axes=((axis,), (1,)))
    return x


def resample(x, output_size, mode, align_corners, scales):
    """x (..., *in) resampled along its last len(output_size) axes to output_size."""
    nd = len(output_size)
    mats = _matrices(x.shape[x.ndim - nd:], output_size, mode, align_corners, scales)
    return np.ascontiguousarray(_contract(x, mats), dtype=x.dtype)


def resample_backward(grad, input_size, mode, align_corners, scales):
    """The gradient of resample for an input of spatial size input_size."""
    nd = len(input_size)
    mats = _matrices(input_size, grad.shape[grad.ndim - nd:], mode, align_corners, scales)
    return np.ascontiguousarray(_contract(grad, [m.T for m in mats]), dtype=grad.dtype)

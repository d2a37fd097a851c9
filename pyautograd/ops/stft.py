"""torch.stft (issue 12): the short-time Fourier transform, composed as PyTorch's: the signal
padded by n_fft // 2 at each end (`center`, with nn.functional.pad's `pad_mode`), cut into
frames of n_fft points every hop_length (unfold), each multiplied by the window (zero-padded
to n_fft in the middle) and transformed (fft_r2c, one-sided by default for real input, or
fft_c2c), as (batch,) freq x frames. istft is not done yet."""
import warnings

from .complex_real import view_as_real
from .nn_layers import constant_pad_nd
from .padding import pad
from .spectral import _SCALAR_NAMES, fft_c2c, fft_r2c
from ._surface import public


@public(method=True)
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a 1-d signal or a batch of them (PyTorch requires
    `return_complex` for real input; return_complex=False gives view_as_real of the result)."""
    if center and align_to_window is not None:
        raise ValueError("stft align_to_window should only be set when center = false")
    complex_result = input.is_complex() or (window is not None and window.is_complex())
    if return_complex is None and not complex_result:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if return_complex is False:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.", UserWarning,
                      stacklevel=2)
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(f"stft: expected a tensor of floating point or complex values, got "
                           f"{_SCALAR_NAMES[input.dtype.name]}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, got {input.ndim}D")
    x = input
    if center:
        signal_dim = x.ndim
        x = pad(x.view([1] * (3 - signal_dim) + list(x.shape)), [n_fft // 2, n_fft // 2], pad_mode)
        x = x.view(x.shape[-signal_dim:])
    if x.ndim == 1:
        x = x.unsqueeze(0)
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(f"stft: expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win}, but got window "
                           f"with size {list(window.shape)}")
    frames = x.unfold(-1, n_fft, hop)
    if window is not None:
        left = (n_fft - win) // 2
        frames = frames * (constant_pad_nd(window, (left, n_fft - win - left), 0) if win < n_fft else window)
    elif win < n_fft:
        left = (n_fft - win) // 2
        frames = frames.narrow(-1, left, win)
        frames = constant_pad_nd(frames, (left, n_fft - win - left), 0)
    onesided = not frames.is_complex() if onesided is None else onesided
    normalization = 1 if normalized else 0
    if frames.is_complex():
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = fft_c2c(frames, (2,), normalization, True)
    else:
        out = fft_r2c(frames, (2,), normalization, onesided)
    out = out.transpose(1, 2)
    if input.ndim == 1:
        out = out.squeeze(0)
    return out if return_complex or (return_complex is None and complex_result) else view_as_real(out)

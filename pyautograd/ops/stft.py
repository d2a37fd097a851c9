"""torch.stft (issue 12): the short-time Fourier transform, composed as PyTorch's: the signal
padded by n_fft // 2 at each end (`center`, with nn.functional.pad's `pad_mode`), cut into
frames of n_fft points every hop_length (unfold), each multiplied by the window (zero-padded
to n_fft in the middle) and transformed (fft_r2c, one-sided by default for real input, or
fft_c2c), as (batch,) freq x frames.

torch.istft inverts it as PyTorch's does: each frame transformed back (fft_c2r, or fft_c2c
with return_complex), multiplied by the window, overlap-added (unfold_backward, the adjoint of
the framing) and divided by the overlap-add of the squared window, the least-squares estimate
of the signal (Griffin and Lim), trimmed of the centre padding."""
import warnings

from .. import _creation
from .complex_real import view_as_real
from .nn_layers import constant_pad_nd
from .padding import pad
from .shape_more import unfold_backward
from .spectral import _SCALAR_NAMES, fft_c2c, fft_c2r, fft_r2c
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


@public(method=True)
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse short-time Fourier transform of stft's complex (batch,) freq x frames output:
    a real signal, or a complex one with return_complex (then the spectrum is two-sided)."""
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    if input.ndim < 2:
        raise IndexError(f"istft: expected a (freq, frames) or (batch, freq, frames) input, got one of shape "
                         f"{list(input.shape)}")
    call = (f"istft(input of shape {list(input.shape)} and dtype {input.dtype}, n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win}, window={None if window is None else list(window.shape)}, center={center}, "
            f"normalized={normalized}, onesided={onesided}, length={length}, return_complex={return_complex})")
    if input.ndim > 3:
        raise RuntimeError(f"{call}: expected a tensor with 2 or 3 dimensions of complex numbers, got {input.ndim}")
    if input.numel() == 0:
        raise RuntimeError(f"{call}: input tensor cannot be empty.")
    if not 0 < hop <= win:
        raise RuntimeError(f"{call}: expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{call}: expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        raise RuntimeError(f"{call}: Invalid window shape. window has to be 1D and length of `win_length`")
    bins = input.shape[-2]
    onesided = bins != n_fft if onesided is None else onesided
    if onesided and bins != n_fft // 2 + 1:
        raise RuntimeError(f"{call}: expected the frequency dimension of the input tensor to match n_fft / 2 + 1 "
                           f"when onesided=True, but got {bins}")
    if not onesided and bins != n_fft:
        raise RuntimeError(f"{call}: expected the frequency dimension of the input tensor to match n_fft when "
                           f"onesided=False, but got {bins}")
    if return_complex and onesided:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if not return_complex and window is not None and window.is_complex():
        raise RuntimeError("Complex windows are incompatible with return_complex=False")
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied. Please provide the same "
                      "window used by stft to make the inversion lossless. To suppress this warning and use a "
                      "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.",
                      UserWarning, stacklevel=2)
        window = _creation.ones(win, dtype=input.dtype.to_real())
    if win < n_fft:
        left = (n_fft - win) // 2
        window = constant_pad_nd(window, (left, n_fft - win - left), 0)
    batched = input.ndim == 3
    frames = (input if batched else input.unsqueeze(0)).transpose(1, 2)
    normalization = 1 if normalized else 2
    if return_complex:
        frames = fft_c2c(frames, (2,), normalization, False)
    else:
        if not onesided:
            frames = frames.narrow(-1, 0, n_fft // 2 + 1)
        frames = fft_c2r(frames, (2,), normalization, n_fft)
    count = frames.shape[1]
    full = n_fft + hop * (count - 1)
    y = unfold_backward(frames * window.view(1, 1, n_fft), [frames.shape[0], full], 1, n_fft, hop)
    envelope = unfold_backward(window.pow(2).expand(1, count, n_fft), [1, full], 1, n_fft, hop)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (-(n_fft // 2) if center else full)
    y, envelope = y[:, start:end], envelope[:, start:end]
    lowest = float(envelope.abs().min())
    if lowest < 1e-11:
        raise RuntimeError(f"{call}: window overlap add min: {lowest:g} (the squared window's overlap-add must not "
                           f"vanish where the signal is kept: the NOLA condition)")
    y = y / envelope
    if not batched:
        y = y.squeeze(0)
    if end > full:
        warnings.warn("The length of signal is shorter than the length parameter. Result is being padded with zeros "
                      "in the tail. Please check your center and hop_length settings.", UserWarning, stacklevel=2)
        y = constant_pad_nd(y, (0, end - full), 0)
    return y

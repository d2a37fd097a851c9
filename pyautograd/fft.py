"""torch.fft: the discrete Fourier transforms (fft, ifft, rfft, irfft, hfft, ihfft and their 2-d
and n-d forms), fftfreq, rfftfreq, fftshift and ifftshift, with PyTorch's signatures, dtypes,
normalizations and gradients (ops/spectral.py; computed by numpy.fft)."""
from .ops.spectral import (fft, fft2, fftfreq, fftn, fftshift, hfft, hfft2, hfftn, ifft, ifft2, ifftn, ifftshift,
                           ihfft, ihfft2, ihfftn, irfft, irfft2, irfftn, rfft, rfft2, rfftfreq, rfftn)
from ._tensor import Tensor  # noqa: F401  (torch.fft.Tensor, as PyTorch's module has it)

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "hfft2", "hfftn", "ifft", "ifft2", "ifftn",
           "ifftshift", "ihfft", "ihfft2", "ihfftn", "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq",
           "rfftn"]

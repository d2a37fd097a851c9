"""The NumPy reference backend: every kernel name, written for clarity.

This is the ground truth the C backend is tested against, and the path taken
for dtypes and sizes where C does not win. Each family lives in its own module;
this package gathers their public functions into one namespace.
"""
from . import indexing, linalg, loss, nn, optim, pointwise, reduce, scan, shape
from . import bitwise, indexing_more, linalg_more, matrix, pointwise_more, sampling, search, selection  # surface issue 12: new kernel families
from . import attention, recurrent  # sequence models (issue 14)

KERNELS = {}
for _mod in (pointwise, reduce, linalg, optim, shape, scan, indexing, loss, nn, bitwise, indexing_more, linalg_more, matrix, pointwise_more, sampling, search,
             selection,
             attention, recurrent):  # attention, recurrent: sequence models (issue 14)
    KERNELS.update({name: getattr(_mod, name) for name in _mod.__all__})
# the gamma family (issue 12, small functions: for distributions.Beta and Multinomial)
from . import bessel, gamma, indexing_reduce, renorm  # noqa: E402  (issue 12: i0..i1e, scatter_reduce, renorm)
for _mod in (gamma, bessel, indexing_reduce, renorm):
    KERNELS.update({name: getattr(_mod, name) for name in _mod.__all__})
# conv (issue 13): the convolution and pooling references
from . import conv, image, pooling  # noqa: E402
for _mod in (conv, image, pooling):
    KERNELS.update({name: getattr(_mod, name) for name in _mod.__all__})
# torch.linalg decompositions (issue 12)
from . import decompositions  # noqa: E402
KERNELS.update({name: getattr(decompositions, name) for name in decompositions.__all__})
globals().update(KERNELS)
# complex numbers (issue 12): the views and constructors, NumPy only
from . import complex as _complex  # noqa: E402
KERNELS.update({name: getattr(_complex, name) for name in _complex.__all__})
globals().update({name: getattr(_complex, name) for name in _complex.__all__})
# the discrete Fourier transforms (issue 12): numpy.fft, NumPy only
from . import fft as _fft  # noqa: E402
KERNELS.update({name: getattr(_fft, name) for name in _fft.__all__})
globals().update({name: getattr(_fft, name) for name in _fft.__all__})

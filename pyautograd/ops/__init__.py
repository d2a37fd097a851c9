"""The op declarations. Importing this package declares every op and binds Tensor's methods.

Besides the op families, it names what the layers above (the autograd tools, nn, the root
package) use of the apply path, the in-place path, the out= forms and the declared public
surface, so nothing above imports this package's private modules.
"""
from . import einsum, indexing, linalg, loss, nn_layers, pointwise, reduction, shape, views  # noqa: F401  (declares the ops)
from . import (bitwise, index_more, linalg_more, matrix, pointwise_more, sampling, scans_moments,  # noqa: F401
               search, selection, shape_more, stacking)  # the everyday API's families (issue 12)
from . import complex_real  # noqa: F401  conj, conj_physical, resolve_conj/neg (issue 12, tensormisc)
from . import bessel, combinatorics, gamma_fns, quantile, renorm, scatter_reduce, integrate, take_put, windows  # noqa: F401  small functions (issue 12)
from . import decompositions  # noqa: F401  torch.linalg's decompositions (issue 12)
from . import shrink_distance  # noqa: F401  softshrink, hardshrink, threshold, rrelu, dist, pdist (issue 12)
from . import spectral  # noqa: F401  torch.fft's transforms (issue 12)
from . import stft  # noqa: F401  torch.stft (issue 12)
from ._apply import SPECIAL_NAMES, read_saved, special_value, sum_to  # noqa: F401  (for autograd's tools)
from ._inplace import apply_inplace  # noqa: F401  (nn's inplace= arguments)
from ._methods import install as _install
from ._out import install as install_out_forms  # noqa: F401  (the root package's torch.add(..., out=))
from ._surface import exports as public_ops  # noqa: F401  (the root package's exports)
from .._tensor import Tensor as _Tensor

_install(_Tensor)
views.install(_Tensor)

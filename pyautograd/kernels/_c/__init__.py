"""The C backend: thin cffi wrappers over pyautograd._C, one per kernel name.

Importing this package raises ImportError when the extension was not built;
the dispatcher then falls back to NumPy with one warning. Each wrapper checks
dtypes, shapes and memory layout and raises TypeError/ValueError naming them
before any pointer reaches C, then turns a non-OK status into RuntimeError.
"""
from . import linalg, loss, norm, optim, pointwise, reduce
from . import attention, recurrent  # sequence models (issue 14)
from ._marshal import threads  # noqa: F401  ([n]: the thread count every wrapper passes to C)
from ._marshal import OPENMP  # noqa: F401  (whether the extension was built with OpenMP)

KERNELS = {}
SPECS = {}  # KernelSpecs declared by the families (see _registry)
for _mod in (pointwise, reduce, linalg, optim, loss, norm, attention, recurrent):  # +issue 14
    KERNELS.update({name: getattr(_mod, name) for name in _mod.__all__})
    SPECS.update(getattr(_mod, "SPECS", {}))
# conv (issue 13): the convolution and pooling kernels
from . import conv, pooling  # noqa: E402
for _mod in (conv, pooling):
    KERNELS.update({name: getattr(_mod, name) for name in _mod.__all__})
    SPECS.update(getattr(_mod, "SPECS", {}))
globals().update(KERNELS)

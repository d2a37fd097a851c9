"""The op declarations. Importing this package declares every op and binds Tensor's methods."""
from . import indexing, linalg, loss, nn_layers, pointwise, reduction, shape  # noqa: F401  (declares the ops)
from ._methods import install as _install
from .._tensor import Tensor as _Tensor

_install(_Tensor)

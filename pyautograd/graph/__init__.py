"""The graph core: nodes and saved tensors, the backward engine, grad modes, hooks, a leaf's
.grad, and the observer interface debugging tools attach to.

It sits above Tensor and below the ops: Tensor's graph methods (backward, hooks,
retain_grad) are installed here, and the ops build their nodes with it. The user-facing
tools (Function, gradcheck, functional, anomaly mode, graph drawing) live in
pyautograd.autograd, above the ops. Importing this package installs the methods.
"""
from .. import _creation
from .._tensor import Tensor
from . import grad_mode, tensor_methods

tensor_methods.install(Tensor)
_creation.install_grad_mode(grad_mode.is_grad_enabled)

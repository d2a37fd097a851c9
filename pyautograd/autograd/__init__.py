"""pyautograd.autograd: backward, grad, grad modes, custom Functions and the functional API
(and, as they land, gradcheck, anomaly detection and the graph drawing)."""
from . import functional
from .backward import backward, grad
from .function import Function, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "Function", "once_differentiable", "functional"]

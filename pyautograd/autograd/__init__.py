"""pyautograd.autograd: backward, grad, grad modes, custom Functions, the functional API,
gradcheck, anomaly detection and the graph drawing.

These are the user-facing tools, above the ops. backward, grad and the grad modes belong to
the graph core (pyautograd/graph/), below the ops; they are named here, as in PyTorch."""
from ..graph.backward import backward, grad
from . import functional, grad_mode, graph
from .anomaly import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import profiler  # noqa: E402  tools (issue 12): torch.autograd.profiler

__all__ = ["backward", "grad", "Function", "once_differentiable", "functional", "gradcheck",
           "gradgradcheck", "GradcheckError", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "graph", "profiler"]

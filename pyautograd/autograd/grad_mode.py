"""torch.autograd.grad_mode: the grad-mode switches (they live in the graph core,
pyautograd/graph/grad_mode.py; this module keeps PyTorch's import path)."""
from ..graph.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                               no_grad, set_grad_enabled)

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]

"""RemovableHandle: what register_*hook returns (torch.utils.hooks.RemovableHandle).

The graph core owns the hook tables and handles (pyautograd/graph/hooks.py); this module
keeps PyTorch's import path for them.
"""
from ..graph.hooks import RemovableHandle

__all__ = ["RemovableHandle"]

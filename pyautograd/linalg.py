"""pyautograd.linalg: the torch.linalg functions pyautograd has (vector norms for now)."""
from .ops.reduction import vector_norm

__all__ = ["vector_norm"]

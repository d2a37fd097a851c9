"""Utilities: hooks (RemovableHandle), data (datasets, samplers, DataLoader) and checkpoint
(gradient checkpointing)."""
from . import data  # noqa: F401
from . import checkpoint  # noqa: F401,E402  training tools (issue 15)

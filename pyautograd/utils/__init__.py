"""Utilities: hooks (RemovableHandle) and data (Dataset, DataLoader)."""
from . import data  # noqa: F401

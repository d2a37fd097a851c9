"""op_db: every public op's OpInfo, gathered from the family modules in this package."""
import importlib
import pkgutil

from .core import OpInfo, SampleInput, Skip

op_db = []
for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "core"):
    op_db.extend(importlib.import_module(f"{__name__}.{_mod}").OPS)

__all__ = ["op_db", "OpInfo", "SampleInput", "Skip"]

"""torch.jit.annotations: the typing names TorchScript-era code imports from here
(``from torch.jit.annotations import List, Tuple``), the same objects as typing's."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035  (typing's own objects, as PyTorch's)

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union"]

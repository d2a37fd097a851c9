"""torch.types: the type aliases annotations import from this path (``Number``, ``Device``,
``_size``, ``_TensorOrTensors`` and the builtin aliases ``_int``, ``_float``, ...), built from
pyautograd's own Tensor, Size, device and dtype.

There are no symbolic shapes here (no SymInt/SymFloat/SymBool), so the ``*LikeType`` aliases are
the plain builtins, and the names built on symbolic, layout, quantization or dispatch-key types
(``SymInt``, ``_layout``, ``_qscheme``, ``DispatchKey``, ``Storage``, ...) are absent.
"""
import os
from collections.abc import Sequence
from typing import IO

from ._device import device as _device
from ._dtype import dtype as _dtype  # noqa: F401  (torch.types._dtype)
from ._size import Size
from ._tensor import Tensor

__all__ = ["Number", "Device", "FileLike"]  # PyTorch's also lists Storage, which does not exist here

_bool = bool
_bytes = bytes
_complex = complex
_float = float
_int = int
_str = str

# A Python number as PyTorch's functions accept one; _Number is the tuple for isinstance checks.
Number = int | float | bool
_Number = (int, float, bool)
Device = _device | str | int | None
_size = Size | list[int] | tuple[int, ...]
_TensorOrTensors = Tensor | Sequence[Tensor]
_TensorOrOptionalTensors = Tensor | Sequence[Tensor | None]
FileLike = str | os.PathLike | IO[bytes]
IntLikeType = int
FloatLikeType = float
BoolLikeType = bool

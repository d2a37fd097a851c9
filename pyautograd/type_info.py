"""torch.finfo and torch.iinfo: the numeric limits of a dtype (from NumPy's, printed as PyTorch's)."""
import numpy as np

from . import _dtype


class finfo:
    """Limits of a floating dtype (the default dtype when none is given): bits, eps, max, min,
    tiny (= smallest_normal), resolution, dtype (its name)."""

    def __init__(self, type=None):
        d = _dtype.get_default_dtype() if type is None else _dtype.to_dtype(type)
        d = d.to_real()  # a complex dtype: the limits of its parts' float type, as PyTorch answers
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(d.numpy_dtype)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # exactly a power of ten, as PyTorch reports it
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))


class iinfo:
    """Limits of an integer dtype: bits, max, min, dtype (its name)."""

    def __init__(self, type):
        d = _dtype.to_dtype(type)
        if d.is_floating_point or d.name == "bool":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(d.numpy_dtype)
        self.bits, self.max, self.min, self.dtype = int(info.bits), int(info.max), int(info.min), d.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

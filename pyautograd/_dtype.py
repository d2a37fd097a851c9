"""dtypes and PyTorch's type promotion.

A ``dtype`` names a NumPy dtype the way PyTorch does (``torch.float32``, with
the aliases ``float``, ``double``, ``long``...). Promotion follows PyTorch,
not NumPy: an integer tensor with a float16 tensor gives float16 (NumPy:
float64), and operands are ranked in three tiers -- tensors with dimensions,
zero-dimensional tensors, and Python numbers -- where a lower tier can only
raise the result's *category* (bool < integer < floating), never its width.
So a float32 tensor times a Python float stays float32, an int64 tensor plus
a Python float becomes the default float dtype, and a float64 0-d tensor
added to a float32 vector gives float32.

``bfloat16`` is the NumPy dtype of the ``ml_dtypes`` package (a dependency):
a 2-byte float ranked with float16 by width, and bfloat16 with float16
promotes to float32 (neither holds the other), as in PyTorch. ml_dtypes is
imported the first time bfloat16's NumPy dtype is needed (``kernels.numpy_bfloat16``),
so ``torch.bfloat16`` exists from the start and costs nothing until used.

``complex64`` and ``complex128`` (``cfloat``, ``cdouble``) rank above every real type:
complex64 with float64 gives complex128 (the complex type that holds both), and a Python
complex number is an operand of the default complex dtype (complex64 while the default float
is float32). Promotion across tiers keeps the higher tier's width: a float32 tensor times
``1j`` is complex64, a float64 one complex128. complex32 (ComplexHalf) is not provided: float16
or bfloat16 promoted with a complex operand raises TypeError rather than widening silently.
"""
import builtins

import numpy as np

# ml_dtypes' bfloat16 is a NumPy dtype of kind "V" (a user-defined type), not "f": code that
# asks whether an array is floating asks is_floating(), never dtype.kind == "f" alone. Both names
# are re-exported for the modules above (creation, serialization) that test for bfloat16.
from .kernels import is_bfloat16, numpy_bfloat16  # noqa: F401


def is_floating(np_dtype):
    """Whether NumPy dtype `np_dtype` is a floating one (float16/32/64 or ml_dtypes' bfloat16)."""
    return np_dtype.kind == "f" or is_bfloat16(np_dtype)


def is_differentiable(np_dtype):
    """Whether NumPy dtype `np_dtype` can carry gradients: floating or complex (as PyTorch)."""
    return np_dtype.kind in "fc" or is_bfloat16(np_dtype)


class dtype:
    """A tensor element type, e.g. ``pyautograd.float32``.

    Attributes: ``is_floating_point``, ``is_signed``, ``itemsize``, and the
    NumPy equivalent as ``numpy_dtype``.
    """

    __slots__ = ("name", "_numpy", "is_floating_point", "is_complex", "is_signed", "itemsize", "_category")

    def __init__(self, name, np_dtype):
        self.name = name
        if np_dtype is None:  # bfloat16: its NumPy dtype is loaded on first use (numpy_dtype)
            self._numpy, kind, self.itemsize = None, "f", 2
        else:
            self._numpy = np.dtype(np_dtype)
            kind, self.itemsize = self._numpy.kind, self._numpy.itemsize
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = kind in "fic"
        self._category = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}[kind]

    # A property, not __getattr__: a class with __getattr__ loses CPython 3.11's specialised
    # attribute reads, which cost every op about 1% (dtype.is_floating_point and the like).
    @property
    def numpy_dtype(self):
        """The NumPy dtype (bfloat16's is ml_dtypes', imported the first time it is asked for)."""
        np_dtype = self._numpy
        return np_dtype if np_dtype is not None else _load_bfloat16()

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_complex(self):
        """The complex dtype whose parts are this float dtype (float32 -> complex64); complex: itself."""
        if self.is_complex:
            return self
        try:
            return _TO_COMPLEX[self]
        except KeyError:
            raise TypeError(f"{self} has no complex counterpart here (complex32 is not supported)") from None

    def to_real(self):
        """The real dtype of this complex dtype's parts (complex64 -> float32); a real dtype: itself."""
        return _TO_REAL.get(self, self)


float16 = dtype("float16", np.float16)
bfloat16 = dtype("bfloat16", None)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 -- PyTorch's name
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)

ALL = (float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8, bool, complex64, complex128)
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16,
           "int": int32, "long": int64, "cfloat": complex64, "cdouble": complex128}
half, float, double, short, int, long = float16, float32, float64, int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128
_TO_COMPLEX = {float32: complex64, float64: complex128}
_TO_REAL = {complex64: float32, complex128: float64}
_BY_NUMPY = {d._numpy: d for d in ALL if d is not bfloat16}  # bfloat16: added once loaded
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(ALIASES)

_default = [float32]


def _load_bfloat16():
    """Loads bfloat16's NumPy dtype (importing ml_dtypes) into bfloat16 and from_numpy's table."""
    bfloat16._numpy = np_dtype = numpy_bfloat16()
    _BY_NUMPY[np_dtype] = bfloat16
    return np_dtype


def _by_name(name):
    return _BY_NAME[name]


def from_numpy(np_dtype):
    """The pyautograd dtype of a NumPy dtype; TypeError for unsupported ones."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        pass
    try:
        np_dtype = np.dtype(np_dtype)
        if is_bfloat16(np_dtype):  # the first bfloat16 array seen (ml_dtypes imported by the user)
            _load_bfloat16()
        return _BY_NUMPY[np_dtype]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
                        "float64, float32, float16, bfloat16, complex64, complex128, int64, int32, int16, int8, uint8, "
                        "and bool.") from None


def to_dtype(value):
    """Accepts a pyautograd dtype, a NumPy dtype, a Python type (float/int/bool) or a name.
    Python's float is float64 (as in PyTorch, whatever the default dtype)."""
    if value.__class__ is dtype:
        return value
    if value is builtins.float:
        return float64
    if value is builtins.int:
        return int64
    if value is builtins.bool:
        return bool
    if isinstance(value, str):
        if value in _BY_NAME:
            return _BY_NAME[value]
        raise TypeError(f"unknown dtype name {value!r}")
    return from_numpy(value)


def dtype_arg(value, fn):
    """A public ``dtype=`` argument read as PyTorch's argument parser reads it: a pyautograd dtype,
    or Python's float (float64), int (int64) or bool; None stays None. Anything else -- a name
    such as "float32" or a NumPy dtype -- is a TypeError naming `fn`, as in PyTorch (accepting
    them would make code that runs here fail under PyTorch)."""
    if value is None or value.__class__ is dtype:
        return value
    if value is builtins.float:
        return float64
    if value is builtins.int:
        return int64
    if value is builtins.bool:
        return bool
    if value is builtins.complex:
        return default_complex()
    raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {type(value).__name__}")


def get_default_dtype():
    """The dtype of floating tensors created from Python floats (float32 unless changed)."""
    return _default[0]


def default_complex():
    """The complex dtype of Python complex numbers: complex128 when the default float is float64,
    else complex64 (PyTorch's rule)."""
    return complex128 if _default[0] is float64 else complex64


def set_default_dtype(d):
    """Sets the default floating dtype (float32 or float64, as PyTorch allows; float16 too).
    Only a pyautograd dtype is accepted (float, a name or a NumPy type: TypeError, as PyTorch)."""
    if d.__class__ is not dtype:
        raise TypeError(f"invalid dtype object: only floating-point types are supported as the default type "
                        f"(got {d!r}; pass a dtype such as torch.float64)")
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


# PyTorch's promotion of two dtypes (promoteTypes): within a category the wider
# type wins (uint8 with a signed int goes to the next signed width that holds
# both); across categories the higher category's type wins unchanged.
_INT_ORDER = {uint8: 0, int8: 1, int16: 2, int32: 3, int64: 4}


def promote_types(a, b):
    """PyTorch's promote_types for two dtypes."""
    if a is b:
        return a
    ca, cb = a._category, b._category
    if ca == 3 or cb == 3:
        return _promote_complex(a, b)
    if ca != cb:
        return a if ca > cb else b
    if ca == 2:
        if a.itemsize == b.itemsize:  # float16 with bfloat16: neither holds the other
            return float32
        return a if a.itemsize > b.itemsize else b
    if ca == 0:
        return a
    if {a, b} == {uint8, int8}:
        return int16
    if uint8 in (a, b):
        other = b if a is uint8 else a
        return other
    return a if _INT_ORDER[a] >= _INT_ORDER[b] else b


def _promote_complex(a, b):
    """promote_types when one of a, b is complex: the complex type whose parts hold both."""
    parts = [d.to_real() if d.is_complex else d for d in (a, b)]
    real = promote_types(*parts)
    if not real.is_floating_point:  # complex with an integer or bool: the complex type itself
        real = parts[0] if a.is_complex else parts[1]
    return real.to_complex()


def _combine(higher, lower):
    """Combines tier results (PyTorch's combine_categories): a lower tier only counts
    when it raises the category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if higher.is_floating_point:
        # a complex operand of a lower tier makes the result complex at the higher tier's width
        return higher.to_complex() if lower.is_complex else higher
    if higher is bool or lower.is_floating_point or lower.is_complex:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value):
    """The dtype a Python number takes as an operand: bool, int64 or the default float."""
    cls = value.__class__
    if cls is builtins.float:
        return _default[0]
    if cls is builtins.bool:
        return bool
    if cls is builtins.int:
        return int64
    if cls is builtins.complex:
        return default_complex()
    if isinstance(value, (np.floating, np.complexfloating, np.integer, np.bool_)) or (
            isinstance(value, np.generic) and is_bfloat16(value.dtype)):  # an ml_dtypes.bfloat16 number
        return from_numpy(value.dtype)
    raise TypeError(f"unsupported operand type {type(value).__name__}")


def result_type(tensors, scalars=()):
    """The result dtype of an op over `tensors` (objects with .dtype and .ndim) and Python `scalars`."""
    dim = zero = wrapped = None
    for t in tensors:
        d = t.dtype
        if t.ndim:
            dim = d if dim is None else promote_types(dim, d)
        else:
            zero = d if zero is None else promote_types(zero, d)
    for s in scalars:
        d = scalar_dtype(s)
        wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))

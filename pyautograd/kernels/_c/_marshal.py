"""Passing NumPy arrays to the C kernels: pointers, element strides, status codes."""
import numpy as np

from pyautograd._C import ffi, lib

from .._alloc import empty
from ..checks import Unsupported

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
CTYPES = {F32: "float *", F64: "double *"}
SUFFIX = {F32: "f32", F64: "f64"}
STATUS = {lib.PAG_EINVAL: "invalid argument", lib.PAG_ENOMEM: "out of memory"}
MAX_NDIM = lib.PAG_MAX_NDIM

# The thread count handed to every kernel; set through kernels.set_num_threads.
threads = [max(1, lib.pag_max_threads())]
# Whether the extension was compiled with OpenMP (csrc/build.py drops it when the compiler lacks it).
OPENMP = bool(lib.pag_openmp_enabled())


def unfit(*arrays):
    """Whether C cannot take one of `arrays` as it lies (None and non-arrays are skipped; lists
    are looked into): a buffer not aligned to its item size (``np.frombuffer(..., offset=1)``;
    C would dereference a misaligned float*, which is undefined behaviour) or more than
    MAX_NDIM dimensions (the C shape arrays hold at most that many)."""
    for a in arrays:
        if a.__class__ is np.ndarray and (a.ndim > MAX_NDIM or not a.flags.aligned):
            return True
        if a.__class__ in (list, tuple) and unfit(*a):
            return True
    return False


def aligned_copy(a):
    """A C-contiguous copy of `a` in a fresh (aligned) buffer: np.ascontiguousarray returns a
    misaligned contiguous array as it is."""
    return np.array(a, order="C", copy=True)


def guard(fn):
    """Decorates a C wrapper so that no misaligned buffer reaches C: misaligned arrays
    (positional, keyword, or in a list) are replaced by aligned copies for the call, and the
    copies the kernel changed (an out=, an optimizer's in-place state) are written back into
    the caller's arrays. Arrays of more than MAX_NDIM dims raise checks.Unsupported: the
    dispatcher then runs the NumPy reference."""
    def wrapper(*args, **kwargs):
        if not unfit(*args, *kwargs.values()):
            return fn(*args, **kwargs)
        if too_many_dims(*args, *kwargs.values()):
            raise Unsupported(f"{fn.__name__}: the C kernels take at most {MAX_NDIM} dimensions")
        copies = []
        args = [_realign(a, copies) for a in args]
        kwargs = {k: _realign(v, copies) for k, v in kwargs.items()}
        result = fn(*args, **kwargs)
        for original, copy in copies:
            if original.flags.writeable and not np.array_equal(original, copy, equal_nan=True):
                original[...] = copy
        return _unswap(result, copies)
    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper


def too_many_dims(*arrays):
    """Whether one of `arrays` (or of the lists among them) has more than MAX_NDIM dims."""
    for a in arrays:
        if a.__class__ is np.ndarray and a.ndim > MAX_NDIM:
            return True
        if a.__class__ in (list, tuple) and too_many_dims(*a):
            return True
    return False


def _realign(a, copies):
    if a.__class__ is np.ndarray and not a.flags.aligned:
        copy = aligned_copy(a)
        copies.append((a, copy))
        return copy
    if a.__class__ is list:
        return [_realign(x, copies) for x in a]
    return a


def _unswap(result, copies):
    """The wrapper's result with each aligned copy it returns (an out=, a param list) replaced
    by the caller's own array, which now holds the same values."""
    for original, copy in copies:
        if result is copy:
            return original
    if result.__class__ is list:
        return [_unswap(r, copies) for r in result]
    return result


def guard_all(namespace, names):
    """Applies `guard` to each wrapper `names` of a family module's `namespace`."""
    for name in names:
        namespace[name] = guard(namespace[name])


def symbol(family, name, dtype):
    """The C function pag_<family>_<name>_<f32|f64>, or None if the library lacks it."""
    return getattr(lib, f"pag_{family}_{name}_{SUFFIX[dtype]}", None)


def check(status, op):
    """Raises RuntimeError for a non-OK status returned by kernel `op`."""
    if status != lib.PAG_OK:
        raise RuntimeError(f"{op}: C kernel failed ({STATUS.get(status, status)})")


def require_float(op, *arrays):
    """Checks that every array is a float32 or float64 ndarray and that they share one dtype."""
    for a in arrays:
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{op}: the C kernel takes numpy.ndarray operands, got {type(a).__name__}")
    dt = arrays[0].dtype
    if dt not in CTYPES:
        raise TypeError(f"{op}: the C kernel takes float32 or float64, got {dt}")
    for a in arrays[1:]:
        if a.dtype != dt:
            raise TypeError(f"{op}: all inputs must have one dtype, got {dt} and {a.dtype}")
    return dt


def as_operand(x, dtype):
    """`x` as an ndarray of `dtype`: arrays must already have it, scalars are converted."""
    if isinstance(x, np.ndarray):
        return x
    if not isinstance(x, (int, float, np.number, np.bool_)):
        raise TypeError(f"the C kernels take ndarrays or Python scalars as operands, got {type(x).__name__}")
    return np.asarray(x, dtype=dtype)


_ARRAY_TYPES = {F32: "float[]", F64: "double[]", np.dtype(np.bool_): "uint8_t[]",
                np.dtype(np.int64): "int64_t[]", np.dtype(np.uint8): "uint8_t[]"}


def ptr(arr):
    """A typed pointer to arr's first element (arr must stay referenced during the call).

    A non-contiguous array has no contiguous buffer, but its first element
    alone is one: a size-1 view of it is contiguous whatever the strides, and
    hands cffi the right address far faster than ``arr.ctypes.data``.
    """
    try:
        ct = _ARRAY_TYPES[arr.dtype]
    except KeyError:
        raise _no_c_type(arr) from None
    if arr.flags.c_contiguous:
        return ffi.from_buffer(ct, arr)
    if arr.size == 0:
        return ffi.NULL
    return ffi.from_buffer(ct, arr[(slice(0, 1),) * arr.ndim])


def out_ptr(arr):
    """A pointer to a C-contiguous output array (checked writable by prepare_out)."""
    try:
        return ffi.from_buffer(_ARRAY_TYPES[arr.dtype], arr)
    except KeyError:
        raise _no_c_type(arr) from None


def _no_c_type(arr):
    # The C kernels take real arrays; a complex one (or any other dtype) never reaches them as
    # reinterpreted memory: the op layer refuses complex operands of ops without complex support,
    # and the dispatcher sends the others to the NumPy reference.
    return TypeError(f"the C kernels take no {arr.dtype} arrays (shape {arr.shape})")


def int64s(values):
    """A C int64_t array holding `values`."""
    return ffi.new("int64_t[]", list(values))


def elem_strides(arr, shape):
    """arr's strides in elements, broadcast to `shape` (0 on broadcast dims).

    Raises ValueError if a byte stride is not a multiple of the item size,
    which NumPy allows (e.g. views into structured arrays) but C cannot walk.
    """
    item = arr.itemsize
    pad = len(shape) - arr.ndim
    out = [0] * pad
    for n, s, target in zip(arr.shape, arr.strides, shape[pad:]):
        if s % item:
            raise ValueError(f"array stride {s} bytes is not a multiple of its item size {item}")
        out.append(0 if (n == 1 and target != 1) else s // item)
    return out


def coalesce(shape, *strides):
    """Merges adjacent dimensions that every operand walks as one; drops size-1 dims.

    Returns (shape, [strides...]) describing the same elements in row-major
    order with as few dimensions as possible, so the C loops run long rows.
    """
    dims = [i for i, n in enumerate(shape) if n != 1]
    new_shape = [shape[i] for i in dims]
    new_strides = [[s[i] for i in dims] for s in strides]
    k = len(new_shape) - 1
    while k > 0:
        if all(st[k - 1] == st[k] * new_shape[k] for st in new_strides):
            new_shape[k - 1] *= new_shape[k]
            del new_shape[k]
            for st in new_strides:
                st[k - 1] = st[k]
                del st[k]
        k -= 1
    return new_shape, new_strides


def prepare_out(out, shape, dtype, op, *inputs):
    """Validates a caller's `out` (shape, dtype, contiguity, writability) or allocates one.

    Returns (out, inputs): inputs that partly overlap a caller's `out` are
    copied (see guard_overlap); a fresh buffer cannot overlap anything.
    """
    if out is None:
        return empty(shape, dtype), inputs
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{op}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{op}: out has shape {out.shape} and dtype {out.dtype}, "
                         f"expected shape {tuple(shape)} and dtype {dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{op}: out must be C-contiguous and writable")
    return out, guard_overlap(out, *inputs)


def guard_overlap(out, *inputs):
    """Copies inputs that partly overlap `out`, so an in-place call never reads a written element.

    An input that is exactly `out` (same start and layout) is safe: each element is
    read before it is written. Anything else sharing memory is copied first.
    """
    result = []
    for x in inputs:
        if (isinstance(x, np.ndarray) and np.may_share_memory(x, out)
                and not (x.ctypes.data == out.ctypes.data and x.strides == out.strides
                         and x.shape == out.shape)):
            x = x.copy()
        result.append(x)
    return result

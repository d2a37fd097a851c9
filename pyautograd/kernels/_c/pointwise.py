"""C wrappers for the pointwise kernels of csrc/kernels.def, plus where.

Contiguous inputs of the output's shape take the flat entry point; anything
else (broadcast, transposed, sliced, negative strides) takes the strided one,
after dimensions are coalesced so the C rows are as long as possible.
"""
import re

import numpy as np

from .._alloc import ALIGN_FROM_BYTES
from . import _marshal as m


def _read_table():
    """[(kind, name)] for every pointwise kernel the compiled library exports.

    The library is the truth (it was expanded from csrc/kernels.def); a binary
    kernel whose output pointer is uint8_t* is a comparison returning bool.
    """
    table = []
    for sym in sorted(dir(m.lib)):
        hit = re.fullmatch(r"pag_(unary|binary)_(\w+)_f32", sym)
        if not hit:
            continue
        kind, name = hit.group(1).upper(), hit.group(2)
        if kind == "BINARY" and m.ffi.typeof(getattr(m.lib, sym)).args[2].cname == "uint8_t *":
            kind = "COMPARE"
        table.append((kind, name))
    return table


# Parameters of the unary kernels that take them, in the order the C kernel
# receives them as p0, p1.
PARAMS = {"leaky_relu": 1, "elu": 1, "softplus": 2, "clamp": 2}


def _entries(kind, name, result_dtype=None):
    """{dtype: (flat, strided, ctype, out_ctype, out_dtype, small)}: everything a call needs,
    looked up once. small: element count below which the output comes from np.empty (as
    _alloc.empty would: checked inline, a call costs as much as a small kernel)."""
    table = {}
    for dt in m.CTYPES:
        out_dt = result_dtype or dt
        table[dt] = (m.symbol(kind, name, dt), getattr(m.lib, f"pag_{kind}_{name}_{m.SUFFIX[dt]}_strided"),
                     m.ffi.typeof(m._ARRAY_TYPES[dt]), m.ffi.typeof(m._ARRAY_TYPES[out_dt]), out_dt,
                     ALIGN_FROM_BYTES // out_dt.itemsize)
    return table


# Bound once: on the fast path each attribute lookup costs as much as a check.
# The fast paths test dtypes by identity with the canonical float32/float64
# objects (hashing a dtype for a dict lookup costs more); an equal but distinct
# dtype object simply takes the general path.
_F32, _F64 = m.F32, m.F64
_ndarray = np.ndarray
_np_empty = np.empty
_aligned_empty = m.empty
_from_buffer = m.ffi.from_buffer
_threads = m.threads
_may_share = np.may_share_memory


def _usable_out(out, dtype, shape, *inputs):
    """Whether a caller's `out` may take the fast path: an ndarray of the result's
    dtype and shape that each input either is (an exact alias is safe: every
    element is read before it is written) or shares no memory with. C-contiguity
    and writability are left to from_buffer; anything else goes to prepare_out."""
    if out.__class__ is not _ndarray or out.dtype is not dtype or out.shape != shape or not out.flags.aligned:
        return False
    for x in inputs:
        if x is not out and _may_share(x, out):
            return False
    return True


def _on_flat_copies(name, kernel, operands, out):
    """kernel on aligned, contiguous, 1-D copies of `operands` (broadcast together; numbers
    stay numbers), for a call C cannot take as it lies: a misaligned buffer (undefined
    behaviour as a float*) or more dims than the C shape arrays hold. The result is
    reshaped, and written into `out` when given."""
    arrays = [x for x in operands if isinstance(x, np.ndarray)]
    if not arrays:
        raise TypeError(f"{name}: at least one input must be an ndarray")
    shape = _broadcast(name, *arrays)
    flat = [m.aligned_copy(np.broadcast_to(x, shape)).reshape(-1) if isinstance(x, np.ndarray) else x
            for x in operands]
    result = kernel(*flat).reshape(shape)
    if out is None:
        return result
    if not isinstance(out, np.ndarray) or out.shape != shape or out.dtype != result.dtype:
        raise ValueError(f"{name}: out has shape {getattr(out, 'shape', None)} and dtype "
                         f"{getattr(out, 'dtype', None)}, expected shape {shape} and dtype {result.dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name}: out must be C-contiguous and writable")
    out[...] = result
    return out


def _make_unary(name):
    entries = _entries("unary", name)
    e32, e64 = entries[_F32], entries[_F64]
    nparams = PARAMS.get(name, 0)

    def general(x, params, out):
        if m.unfit(x, out):
            return _on_flat_copies(name, lambda x: kernel(x, *params), (x,), out)
        dt = m.require_float(name, x)
        out, (x,) = m.prepare_out(out, x.shape, dt, name, x)
        p0 = float(params[0]) if nparams > 0 else 0.0
        p1 = float(params[1]) if nparams > 1 else 0.0
        flat, strided = entries[dt][:2]
        if x.flags.c_contiguous:
            status = flat(m.ptr(x), m.out_ptr(out), x.size, p0, p1, _threads[0])
        else:
            shape, (xs,) = m.coalesce(x.shape, m.elem_strides(x, x.shape))
            status = strided(m.ptr(x), m.int64s(xs), m.out_ptr(out), m.int64s(shape), len(shape),
                             p0, p1, _threads[0])
        m.check(status, name)
        return out

    def kernel(x, *params, out=None):
        if len(params) != nparams:
            raise TypeError(f"{name}: takes {nparams} parameter(s), got {len(params)}")
        # Fast path: a C-contiguous float32/float64 ndarray, with a fresh output or
        # a usable `out` (the checks general() makes, in their cheapest form:
        # from_buffer itself refuses arrays that are not C-contiguous, and a
        # read-only `out`); anything else takes the general path.
        if x.__class__ is _ndarray:
            dt = x.dtype
            entry = e32 if dt is _F32 else e64 if dt is _F64 else None
            if (entry is not None and x.flags.aligned
                    and (out is None or _usable_out(out, entry[4], x.shape, x))):
                flat, _, ct, _, out_dt, small = entry
                try:
                    px = _from_buffer(ct, x)
                    po = None if out is None else _from_buffer(ct, out, require_writable=True)
                except ValueError:
                    px = None
                if px is not None:
                    p0 = float(params[0]) if nparams > 0 else 0.0
                    p1 = float(params[1]) if nparams > 1 else 0.0
                    n = x.size
                    if out is None:
                        out = _np_empty(x.shape, out_dt) if n < small else _aligned_empty(x.shape, out_dt)
                        po = _from_buffer(ct, out)
                    status = flat(px, po, n, p0, p1, _threads[0])
                    if status:
                        m.check(status, name)
                    return out
        return general(x, params, out)

    kernel.__name__ = name
    kernel.__doc__ = f"Pointwise {name} in C (float32/float64)."
    return kernel


def _broadcast(op, *arrays):
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = " and ".join(str(tuple(a.shape)) for a in arrays)
        raise ValueError(f"{op}: shapes {shapes} cannot be broadcast together") from None


def _make_binary(name, result_dtype=None):
    entries = _entries("binary", name, result_dtype)
    e32, e64 = entries[_F32], entries[_F64]

    def general(a, b, out):
        if m.unfit(a, b, out):
            return _on_flat_copies(name, kernel, (a, b), out)
        dt = a.dtype if isinstance(a, np.ndarray) else getattr(b, "dtype", None)
        if dt is None:
            raise TypeError(f"{name}: at least one input must be an ndarray")
        a, b = m.as_operand(a, dt), m.as_operand(b, dt)
        m.require_float(name, a, b)
        shape = a.shape if a.shape == b.shape else _broadcast(name, a, b)
        out, (a, b) = m.prepare_out(out, shape, result_dtype or dt, name, a, b)
        flat, strided = entries[dt][:2]
        if a.shape == b.shape and a.flags.c_contiguous and b.flags.c_contiguous:
            status = flat(m.ptr(a), m.ptr(b), m.out_ptr(out), a.size, _threads[0])
        else:
            cshape, (as_, bs) = m.coalesce(shape, m.elem_strides(a, shape), m.elem_strides(b, shape))
            status = strided(m.ptr(a), m.int64s(as_), m.ptr(b), m.int64s(bs), m.out_ptr(out),
                             m.int64s(cshape), len(cshape), _threads[0])
        m.check(status, name)
        return out

    def kernel(a, b, *, out=None):
        # Fast path: two C-contiguous ndarrays of one shape and one float dtype
        # (contiguity is checked by from_buffer, which refuses anything else),
        # with a fresh output or a usable `out`; anything else takes the
        # general path.
        if a.__class__ is _ndarray and b.__class__ is _ndarray:
            dt = a.dtype
            entry = e32 if dt is _F32 else e64 if dt is _F64 else None
            shape = a.shape
            if (entry is not None and b.dtype is dt and b.shape == shape and a.flags.aligned and b.flags.aligned
                    and (out is None or _usable_out(out, entry[4], shape, a, b))):
                flat, _, ct, oct_, out_dt, small = entry
                try:
                    pa, pb = _from_buffer(ct, a), _from_buffer(ct, b)
                    po = None if out is None else _from_buffer(oct_, out, require_writable=True)
                except ValueError:
                    pa = None
                if pa is not None:
                    n = a.size
                    if out is None:
                        out = _np_empty(shape, out_dt) if n < small else _aligned_empty(shape, out_dt)
                        po = _from_buffer(oct_, out)
                    status = flat(pa, pb, po, n, _threads[0])
                    if status:
                        m.check(status, name)
                    return out
        return general(a, b, out)

    kernel.__name__ = name
    kernel.__doc__ = f"Pointwise {name} in C with NumPy broadcasting (float32/float64)."
    return kernel


_WHERE = {dt: getattr(m.lib, f"pag_where_{m.SUFFIX[dt]}") for dt in m.CTYPES}


def where(cond, a, b, *, out=None):
    """Elements of `a` where `cond` (bool) is true, else of `b`, broadcast together (C)."""
    if m.unfit(cond, a, b, out):
        return _on_flat_copies("where", where, (cond, a, b), out)
    dt = a.dtype if isinstance(a, np.ndarray) else getattr(b, "dtype", None)
    if dt is None:
        raise TypeError("where: at least one of a, b must be an ndarray")
    a, b = m.as_operand(a, dt), m.as_operand(b, dt)
    m.require_float("where", a, b)
    if not isinstance(cond, np.ndarray) or cond.dtype != np.bool_:
        raise TypeError(f"where: cond must be a bool ndarray, got {getattr(cond, 'dtype', type(cond))}")
    shape = _broadcast("where", cond, a, b)
    out, (cond, a, b) = m.prepare_out(out, shape, dt, "where", cond, a, b)
    cshape, (cs, as_, bs) = m.coalesce(shape, *(m.elem_strides(x, shape) for x in (cond, a, b)))
    status = _WHERE[dt](m.ptr(cond), m.int64s(cs), m.ptr(a), m.int64s(as_),
                        m.ptr(b), m.int64s(bs), m.out_ptr(out), m.int64s(cshape), len(cshape), m.threads[0])
    m.check(status, "where")
    return out


TABLE = _read_table()
_namespace = {"where": where}
for _kind, _name in TABLE:
    if _kind == "UNARY":
        _namespace[_name] = _make_unary(_name)
    else:
        _namespace[_name] = _make_binary(_name, np.dtype(np.bool_) if _kind == "COMPARE" else None)
globals().update(_namespace)
__all__ = sorted(_namespace)

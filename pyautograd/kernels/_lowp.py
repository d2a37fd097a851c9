"""bfloat16 kernels: computed in float32, the result rounded to bfloat16.

The C kernels take float32 and float64 only, and NumPy's bfloat16 (from ``ml_dtypes``)
accumulates sums and products in bfloat16, where PyTorch's CPU kernels accumulate in
float32. So every kernel that computes handed a bfloat16 array runs here: its bfloat16
arrays are widened to float32 (exactly: every bfloat16 value is a float32), the kernel
runs on them (C or NumPy, as the dispatcher chooses for float32), and its float32 results
are rounded back to bfloat16 (round-to-nearest-even, ml_dtypes' cast), as PyTorch computes
most CPU ops on bfloat16 ("opmath" float32, one rounding at the end). A Python number
beside a bfloat16 array is rounded to bfloat16 first by the binary kernels whose PyTorch
kernels read it as a bfloat16 0-d tensor (``x + 1.3`` adds 1.296875: ``ROUNDED_NUMBERS``),
and kept as it is by the others (``x * 1.3`` and ``x / 1.3`` use 1.3 in float32, as
PyTorch's mul and div read the scalar's original value; so do the parameters of unary
kernels such as leaky_relu's slope).

Kernels that only move, select or count elements (``MOVES``) are not widened: NumPy runs
them on bfloat16 itself, views stay views, and accumulating writes (``index_put``,
``index_add``, ``scatter_add``) round after each addition as PyTorch's do.

The dispatcher (``kernels/__init__``) is the one place that calls this: a kernel with a C
implementation tests its deciding argument's dtype by identity on the NumPy path only, so
a float32 call pays nothing more; a NumPy-only kernel gets a wrapper that looks for a
bfloat16 argument.

``ml_dtypes`` is imported the first time bfloat16 is asked for (``numpy_bfloat16()``), not at
``import pyautograd``: ml_dtypes 0.7 takes 0.5 s and 8 MiB to import, which a program that never
uses bfloat16 should not pay. Until then ``BFLOAT16`` is a placeholder no array's dtype (and
not None) is identical to, so the dispatcher's identity test costs the same and never matches:
every bfloat16 array reaches a kernel through a pyautograd dtype, which loads it first.
"""
import numpy as np

# ml_dtypes' bfloat16 NumPy dtype once numpy_bfloat16() has loaded it; until then a placeholder.
_NOT_LOADED = object()
BFLOAT16 = _NOT_LOADED
_ml_dtypes = None
_FLOAT32 = np.dtype(np.float32)
_ndarray = np.ndarray

# Kernels NumPy runs on bfloat16 directly: shape moves and views, copies, selection,
# padding, and the indexed writes, whose additions PyTorch rounds one at a time too.
MOVES = frozenset((
    "broadcast_copy", "channel_shuffle", "concatenate", "constant_pad", "contiguous", "copy",
    "diag_embed", "diagonal", "diagonal_backward", "expand", "flip", "gather", "getitem", "index_add",
    "index_add_zeros", "index_copy", "index_fill", "index_put", "index_select", "masked_fill",
    "masked_select", "nonzero", "one_hot", "permute", "pixel_shuffle", "pixel_unshuffle", "reshape", "roll",
    "rot90", "scatter", "scatter_add", "split", "squeeze", "stack", "tile", "tril", "triu", "try_view",
    "unbind", "unfold", "unsqueeze", "view", "where", "conv_output_size", "pool_output_size",
))

# Checked against PyTorch 2.13 (x op 1.3 on a bfloat16 x equals x op bfloat16(1.3)).
ROUNDED_NUMBERS = frozenset(("add", "sub", "pow", "remainder", "fmod", "eq", "ne", "lt", "le", "gt", "ge",
                             "atan2", "xlogy", "hypot", "logaddexp", "maximum", "minimum"))


def numpy_bfloat16():
    """ml_dtypes' bfloat16 NumPy dtype (its kind is "V"), importing ml_dtypes the first time."""
    global BFLOAT16, _ml_dtypes
    if BFLOAT16 is _NOT_LOADED:
        import ml_dtypes  # import here: 0.5 s and 8 MiB that only a program using bfloat16 pays
        _ml_dtypes = ml_dtypes
        BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
    return BFLOAT16


def is_bfloat16(np_dtype):
    """Whether NumPy dtype `np_dtype` is ml_dtypes' bfloat16. Only a dtype of kind "V" (raw or
    structured bytes, and ml_dtypes' types) can be, so no other dtype loads ml_dtypes."""
    return np_dtype.kind == "V" and np_dtype == numpy_bfloat16()


def _rounded(value):
    """A Python number as PyTorch's bfloat16 kernels read it: rounded to bfloat16."""
    if value.__class__ is float or value.__class__ is int:
        return float(_ml_dtypes.bfloat16(value))
    return value


def _writes_arguments(name):
    """The optimizer steps update their array arguments in place (parameters and state)."""
    return name.endswith("_step") or name.endswith("_step_many")


def _is_low(value):
    if isinstance(value, _ndarray):
        return value.dtype is BFLOAT16
    if value.__class__ in (list, tuple):
        return any(isinstance(v, _ndarray) and v.dtype is BFLOAT16 for v in value)
    return False


def _widen(value):
    if isinstance(value, _ndarray):
        return value.astype(_FLOAT32) if value.dtype is BFLOAT16 else value
    if value.__class__ in (list, tuple):
        return value.__class__(_widen(v) for v in value)
    return value


def _narrow(value):
    if value.__class__ is _ndarray:
        return value.astype(BFLOAT16) if value.dtype is _FLOAT32 else value
    if isinstance(value, (list, tuple)):  # plain, or a named tuple of results
        items = [_narrow(v) for v in value]
        return value.__class__(*items) if hasattr(value, "_fields") else value.__class__(items)
    return value


def _write_back(originals, widened):
    """Copies the widened (float32) arguments an in-place kernel updated into the bfloat16 originals."""
    for orig, wide in zip(originals, widened):
        if orig is wide:
            continue
        if isinstance(orig, _ndarray):
            np.copyto(orig, wide, casting="unsafe")
        elif orig.__class__ in (list, tuple):
            _write_back(orig, wide)


def call_in_float32(kernel, name, args, kwargs):
    """kernel(*args, **kwargs) with bfloat16 arrays computed in float32 and the results rounded
    back to bfloat16; `out=` (if given) receives the float32 result, rounded to its dtype."""
    out = kwargs.pop("out", None) if kwargs else None
    wide_args = [_widen(a) for a in args]
    if name in ROUNDED_NUMBERS:
        wide_args = [_rounded(a) for a in wide_args]
    wide_kwargs = {k: _widen(v) for k, v in kwargs.items()} if kwargs else {}
    result = kernel(*wide_args, **wide_kwargs)
    if _writes_arguments(name):
        _write_back(args, wide_args)
        _write_back([kwargs[k] for k in wide_kwargs], list(wide_kwargs.values()))
    if out is not None:
        np.copyto(out, result, casting="unsafe")
        return out
    return _narrow(result)


def has_low(args, kwargs):
    """Whether any argument (or array in a list argument) is a bfloat16 array."""
    if BFLOAT16 is _NOT_LOADED:
        return False
    for a in args:
        if _is_low(a):
            return True
    if kwargs:
        for v in kwargs.values():
            if _is_low(v):
                return True
    return False


def _astype(np_fn):
    """astype: to bfloat16 through float32, as PyTorch converts (c10::BFloat16 is made from a
    float), so a float64 or int64 value rounds as there: 1 + 2**-8 + 2**-30 becomes 1.0 (the
    float32 tie rounds to even), where ml_dtypes' direct cast gives 1.0078125."""
    def astype(x, dtype):
        if dtype == BFLOAT16 and x.dtype is not _FLOAT32 and x.dtype is not BFLOAT16:
            x = (x.real if x.dtype.kind == "c" else x).astype(_FLOAT32)  # complex: the real parts
        return np_fn(x, dtype)
    astype.__doc__ = np_fn.__doc__
    return astype


def numpy_only(name, np_fn):
    """`np_fn` (a kernel without a C implementation) computing bfloat16 arguments in float32."""
    if name == "astype":
        return _astype(np_fn)
    if name in MOVES:
        return np_fn

    def kernel(*args, **kwargs):
        if has_low(args, kwargs):
            return call_in_float32(np_fn, name, args, kwargs)
        return np_fn(*args, **kwargs)
    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = np_fn.__doc__
    kernel.__wrapped__ = np_fn
    return kernel

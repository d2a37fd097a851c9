"""torch.testing: assert_close (and the deprecated assert_allclose), with PyTorch's default
tolerances per dtype, its checks of shape, dtype and strides, and its error messages (the
mismatch count, the greatest absolute and relative differences and where they are).

Inputs may be tensors, NumPy arrays (compared with arrays only), Python and NumPy numbers,
None, and sequences or mappings of these (compared item by item; a failure names the item).
"""
import collections.abc
import numbers
import warnings

import numpy as np

from . import _dtype
from ._tensor import Tensor

__all__ = ["assert_close", "assert_allclose"]

# (rtol, atol) by dtype; the others (integers, bool) compare exactly.
_PRECISIONS = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}  # complex: its parts' float's
# assert_allclose's older, looser table.
_ALLCLOSE_PRECISIONS = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8),
                        "complex64": (1e-4, 1e-5), "complex128": (1e-5, 1e-8)}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise, its message, and the item's path."""

    def __init__(self, kind, msg, path=()):
        super().__init__(msg)
        self.kind, self.msg, self.path = kind, msg, path

    def error(self, msg):
        if isinstance(msg, str):
            return self.kind(msg)
        text = self.msg
        if self.path:
            text += f"\n\nThe failure occurred for item {''.join(str([p]) for p in self.path)}"
        return self.kind(msg(text) if callable(msg) else text)


def _tolerances(dtypes, rtol, atol, table=_PRECISIONS):
    if (rtol is None) != (atol is None):
        raise _Mismatch(ValueError, f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                                    f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [table.get(np.dtype(d).name, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _is_number(x):
    return isinstance(x, (numbers.Number, np.number)) and not isinstance(x, (bool, np.bool_))


def _number_dtype(x):
    if isinstance(x, np.number):
        return x.dtype
    return np.dtype(np.int64) if isinstance(x, numbers.Integral) else np.dtype(np.float64)


def _close(a, b, rtol, atol, equal_nan):
    """PyTorch's isclose, elementwise, in the arrays' own dtype."""
    with np.errstate(invalid="ignore", over="ignore"):
        if a.dtype.kind in "biu" and rtol == 0 and atol == 0:
            return a == b
        same = a == b
        if a.dtype.kind in "biu":
            a, b = a.astype(np.float64), b.astype(np.float64)
        near = np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) <= atol + rtol * np.abs(b))
        out = same | near
        if equal_nan:
            out |= np.isnan(a) & np.isnan(b)
        return out


def _diff_line(kind, diff, index, tol, exact):
    line = f"{kind.title()} difference: {diff}" if index is None else f"Greatest {kind} difference: {diff} at index {index}"
    return line + ("" if exact else f" (up to {tol} allowed)")


def _numeric_message(what, extra, abs_diff, rel_diff, rtol, atol, abs_index=None, rel_index=None):
    exact = rtol == 0 and atol == 0
    return (f"{what} are not {'equal' if exact else 'close'}!\n\n{extra}\n"
            + _diff_line("absolute", abs_diff, abs_index, atol, exact) + "\n"
            + _diff_line("relative", rel_diff, rel_index, rtol, exact))


def _scalar_message(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _numeric_message("Scalars", f"Expected {expected} but got {actual}.", abs_diff, rel_diff, rtol, atol)


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype, path):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.", path)
    rtol, atol = _tolerances([_number_dtype(actual), _number_dtype(expected)], rtol, atol)
    if actual == expected:
        return
    if equal_nan and actual != actual and expected != expected:
        return
    finite = abs(actual) != float("inf") and abs(expected) != float("inf")
    if finite and abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_message(actual, expected, rtol, atol), path)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride, path):
    # Arrays are compared as the tensors they make (the messages name torch.Size and torch dtypes).
    actual, expected = (x if isinstance(x, Tensor) else Tensor._wrap(x) for x in (actual, expected))
    a, b = actual._data, expected._data

    def attribute(name, x, y):
        raise _Mismatch(AssertionError, f"The values for attribute '{name}' do not match: {x} != {y}.", path)
    if a.shape != b.shape:
        attribute("shape", actual.shape, expected.shape)
    if check_dtype and a.dtype != b.dtype:
        attribute("dtype", actual.dtype, expected.dtype)
    if check_stride and actual.stride() != expected.stride():
        attribute("stride()", actual.stride(), expected.stride())
    rtol, atol = _tolerances([a.dtype, b.dtype], rtol, atol)
    if a.dtype != b.dtype:  # compared in their common dtype, as PyTorch promotes them
        common = np.dtype(_dtype.promote_types(_dtype.from_numpy(a.dtype), _dtype.from_numpy(b.dtype)).numpy_dtype)
        a, b = a.astype(common), b.astype(common)
    matches = _close(a, b, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Mismatch(AssertionError, _scalar_message(a.item(), b.item(), rtol, atol), path)
    raise _Mismatch(AssertionError, _tensor_message(a, b, matches, rtol, atol), path)


def _tensor_message(a, b, matches, rtol, atol):
    total = matches.size
    wrong = total - int(matches.sum())
    extra = f"Mismatched elements: {wrong} / {total} ({wrong / total:.1%})"
    a, b, ok = a.reshape(-1), b.reshape(-1), matches.reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if a.dtype.kind in "biu":  # integers are compared as int64; their ratio is in the default dtype
            a, b = a.astype(np.int64), b.astype(np.int64)
            abs_diff = np.abs(a - b)
            abs_diff[ok] = 0
            rel_diff = abs_diff.astype(np.float32) / np.abs(b).astype(np.float32)
        else:
            abs_diff = np.abs(a - b)
            abs_diff[ok] = 0
            rel_diff = abs_diff / np.abs(b)
        rel_diff[ok] = 0
    i, j = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))  # argmax finds a NaN first, as torch.max does
    where = (lambda k: tuple(int(v) for v in np.unravel_index(k, matches.shape)))
    return _numeric_message("Tensor-likes", extra, abs_diff[i].item(), rel_diff[j].item(), rtol, atol,
                            where(i), where(j))


def _compare(actual, expected, path, options):
    if actual is None or expected is None:
        if actual is not expected:
            raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", path)
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", path)
        return
    if _is_number(actual) and _is_number(expected):
        return _compare_numbers(actual, expected, options["rtol"], options["atol"], options["equal_nan"],
                                options["check_dtype"], path)
    tensor_pair = (isinstance(actual, Tensor) and isinstance(expected, Tensor)) or (
        isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray))
    if tensor_pair:
        if not options["allow_subclasses"] and type(actual) is not type(expected):
            raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                                       f"{type(expected)}.", path)
        return _compare_tensors(actual, expected, options["rtol"], options["atol"], options["equal_nan"],
                                options["check_dtype"], options["check_stride"], path)
    sequence = (collections.abc.Sequence,)
    if (isinstance(actual, sequence) and isinstance(expected, sequence)
            and not isinstance(actual, str) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != "
                                            f"{len(expected)}", path)
        for k, (x, y) in enumerate(zip(actual, expected)):
            _compare(x, y, path + (k,), options)
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        missing = sorted(set(expected) - set(actual), key=repr)
        extra = sorted(set(actual) - set(expected), key=repr)
        if missing or extra:
            raise _Mismatch(AssertionError, f"The keys of the mappings do not match:\n"
                                            f"Missing keys in the actual mapping: {missing}\n"
                                            f"Additional keys in the actual mapping: {extra}", path)
        for key in actual:
            _compare(actual[key], expected[key], path + (key,), options)
        return
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                               f"{type(expected)}.", path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raises AssertionError unless `actual` and `expected` are close: same shape (and dtype,
    unless check_dtype=False; strides with check_stride=True), and every element within
    ``atol + rtol * |expected|`` (NaNs equal only with equal_nan). Without rtol/atol, each
    dtype's defaults apply (float32: 1.3e-6 and 1e-5, float64: 1e-7 and 1e-7, float16: 1e-3 and
    1e-5, integers and bool: exact). `msg` replaces the message (a string) or rewrites it (a
    callable taking the generated one)."""
    options = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan, "check_dtype": check_dtype,
               "check_stride": check_stride, "allow_subclasses": allow_subclasses}
    try:
        if (rtol is None) != (atol is None):
            _tolerances((), rtol, atol)
        _compare(actual, expected, (), options)
    except _Mismatch as failure:
        if failure.kind is ValueError:
            raise ValueError(failure.msg) from None
        raise failure.error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated (as in PyTorch, with its FutureWarning): assert_close with non-tensors made
    tensors of actual's dtype, no dtype check, NaNs equal by default, and a looser tolerance
    table (float32: rtol 1e-4, atol 1e-5; float64: 1e-5 and 1e-8; float16: 1e-3 and 1e-3)."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
                  "instructions in https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = Tensor._wrap(_tensor_data(actual))
    if not isinstance(expected, Tensor):
        expected = Tensor._wrap(np.asarray(_tensor_data(expected), dtype=actual._data.dtype))
    if rtol is None and atol is None:
        rtol, atol = _tolerances([actual._data.dtype, expected._data.dtype], None, None, _ALLCLOSE_PRECISIONS)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)


def _tensor_data(x):
    """torch.tensor(x)'s array: Python floats in the default dtype, ints int64, bools bool."""
    arr = np.asarray(x)
    if arr.dtype == np.float64 and not isinstance(x, np.ndarray):
        arr = arr.astype(_dtype.get_default_dtype().numpy_dtype)
    return arr

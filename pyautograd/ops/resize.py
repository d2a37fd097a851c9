"""Tensor.resize_ / resize_as_ (in place, on the storage) and the deprecated resize / resize_as.

PyTorch's resize_ gives a tensor new sizes over its storage: the elements are the storage's,
read from the tensor's storage offset in the new layout (row-major, or channels-last with
``memory_format``), so the leading elements of a contiguous tensor survive a reshape, a shrink
and a regrow. Here the storage is the memory block the tensor's array lives in (the NumPy
array that owns it, or the buffer under it): a resize that fits in the block is a new view of
it, exactly as PyTorch reads its storage (a view of ``b[:3]`` resized to 5 elements reads
``b[3]`` and ``b[4]``). When the block is too small PyTorch reallocates the storage; here that
is done only when no other tensor or array refers to the memory (checked on the reference
counts), so no sharing can silently break. Otherwise -- a view, a ``detach()``, ``.data``, an
array given to ``from_numpy`` -- it raises PyTorch's "Trying to resize storage that is not
resizable" (PyTorch raises it for ``from_numpy`` memory, and grows the others). The elements
beyond the old storage are zeros (PyTorch leaves them uninitialized: do not rely on either).

Errors as PyTorch's: any tensor that requires grad cannot be resized ("cannot resize variables
that require grad", even under no_grad). The version is bumped when the sizes change.

``x.resize(*sizes)`` (deprecated, warns) is PyTorch's autograd ``Resize``: a reshape that keeps
the number of elements, differentiable (``ResizeBackward``), a view of ``x`` when ``x`` is
contiguous. Differences: PyTorch forbids in-place writes into that view (it comes from a
custom Function); here it is an ordinary view, and a non-contiguous ``x`` is copied by
``contiguous()`` first (one more node, CloneBackward0, between ResizeBackward and ``x``).
"""
import math
import numbers
import sys
import warnings

import numpy as np

from .. import kernels
from .._sites import user_site
from .._tensor import Tensor
from ._opdef import defop
from ._layouts import CHANNELS_LAST, channels_last_order, format_name
from .shape import contiguous


def _sizes(name, sizes, size):
    """The requested sizes as a tuple of ints (f(2, 3), f((2, 3)), f([2, 3]), f(size=...))."""
    if size is not None:
        if sizes:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        sizes = (size,)
    if not sizes:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(sizes) == 1 and not isinstance(sizes[0], numbers.Integral) and not _is_index(sizes[0]):
        sizes = tuple(sizes[0])
    out = []
    for s in sizes:
        if isinstance(s, bool) or not (isinstance(s, numbers.Integral) or _is_index(s)):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        out.append(int(s.__index__()))
    if any(s < 0 for s in out):
        raise RuntimeError(f"{name}(): sizes must be non-negative, got {out} (PyTorch reports a negative size "
                           "as 'numel: integer multiplication overflow')")
    return tuple(out)


def _is_index(x):
    """A 0-d integer tensor (or any object with __index__ that is not a float)."""
    if isinstance(x, Tensor):
        return x.ndim == 0 and x._data.dtype.kind in "iu"
    return hasattr(x, "__index__") and not isinstance(x, (float, np.floating))


def _layout_of(name, shape, memory_format):
    """The permutation from the storage order to the (N, C, ...) dims, or None for row-major."""
    fmt = format_name(name, memory_format)
    if fmt == "contiguous_format":
        return None
    if fmt in CHANNELS_LAST:
        return channels_last_order(name, shape, fmt)
    raise RuntimeError(f"Unsupported memory formatPreserve ({name}() takes contiguous_format, channels_last "
                       "or channels_last_3d)")


def _storage(arr):
    """(the array owning arr's memory block, arr's byte offset in it), or None when that block
    is not one contiguous run of bytes."""
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        return None
    offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return root, offset


def _view_of_block(root, offset, dtype, shape, perm):
    """An array of `shape` over root's bytes from `offset`, row-major or in the layout `perm`."""
    n = math.prod(shape)
    raw = root.reshape(-1, order="A").view(np.uint8)  # a view: root is one contiguous block
    flat = raw[offset:offset + n * dtype.itemsize].view(dtype)
    if perm is None:
        return flat.reshape(shape)
    stored = tuple(shape[p] for p in perm)  # (N, H, W, C): the order of the bytes
    return flat.reshape(stored).transpose(np.argsort(perm))


# -- who else refers to a tensor's memory ------------------------------------------------------


def _counts(t):
    """(references to t's array, references to the array owning its memory, or 0): compared
    with the same counts taken on arrays known to be held once (_SOLE below), so this function's
    own temporaries cancel out on every Python version."""
    return sys.getrefcount(t._data), (sys.getrefcount(t._data.base) if t._data.base is not None else 0)


class _Holder:
    __slots__ = ("_data",)


def _calibrate():
    h = _Holder()
    h._data = np.zeros(2)
    own = _counts(h)[0]
    h._data = np.zeros(2)[:1]
    return own, _counts(h)[1]


_SOLE = _calibrate()


def _sole_owner(t):
    """Whether nothing but `t` refers to its memory (no other tensor, view, or array), so the
    block may be replaced by a bigger one without breaking any sharing. Call it before binding
    t's array (or its owner) to a name: that reference would count."""
    own, owner = _counts(t)
    base = t._data.base
    if base is not None and (not isinstance(base, np.ndarray) or base.base is not None):
        return False  # memory from a buffer (frombuffer, mmap) or a chain we do not own
    return own <= _SOLE[0] and (base is None or owner <= _SOLE[1])


def _grown(t, root, offset, needed, sole):
    """A new block of `needed` bytes holding root's bytes first (zeros after), replacing root
    (`sole`: whether nothing else refers to the memory, _sole_owner)."""
    if not sole:
        raise RuntimeError(
            f"Trying to resize storage that is not resizable: resize_ needs {needed} bytes from the tensor's "
            f"storage offset, its memory holds {root.nbytes - offset}, and the memory is shared with another "
            "tensor or array (a view, detach(), .data, or an array given to from_numpy), so it cannot be "
            "reallocated without breaking the sharing. Fix: resize a copy (t = t.clone(); t.resize_(...)).")
    itemsize = t._data.itemsize
    block = np.zeros(-(-needed // itemsize), t._data.dtype)
    block.view(np.uint8)[:root.nbytes] = root.reshape(-1, order="A").view(np.uint8)
    return block


def resize_(self, *sizes, size=None, memory_format=None):
    """Resizes this tensor in place to `sizes` over its storage (see the module notes): the
    elements are the storage's from this tensor's offset, row-major (or channels-last with
    ``memory_format``); elements beyond the old storage are zeros here (uninitialized in
    PyTorch). Raises for a tensor that requires grad. Returns self."""
    shape = _sizes("resize_", sizes, size)
    perm = _layout_of("resize_", shape, memory_format)
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    sole = _sole_owner(self)  # first: the names bound below would count as references
    arr = self._data
    if arr.shape == shape and perm is None:
        return self  # PyTorch keeps the strides (and the version) when the sizes do not change
    where = _storage(arr)
    if where is None:
        raise RuntimeError(f"resize_: the tensor's memory ({_describe(arr)}) is not one contiguous block, so it "
                           "has no storage order to resize over. Fix: t = t.contiguous() first.")
    root, offset = where
    needed = offset + math.prod(shape) * arr.itemsize
    del arr, where
    if needed > root.nbytes:
        root = _grown(self, root, offset, needed, sole)
    changed = self._data.shape != shape
    self._data = _view_of_block(root, offset, self._data.dtype, shape, perm)
    if changed:
        self._counter().bump("resize_", user_site(2))
    return self


def _describe(arr):
    return f"shape {list(arr.shape)}, strides {[s // arr.itemsize for s in arr.strides]}"


def resize_as_(input, the_template, *, memory_format=None):
    """Resizes `input` in place to the template's sizes: input.resize_(the_template.shape)."""
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, not "
                        f"{type(the_template).__name__}")
    return resize_(input, tuple(the_template._data.shape), memory_format=memory_format)


# PyTorch's autograd Resize (torch/autograd/_functions/tensor.py): a reshape to the same number
# of elements, viewing the (contiguous) input, whose node is ResizeBackward.
resize_op = defop("resize", "input, sizes", kernels.view, view=True, promote=None, node_name="ResizeBackward",
                  grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})


def _resize(input, sizes, caller):
    numel = math.prod(sizes)
    if input._data.size != numel:
        raise RuntimeError(
            f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but the given tensor "
            f"has a size of {'x'.join(map(str, input._data.shape))} ({input._data.size} elements). autograd's "
            f"resize can only change the shape of a given tensor, while preserving the number of elements. "
            f"({caller}; use reshape, or resize_ on a tensor that does not require grad, to change the number)")
    return resize_op(contiguous(input), tuple(sizes))


def resize(self, *sizes):
    """Deprecated (warns "non-inplace resize is deprecated"): a tensor of the given sizes with the
    same elements -- a differentiable reshape that must keep the number of elements (view of
    self when self is contiguous). PyTorch takes the sizes as separate ints only."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            # PyTorch's Resize multiplies what it is given, so resize((2, 3)) fails there too.
            raise RuntimeError(f"requested resize to {sizes}: resize() takes the sizes as separate ints "
                               f"(resize(2, 3)), got an element of type {type(s).__name__}")
    return _resize(self, tuple(int(s) for s in sizes), "resize")


def resize_as(self, tensor):
    """Deprecated (warns "non-inplace resize_as is deprecated"): self.resize(*tensor.shape)."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return _resize(self, tuple(tensor._data.shape), "resize_as")


METHODS = {"resize_": resize_, "resize_as_": resize_as_, "resize": resize, "resize_as": resize_as}

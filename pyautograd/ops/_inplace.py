"""In-place ops: ``x.mul_(y)``, ``x += y``, ``x.zero_()`` and friends.

An in-place op is the out-of-place op plus three rules (DESIGN: the mechanics
that must be exact):
- on a leaf that requires grad it is an error while grad mode is on (under
  no_grad it is how optimizers and init write parameters);
- it writes into the tensor's storage, bumps the storage's version counter
  and records the op and the user's line, so a stale saved tensor is caught;
- on a non-leaf it rebases the tensor's history onto the op's node. When the
  op's backward reads the pre-mutation value, that value is saved as a copy
  first (decided from the op's declared formulas), so the mutation cannot
  corrupt it.
"""
import numpy as np

from .. import _creation, _dtype, _errors
from .._sites import user_site
from ..graph import grad_mode
from ..graph.observers import active as _observing

# PyTorch's scalar type names, as its error messages print them.
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def _reads_self(fn):
    """Whether fn's backward formulas read its first input's value (so it must be saved)."""
    op = getattr(fn, "op", None)
    if op is None or not op.inputs:
        return True  # a composite: be safe
    first = op.inputs[0]
    formulas = op.formulas + ((op.joint,) if op.joint else ())
    return any(first in needs or op.varargs in needs for _, needs in formulas if needs)


def check_writable(self, name):
    """Raises the PyTorch errors for writing into `self` (leaf rule, overlapping memory)."""
    check_history_writable(self, name)
    if not self._data.flags.writeable and not _unlock_for_write(self._data):
        raise RuntimeError(_read_only_error(self._data, name))


def check_history_writable(self, name):
    """The autograd rules of an in-place op (a leaf that requires grad, a view of one, a view
    from a multi-output function), alone: what an in-place view op (squeeze_, as_strided_),
    which changes no element, must pass."""
    if grad_mode.is_grad_enabled():
        if self._rg and self.grad_fn is None:
            raise RuntimeError(_LEAF_ERROR + _leaf_details(self, None, name))
        base = self._base
        if base is not None and base._rg and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation." + _leaf_details(base, self, name))
        multi = self.__dict__.get("_multi_view_op") if base is not None and self._rg else None
        if multi is not None:
            raise RuntimeError(
                f"Output {self._output_nr} of {multi} is a view and is being modified inplace. This view is "
                f"the output of a function that returns multiple views. Such functions do not allow the output "
                f"views to be modified inplace. You should replace the inplace operation by an out-of-place "
                f"one (or .clone() the output first).")


def _read_only_error(arr, name):
    """Why `arr` cannot be written: elements sharing memory (an expanded tensor, PyTorch's
    error), or a buffer that is read-only itself (NumPy's, e.g. a non-writable array given to
    from_numpy, or np.frombuffer over bytes), which PyTorch would write anyway."""
    if any(stride == 0 and n > 1 for n, stride in zip(arr.shape, arr.strides)):
        return (f"{name}: unsupported operation: more than one element of the written-to tensor refers to a "
                "single memory location. Please clone() the tensor before performing the operation.")
    return (f"{name}: the tensor's memory is read-only (it comes from a non-writable NumPy array, e.g. "
            "from_numpy of an array with flags.writeable False or of np.frombuffer over bytes), so it cannot be "
            "modified in place. Use .clone() to get a writable copy, or make the NumPy array writable first.")


def _leaf_details(leaf, view, name):
    """What the leaf error adds to PyTorch's sentence: the op, the tensor, the user's line, the fix."""
    what = "an indexed assignment (t[...] = value)" if name == "__setitem__" else name
    target = _errors.role(leaf)
    if view is not None:
        target = f"a view ({_errors.describe(view)}) of {target}"
    line, text = _errors.user_line(), _errors.source_text()
    at = f", at:\n{line}" if line else "."
    under = f"\n        {text}" if text else f" the {what}"
    out_of_place = (f"the out-of-place {name[:-1]}: y = x.{name[:-1]}(...)" if name.endswith("_")
                     else "a clone: y = x.clone(); y[...] = value (gradients flow back to x through it)")
    return (f"\n{what} was called on {target} ({_errors.describe(leaf)}){at}\n"
            "Autograd accumulates a leaf's gradient into its .grad, so its value must stay as the graph "
            "recorded it.\nFix: to update it (as an optimizer step does), write under torch.no_grad():\n"
            f"    with torch.no_grad():{under}\nTo compute a new tensor instead, use {out_of_place}.")


def _unlock_for_write(arr):
    """An observer (anomaly mode) may lock saved arrays against writes that bypass the version
    counter; our own in-place ops go through the counter, so they may write (the lock comes
    back afterwards, _relock)."""
    observer = _observing.observer
    return observer is not None and observer.unlock_for_write(arr)


def _relock(arr):
    observer = _observing.observer
    if observer is not None:
        observer.relock(arr)


def _castable(src, dst):
    kinds = "buifc"
    if _dtype.is_floating(src) or _dtype.is_floating(dst):  # bfloat16's NumPy kind is "V"
        src, dst = (np.dtype(np.float32) if _dtype.is_floating(d) else d for d in (src, dst))
    return kinds.index(src.kind if src.kind != "u" else "i") <= kinds.index(dst.kind if dst.kind != "u" else "i")


def apply_inplace(self, name, fn, args, kwargs):
    """Runs fn(self, *args) and writes the result into self (see module notes)."""
    check_writable(self, name)
    recording = grad_mode.is_grad_enabled()
    source = self
    if recording and self._rg and _reads_self(fn):
        source = self.clone()
    result = fn(source, *args, **kwargs)
    if self._data.dtype.kind == "c" and result._data.dtype.kind != "c":
        # abs_ of a complex tensor: its real result would be stored as complex (PyTorch refuses)
        raise RuntimeError(f"In-place {name.rstrip('_')} is not supported for complex tensors.")
    if result._data.dtype != self._data.dtype and not _castable(result._data.dtype, self._data.dtype):
        raise RuntimeError(f"result type {_SCALAR_NAMES[result.dtype.name]} can't be cast to the desired output "
                           f"type {_SCALAR_NAMES[self.dtype.name]}")
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(result._data.shape)}")
    if result._rg and self._base is not None and self._data.dtype != self._base._data.dtype:
        self._check_view_dtype("Writing in place into")  # ops.views installs it: before any write
    return commit(self, name, result)


def commit(self, name, result):
    """Writes `result` into self's storage, bumps the version, rebases history if needed."""
    np.copyto(self._data, result._data, casting="unsafe")
    _relock(self._data)
    counter = self._counter()
    counter.bump(name, user_site(3))
    if result._rg:
        _repoint_saved_result(result, self)
        if self._base is not None:
            self._rebase_view(result)  # ops.views installs it (it builds on the indexing ops)
        else:
            self.grad_fn = result.grad_fn
            self._output_nr = result._output_nr
            self._rg = True
            counter.rebases += 1  # views of self must regenerate their grad_fn
    return self


def apply_shape_inplace(self, name, fn, args):
    """An in-place view op (squeeze_, unsqueeze_): self takes the shape of fn(self, *args), a
    view of the same storage, and fn's node becomes its history, as PyTorch rebases it. The
    values do not change, so other views of the storage keep their histories (and a tensor whose
    elements share memory, an expanded one, may take a new shape: nothing is written)."""
    check_history_writable(self, name)
    result = fn(self, *args)
    self._data = result._data
    self._counter().bump(name, user_site(2))
    if result._rg:
        self.grad_fn = result.grad_fn
        self._output_nr = 0
    return self


def commit_raw(self, name):
    """Records a direct write into self's storage (fill_, zero_): the version bump, and the end
    of self's history when it had one (PyTorch: the result no longer depends on it)."""
    _relock(self._data)
    self._counter().bump(name, user_site(3))
    if self.grad_fn is not None and grad_mode.is_grad_enabled():
        # Overwritten with a constant: the old history gets no gradient through self any more.
        replacement = _creation.zeros_like(self) * 0
        self.grad_fn = replacement.grad_fn
        self._rg = replacement._rg
    return self


def _repoint_saved_result(result, self):
    # A node that saved its own output now owns `self`'s storage: later in-place writes
    # to self must invalidate it, as in PyTorch.
    node = result.grad_fn
    saved = node.saved if node is not None else None
    if saved and "result" in saved:
        st = saved["result"]
        if st.__class__.__name__ == "SavedTensor" and st.data is result._data:
            st.data = self._data
            st.counter = self._counter()
            st.version = st.counter.value


def make_inplace(fn, name):
    """The in-place method `name` (e.g. 'mul_') of the out-of-place function `fn`."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, name, fn, args, kwargs)
    method.__name__ = name
    method.__doc__ = f"In-place version of {fn.__name__}: writes the result into this tensor."
    return method

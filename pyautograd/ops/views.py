"""In-place writes through views: rewriting the base's history (PyTorch's CopySlices).

When an in-place op writes into a view ``v`` of ``base`` while autograd records,
the base's history becomes a CopySlices node. Its backward takes the gradient
for the whole base, hands the part under the view to the in-place op's
backward (whose gradient for the view's old value is written back into that
part), passes the rest unchanged to the base's old history, and sends the op's
other input gradients to their producers. So base, view and the written value
all get PyTorch's gradients.

Which base elements a view covers is found once, at the write, as an integer
index into the flattened base (``view_index``), computed from the arrays'
addresses and strides; it works for every view (slices with steps, transposes,
diagonals, negative strides). The view's own grad_fn is then regenerated from
the base's new history, and so is every other view of the same storage the
next time it is used (the counter's ``rebases`` tells them).
"""
import numpy as np

from ..graph.grad_mode import enable_grad
from ..graph.node import Node
from . import indexing


def _address(arr):
    return arr.__array_interface__["data"][0]


def _extent(arr):
    """(lowest, highest) byte address an array touches."""
    lo = hi = _address(arr)
    for n, s in zip(arr.shape, arr.strides):
        if n == 0:
            return lo, lo - 1
        if s > 0:
            hi += (n - 1) * s
        else:
            lo += (n - 1) * s
    return lo, hi + arr.itemsize - 1


def view_index(base, view):
    """int64 array of `view`'s shape: the flat (row-major) index into `base` of each element."""
    item = base.itemsize
    lo, hi = _extent(base)
    span = (hi - lo + 1) // item
    memory = np.full(max(span, 1), -1, np.int64)

    def overlay(arr):
        offset = (_address(arr) - lo) // item * 8
        strides = tuple(s // item * 8 for s in arr.strides)
        return np.ndarray(arr.shape, np.int64, buffer=memory, offset=offset, strides=strides)

    overlay(base)[...] = np.arange(base.size, dtype=np.int64).reshape(base.shape)
    index = overlay(view).copy()
    if index.size and index.min() < 0:
        raise RuntimeError("internal error: a view reaches outside its base")
    return index


class CopySlices(Node):
    """The base's node after an in-place op wrote through one of its views."""

    __slots__ = ("fn", "index", "base_shape")
    releases_more = True  # its release frees the wrapped node's saved values

    def __init__(self, base_edge, fn, index, base_shape):
        Node.__init__(self, (base_edge,) + tuple(fn.next_functions[1:]))
        self.fn = fn
        self.index = index
        self.base_shape = base_shape

    def name(self):
        return "CopySlices"

    def apply(self, grad_outputs):
        grad = grad_outputs[0]
        flat = grad.reshape(-1)
        under_view = indexing._index_copy(flat, self.index)
        results = self.fn.apply([under_view])
        written = results[0] if results and results[0] is not None else 0.0
        base_grad = indexing.index_put(flat, self.index, written).reshape(self.base_shape)
        return [base_grad] + list(results[1:])

    def release(self):
        self.fn.release()


def _edge(t):
    if not t._rg:
        return (None, 0)
    return (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)


def check_same_dtype(view, what):
    """A view of another dtype than its base (view_as_real, view_as_complex, .real, .imag) has no
    flat index into the base's elements: its history cannot be rewritten here, so it is refused
    (never computed wrongly)."""
    base = view._base
    if base is not None and view._data.dtype != base._data.dtype:
        raise RuntimeError(
            f"{what} a {view.dtype} view of a {base.dtype} tensor (view_as_real, view_as_complex, .real or "
            f".imag) while autograd records is not supported here: its history cannot be rewritten. Write into "
            f"the {base.dtype} tensor itself, or into a copy of the view (.clone()).")


def regenerate(view):
    """Gives `view` a grad_fn computed from its base's current history."""
    check_same_dtype(view, "Using, after its base was modified in place,")
    base = view._base
    with enable_grad():
        fresh = indexing._index_copy(base.reshape(-1), view_index(base._data, view._data))
    view.grad_fn = fresh.grad_fn
    view._output_nr = 0
    view._rg = fresh._rg
    view._view_rebase = view._vc.rebases


def rebase_view(view, result):
    """After `result` (the in-place op's output) was written into `view`: rewrite the base."""
    base = view._base
    index = view_index(base._data, view._data)
    base.grad_fn = CopySlices(_edge(base), result.grad_fn, index, base._data.shape)
    base._output_nr = 0
    base._rg = True
    view._vc.rebases += 1
    regenerate(view)


def install(tensor_cls):
    """Binds regenerate and rebase_view as Tensor methods: the apply path and the in-place path
    sit below the indexing ops these use, so they reach them through the tensor."""
    tensor_cls._regenerate_view = regenerate
    tensor_cls._rebase_view = rebase_view
    tensor_cls._check_view_dtype = check_same_dtype

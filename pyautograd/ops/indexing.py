"""Indexing ops: tensor[key] (basic and advanced), narrow, select, gather, scatter,
scatter_add, index_select, masked_fill, masked_select, nonzero, one_hot.

``tensor[key]`` follows PyTorch: ints, slices, None and Ellipsis make a view
(one node, named after the last of PyTorch's select/slice/unsqueeze steps);
integer tensors or lists and boolean masks then index that view (a copy,
IndexBackward0). Both have the same gradient: zeros of the input's shape with
the incoming gradient added at ``key`` -- added, so an index repeated in an
advanced key accumulates. That backward is itself an op (``index_backward``),
whose gradient is indexing again, so double backward works. Every index is
checked before NumPy sees it: an out-of-range one raises IndexError naming the
index, the dim and its size.
"""
import math
import numbers
import operator
import warnings

import numpy as np

from .. import _creation, kernels
from . import _apply
from ._dims import wrap_dim
from ._inplace import apply_inplace
from ._opdef import defop
from ._surface import public
from .complex_real import conj_value

index_backward = defop(
    "index_backward", "grad_output, shape, key",
    lambda grad_output, shape, key: kernels.index_add_zeros(shape, key, grad_output, grad_output.dtype),
    promote=None, complex=True, grads={"grad_output": lambda grad, key: _index_any(grad, key)})


def _index_grad(grad, input_shapes, key):
    return index_backward(grad, input_shapes[0], key)


def _view_op(name, node_name):
    return defop(name, "input, key", kernels.getitem, view=True, promote=None, complex=True, node_name=node_name,
                 grads={"input": _index_grad})


# Basic indexing is one view op; PyTorch's node is that of its last select/slice/unsqueeze step.
_index_view = _view_op("_index_view", "SliceBackward0")
_select_view = _view_op("_select_view", "SelectBackward0")
_unsqueeze_view = _view_op("_unsqueeze_view", "UnsqueezeBackward0")
_alias_view = _view_op("_alias_view", "AliasBackward0")
_VIEWS = {"slice": _index_view, "select": _select_view, "unsqueeze": _unsqueeze_view, "alias": _alias_view}

_index_copy = defop("_index_copy", "input, key", kernels.getitem, promote=None, complex=True,
                    node_name="IndexBackward0",
                    grads={"input": _index_grad})


def _index_put_forward(input, key, values, accumulate):
    # Complex values into a real tensor are refused as PyTorch refuses them (never their real
    # parts silently); complex and real tensors otherwise share the kernel.
    if input.dtype.kind != "c" and np.iscomplexobj(values):
        if isinstance(values, np.ndarray) and values.ndim:
            names = {"f4": "Float", "f8": "Double", "c8": "ComplexFloat", "c16": "ComplexDouble"}
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{names.get(input.dtype.str[1:], input.dtype)} for the destination and "
                               f"{names.get(values.dtype.str[1:], values.dtype)} for the source.")
        raise RuntimeError(f"value cannot be converted to type {input.dtype} without overflow")
    return kernels.index_put(input, key, values, accumulate)


index_put = defop(
    "index_put", "input, key, values, accumulate=False", _index_put_forward, promote=None, complex=True,
    tensors=("values",),
    grads={"input": lambda grad, key, accumulate: grad if accumulate else index_put(grad, key, 0.0),
           "values": lambda grad, key: _index_any(grad, key)})


_index_add = defop(
    "_index_add", "input, dim, index, source, alpha", kernels.index_add, promote=None,
    tensors=("source",), node_name="IndexAddBackward0",
    grads={"input": lambda grad: grad,
           "source": lambda grad, dim, index, alpha: _index_any(grad, (slice(None),) * dim + (index,)) * alpha},
    complex={"input": lambda grad: grad,
             "source": lambda grad, dim, index, alpha:
             _index_any(grad, (slice(None),) * dim + (index,)) * conj_value(alpha)})


@public(method=True, inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    """input with alpha * source added along `dim` at the positions in `index` (repeats add up)."""
    dim = wrap_dim(dim, input.ndim, "index_add")
    idx = normalize_key(index)
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise IndexError("index_add(): index must be a 1-D integer tensor")
    size = input._data.shape[dim]
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError(f"index_add(): index out of range for dimension {dim} with size {size}")
    return _index_add(input, dim, idx, source, alpha)


@public("index_put", method="index_put", inplace=True)
def index_put_op(input, indices, values, accumulate=False):
    """torch.index_put: input with input[indices] = values (or += with accumulate)."""
    key = normalize_key(tuple(indices))
    _check_bounds(input, key)
    return index_put(input, key, values, accumulate)


def setitem(input, key, value):
    """input[key] = value, in place, with gradients for input's history and for value."""
    key = normalize_key(key)
    basic, advanced, kind = parse_key(input._data.shape, key)
    if advanced is not None and kind != "alias":
        # As PyTorch: ints, slices and None first make a view, into which the index tensors then
        # write (the base's history becomes CopySlices). So the indexed dims land where getitem
        # puts them: an int between a slice and an index tensor does not count as an index
        # array, as it would in NumPy (x[0, :, idx] is (x[0])[:, idx]).
        input, key = _VIEWS[kind](input, basic), advanced
    elif advanced is None and (isinstance(value, _apply.Tensor) or isinstance(value, numbers.Number)):
        # A basic key (ints, slices, None, Ellipsis) writes through a view as PyTorch does:
        # self[key].copy_(value) or .fill_(value), so the base's history becomes CopySlices
        # (FillBackward3 / CopyBackwards when the key is the whole tensor).
        target = input if kind == "alias" else _VIEWS[kind](input, basic)
        if isinstance(value, _apply.Tensor):
            target.copy_(value)
        else:
            target.fill_(value)
        return
    apply_inplace(input, "__setitem__", index_put, (key, value), {})


def _is_basic(key):
    parts = key if isinstance(key, tuple) else (key,)
    return all(p is None or p is Ellipsis or isinstance(p, (numbers.Integral, slice)) for p in parts)


def _index_any(x, key):
    return _index_view(x, key) if _is_basic(key) else _index_copy(x, key)


# -- keys ---------------------------------------------------------------------------------------

_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
              "indices (got {})")


def _index_array(arr):
    """An index array as NumPy takes it: bool masks as they are, integers as int64."""
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool "
                      "instead.", UserWarning, stacklevel=4)
        return arr.astype(np.bool_)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got one of dtype "
                     f"{arr.dtype})")


def _sequence_array(seq):
    arr = np.asarray(seq)
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind not in "biu":
        raise IndexError(_BAD_INDEX.format(f"a sequence of {arr.dtype}"))
    return _index_array(arr)


def normalize_key(key):
    """A NumPy index from a PyTorch one: tensors and lists become arrays, bools stay masks."""
    Tensor = _apply.Tensor
    if isinstance(key, list) and _legacy_tuple(key):
        key = tuple(key)
    if isinstance(key, tuple):
        return tuple(normalize_key(k) for k in key)
    if isinstance(key, Tensor):
        return _index_array(key._data)
    if isinstance(key, np.ndarray):
        return _index_array(key)
    if isinstance(key, list):
        return _sequence_array(key)
    if isinstance(key, bool):
        return key
    if isinstance(key, numbers.Integral):
        return int(key)
    return key


def _part(p):
    """One component of a getitem key, normalized: int, slice, None, Ellipsis or an index array."""
    Tensor = _apply.Tensor
    cls = p.__class__
    if cls is int or cls is slice or p is None or p is Ellipsis:
        return _slice(p) if cls is slice else p
    if isinstance(p, (bool, np.bool_)):
        return np.array(bool(p))  # PyTorch: x[True] adds a dim of size 1 (a copy), x[False] of size 0
    if isinstance(p, numbers.Integral):
        return int(p)
    if isinstance(p, (Tensor, np.ndarray)):
        arr = _index_array(p._data if isinstance(p, Tensor) else p)
        # A 0-d integer tensor indexes like an int (a view), as in PyTorch.
        return int(arr) if arr.ndim == 0 and arr.dtype != np.bool_ else arr
    if isinstance(p, (list, tuple)):
        return _sequence_array(p)
    raise IndexError(_BAD_INDEX.format(type(p).__name__))


def _slice(s):
    if s.step is None and (s.start is None or s.start.__class__ is int) and (s.stop is None or s.stop.__class__ is int):
        return s
    start, stop, step = (None if v is None else operator.index(v) for v in (s.start, s.stop, s.step))
    if step is not None and step <= 0:
        if step == 0:
            raise ValueError("slice step cannot be zero")
        raise ValueError(f"step must be greater than zero (got a slice with step {step}; use flip() to "
                         f"reverse a tensor)")
    return slice(start, stop, step)


def _legacy_tuple(key):
    """Whether a list key counts as a tuple: PyTorch's legacy rule (deprecated there too) for a
    short list holding sequences, tensors, slices, None or Ellipsis. Warns when it does."""
    Tensor = _apply.Tensor
    if len(key) < 32 and any(isinstance(p, (Tensor, list, tuple, slice)) or p is None or p is Ellipsis
                             for p in key):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated; use "
                      "x[tuple(seq)] instead of x[seq] (PyTorch will read it as x[torch.tensor(seq)])",
                      UserWarning, stacklevel=5)
        return True
    return False


def _key_parts(key):
    """The components of a key (a tuple's items, else the key itself)."""
    if isinstance(key, tuple):
        return key
    if isinstance(key, list) and _legacy_tuple(key):
        return tuple(key)
    return (key,)


def _consumed(parts):
    """How many dims of the indexed tensor the parts (other than Ellipsis) address."""
    n, ellipses = 0, 0
    for p in parts:
        if p is Ellipsis:
            ellipses += 1
        elif isinstance(p, np.ndarray) and p.dtype == np.bool_:
            n += p.ndim
        elif p is not None:
            n += 1
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    return n


def _check_range(arr, size, dim):
    if arr.size and (arr.min() < -size or arr.max() >= size):
        bad = arr[(arr < -size) | (arr >= size)]
        raise IndexError(f"index {bad.flat[0]} is out of bounds for dimension {dim} with size {size}")


def _check_mask(mask, shape, dim):
    for j, n in enumerate(mask.shape):
        if n != shape[dim + j]:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape "
                             f"of the indexed tensor {list(shape)} at index {dim + j}")


def _check_broadcast(arrays):
    shapes = [(int(a.sum()),) if a.dtype == np.bool_ else a.shape for a in arrays
              if not (a.dtype == np.bool_ and a.ndim == 0)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in shapes)) from None


def parse_key(shape, key):
    """Splits a getitem key for a tensor of `shape` into PyTorch's two steps, checking it.

    Returns (basic, advanced, kind): x[key] is x[basic] -- a view; `kind` names the PyTorch
    step that made it last ('select', 'slice', 'unsqueeze', or 'alias' when nothing changed) --
    then, when the key holds index arrays or masks, [advanced] applied to that view.
    """
    parts = [_part(p) for p in _key_parts(key)]
    ndim = len(shape)
    consumed = _consumed(parts)
    if consumed > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced, arrays = [], [], []
    kind, dim = "alias", 0
    for p in parts:
        if p is Ellipsis:
            basic.append(p)
            advanced.append(p)
            dim += ndim - consumed
        elif p is None:
            basic.append(p)
            advanced.append(slice(None))
            kind = "unsqueeze"
        elif isinstance(p, int):
            if not -shape[dim] <= p < shape[dim]:
                raise IndexError(f"index {p} is out of bounds for dimension {dim} with size {shape[dim]}")
            basic.append(p)
            kind = "select"
            dim += 1
        elif isinstance(p, slice):
            basic.append(p)
            advanced.append(slice(None))
            if p.indices(shape[dim]) != (0, shape[dim], 1):
                kind = "slice"
            dim += 1
        else:
            if p.dtype == np.bool_:
                _check_mask(p, shape, dim)
            else:
                _check_range(p, shape[dim], dim)
            basic.extend([slice(None)] * (p.ndim if p.dtype == np.bool_ else 1))
            advanced.append(p)
            arrays.append(p)
            dim += p.ndim if p.dtype == np.bool_ else 1
    if len(arrays) > 1:
        _check_broadcast(arrays)
    if isinstance(key, slice):
        kind = "slice"  # PyTorch slices a lone slice key even when it spans the whole dim
    return tuple(basic), (tuple(advanced) if arrays else None), kind


def _check_bounds(input, key):
    parse_key(input._data.shape, key)


@public(export=False, dunders=("__getitem__",))
def getitem(input, key):
    """input[key] with PyTorch's semantics: a view for ints, slices, None and Ellipsis; a copy
    when the key holds integer tensors or lists, or boolean masks."""
    shape = input._data.shape
    if shape:  # fast paths for x[i], x[index_tensor] and x[mask]
        if key.__class__ is int:
            if not -shape[0] <= key < shape[0]:
                raise IndexError(f"index {key} is out of bounds for dimension 0 with size {shape[0]}")
            return _select_view(input, key)
        if key.__class__ is input.__class__ and key._data.ndim:
            arr = key._data
            if arr.dtype == np.int64:
                _check_range(arr, shape[0], 0)
                return _index_copy(input, arr)
            if arr.dtype == np.bool_ and arr.ndim <= len(shape):
                _check_mask(arr, shape, 0)
                return _index_copy(input, arr)
    basic, advanced, kind = parse_key(shape, key)
    if advanced is None:
        return _VIEWS[kind](input, basic)
    if kind != "alias":
        input = _VIEWS[kind](input, basic)
    return _index_copy(input, advanced)


# -- narrow, select -------------------------------------------------------------------------------

@public(method=True)
def narrow(input, dim, start, length):
    """The slice [start, start + length) of `dim`, as a view (start may be negative)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim, "narrow")
    start, length = operator.index(start), operator.index(length)
    size = input._data.shape[dim]
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _index_view(input, (slice(None),) * dim + (slice(start, start + length),))


@public(method=True)
def select(input, dim, index):
    """The sub-tensor at `index` of `dim` (that dim removed), as a view."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim, "select")
    index = operator.index(index)
    size = input._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {dim}")
    return _select_view(input, (slice(None),) * dim + (index,))


# -- gather, scatter, scatter_add, index_select ------------------------------------------------------

def _zeros(shape, like):
    return _creation.zeros(shape, dtype=like.dtype)


def _src_grad(grad, dim, index, src_shape):
    """scatter's gradient for src: grad read at the scattered positions; src entries beyond the
    index's extent were never read, so they get zeros."""
    g = _gather(grad, dim, index)
    if g._data.shape == tuple(src_shape):
        return g
    return index_backward(g, src_shape, tuple(slice(0, n) for n in index.shape))


_gather = defop("gather", "input, dim, index", kernels.gather, promote=None, complex=True,
                grads={"input": lambda grad, input_shapes, dim, index:
                       _scatter_add(_zeros(input_shapes[0], grad), dim, index, grad)})

_scatter_add = defop("scatter_add", "input, dim, index, src", kernels.scatter_add, promote=None, complex=True,
                     tensors=("input", "src"),
                     grads={"input": lambda grad: grad,
                            "src": lambda grad, dim, index, input_shapes: _src_grad(grad, dim, index, input_shapes[1])})

_scatter_value = defop("scatter_value", "input, dim, index, value", kernels.scatter, promote=None,
                       node_name="ScatterBackward1",
                       grads={"input": lambda grad, dim, index: _scatter_value(grad, dim, index, 0.0)})

_scatter_src = defop("scatter_src", "input, dim, index, src", kernels.scatter, promote=None,
                     node_name="ScatterBackward0", tensors=("input", "src"),
                     grads={"input": lambda grad, dim, index: _scatter_value(grad, dim, index, 0.0),
                            "src": lambda grad, dim, index, input_shapes: _src_grad(grad, dim, index, input_shapes[1])})


def _index_arg(op, index, dtypes="int64"):
    """The int64 array of an index tensor argument (a TypeError/RuntimeError naming `op` if not one)."""
    Tensor = _apply.Tensor
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    arr = index._data
    if arr.dtype.kind not in "iu" or arr.dtype == np.uint8:
        raise RuntimeError(f"{op}(): Expected dtype {dtypes} for index (got {index.dtype})")
    return arr.astype(np.int64, copy=False)


def _check_index_values(op, arr, size, dim):
    if arr.size:
        bad = (arr < 0) | (arr >= size)
        if bad.any():
            raise RuntimeError(f"{op}(): index {arr[bad].flat[0]} is out of bounds for dimension {dim} "
                               f"with size {size}")


def _same_ndim(op, index, tensor, name):
    if max(index.ndim, 1) != max(tensor.ndim, 1):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as {name} tensor "
                           f"(index is {index.ndim}-D with shape {list(index.shape)}, {name} is {tensor.ndim}-D "
                           f"with shape {list(tensor.shape)})")


def _dim_and_size(op, input, dim):
    dim = wrap_dim(dim, input.ndim, op)
    return dim, (input._data.shape[dim] if input.ndim else 1)


@public(method=True, out="exact")
def gather(input, dim, index, *, sparse_grad=False):
    """out[p] = input[p with p[dim] replaced by index[p]] for every position p of `index`.

    `index` has input's number of dims and is no larger than input in the other dims.
    """
    dim, size = _dim_and_size("gather", input, dim)
    idx = _index_arg("gather", index)
    _same_ndim("gather", idx, input._data, "input")
    for d, (n, m) in enumerate(zip(idx.shape, input._data.shape)):
        if d != dim and n > m:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx.shape)} to be no "
                               f"larger than self {list(input._data.shape)} apart from dimension {dim}")
    _check_index_values("gather", idx, size, dim)
    return _gather(input, dim, idx)


def _scatter_checks(op, input, dim, index, src):
    dim, size = _dim_and_size(op, input, dim)
    idx = _index_arg(op, index)
    _same_ndim(op, idx, input._data, "self")
    shape = input._data.shape
    if src is not None:
        _same_ndim(op, idx, src._data, "src")
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype (self is {input.dtype}, "
                               f"src is {src.dtype})")
    src_shape = src._data.shape if src is not None else None
    for d, n in enumerate(idx.shape):
        if (d != dim and shape and n > shape[d]) or (src_shape and n > src_shape[d]):
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(shape)} apart "
                               f"from dimension {dim}" + (f" and to be no larger size than src {list(src_shape)}"
                                                          if src_shape is not None else ""))
    _check_index_values(op, idx, size, dim)
    return dim, idx


@public(method=True, inplace=True)
def scatter_add(input, dim, index, src):
    """A copy of `input` with src[p] added at position p of `index`, its dim `dim` replaced by
    index[p]; repeated indices add up."""
    Tensor = _apply.Tensor
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    dim, idx = _scatter_checks("scatter_add", input, dim, index, src)
    return _scatter_add(input, dim, idx, src)


def _index_select_grad(grad, input_shapes, dim, index):
    if not input_shapes[0]:
        return grad
    return _index_add(_zeros(input_shapes[0], grad), dim, index, grad, 1)


_index_select = defop("index_select", "input, dim, index", kernels.index_select, promote=None, complex=True,
                      grads={"input": _index_select_grad})


@public(method=True, out="exact")
def index_select(input, dim, index):
    """The entries of `input` at positions `index` (a vector) along `dim`, in that order."""
    dim, size = _dim_and_size("index_select", input, dim)
    idx = _index_arg("index_select", index, "int32 or int64")
    if idx.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector (got shape {list(idx.shape)})")
    idx = idx.reshape(-1)
    if input.ndim == 0 and idx.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
    if idx.size and ((idx < 0) | (idx >= size)).any():
        bad = idx[(idx < 0) | (idx >= size)].flat[0]
        detail = f"index_select(): index {bad} is out of bounds for dimension {dim} with size {size}"
        if dim == 1:  # PyTorch's CPU kernel for dim 1 raises RuntimeError, the others IndexError
            raise RuntimeError(detail)
        raise IndexError(f"index out of range in self: {detail}")
    return _index_select(input, dim, idx)


# -- masks -------------------------------------------------------------------------------------------

_masked_fill = defop("masked_fill", "input, mask, value", kernels.masked_fill, promote=None, complex=True,
                     grads={"input": lambda grad, mask: _masked_fill(grad, mask, 0.0)})

_masked_fill_tensor = defop(
    "masked_fill_tensor", "input, mask, value", kernels.masked_fill, promote=None, complex=True,
    node_name="MaskedFillBackward1", tensors=("input", "value"),
    grads={"input": lambda grad, mask: _masked_fill(grad, mask, 0.0),
           "value": lambda grad, mask: _masked_fill(grad, ~mask, 0.0).sum()})


def _mask_arg(op, mask, what):
    Tensor = _apply.Tensor
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(what.format(mask.dtype))
    return mask._data


def _broadcast_shape(a, b):
    """The broadcast of two shapes, with PyTorch's error naming the first dim that clashes."""
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
        d = next(i for i in range(n) if pa[i] != pb[i] and 1 not in (pa[i], pb[i]))
        raise RuntimeError(f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) at "
                           f"non-singleton dimension {d}") from None


@public(method=True, inplace=True)
def masked_fill(input, mask, value):
    """`input` with `value` (a number or a 0-d tensor) where the bool `mask` is True; mask and
    input broadcast together. The result has input's dtype."""
    Tensor = _apply.Tensor
    m = _mask_arg("masked_fill", mask, "masked_fill only supports boolean masks, but got mask with dtype {}")
    _broadcast_shape(input._data.shape, m.shape)
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return _masked_fill_tensor(input, m, value)
    if not isinstance(value, (numbers.Number, np.bool_)):
        raise TypeError(f"masked_fill(): argument 'value' must be a number or a Tensor, not {type(value).__name__}")
    if not input.dtype.is_floating_point and isinstance(value, float) and not math.isfinite(value):
        raise RuntimeError(f"value cannot be converted to type {input.dtype.name} without overflow (masked_fill "
                           f"of a {input.dtype.name} tensor with {value})")
    return _masked_fill(input, m, value)


def _masked_select_grad(grad, input_shapes, mask):
    shape = np.broadcast_shapes(input_shapes[0], mask.shape)
    return index_backward(grad, shape, np.broadcast_to(mask, shape))


_masked_select = defop("masked_select", "input, mask", kernels.masked_select, promote=None, complex=True,
                       grads={"input": _masked_select_grad})


@public(method=True, out="cast")
def masked_select(input, mask):
    """The elements of `input` where the bool `mask` is True (both broadcast), as a 1-D tensor."""
    m = _mask_arg("masked_select", mask, "masked_select: expected BoolTensor for mask (got {})")
    _broadcast_shape(input._data.shape, m.shape)
    return _masked_select(input, m)



def _masked_scatter_forward(input, mask, source):
    shape = np.broadcast_shapes(input.shape, mask.shape)
    m = np.broadcast_to(mask, shape)
    k = int(np.count_nonzero(m))
    if source.size < k:
        raise RuntimeError(f"Number of elements of source < number of ones in mask (masked_scatter: source has "
                           f"{source.size} elements, the mask {k} ones)")
    out = np.array(np.broadcast_to(input, shape))
    out[m] = source.reshape(-1)[:k]  # in row-major order, as PyTorch
    return out


def _masked_scatter_source_grad(grad, mask, input_shapes):
    # The first k elements of source went where the mask is True; the rest get no gradient.
    n = math.prod(input_shapes[1])  # the shapes of the tensor inputs: input, source
    used = np.zeros(n, bool)
    used[:int(np.count_nonzero(np.broadcast_to(mask, grad.shape)))] = True
    return index_backward(_masked_select(grad, mask), (n,), used).reshape(input_shapes[1])


_masked_scatter = defop("masked_scatter", "input, mask, source", _masked_scatter_forward, promote=None,
                        tensors=("input", "source"),
                        grads={"input": lambda grad, mask: _masked_fill(grad, mask, 0.0),
                               "source": _masked_scatter_source_grad})


@public(method=True, inplace=True)
def masked_scatter(input, mask, source):
    """`input` with the bool `mask`'s True places filled, in row-major order, by the first elements
    of `source` (mask and input broadcast together)."""
    m = _mask_arg("masked_scatter", mask, "masked_scatter_ only supports boolean masks, but got mask with dtype {}")
    _broadcast_shape(input._data.shape, m.shape)
    if input.dtype != source.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got {input.dtype} "
                           f"and {source.dtype}")
    return _masked_scatter(input, m, source)

# -- index-valued results -------------------------------------------------------------------------

_nonzero = defop("nonzero", "input", kernels.nonzero, promote=None, complex=True, differentiable=False)


@public(method=True)
def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: an int64 tensor (count, ndim), or with as_tuple a
    tuple of ndim 1-D tensors (a 0-d input counts as 1-D there)."""
    if not as_tuple:
        return _nonzero(input)
    flat = input if input.ndim else input.reshape(1)
    found = _nonzero(flat)
    return tuple(found.select(1, d).contiguous() for d in range(flat.ndim))


@public(method=True)
def argwhere(input):
    """The indices of the nonzero elements, as an int64 tensor (count, ndim)."""
    return _nonzero(input)


_one_hot = defop("one_hot", "input, num_classes", kernels.one_hot, promote=None, differentiable=False)


@public()
def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape tensor.shape + (num_classes,): 1 at each entry's class, else 0.

    num_classes=-1 takes one more than the largest entry. (PyTorch has it in
    torch.nn.functional; the op lives here and nn.functional re-exports it.)
    """
    data = tensor._data
    if data.dtype != np.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor (got {tensor.dtype}).")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if data.min() < 0:
            raise RuntimeError(f"Class values must be non-negative (got {int(data.min())}).")
        if data.max() >= num_classes:
            raise RuntimeError(f"Class values must be smaller than num_classes (got {int(data.max())} with "
                               f"num_classes={num_classes}).")
    return _one_hot(tensor, int(num_classes))

"""Ops written only in other ops: argument handling and overload choice, no backward code.

Where PyTorch has several overloads with different backward nodes (pow with a
tensor or a number exponent, sum over all or some dims, clamp with one or two
bounds), the choice is made here and each overload is a primitive of its own.
"""
import builtins
import numbers

from .. import _dtype
from . import indexing, linalg, pointwise, reduction
from .einsum import einsum  # noqa: F401  (a composite; its own module for its size)
from . import shape as shape_mod
from ._dims import infer_size, size_args, wrap_dim, wrap_dims


def _tensor_cls():
    from .._tensor import Tensor
    return Tensor


def pow(input, exponent):
    """input ** exponent, elementwise (either may be a number, not both)."""
    Tensor = _tensor_cls()
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return pointwise.pow_tensor(input, exponent)
        return pointwise.pow_scalar(input, exponent)
    return pointwise.pow_base(input, exponent)


def square(input):
    """input ** 2."""
    return pointwise.pow_scalar(input, 2)


def div(input, other, *, rounding_mode=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor'."""
    if rounding_mode is None:
        return pointwise.div(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    Tensor = _tensor_cls()
    dt = _dtype.result_type([t for t in (input, other) if isinstance(t, Tensor)],
                            [n for n in (input, other) if not isinstance(n, Tensor)])
    q = pointwise.div(input, other)
    q = pointwise.trunc(q) if rounding_mode == "trunc" else pointwise.floor(q)
    return q if dt.is_floating_point else q.to(dt)


true_divide = divide = div


def floor_divide(input, other):
    """Division rounded towards negative infinity."""
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    """input - floor(input / other) * other (the sign of the divisor, as Python's %)."""
    return input - floor_divide(input, other) * other


def clamp(input, min=None, max=None):
    """Elementwise bound to [min, max]; either bound may be None, a number or a tensor."""
    Tensor = _tensor_cls()
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = pointwise.maximum(out, min)
        if max is not None:
            out = pointwise.minimum(out, max)
        return out
    if min is None:
        return pointwise.clamp_max(input, max)
    if max is None:
        return pointwise.clamp_min(input, min)
    return pointwise.clamp_both(input, min, max)


clip = clamp


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over all elements, or over `dim` (an int or a tuple)."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.numpy_dtype.kind in "biu":
        input = input.to(_dtype.int64)
    if dim is None:
        return reduction.sum_all(input)
    return reduction.sum_dim(input, wrap_dims(dim, input.ndim, "sum"), bool(keepdim))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over all elements, or over `dim`."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    if dim is None:
        return reduction.mean_all(input)
    return reduction.mean_dim(input, wrap_dims(dim, input.ndim, "mean"), bool(keepdim))


def _viewable(input, shape):
    arr = input._data.view()
    try:
        arr.shape = shape
    except AttributeError:
        return False
    return True


def reshape(input, *shape):
    """`input` with a new shape: a view when the layout allows, else a copy."""
    shape = infer_size(size_args(shape), input._data.size)
    if _viewable(input, shape):
        return shape_mod.view(input, shape)
    return shape_mod._unsafe_view(shape_mod.clone(input), shape)


def view(input, *shape):
    """A view of `input` with a new shape (-1 is inferred); raises if the layout forbids one."""
    return shape_mod.view(input, infer_size(size_args(shape), input._data.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Merges dims start_dim..end_dim into one."""
    nd = input.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, nd, "flatten"), wrap_dim(end_dim, nd, "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = input._data.shape
    if s == e:
        return input
    merged = 1
    for d in shp[s:e + 1]:
        merged *= d
    return reshape(input, shp[:s] + (merged,) + shp[e + 1:])


def unflatten(input, dim, sizes):
    """Splits dim `dim` into `sizes`."""
    dim = wrap_dim(dim, input.ndim, "unflatten")
    shp = input._data.shape
    sizes = infer_size(tuple(sizes), shp[dim])
    return view(input, shp[:dim] + tuple(sizes) + shp[dim + 1:])


def expand(input, *sizes):
    """A broadcast view of `input` with `sizes` (-1 keeps a dim)."""
    sizes = size_args(sizes)
    shp = input._data.shape
    lead = len(sizes) - len(shp)
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({len(shp)})")
    target = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
            s = shp[i - lead]
        elif i >= lead and shp[i - lead] != 1 and shp[i - lead] != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({shp[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shp)}")
        target.append(s)
    return shape_mod.expand(input, tuple(target))


def expand_as(input, other):
    """`input` expanded to `other`'s shape."""
    return expand(input, other.shape)


def broadcast_to(input, shape):
    """`input` broadcast to `shape`."""
    return expand(input, tuple(shape))


def permute(input, *dims):
    """A view with the dims reordered."""
    dims = size_args(dims)
    nd = input.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
                           f"to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, nd, "permute") for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return shape_mod.permute(input, dims)


def transpose(input, dim0, dim1):
    """A view with dims dim0 and dim1 swapped."""
    nd = input.ndim
    if nd == 0:
        return shape_mod.view(input, ())
    return shape_mod.transpose(input, wrap_dim(dim0, nd, "transpose"), wrap_dim(dim1, nd, "transpose"))


swapaxes = swapdims = transpose


def t(input):
    """The transpose of a tensor of at most 2 dims."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return shape_mod.t(input)


def movedim(input, source, destination):
    """Moves dims `source` to positions `destination`."""
    nd = input.ndim
    src = [wrap_dim(d, nd, "movedim") for d in ((source,) if isinstance(source, int) else source)]
    dst = [wrap_dim(d, nd, "movedim") for d in ((destination,) if isinstance(destination, int) else destination)]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return shape_mod.permute(input, tuple(order))


moveaxis = movedim


def squeeze(input, dim=None):
    """`input` without size-1 dims (all, or those in `dim`)."""
    shp = input._data.shape
    dims = wrap_dims(dim, input.ndim, "squeeze") if dim is not None else tuple(range(len(shp)))
    dims = tuple(d for d in dims if shp[d] == 1)
    return shape_mod.squeeze(input, dims)


def unsqueeze(input, dim):
    """`input` with a size-1 dim inserted at `dim`."""
    return shape_mod.unsqueeze(input, wrap_dim(dim, input.ndim + 1, "unsqueeze"))


def _tensor_list(tensors, op):
    Tensor = _tensor_cls()
    tensors = tuple(tensors)
    if not tensors:
        raise RuntimeError(f"{op}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    return tensors


def cat(tensors, dim=0):
    """The tensors joined along `dim` (same shape elsewhere)."""
    tensors = _tensor_list(tensors, "cat")
    nd = max(x.ndim for x in tensors)
    d = wrap_dim(dim, nd, "cat")
    parts = [x for x in tensors if not (x.ndim == 1 and x._data.shape[0] == 0)] or list(tensors[:1])
    ref = parts[0]._data.shape
    for i, x in enumerate(parts):
        s = x._data.shape
        if len(s) != len(ref) or any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                               f"{list(ref)} but got size {list(s)} for tensor number {i} in the list.")
    return shape_mod._cat(*parts, dim=d)


concat = concatenate = cat


def stack(tensors, dim=0):
    """The tensors (all the same shape) joined along a new dim."""
    tensors = _tensor_list(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 "
                               f"and {list(x._data.shape)} at entry {i}")
    return shape_mod._stack(*tensors, dim=wrap_dim(dim, len(ref) + 1, "stack"))


def matmul(input, other):
    """The matrix product with NumPy/PyTorch's 1-D and batch broadcasting rules."""
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return linalg.dot(input, other)
    if a == 2 and b == 1:
        return linalg.mv(input, other)
    if a == 2 and b == 2:
        return linalg.mm(input, other)
    return linalg.matmul_nd(input, other)


def mm(input, mat2):
    """The product of two matrices."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._data.shape[0]}x"
                           f"{input._data.shape[1]} and {mat2._data.shape[0]}x{mat2._data.shape[1]})")
    return linalg.mm(input, mat2)


def contiguous(input):
    """`input` itself when contiguous, else a contiguous copy."""
    return input if input._data.flags.c_contiguous else shape_mod.contiguous_copy(input)


def to(input, *args, **kwargs):
    """`input` converted to a dtype (returns `input` itself when nothing changes).

    Accepts to(dtype), to(device), to(device, dtype), to(other_tensor) and keywords.
    """
    Tensor = _tensor_cls()
    dtype = kwargs.get("dtype")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dtype.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, str) and a in _dtype._BY_NAME:
            dtype = a
        else:
            from .._device import device
            device(a)  # validates: only the CPU exists
    if dtype is None:
        return input
    dtype = _dtype.to_dtype(dtype)
    if dtype is input.dtype and not kwargs.get("copy", False):
        return input
    return shape_mod._to_copy(input, dtype.numpy_dtype)


def numel(input):
    """The number of elements of `input`."""
    return input._data.size


def is_tensor(obj):
    """Whether `obj` is a pyautograd Tensor."""
    return isinstance(obj, _tensor_cls())


def is_floating_point(input):
    """Whether `input` has a floating point dtype."""
    return input.dtype.is_floating_point


def relu6(input):
    """min(max(input, 0), 6)."""
    return clamp(input, 0, 6)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """input clamped to [min_val, max_val]."""
    return clamp(input, min_val, max_val)


getitem = indexing.getitem
narrow = indexing.narrow
select = indexing.select


# -- splitting and repeating --------------------------------------------------------------------

def _split_dim(input, dim, op):
    if input.ndim == 0:
        raise RuntimeError(f"{op} expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input.ndim, op)
    return d, input._data.shape[d]


def split(tensor, split_size_or_sections, dim=0):
    """Views of `tensor` cut along `dim`: pieces of split_size_or_sections elements each (the last
    may be smaller), or of the sizes listed in it."""
    d, size = _split_dim(tensor, dim, "split")
    if isinstance(split_size_or_sections, numbers.Integral):
        split_size = int(split_size_or_sections)
        if split_size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
        if split_size == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        return shape_mod.mark_views(shape_mod.split(tensor, split_size, d), tensor)
    return split_with_sizes(tensor, split_size_or_sections, d)


def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` cut along `dim` into pieces of the given sizes (which sum to its size)."""
    d, size = _split_dim(input, dim, "split_with_sizes")
    sizes = [int(n) for n in split_sizes]
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if builtins.sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    if not sizes:
        return ()
    return shape_mod.mark_views(shape_mod.split_with_sizes(input, tuple(sizes), d), input)


def chunk(input, chunks, dim=0):
    """`input` split along `dim` into `chunks` views of equal size (the last may be smaller, and
    fewer may come back when the size does not divide)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d, size = _split_dim(input, dim, "chunk")
    split_size = -(-size // chunks)
    if size == 0:
        return split_with_sizes(input, [0] * chunks, d)
    return split(input, split_size, d)


def unbind(input, dim=0):
    """The slices of `input` along `dim` (that dim removed), as a tuple of views."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim, "unbind")
    if input._data.shape[d] == 0:
        return ()
    return shape_mod.mark_views(shape_mod.unbind(input, d), input)


def repeat(input, *sizes):
    """`input` tiled sizes[i] times along each dim; extra leading sizes add new dims."""
    sizes = size_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           f"tensor (repeat dims {list(sizes)}, tensor shape {list(input._data.shape)})")
    padded = (1,) * (len(sizes) - input.ndim) + input._data.shape
    out = [n * r for n, r in zip(padded, sizes)]
    if any(r < 0 for r in sizes):
        bad = next(r * n for r, n in zip(sizes, padded) if r < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return shape_mod.repeat(input, sizes)


def tile(input, dims):
    """`input` repeated dims[i] times along each dim; missing leading dims count as 1."""
    dims = size_args((dims,)) if not isinstance(dims, numbers.Integral) else (int(dims),)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


# -- diagonals and products ---------------------------------------------------------------------

def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a view with that diagonal as the last dim;
    offset > 0 is above the main diagonal, < 0 below."""
    d1, d2 = wrap_dim(dim1, input.ndim, "diagonal"), wrap_dim(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return shape_mod.diagonal(input, int(offset), d1, d2)


def outer(input, vec2):
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j]."""
    for name, x in (("self", input), ("vec2", vec2)):
        if x.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x.ndim}-D")
    return input.reshape(input._data.shape[0], 1) * vec2


ger = outer


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch; input broadcasts to the result."""
    for name, x in (("batch1", batch1), ("batch2", batch2)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got shape {list(x._data.shape)})")
    (b, n, m), (b2, m2, p) = batch1._data.shape, batch2._data.shape
    if (b2, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {m}] but got: "
                           f"[{b2}, {m2}].")
    dts = (input.dtype, batch1.dtype, batch2.dtype)
    if len(set(dts)) != 1:
        raise RuntimeError(f"Input dtypes must be the same, got: input {dts[0].name}, batch1: {dts[1].name}, "
                           f"batch2: {dts[2].name}")
    expand(input, b, n, p)  # validates the broadcast with PyTorch's message
    return linalg.baddbmm(input, batch1, batch2, beta=beta, alpha=alpha)


# -- flips, rolls, scans ----------------------------------------------------------------------------

def flip(input, dims):
    """A copy of `input` reversed along `dims`."""
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    return shape_mod.flip(input, wrap_dims(dims, input.ndim, "flip") if input.ndim else ())


def roll(input, shifts, dims=None):
    """`input` rolled by `shifts` along `dims` (elements leaving one end come back at the other);
    without dims, the flattened tensor is rolled and the shape restored."""
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return shape_mod.roll(input, shifts[0], None)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return shape_mod.roll(input, shifts, tuple(wrap_dim(d, input.ndim, "roll") for d in dims))


def _scan_input(input, dim, dtype, op):
    if dtype is not None:
        input = to(input, dtype)
    elif not input.dtype.is_floating_point:
        input = to(input, _dtype.int64)  # PyTorch accumulates integers and bools in int64
    return input, wrap_dim(dim, input.ndim, op)


def cumsum(input, dim, *, dtype=None):
    """The running sum along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumsum")
    return shape_mod.cumsum(input, d)


def cumprod(input, dim, *, dtype=None):
    """The running product along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumprod")
    return shape_mod.cumprod(input, d)


def take_along_dim(input, indices, dim=None):
    """input's entries at `indices` along `dim` (gather after broadcasting the other dims), or at
    flat positions `indices` when dim is None."""
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype}")
    if dim is None:
        return indexing.gather(reshape(input, -1), 0, reshape(indices, -1))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    d = wrap_dim(dim, input.ndim, "take_along_dim")
    ishape, xshape = list(indices._data.shape), list(input._data.shape)
    wanted_x, wanted_i = list(xshape), list(ishape)
    wanted_x[d], wanted_i[d] = ishape[d], xshape[d]
    index_shape = indexing._broadcast_shape(tuple(wanted_x), tuple(ishape))
    input_shape = indexing._broadcast_shape(tuple(wanted_i), tuple(xshape))
    return indexing.gather(expand(input, input_shape), d, expand(indices, index_shape))

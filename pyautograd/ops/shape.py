"""Shape ops: views (view, expand, permute, transpose, squeeze, unsqueeze, diagonal,
split, unbind) and copies (reshape of a non-viewable layout, cat, stack, flip, roll,
repeat), and the cumulative sum and product along a dim.

A view op's output shares its input's storage and version counter; its
gradient is the inverse rearrangement of the incoming gradient. split and
unbind return one view per piece from a single node (SplitBackward0,
UnbindBackward0), as PyTorch does.

The file ends with the family's front ends (``@public``): argument checks, the choice among
PyTorch's overloads (each overload a primitive above, with its own node name) and the ops
that are compositions; a primitive sharing its public name with its front end is named
``<name>_op`` here (the op and its node keep PyTorch's name).
"""
import builtins
import numbers
import warnings

import numpy as np

from .. import _creation, _dtype, kernels
from .._device import check_available
from .._tensor import Tensor
from . import indexing
from ._dims import infer_size, size_args, wrap_dim, wrap_dims
from ._inplace import apply_shape_inplace
from ._layouts import CHANNELS_LAST, channels_last_order, format_name
from ._opdef import defop
from ._surface import public
from .indexing import _masked_fill as masked_fill


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


view_op = defop("view", "input, size", kernels.view, view=True, promote=None, complex=True,
                grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})


def viewable(input, shape):
    """Whether `input`'s layout lets it be viewed with `shape` (no copy)."""
    return kernels.try_view(input._data, shape) is not None


# reshape of a non-contiguous tensor whose layout still allows a view (PyTorch's _reshape_alias).
_reshape_alias = defop("_reshape_alias", "input, size", kernels.view, view=True, promote=None, complex=True,
                       grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

_unsafe_view = defop("_unsafe_view", "input, size", kernels.reshape, promote=None, complex=True,
                     node_name="UnsafeViewBackward0",
                     grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

expand_op = defop("expand", "input, size", kernels.expand, view=True, promote=None, complex=True,
                  grads={"input": lambda grad: grad})  # the generic path sums it back down

permute_op = defop("permute", "input, dims", kernels.permute, view=True, promote=None, complex=True,
                   grads={"input": lambda grad, dims: grad.permute(_inverse(dims))})


def _swap(ndim, d0, d1):
    if ndim == 0:  # a 0-d tensor accepts dims 0 and -1 and stays as it is
        return ()
    perm = list(range(ndim))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return tuple(perm)


transpose_op = defop("transpose", "input, dim0, dim1",
                     lambda input, dim0, dim1: kernels.permute(input, _swap(input.ndim, dim0, dim1)),
                     view=True, promote=None, complex=True,
                     grads={"input": lambda grad, dim0, dim1: grad.transpose(dim0, dim1)})

t_op = defop("t", "input", lambda input: kernels.permute(input, tuple(range(input.ndim))[::-1]),
             view=True, promote=None, complex=True, grads={"input": lambda grad: grad.t()})
# The in-place forms (t_, transpose_ and its aliases swapaxes_/swapdims_): the tensor takes the new
# layout over the same storage (as squeeze_), nodes TBackward1 / TransposeBackward1 as PyTorch's.
transpose_inplace_op = defop("transpose_", "input, dim0, dim1",
                             lambda input, dim0, dim1: kernels.permute(input, _swap(input.ndim, dim0, dim1)),
                             promote=None, complex=True, node_name="TransposeBackward1",
                             grads={"input": lambda grad, dim0, dim1: grad.transpose(dim0, dim1)})
t_inplace_op = defop("t_", "input", lambda input: kernels.permute(input, tuple(range(input.ndim))[::-1]),
                     promote=None, complex=True, node_name="TBackward1", grads={"input": lambda grad: grad.t()})

def _ones(shape, dims):
    """The size-1 dims among `dims`: the ones squeeze removes."""
    return tuple(d for d in dims if d < len(shape) and shape[d] == 1)


def _unsqueeze_to(grad, input_shapes):
    return grad.reshape(input_shapes[0])


# PyTorch's overloads: squeeze() (SqueezeBackward0), squeeze(int) (1), squeeze(dims) (2); the
# in-place squeeze_ forms are SqueezeBackward3/4/5 and unsqueeze_ UnsqueezeBackward1.
_SQUEEZE_FORWARDS = {
    "": lambda input: kernels.squeeze(input, _ones(input.shape, range(input.ndim))),
    "_dim": lambda input, dim: kernels.squeeze(input, _ones(input.shape, (dim,))),
    "_dims": lambda input, dims: kernels.squeeze(input, _ones(input.shape, dims)),
}
_SQUEEZE_SIGNATURES = {"": "input", "_dim": "input, dim", "_dims": "input, dims"}
squeeze_op, squeeze_dim, squeeze_dims = (
    defop(f"squeeze{form}", _SQUEEZE_SIGNATURES[form], _SQUEEZE_FORWARDS[form], view=True, promote=None, complex=True,
          node_name=f"SqueezeBackward{k}", grads={"input": _unsqueeze_to})
    for k, form in enumerate(_SQUEEZE_FORWARDS))
# The in-place forms give the tensor a new shape over the same storage (_inplace.commit_shape).
squeeze_inplace_op, squeeze_dim_, squeeze_dims_ = (
    defop(f"squeeze{form}_", _SQUEEZE_SIGNATURES[form], _SQUEEZE_FORWARDS[form], promote=None, complex=True,
          node_name=f"SqueezeBackward{k + 3}", grads={"input": _unsqueeze_to})
    for k, form in enumerate(_SQUEEZE_FORWARDS))

unsqueeze_op = defop("unsqueeze", "input, dim", kernels.unsqueeze, view=True, promote=None, complex=True,
                     grads={"input": lambda grad, dim: squeeze_dim(grad, dim)})
unsqueeze_inplace_op = defop("unsqueeze_", "input, dim", kernels.unsqueeze, promote=None, complex=True,
                             node_name="UnsqueezeBackward1",
                             grads={"input": lambda grad, dim: squeeze_dim(grad, dim)})

def _clone_method(self, memory_format=None):
    """Tensor.clone(): a copy (memory_format is accepted; only one layout exists)."""
    return clone(self)


clone = defop("clone", "input", kernels.copy, promote=None, complex=True, grads={"input": lambda grad: grad},
              export=True, method=_clone_method)

contiguous_copy = defop("contiguous_copy", "input", kernels.copy, promote=None, complex=True,
                        node_name="CloneBackward0", grads={"input": lambda grad: grad})

# The overwritten value gets a zero gradient (not none), as in PyTorch: the backward still
# visits its history, so a saved tensor modified before the overwrite is still caught.
_copy_from = defop("_copy_from", "input, src", kernels.broadcast_copy, promote=None, complex=True,
                   node_name="CopyBackwards",
                   grads={"input": lambda grad: grad * 0, "src": lambda grad: grad},
                   array_backward=("input",))

_fill = defop("_fill", "input, value", kernels.broadcast_copy, promote=None, complex=True, node_name="FillBackward2",
              grads={"input": lambda grad: grad * 0},
              array_backward=True)

_zero = defop("_zero", "input", lambda input: kernels.broadcast_copy(input, 0), promote=None, complex=True,
              node_name="ZeroBackward0", grads={"input": lambda grad: grad * 0},
              array_backward=True)

_to_copy = defop("_to_copy", "input, dtype", kernels.astype, promote=None,
                 node_name="ToCopyBackward0",
                 grads={"input": lambda grad, input: grad.to(input.dtype)},
                 # a real input cast to complex gets the real part of its gradient (no cast warning)
                 complex={"input": lambda grad, input: grad.to(input.dtype) if not grad.is_complex() or
                          input.is_complex() else grad.real.to(input.dtype)})


def _cat_grads(grad, needs_input_grad, dim, sizes):
    # Every input's size along dim is needed for the offsets, also of inputs without a gradient.
    grads, offset = [], 0
    for size, needed in zip(sizes, needs_input_grad):
        grads.append(grad.narrow(dim, offset, size) if needed else None)
        offset += size
    return grads


_cat_sized = defop("_cat", "*tensors, dim, sizes", lambda *args: kernels.concatenate(args[:-2], args[-2]),
                   node_name="CatBackward0", grads={"*": _cat_grads}, complex=True)


def _cat(*tensors, dim):
    """The tensors joined along `dim` (callers check that they agree in the other dims)."""
    return _cat_sized(*tensors, dim=dim, sizes=tuple(t._data.shape[dim] for t in tensors))


_stack = defop("_stack", "*tensors, dim", lambda *args: kernels.stack(args[:-1], args[-1]),
               node_name="StackBackward0", complex=True,
               grads={"*": lambda grad, needs_input_grad, dim:
                      [grad.select(dim, i) if need else None for i, need in enumerate(needs_input_grad)]})

flip_op = defop("flip", "input, dims", kernels.flip, promote=None, complex=True,
                grads={"input": lambda grad, dims: flip_op(grad, dims)})

roll_op = defop("roll", "input, shifts, dims", kernels.roll, promote=None, complex=True,
                grads={"input": lambda grad, shifts, dims: roll_op(
                    grad, tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts, dims)})

repeat_op = defop("repeat", "input, repeats", kernels.tile, promote=None, complex=True,
                  grads={"input": lambda grad, input_shapes, repeats: _untile(grad, input_shapes[0], repeats)})


def _untile(grad, shape, reps):
    # Each input element appears once per tile: fold the tiles into their own axes and sum them.
    shape = (1,) * (len(reps) - len(shape)) + tuple(shape)
    folded = []
    for r, s in zip(reps, shape):
        folded += [r, s]
    axes = tuple(range(0, 2 * len(reps), 2))
    return grad.reshape(folded).sum(axes).reshape(shape)


# -- diagonals ------------------------------------------------------------------------------

diagonal_backward = defop(
    "diagonal_backward", "grad_output, input_sizes, offset, dim1, dim2", kernels.diagonal_backward,
    promote=None, complex=True, node_name="DiagonalBackwardBackward0",
    grads={"grad_output": lambda grad, offset, dim1, dim2: diagonal_op(grad, offset, dim1, dim2)})

diagonal_op = defop("diagonal", "input, offset, dim1, dim2", kernels.diagonal, view=True, promote=None, complex=True,
                    grads={"input": lambda grad, input_shapes, offset, dim1, dim2:
                           diagonal_backward(grad, input_shapes[0], offset, dim1, dim2)})


# -- ops with one output per piece: split, unbind -----------------------------------------------

class _OwnOutputCount:
    """Node mixin for an op whose number of outputs varies per call: each node counts its own
    (the engine sizes a node's gradient buffer from num_outputs)."""

    __slots__ = ()

    @property
    def num_outputs(self):
        return len(self.out_meta)


def _variadic_outputs(fn):
    """Lets the multi-output op `fn` return any number of outputs (see _OwnOutputCount)."""
    op = fn.op
    op.node_class = type(op.node_name, (_OwnOutputCount, op.node_class), {"__slots__": ()})
    return fn


def mark_views(outputs, input):
    """Marks every output of a multi-output view op as a view of `input` (shared storage and
    version counter), as the generic path does for single-output view ops. Outputs in a graph
    also remember the op, because PyTorch forbids modifying them in place (see _inplace)."""
    for out in outputs:
        out._become_view_of(input)
        if out.grad_fn is not None:
            out.__dict__["_multi_view_op"] = type(out.grad_fn).__name__.replace("Backward0", "")
    return outputs


def split_sizes(size, split_size):
    """The piece sizes of split(split_size) over a dim of `size` (the last one may be smaller;
    a dim of size 0 gives one empty piece)."""
    if size == 0:
        return [0]
    return [split_size] * (size // split_size) + ([size % split_size] if size % split_size else [])


def _cat_pieces(grads, dim):
    return _cat(*grads, dim=dim) if len(grads) > 1 else grads[0]


split_op = _variadic_outputs(defop(
    "split", "input, split_size, dim",
    lambda input, split_size, dim: kernels.split(input, split_sizes(input.shape[dim], split_size), dim),
    promote=None, complex=True, num_outputs=2, grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

split_with_sizes_op = _variadic_outputs(defop(
    "split_with_sizes", "input, split_sizes, dim", kernels.split, promote=None, complex=True, num_outputs=2,
    grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

# The unsafe forms: the same pieces over the input's memory, not tracked as views (so in-place
# writes to them are allowed, as PyTorch's), nodes UnsafeSplitBackward0 / UnsafeSplitWithSizesBackward0.
unsafe_split_op = _variadic_outputs(defop(
    "unsafe_split", "input, split_size, dim",
    lambda input, split_size, dim: kernels.split(input, split_sizes(input.shape[dim], split_size), dim),
    promote=None, num_outputs=2, grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

unsafe_split_with_sizes_op = _variadic_outputs(defop(
    "unsafe_split_with_sizes", "input, split_sizes, dim", kernels.split, promote=None, num_outputs=2,
    grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

unbind_op = _variadic_outputs(defop(
    "unbind", "input, dim", kernels.unbind, promote=None, complex=True, num_outputs=2,
    grads={"input": lambda grad, dim: _stack(*grad, dim=dim)}))


# -- cumulative sums and products ----------------------------------------------------------------

def _reversed_cumsum(x, dim):
    """sum_{j >= k} x[j] along dim, for every k."""
    if x.ndim == 0:
        return x
    return flip_op(cumsum_op(flip_op(x, (dim,)), dim), (dim,))


cumsum_op = defop("cumsum", "input, dim", kernels.cumsum, promote=None, complex=True,
                  grads={"input": lambda grad, dim: _reversed_cumsum(grad, dim)})


def _cumprod_grad(grad, input, result, dim):
    """PyTorch's cumprod_backward: exact when the input has zeros, and twice differentiable."""
    if input._data.size <= 1 or input._data.shape[dim] == 1:
        return grad
    if not (input._data == 0).any():
        return _reversed_cumsum(result * grad, dim) / input
    return _cumprod_grad_by_products(grad, input, dim)


def _cumprod_fast(grad, input, result, dim):
    """cumprod's backward when no graph is built (its fast_backward): with zeros in the input,
    the O(n) form instead of the O(n^2) products."""
    zeros = input == 0
    g, x, y = Tensor._wrap(grad), Tensor._wrap(input), Tensor._wrap(result)
    if input.size <= 1 or input.shape[dim] == 1 or not zeros.any():
        return (_cumprod_grad(g, x, y, dim)._data,)
    return (_cumprod_grad_with_zeros(g, x, y, dim, zeros)._data,)


def _cumprod_grad_with_zeros(grad, input, result, dim, zeros):
    """O(n) gradient when the input has zeros (not differentiable through the zero pattern).

    Along dim, with z1 the first zero: for k < z1 the gradient is sum_{j>=k} g_j y_j / x_k over
    j < z1; for k = z1 it is prod(x[:z1]) * sum_{z1 <= j < z2} g_j prod(x[z1+1:j+1]), with z2
    the second zero; after z1 it is zero (every product includes x_z1).
    """
    seen = np.cumsum(zeros, axis=dim)  # zeros at or before each position
    before = seen == 0
    first_zero = zeros & (seen == 1)
    between = (seen == 1) & ~zeros
    w = masked_fill(result * grad, ~before, 0.0)
    head = masked_fill(_reversed_cumsum(w, dim) / masked_fill(input, ~before, 1.0), ~before, 0.0)
    tail = masked_fill(input, ~between, 1.0).cumprod(dim) * masked_fill(grad, seen != 1, 0.0)
    n = input._data.shape[dim]
    prefix = masked_fill(input, ~before, 1.0).cumprod(dim).narrow(dim, n - 1, 1)
    at_zero = masked_fill(prefix * tail.sum(dim, keepdim=True), ~first_zero, 0.0)
    return head + at_zero


def _cumprod_grad_by_products(grad, input, dim):
    """O(n^2) gradient in Tensor ops, exact for every input and differentiable again:
    d/dx_k = sum_{j >= k} g_j * prod(x[:k]) * prod(x[k+1:j+1])."""
    n = input._data.shape[dim]
    pieces = []
    for k in range(n):
        after = input.narrow(dim, k + 1, n - k - 1).cumprod(dim)
        if k > 0:
            until = input.narrow(dim, 0, k).cumprod(dim).narrow(dim, k - 1, 1)
            omitted = _cat(until, until * after, dim=dim) if n - k - 1 else until
        else:
            omitted = _cat(_ones_like_slice(input, dim), after, dim=dim)
        pieces.append((grad.narrow(dim, k, n - k) * omitted).sum(dim, keepdim=True))
    return _cat(*pieces, dim=dim)


def _ones_like_slice(input, dim):
    shape = list(input._data.shape)
    shape[dim] = 1
    return _creation.ones(shape, dtype=input.dtype)


cumprod_op = defop("cumprod", "input, dim", kernels.cumprod, promote=None, grads={"input": _cumprod_grad},
                   fast_backward=_cumprod_fast)


# -- front ends: argument checks, overload choice and compositions over the primitives above ----------
# (the primitives a front end shares its name with carry an ``_op`` suffix: view_op, expand_op...)

@public(method=True)
def reshape(input, *shape):
    """`input` with a new shape: a view when the layout allows (ViewBackward0 for a contiguous
    input, ReshapeAliasBackward0 otherwise, as PyTorch), else a copy (UnsafeViewBackward0)."""
    shape = infer_size(size_args(shape), input._data.size)
    if input._data.flags.c_contiguous:
        return view_op(input, shape)
    if viewable(input, shape):
        return _reshape_alias(input, shape)
    return _unsafe_view(clone(input), shape)


@public(export=False, method=True)
def view(input, *shape):
    """A view of `input` with a new shape (-1 is inferred); raises if the layout forbids one."""
    return view_op(input, infer_size(size_args(shape), input._data.size))


@public(method=True)
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


@public(method=True)
def unflatten(input, dim, sizes):
    """Splits dim `dim` into `sizes`."""
    dim = wrap_dim(dim, input.ndim, "unflatten")
    shp = input._data.shape
    sizes = infer_size(tuple(sizes), shp[dim])
    return view(input, shp[:dim] + tuple(sizes) + shp[dim + 1:])


@public(export=False, method=True)
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
    return expand_op(input, tuple(target))


@public(export=False, method=True)
def expand_as(input, other):
    """`input` expanded to `other`'s shape."""
    return expand(input, other.shape)


@public(method=True)
def broadcast_to(input, shape):
    """`input` broadcast to `shape`."""
    return expand(input, tuple(shape))


@public(method=True)
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
    return permute_op(input, dims)


@public(aliases=("swapaxes", "swapdims"), method=("transpose", "swapaxes", "swapdims"))
def transpose(input, dim0, dim1):
    """A view with dims dim0 and dim1 swapped."""
    nd = input.ndim
    return transpose_op(input, wrap_dim(dim0, nd, "transpose"), wrap_dim(dim1, nd, "transpose"))


@public(method=True)
def t(input):
    """The transpose of a tensor of at most 2 dims."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return t_op(input)


@public(export=False, method=("transpose_", "swapaxes_", "swapdims_"))
def transpose_(input, dim0, dim1):
    """transpose in place: `input` takes dims dim0 and dim1 swapped (same storage, version bumped)."""
    nd = input.ndim
    return apply_shape_inplace(input, "transpose_", transpose_inplace_op,
                               (wrap_dim(dim0, nd, "transpose_"), wrap_dim(dim1, nd, "transpose_")))


@public(export=False, method=True)
def t_(input):
    """t in place: a tensor of at most 2 dims takes its transpose (same storage, version bumped)."""
    if input.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply_shape_inplace(input, "t_", t_inplace_op, ())


@public(aliases=("moveaxis",), method=("movedim", "moveaxis"))
def movedim(input, source, destination):
    """Moves dims `source` to positions `destination`."""
    nd = input.ndim
    src = [wrap_dim(d, nd, "movedim") for d in ((source,) if isinstance(source, int) else source)]
    dst = [wrap_dim(d, nd, "movedim") for d in ((destination,) if isinstance(destination, int) else destination)]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute_op(input, tuple(order))


def _squeeze_form(ops, input, dim):
    """The squeeze overload for `dim` (None, an int or a sequence) and its wrapped argument."""
    if dim is None:
        return ops[0], ()
    if isinstance(dim, numbers.Integral):
        return ops[1], (wrap_dim(dim, input.ndim, "squeeze"),)
    return ops[2], (wrap_dims(tuple(dim), input.ndim, "squeeze"),)


@public(method=True)
def squeeze(input, dim=None):
    """`input` without size-1 dims (all, or those in `dim`, an int or a tuple), as a view."""
    op, args = _squeeze_form((squeeze_op, squeeze_dim, squeeze_dims), input, dim)
    return op(input, *args)


@public(export=False, method=True)
def squeeze_(input, dim=None):
    """squeeze in place: `input` takes the squeezed shape (same storage, version bumped)."""
    op, args = _squeeze_form((squeeze_inplace_op, squeeze_dim_, squeeze_dims_), input, dim)
    return apply_shape_inplace(input, "squeeze_", op, args)


@public(export=False, method=True)
def unsqueeze_(input, dim):
    """unsqueeze in place: `input` takes a size-1 dim at `dim` (same storage, version bumped)."""
    return apply_shape_inplace(input, "unsqueeze_", unsqueeze_inplace_op,
                               (wrap_dim(dim, input.ndim + 1, "unsqueeze_"),))


@public(method=True)
def unsqueeze(input, dim):
    """`input` with a size-1 dim inserted at `dim`."""
    return unsqueeze_op(input, wrap_dim(dim, input.ndim + 1, "unsqueeze"))


def _tensor_list(tensors, op):
    tensors = tuple(tensors)
    if not tensors:
        if op == "cat":  # torch.cat raises ValueError here, torch.stack RuntimeError
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{op}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    return tensors


@public(aliases=("concat", "concatenate"), out="cat")
def cat(tensors, dim=0):
    """The tensors joined along `dim` (same shape elsewhere)."""
    tensors = _tensor_list(tensors, "cat")
    nd = builtins.max(x.ndim for x in tensors)
    d = wrap_dim(dim, nd, "cat")
    parts = [x for x in tensors if not (x.ndim == 1 and x._data.shape[0] == 0)] or list(tensors[:1])
    ref = parts[0]._data.shape
    for i, x in enumerate(parts):
        s = x._data.shape
        if len(s) != len(ref) or builtins.any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                               f"{list(ref)} but got size {list(s)} for tensor number {i} in the list.")
    return _cat(*parts, dim=d)


@public(out="cat")
def stack(tensors, dim=0):
    """The tensors (all the same shape) joined along a new dim."""
    tensors = _tensor_list(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 "
                               f"and {list(x._data.shape)} at entry {i}")
    return _stack(*tensors, dim=wrap_dim(dim, len(ref) + 1, "stack"))


@public(method=True)
def contiguous(input, *, memory_format=None):
    """`input` itself when contiguous, else a contiguous copy. `memory_format` is checked as
    PyTorch checks it (channels_last needs a 4-d tensor, channels_last_3d a 5-d one); the
    result is row-major whatever it names, the layout pyautograd's ops make (same values)."""
    if memory_format is not None:
        name = format_name("contiguous", memory_format)
        if name in CHANNELS_LAST:
            channels_last_order("contiguous", input._data.shape, name)
    return input if input._data.flags.c_contiguous else contiguous_copy(input)


@public(export=False, method=True)
def to(input, *args, **kwargs):
    """`input` converted to a dtype (returns `input` itself when nothing changes).

    Accepts to(dtype), to(device), to(device, dtype), to(other_tensor) and keywords.
    """
    dtype = _dtype.dtype_arg(kwargs.get("dtype"), "to")  # a name or a NumPy dtype: TypeError, as PyTorch
    if kwargs.get("device") is not None:
        check_available(kwargs["device"])
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dtype.dtype) or a is float or a is int or a is bool:  # identity: np.dtype('f8') == float
            dtype = a
        else:
            # the CPU; CUDA and the rest refused as PyTorch's CPU build does (a string such as
            # "float64" is read as a device, as PyTorch reads it: "Invalid device string")
            check_available(a)
    if dtype is None:
        if not kwargs.get("copy", False):
            return input
        dtype = input.dtype  # to(device, copy=True): a new tensor all the same, as PyTorch
    dtype = _dtype.to_dtype(dtype)
    if dtype is input.dtype and not kwargs.get("copy", False):
        return input
    if input.is_complex() and dtype.is_floating_point:  # (PyTorch does not warn for integer targets)
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=2)
    if not dtype.is_floating_point and not dtype.is_complex:
        # As PyTorch: an integer or bool result cannot require grad, so the graph stops here
        # (continuing it would be a straight-through estimator nobody asked for).
        input = input.detach()
    return _to_copy(input, dtype.numpy_dtype)


@public()
def numel(input):
    """The number of elements of `input`."""
    return input._data.size


@public()
def is_tensor(obj):
    """Whether `obj` is a pyautograd Tensor."""
    return isinstance(obj, Tensor)


@public()
def is_floating_point(input):
    """Whether `input` has a floating point dtype."""
    return input.dtype.is_floating_point


getitem = indexing.getitem
narrow = indexing.narrow
select = indexing.select


# -- splitting and repeating --------------------------------------------------------------------

def _split_dim(input, dim, op):
    if input.ndim == 0:
        raise RuntimeError(f"{op} expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input.ndim, op)
    return d, input._data.shape[d]


@public(method=True)
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
        return mark_views(split_op(tensor, split_size, d), tensor)
    return split_with_sizes(tensor, split_size_or_sections, d)


@public(method=True)
def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` cut along `dim` into pieces of the given sizes (which sum to its size)."""
    d, size = _split_dim(input, dim, "split_with_sizes")
    sizes = [int(n) for n in split_sizes]
    if builtins.any(n < 0 for n in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if builtins.sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    if not sizes:
        return ()
    return mark_views(split_with_sizes_op(input, tuple(sizes), d), input)


@public(method=True)
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


@public(method=True)
def unsafe_split(input, split_size, dim=0):
    """split(split_size) whose pieces share the input's memory without being tracked as views
    (PyTorch's unsafe_split: in-place writes to them are not refused). Node UnsafeSplitBackward0."""
    if not isinstance(split_size, numbers.Integral) or isinstance(split_size, bool):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    split(input, split_size, dim)  # PyTorch's argument checks and errors
    return unsafe_split_op(input, int(split_size), wrap_dim(dim, input.ndim, "unsafe_split"))


@public(method=True)
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """split_with_sizes whose pieces are not tracked as views (see unsafe_split). Node
    UnsafeSplitWithSizesBackward0."""
    if not split_with_sizes(input, split_sizes, dim):  # PyTorch's checks; nothing to cut
        return ()
    return unsafe_split_with_sizes_op(input, tuple(int(n) for n in split_sizes),
                                      wrap_dim(dim, input.ndim, "unsafe_split_with_sizes"))


@public(method=True)
def unsafe_chunk(input, chunks, dim=0):
    """chunk whose pieces are not tracked as views (see unsafe_split). Node UnsafeSplitBackward0."""
    pieces = chunk(input, chunks, dim)  # PyTorch's checks and piece sizes
    d = wrap_dim(dim, input.ndim, "unsafe_chunk")
    if input.shape[d] == 0:
        return unsafe_split_with_sizes_op(input, (0,) * len(pieces), d)
    return unsafe_split_op(input, pieces[0].shape[d], d)


@public(method=True)
def unbind(input, dim=0):
    """The slices of `input` along `dim` (that dim removed), as a tuple of views."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim, "unbind")
    if input._data.shape[d] == 0:
        return ()
    return mark_views(unbind_op(input, d), input)


@public(export=False, method=True)
def repeat(input, *sizes):
    """`input` tiled sizes[i] times along each dim; extra leading sizes add new dims."""
    sizes = size_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           f"tensor (repeat dims {list(sizes)}, tensor shape {list(input._data.shape)})")
    padded = (1,) * (len(sizes) - input.ndim) + input._data.shape
    out = [n * r for n, r in zip(padded, sizes)]
    if builtins.any(r < 0 for r in sizes):
        bad = next(r * n for r, n in zip(sizes, padded) if r < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return repeat_op(input, sizes)


def _tile_method(self, *dims):
    """Tensor.tile(*dims) and tile(dims)."""
    return tile(self, size_args(dims))


@public(method=_tile_method)
def tile(input, dims):
    """`input` repeated dims[i] times along each dim; missing leading dims count as 1."""
    dims = size_args((dims,)) if not isinstance(dims, numbers.Integral) else (int(dims),)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


# -- diagonals and products ---------------------------------------------------------------------

@public(method=True)
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a view with that diagonal as the last dim;
    offset > 0 is above the main diagonal, < 0 below."""
    d1, d2 = wrap_dim(dim1, input.ndim, "diagonal"), wrap_dim(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return diagonal_op(input, int(offset), d1, d2)


# -- flips, rolls, scans ----------------------------------------------------------------------------

def _flip_method(self, *dims):
    """Tensor.flip(*dims) and flip(dims)."""
    return flip(self, size_args(dims))


@public(method=_flip_method)
def flip(input, dims):
    """A copy of `input` reversed along `dims`."""
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    return flip_op(input, wrap_dims(dims, input.ndim, "flip") if input.ndim else ())


@public(method=True)
def roll(input, shifts, dims=None):
    """`input` rolled by `shifts` along `dims` (elements leaving one end come back at the other);
    without dims, the flattened tensor is rolled and the shape restored."""
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return roll_op(input, shifts[0], None)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return roll_op(input, shifts, tuple(wrap_dim(d, input.ndim, "roll") for d in dims))


def _scan_input(input, dim, dtype, op):
    dtype = _dtype.dtype_arg(dtype, op)
    if dtype is not None:
        input = to(input, dtype)
    elif not input.dtype.is_floating_point and not input.dtype.is_complex:
        input = to(input, _dtype.int64)  # PyTorch accumulates integers and bools in int64
    return input, wrap_dim(dim, input.ndim, op)


@public(method=True, inplace=True, out="dtype")
def cumsum(input, dim, *, dtype=None):
    """The running sum along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumsum")
    return cumsum_op(input, d)


@public(method=True, inplace=True, out="dtype")
def cumprod(input, dim, *, dtype=None):
    """The running product along `dim` (integers and bools accumulate in int64 unless dtype is given)."""
    input, d = _scan_input(input, dim, dtype, "cumprod")
    return cumprod_op(input, d)


@public(method=True, out="cast")
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

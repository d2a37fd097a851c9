"""Shape ops: views (view, expand, permute, transpose, squeeze, unsqueeze, diagonal,
split, unbind) and copies (reshape of a non-viewable layout, cat, stack, flip, roll,
repeat), and the cumulative sum and product along a dim.

A view op's output shares its input's storage and version counter; its
gradient is the inverse rearrangement of the incoming gradient. split and
unbind return one view per piece from a single node (SplitBackward0,
UnbindBackward0), as PyTorch does.
"""
import numpy as np

from .. import _creation, kernels
from ..graph import grad_mode
from ._opdef import defop
from .indexing import _masked_fill as masked_fill


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


view = defop("view", "input, size", kernels.view, view=True, promote=None,
             grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})


def viewable(input, shape):
    """Whether `input`'s layout lets it be viewed with `shape` (no copy)."""
    arr = input._data.view()
    try:
        arr.shape = shape
    except AttributeError:
        return False
    return True


# reshape of a non-contiguous tensor whose layout still allows a view (PyTorch's _reshape_alias).
_reshape_alias = defop("_reshape_alias", "input, size", kernels.view, view=True, promote=None,
                       grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

_unsafe_view = defop("_unsafe_view", "input, size", kernels.reshape, promote=None,
                     node_name="UnsafeViewBackward0",
                     grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

expand = defop("expand", "input, size", kernels.expand, view=True, promote=None,
               grads={"input": lambda grad: grad})  # the generic path sums it back down

permute = defop("permute", "input, dims", kernels.permute, view=True, promote=None,
                grads={"input": lambda grad, dims: grad.permute(_inverse(dims))})


def _swap(ndim, d0, d1):
    if ndim == 0:  # a 0-d tensor accepts dims 0 and -1 and stays as it is
        return ()
    perm = list(range(ndim))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return tuple(perm)


transpose = defop("transpose", "input, dim0, dim1",
                  lambda input, dim0, dim1: kernels.permute(input, _swap(input.ndim, dim0, dim1)),
                  view=True, promote=None,
                  grads={"input": lambda grad, dim0, dim1: grad.transpose(dim0, dim1)})

t = defop("t", "input", lambda input: kernels.permute(input, tuple(range(input.ndim))[::-1]),
          view=True, promote=None, grads={"input": lambda grad: grad.t()})

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
squeeze, squeeze_dim, squeeze_dims = (
    defop(f"squeeze{form}", _SQUEEZE_SIGNATURES[form], _SQUEEZE_FORWARDS[form], view=True, promote=None,
          node_name=f"SqueezeBackward{k}", grads={"input": _unsqueeze_to})
    for k, form in enumerate(_SQUEEZE_FORWARDS))
# The in-place forms give the tensor a new shape over the same storage (_inplace.commit_shape).
squeeze_, squeeze_dim_, squeeze_dims_ = (
    defop(f"squeeze{form}_", _SQUEEZE_SIGNATURES[form], _SQUEEZE_FORWARDS[form], promote=None,
          node_name=f"SqueezeBackward{k + 3}", grads={"input": _unsqueeze_to})
    for k, form in enumerate(_SQUEEZE_FORWARDS))

unsqueeze = defop("unsqueeze", "input, dim", kernels.unsqueeze, view=True, promote=None,
                  grads={"input": lambda grad, dim: squeeze_dim(grad, dim)})
unsqueeze_ = defop("unsqueeze_", "input, dim", kernels.unsqueeze, promote=None, node_name="UnsqueezeBackward1",
                   grads={"input": lambda grad, dim: squeeze_dim(grad, dim)})

clone = defop("clone", "input", kernels.copy, promote=None, grads={"input": lambda grad: grad})

contiguous_copy = defop("contiguous_copy", "input", kernels.copy, promote=None,
                        node_name="CloneBackward0", grads={"input": lambda grad: grad})

# The overwritten value gets a zero gradient (not none), as in PyTorch: the backward still
# visits its history, so a saved tensor modified before the overwrite is still caught.
_copy_from = defop("_copy_from", "input, src", kernels.broadcast_copy, promote=None,
                   node_name="CopyBackwards",
                   grads={"input": lambda grad: grad * 0, "src": lambda grad: grad})

_fill = defop("_fill", "input, value", kernels.broadcast_copy, promote=None, node_name="FillBackward2",
              grads={"input": lambda grad: grad * 0})

_zero = defop("_zero", "input", lambda input: kernels.broadcast_copy(input, 0), promote=None,
              node_name="ZeroBackward0", grads={"input": lambda grad: grad * 0})

_to_copy = defop("_to_copy", "input, dtype", kernels.astype, promote=None,
                 node_name="ToCopyBackward0",
                 grads={"input": lambda grad, input: grad.to(input.dtype)})


def _cat_grads(grad, needs_input_grad, dim, sizes):
    # Every input's size along dim is needed for the offsets, also of inputs without a gradient.
    grads, offset = [], 0
    for size, needed in zip(sizes, needs_input_grad):
        grads.append(grad.narrow(dim, offset, size) if needed else None)
        offset += size
    return grads


_cat_sized = defop("_cat", "*tensors, dim, sizes", lambda *args: kernels.concatenate(args[:-2], args[-2]),
                   node_name="CatBackward0", grads={"*": _cat_grads})


def _cat(*tensors, dim):
    """The tensors joined along `dim` (callers check that they agree in the other dims)."""
    return _cat_sized(*tensors, dim=dim, sizes=tuple(t._data.shape[dim] for t in tensors))


_stack = defop("_stack", "*tensors, dim", lambda *args: kernels.stack(args[:-1], args[-1]),
               node_name="StackBackward0",
               grads={"*": lambda grad, needs_input_grad, dim:
                      [grad.select(dim, i) if need else None for i, need in enumerate(needs_input_grad)]})

flip = defop("flip", "input, dims", kernels.flip, promote=None,
             grads={"input": lambda grad, dims: flip(grad, dims)})

roll = defop("roll", "input, shifts, dims", kernels.roll, promote=None,
             grads={"input": lambda grad, shifts, dims: roll(
                 grad, tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts, dims)})

repeat = defop("repeat", "input, repeats", kernels.tile, promote=None,
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
    promote=None, node_name="DiagonalBackwardBackward0",
    grads={"grad_output": lambda grad, offset, dim1, dim2: diagonal(grad, offset, dim1, dim2)})

diagonal = defop("diagonal", "input, offset, dim1, dim2", kernels.diagonal, view=True, promote=None,
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


split = _variadic_outputs(defop(
    "split", "input, split_size, dim",
    lambda input, split_size, dim: kernels.split(input, split_sizes(input.shape[dim], split_size), dim),
    promote=None, num_outputs=2, grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

split_with_sizes = _variadic_outputs(defop(
    "split_with_sizes", "input, split_sizes, dim", kernels.split, promote=None, num_outputs=2,
    grads={"input": lambda grad, dim: _cat_pieces(grad, dim)}))

unbind = _variadic_outputs(defop(
    "unbind", "input, dim", kernels.unbind, promote=None, num_outputs=2,
    grads={"input": lambda grad, dim: _stack(*grad, dim=dim)}))


# -- cumulative sums and products ----------------------------------------------------------------

def _reversed_cumsum(x, dim):
    """sum_{j >= k} x[j] along dim, for every k."""
    if x.ndim == 0:
        return x
    return flip(cumsum(flip(x, (dim,)), dim), (dim,))


cumsum = defop("cumsum", "input, dim", kernels.cumsum, promote=None,
               grads={"input": lambda grad, dim: _reversed_cumsum(grad, dim)})


def _cumprod_grad(grad, input, result, dim):
    """PyTorch's cumprod_backward: exact when the input has zeros, and twice differentiable
    when a graph of the gradient is being built."""
    if input._data.size <= 1 or input._data.shape[dim] == 1:
        return grad
    zeros = input._data == 0
    if not zeros.any():
        return _reversed_cumsum(result * grad, dim) / input
    if grad_mode.is_grad_enabled():
        return _cumprod_grad_by_products(grad, input, dim)
    return _cumprod_grad_with_zeros(grad, input, result, dim, zeros)


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


cumprod = defop("cumprod", "input, dim", kernels.cumprod, promote=None, grads={"input": _cumprod_grad})

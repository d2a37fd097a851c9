"""Shape ops: views (view, expand, permute, transpose, squeeze, unsqueeze, basic
indexing) and copies (reshape of a non-viewable layout, cat, stack, flip...).

A view op's output shares its input's storage and version counter; its
gradient is the inverse rearrangement of the incoming gradient.
"""
from .. import kernels
from ._opdef import defop


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


view = defop("view", "input, size", kernels.view, view=True, promote=None,
             grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

_unsafe_view = defop("_unsafe_view", "input, size", kernels.reshape, promote=None,
                     node_name="UnsafeViewBackward0",
                     grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

expand = defop("expand", "input, size", kernels.expand, view=True, promote=None,
               grads={"input": lambda grad: grad})  # the generic path sums it back down

permute = defop("permute", "input, dims", kernels.permute, view=True, promote=None,
                grads={"input": lambda grad, dims: grad.permute(_inverse(dims))})


def _swap(ndim, d0, d1):
    perm = list(range(ndim))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return tuple(perm)


transpose = defop("transpose", "input, dim0, dim1",
                  lambda input, dim0, dim1: kernels.permute(input, _swap(input.ndim, dim0, dim1)),
                  view=True, promote=None,
                  grads={"input": lambda grad, dim0, dim1: grad.transpose(dim0, dim1)})

t = defop("t", "input", lambda input: kernels.permute(input, tuple(range(input.ndim))[::-1]),
          view=True, promote=None, grads={"input": lambda grad: grad.t()})

squeeze = defop("squeeze", "input, dims", kernels.squeeze, view=True, promote=None,
                node_name="SqueezeBackward1",
                grads={"input": lambda grad, input_shapes: grad.reshape(input_shapes[0])})

unsqueeze = defop("unsqueeze", "input, dim", kernels.unsqueeze, view=True, promote=None,
                  grads={"input": lambda grad, dim: grad.squeeze(dim)})

clone = defop("clone", "input", kernels.copy, promote=None, grads={"input": lambda grad: grad})

contiguous_copy = defop("contiguous_copy", "input", kernels.copy, promote=None,
                        node_name="CloneBackward0", grads={"input": lambda grad: grad})

_copy_from = defop("_copy_from", "input, src", kernels.broadcast_copy, promote=None,
                   node_name="CopyBackwards", tensors=("input",),
                   grads={"src": lambda grad: grad})  # the old value gets no gradient

_to_copy = defop("_to_copy", "input, dtype", kernels.astype, promote=None,
                 node_name="ToCopyBackward0",
                 grads={"input": lambda grad, input: grad.to(input.dtype)})


def _cat_grads(grad, input_shapes, needs_input_grad, dim):
    grads, offset = [], 0
    for shape, needed in zip(input_shapes, needs_input_grad):
        size = shape[dim] if shape is not None and len(shape) > dim else 0
        grads.append(grad.narrow(dim, offset, size) if needed else None)
        offset += size
    return grads


_cat = defop("_cat", "*tensors, dim", lambda *args: kernels.concatenate(args[:-1], args[-1]),
             node_name="CatBackward0", grads={"*": _cat_grads})

_stack = defop("_stack", "*tensors, dim", lambda *args: kernels.stack(args[:-1], args[-1]),
               node_name="StackBackward0",
               grads={"*": lambda grad, needs_input_grad, dim:
                      [grad.select(dim, i) if need else None for i, need in enumerate(needs_input_grad)]})

flip = defop("flip", "input, dims", kernels.flip, promote=None,
             grads={"input": lambda grad, dims: grad.flip(dims)})

roll = defop("roll", "input, shifts, dims", kernels.roll, promote=None,
             grads={"input": lambda grad, shifts, dims: grad.roll(
                 tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts, dims)})

tile = defop("_tile", "input, reps", kernels.tile, promote=None, node_name="RepeatBackward0",
             grads={"input": lambda grad, input_shapes, reps: _untile(grad, input_shapes[0], reps)})


def _untile(grad, shape, reps):
    # Each input element appears once per tile: fold the tiles into their own axes and sum them.
    shape = (1,) * (len(reps) - len(shape)) + tuple(shape)
    folded = []
    for r, s in zip(reps, shape):
        folded += [r, s]
    axes = tuple(range(0, 2 * len(reps), 2))
    return grad.reshape(folded).sum(axes).reshape(shape)

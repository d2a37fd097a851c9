"""Matrix products: mm, bmm, mv, dot, matmul's batched case, addmm.

Gradients are products with the other operand transposed; matmul's batch
broadcasting is undone by the generic path (summing over broadcast dims).

The file ends with the family's front ends (``@public``): argument checks, the choice among
PyTorch's overloads (each overload a primitive above, with its own node name) and the ops
that are compositions; a primitive sharing its public name with its front end is named
``<name>_op`` here (the op and its node keep PyTorch's name).
"""
import math

import numpy as np

from .. import kernels
from .._tensor import Tensor
from ..graph.grad_mode import is_grad_enabled
from ..graph.observers import active as _observing
from . import autocast
from ._apply import record_computed
from ._opdef import defop
from ._surface import public, reflected
from .complex_real import conj_value as _conj
from .pointwise import relu
from .shape import _unsafe_view, expand, reshape, squeeze_, t, unsqueeze
from .product_checks import SCALAR_NAMES, check_addmm, check_baddbmm, check_linear, checked_bmm, checked_dot, checked_mm, checked_mv


def _mT(x):
    return x.transpose(-2, -1)


mm_op = defop("mm", "input, mat2", checked_mm, promote=None,
              grads={"input": lambda grad, mat2: grad.mm(mat2.t()),
                     "mat2": lambda grad, input: input.t().mm(grad)},
              # complex: the conjugate transposes (PyTorch's convention)
              complex={"input": lambda grad, mat2: grad.mm(_conj(mat2).t()),
                       "mat2": lambda grad, input: _conj(input).t().mm(grad)})

bmm = defop("bmm", "input, mat2", checked_bmm, promote=None,
            grads={"input": lambda grad, mat2: grad.bmm(_mT(mat2)),
                   "mat2": lambda grad, input: _mT(input).bmm(grad)},
            complex={"input": lambda grad, mat2: grad.bmm(_mT(_conj(mat2))),
                     "mat2": lambda grad, input: _mT(_conj(input)).bmm(grad)},
            export=True, method=True, out="exact")

mv = defop("mv", "input, vec", checked_mv, promote=None,
           grads={"input": lambda grad, vec: grad.unsqueeze(-1) * vec,
                  "vec": lambda grad, input: input.t().mv(grad)},
           complex={"input": lambda grad, vec: grad.unsqueeze(-1) * _conj(vec),
                    "vec": lambda grad, input: _conj(input).t().mv(grad)},
           export=True, method=True, out="exact")

dot = defop("dot", "input, other", checked_dot, promote=None,
            grads={"input": lambda grad, other: grad * other,
                   "other": lambda grad, input: grad * input},
            complex={"input": lambda grad, other: grad * _conj(other),
                     "other": lambda grad, input: grad * _conj(input)},
            export=True, method=True, out="exact",
            array_backward=True)

matmul_nd = defop("matmul_nd", "input, other", checked_mm, promote=None, node_name="UnsafeViewBackward0",
                  grads={"input": lambda grad, other: grad.matmul(_mT(other)),
                         "other": lambda grad, input: _mT(input).matmul(grad)},
                  complex={"input": lambda grad, other: grad.matmul(_mT(_conj(other))),
                           "other": lambda grad, input: _mT(_conj(input)).matmul(grad)})


def _addmm_input_grad(grad, beta, input_shapes):
    g = grad if beta == 1 else grad * beta
    shape = input_shapes[0]
    if len(shape) == 1 and g.ndim == 2 and shape[0] == g.shape[1]:
        return g.sum(0)  # a bias row (a Linear's): one reduction, not the generic sum-to-shape
    return g


def _addmm_forward(input, mat1, mat2, beta, alpha):
    check_addmm(input, mat1, mat2)  # no promotion: PyTorch refuses mixed dtypes
    return kernels.gemm(mat1, mat2, c=input, alpha=alpha, beta=beta)


addmm = defop("addmm", "input, mat1, mat2, *, beta=1, alpha=1", _addmm_forward, promote=None,
              grads={"input": _addmm_input_grad,
                     "mat1": lambda grad, mat2, alpha: grad.mm(mat2.t()) * alpha if alpha != 1 else grad.mm(mat2.t()),
                     "mat2": lambda grad, mat1, alpha: mat1.t().mm(grad) * alpha if alpha != 1 else mat1.t().mm(grad)},
              export=True, method=True, inplace=True, out="exact")


vdot = defop("vdot", "input, other", checked_dot, promote=None,
             grads={"input": lambda grad, other: grad * other,
                    "other": lambda grad, input: grad * input},
             export=True, method=True, out="exact",
             array_backward=True)


def _addmv_forward(input, mat, vec, beta, alpha):
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if not input.dtype == mat.dtype == vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {SCALAR_NAMES[input.dtype.name]}, "
                           f"{SCALAR_NAMES[mat.dtype.name]}, and {SCALAR_NAMES[vec.dtype.name]}")
    n = mat.shape[0]
    if mat.shape[1] != vec.shape[0] or input.shape not in ((), (1,), (n,)):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else ''}), "
                           f"mat ({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    product = kernels.matmul(mat, vec)
    if alpha != 1:
        product = kernels.mul(product, alpha)
    if beta == 0:  # PyTorch: input is ignored, so its nan and inf do not propagate
        return np.ascontiguousarray(np.broadcast_to(product, (n,)))
    return kernels.add(product, input if beta == 1 else kernels.mul(input, beta))


addmv = defop("addmv", "input, mat, vec, *, beta=1, alpha=1", _addmv_forward, promote=None,
              grads={"input": lambda grad, beta: _scaled(grad, beta),
                     "mat": lambda grad, vec, alpha: _scaled(grad.unsqueeze(-1) * vec, alpha),
                     "vec": lambda grad, mat, alpha: _scaled(mat.t().mv(grad), alpha)},
              export=True, method=True, inplace=True, out="exact")


def _addr_forward(input, vec1, vec2, beta, alpha):
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    shape = (vec1.shape[0], vec2.shape[0])
    try:
        np.broadcast_shapes(input.shape, shape)
        if np.broadcast_shapes(input.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"addr: the input of shape {list(input.shape)} does not broadcast to the outer "
                           f"product's shape {list(shape)}") from None
    product = kernels.mul(vec1[:, None], vec2[None, :])
    if alpha != 1:
        product = kernels.mul(product, alpha)
    if beta == 0:  # PyTorch: input is ignored, so its nan and inf do not propagate
        return product
    return kernels.add(product, input if beta == 1 else kernels.mul(input, beta))


addr = defop("addr", "input, vec1, vec2, *, beta=1, alpha=1", _addr_forward,
             grads={"input": lambda grad, beta: _scaled(grad, beta),
                    "vec1": lambda grad, vec2, alpha: _scaled(grad.mv(vec2), alpha),
                    "vec2": lambda grad, vec1, alpha: _scaled(grad.t().mv(vec1), alpha)},
             export=True, method=True, inplace=True, out="exact")


def _addbmm_forward(input, batch1, batch2, beta, alpha):
    for name, x in (("batch1", batch1), ("batch2", batch2)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got shape {list(x.shape)})")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    check_addmm(input, batch1, batch2)  # no promotion: PyTorch refuses mixed dtypes
    shape = (batch1.shape[1], batch2.shape[2])
    if np.broadcast_shapes(input.shape, shape) != shape:
        raise RuntimeError(f"addbmm: the input of shape {list(input.shape)} does not broadcast to the product's "
                           f"shape {list(shape)}")
    product = kernels.matmul(batch1, batch2).sum(axis=0)
    if alpha != 1:
        product = kernels.mul(product, alpha)
    if beta == 0:  # PyTorch: input is ignored, so its nan and inf do not propagate
        return product
    return kernels.add(product, input if beta == 1 else kernels.mul(input, beta))


def _per_batch(grad, batch):
    return grad.unsqueeze(0).expand(batch.shape[0], *grad.shape)


addbmm = defop("addbmm", "input, batch1, batch2, *, beta=1, alpha=1", _addbmm_forward, promote=None,
               grads={"input": lambda grad, beta: _scaled(grad, beta),
                      "batch1": lambda grad, batch2, alpha: _scaled(_per_batch(grad, batch2).bmm(_mT(batch2)), alpha),
                      "batch2": lambda grad, batch1, alpha: _scaled(_mT(batch1).bmm(_per_batch(grad, batch1)), alpha)},
               export=True, method=True, inplace=True, out="exact")

# -- Linear: one fused kernel forward, PyTorch's unfused graph ---------------------------------------
#
# F.linear(x, w, b) is addmm(b, x, w.t()) in PyTorch, and nn.Sequential's Linear then ReLU is
# relu(addmm(...)). Here the forward is one kernels.linear call (the GEMM's epilogue adds the bias
# and clamps), and the graph is recorded as the unfused calls would build it: TBackward0 for the
# weight, AddmmBackward0 (or MmBackward0) with PyTorch's inputs, then ReluBackward0. Nothing can
# tell the two apart: node names, next_functions, hooks, saved tensors and version checks are the
# unfused ones. The pre-activation output of the fused path is never materialized: addmm's
# formulas do not read it, so a zero-stride placeholder of its shape and dtype stands for it.


# A Linear's addmm(bias, input, weight.t()) and mm(input, weight.t()): PyTorch's nodes (AddmmBackward0,
# MmBackward0) saving what PyTorch's save, with the weight's gradient computed in the layout of the
# transposed weight, as PyTorch's mm_mat2_backward does (so it reaches the weight contiguous).
linear_addmm = defop("linear_addmm", "input, mat1, mat2", lambda input, mat1, mat2: kernels.gemm(mat1, mat2, c=input, beta=1.0),
                     promote=None, node_name="AddmmBackward0",
                     grads={"input": lambda grad, input_shapes: _addmm_input_grad(grad, 1, input_shapes),
                            "mat1": lambda grad, mat2: grad.mm(mat2.t()),
                            "mat2": lambda grad, mat1: grad.t().mm(mat1).t()},
                     doc="addmm(bias, input, weight.t()) for a Linear layer (weight.t() a transposed view).")

linear_mm = defop("linear_mm", "input, mat2", checked_mm, promote=None, node_name="MmBackward0",
                  grads={"input": lambda grad, mat2: grad.mm(mat2.t()),
                         "mat2": lambda grad, input: grad.t().mm(input).t()},
                  doc="mm(input, weight.t()) for a bias-less Linear layer (weight.t() a transposed view).")


def _fusable(input, weight, bias):
    """Whether kernels.linear may compute the forward (2-D input, one float dtype, no observer
    watching each op's output: an observer sees the unfused calls)."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and input.ndim == 2
            and _observing.forward_computed is None):
        return False
    dt = input._data.dtype
    if dt.kind != "f" or weight._data.dtype != dt:
        return False
    return bias is None or (isinstance(bias, Tensor) and bias._data.dtype == dt and bias._data.shape == weight._data.shape[:1])


def _check(input, weight, bias):
    check_linear(input._data, weight._data, None if bias is None else bias._data)


_PLACEHOLDERS = {}  # (shape, dtype) -> a read-only zero-stride array: one per layer shape, reused


def _placeholder(shape, dtype):
    key = (shape, dtype)
    array = _PLACEHOLDERS.get(key)
    if array is None:
        if len(_PLACEHOLDERS) > 64:  # many batch sizes: start over rather than grow
            _PLACEHOLDERS.clear()
        array = _PLACEHOLDERS[key] = np.broadcast_to(np.zeros((), dtype), shape)
    return array


def linear_bias(input, weight, bias):
    """input @ weight.T + bias (2-D input): one fused kernel call, recorded as PyTorch's
    addmm(bias, input, weight.t())."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(linear_bias, locals())
    _check(input, weight, bias)  # PyTorch's errors (dtypes, shapes), whichever path runs
    if not _fusable(input, weight, bias):
        return linear_addmm(bias, input, t(weight))
    out = kernels.linear(input._data, weight._data, bias._data)
    return record_computed(linear_addmm.op, (bias, input, t(weight)), (), out)


def linear_nobias(input, weight):
    """input @ weight.T (2-D input), recorded as PyTorch's mm(input, weight.t())."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(linear_nobias, locals())
    _check(input, weight, None)
    if not _fusable(input, weight, None):
        return linear_mm(input, t(weight))
    return record_computed(linear_mm.op, (input, t(weight)), (), kernels.linear(input._data, weight._data))


def linear_relu(input, weight, bias):
    """relu(input @ weight.T + bias) for 2-D input in one kernel call (the GEMM's epilogue adds
    the bias and clamps): what nn.Sequential runs for Linear then ReLU. The graph is the
    unfused one: ReluBackward0 -> AddmmBackward0 -> (bias, input, TBackward0 -> weight)."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(linear_relu, locals())
    _check(input, weight, bias)
    if not _fusable(input, weight, bias):
        return relu(linear_addmm(bias, input, t(weight)))
    y = kernels.linear(input._data, weight._data, bias._data, activation="relu")
    if not (is_grad_enabled() and (input._rg or weight._rg or bias._rg)):
        return Tensor._make(y, False)
    pre = record_computed(linear_addmm.op, (bias, input, t(weight)), (), _placeholder(y.shape, y.dtype))
    return record_computed(relu.op, (pre,), (), y)


def _baddbmm_forward(input, batch1, batch2, beta, alpha):
    product = kernels.matmul(batch1, batch2)
    if alpha != 1:
        product = kernels.mul(product, alpha)
    if beta == 0:  # PyTorch: input is ignored, so its nan and inf do not propagate
        return product
    return kernels.add(product, input if beta == 1 else kernels.mul(input, beta))


def _scaled(x, factor):
    return x if factor == 1 else x * factor


baddbmm_op = defop("baddbmm", "input, batch1, batch2, *, beta=1, alpha=1", _baddbmm_forward,
                   grads={"input": lambda grad, beta: _scaled(grad, beta),
                          "batch1": lambda grad, batch2, alpha: _scaled(grad.bmm(_mT(batch2)), alpha),
                          "batch2": lambda grad, batch1, alpha: _scaled(_mT(batch1).bmm(grad), alpha)})


# -- front ends: argument checks and PyTorch's routes through the primitives above --------------------

@public(method=True, out="exact", dunders={"__matmul__": None, "__rmatmul__": reflected})
def matmul(input, other):
    """The matrix product with NumPy/PyTorch's 1-D and batch broadcasting rules.

    The 1-D cases take PyTorch's route, so grad_fn names match: a vector times a matrix is
    unsqueeze, mm and an in-place squeeze_ (SqueezeBackward4); a batch of matrices times a
    vector (or a vector times a batch) folds the batch into one mv (UnsafeViewBackward0).
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(matmul, locals())
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        return squeeze_(mm(unsqueeze(input, 0), other), 0)
    if a == 2 and b == 2:
        return mm_op(input, other)
    if b == 1:
        return _fold_mv(input, other)
    if a == 1:
        return _fold_mv(other.transpose(-2, -1), input)
    if input.requires_grad and (a == 2 or (a == 3 and b == 3 and input.shape[0] == 1 and other.shape[0] != 1)):
        # PyTorch folds a matrix that requires grad (or a batch of one, squeezed) times a batch as
        # (batch^T @ matrix^T)^T made contiguous: its node is CloneBackward0 (TransposeBackward0
        # when that is contiguous already), and the matrix's gradient one mm over the folded batch
        matrix = input if a == 2 else input.squeeze(0)
        return _mT(matmul_nd(_mT(other), t(matrix))).contiguous()
    return matmul_nd(input, other)


def linear_folded(input, weight):
    """input (..., K) @ weight.T for input of 3 or more dims, as PyTorch's matmul runs it for
    F.linear without a bias: the batch folded into the rows of one (fused) mm, whose result is
    an _unsafe_view (UnsafeViewBackward0) of the batch's shape."""
    shape = tuple(input.shape)
    out = linear_nobias(reshape(input, math.prod(shape[:-1]), shape[-1]), weight)
    return _unsafe_view(out, shape[:-1] + (out.shape[-1],))


def _fold_mv(batch, vector):
    """A batch of matrices (..., n, k) times a k-vector as one mv over the folded batch."""
    shape = batch._data.shape
    if shape[-1] != vector._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({math.prod(shape[:-1])}), mat ({math.prod(shape[:-1])}x"
                           f"{shape[-1]}), vec ({vector._data.shape[0]})")
    folded = reshape(batch, math.prod(shape[:-1]), shape[-1])
    return _unsafe_view(mv(folded, vector), shape[:-1])


@public(method=True, out="exact")
def mm(input, mat2):
    """The product of two matrices."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._data.shape[0]}x"
                           f"{input._data.shape[1]} and {mat2._data.shape[0]}x{mat2._data.shape[1]})")
    return mm_op(input, mat2)


@public(aliases=("ger",), method=("outer", "ger"), out="exact")
def outer(input, vec2):
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j]."""
    for name, x in (("self", input), ("vec2", vec2)):
        if x.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x.ndim}-D")
    return input.reshape(input._data.shape[0], 1) * vec2


@public(method=True, inplace=True, out="exact")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch; input broadcasts to the result."""
    for name, x in (("batch1", batch1), ("batch2", batch2)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got shape {list(x._data.shape)})")
    (b, n, m), (b2, m2, p) = batch1._data.shape, batch2._data.shape
    if (b2, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {m}] but got: "
                           f"[{b2}, {m2}].")
    check_baddbmm(input._data, batch1._data, batch2._data)  # PyTorch's words: input double, batch1: float
    expand(input, b, n, p)  # validates the broadcast with PyTorch's message
    return baddbmm_op(input, batch1, batch2, beta=beta, alpha=alpha)


# -- tensordot, inner, kron: PyTorch's compositions, so the graph has its nodes -----------------------

def _dims_list(dims):
    return [int(d) for d in (dims.tolist() if isinstance(dims, Tensor) else dims)]


@public(out="exact")
def tensordot(a, b, dims=2):
    """The sum of products of a and b over the dims given: an int n (a's last n, b's first n), a
    pair of lists, or a 2 x n tensor. As PyTorch's: permute, reshape to matrices, mm, reshape."""
    if isinstance(dims, Tensor) and dims.ndim == 0:
        dims = int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = _dims_list(dims[0]), _dims_list(dims[1])
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    if a.dtype != b.dtype:
        raise RuntimeError(f"both inputs should have same dtype (tensordot of {a.dtype} and {b.dtype})")
    dims_a = [d % a.ndim for d in dims_a] if a.ndim else dims_a
    dims_b = [d % b.ndim for d in dims_b] if b.ndim else dims_b
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {da} "
                               f"and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    csize = math.prod(a.shape[d] for d in dims_a)
    sa, sb = [a.shape[d] for d in free_a], [b.shape[d] for d in free_b]
    A = a.permute(free_a + dims_a).reshape(math.prod(sa), csize)
    B = b.permute(dims_b + free_b).reshape(csize, math.prod(sb))
    return A.mm(B).reshape(sa + sb)


@public(method=True, out="exact")
def inner(input, other):
    """The sum of products over the last dimension of both (a product when either is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


@public(method=True, out="exact")
def kron(input, other):
    """The Kronecker product: block (i, j, ...) is input[i, j, ...] * other (dims padded in front)."""
    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = input.reshape([x for s in sa for x in (s, 1)])  # each dim followed by a 1 ...
    b = other.reshape([x for s in sb for x in (1, s)])  # ... each preceded by one: they interleave
    return _unsafe_view(a * b, tuple(x * y for x, y in zip(sa, sb)))

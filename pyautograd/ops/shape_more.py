"""More shape ops of the everyday API: transposes as properties (T, mT, H, mH), view_as,
reshape_as, ravel, repeat_interleave, meshgrid, fliplr/flipud/rot90, tensor_split and
h/v/dsplit, unfold, trace, diag, diag_embed, diagflat, cross, and the new_* factories.

Most are compositions of existing ops, written so the last node is PyTorch's (ravel and
repeat_interleave end in a view: ViewBackward0). rot90, trace, diag_embed, unfold and cross
are primitives with PyTorch's node names. unfold returns a copy here (PyTorch's is a view:
writing into it does not reach the input).
"""
import numbers
import warnings

from .. import _creation, _dtype, kernels
from . import shape as S
from . import autocast
from . import indexing
from ._dims import size_args, wrap_dim
from ._opdef import defop
from ._surface import declare
from .pointwise import where
from .shape import diagonal_backward


# -- transposes and reshapes ---------------------------------------------------------------

def T(input):
    """All dims reversed (PermuteBackward0); PyTorch deprecates it for other than 2-D, and warns."""
    if input.ndim == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=3)
    elif input.ndim != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                      "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
                      "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                      "dimensions of a tensor.", UserWarning, stacklevel=3)
    return S.permute(input, *range(input.ndim - 1, -1, -1))


def mT(input):
    """The last two dims swapped (a batch of matrices transposed)."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D "
                           f"tensor.")
    return S.transpose(input, -2, -1)


def H(input):
    """The conjugate transpose of a matrix (of a real one, the transpose)."""
    if input.ndim not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input.ndim}-D tensor.")
    return (S.transpose(input, 0, 1) if input.ndim == 2 else input).conj()


def mH(input):
    """The conjugate transpose of a batch of matrices (of real ones, the transpose of the last two dims)."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. Got {input.ndim}-D "
                           f"tensor.")
    return S.transpose(input, -2, -1).conj()


def view_as(input, other):
    """A view of `input` with `other`'s shape."""
    return S.view(input, other.shape)


def reshape_as(input, other):
    """`input` reshaped to `other`'s shape."""
    return S.reshape(input, other.shape)


def ravel(input):
    """The elements as a 1-D tensor (a view when contiguous, else a contiguous copy viewed)."""
    return S.view(S.contiguous(input), -1)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element repeated `repeats` times along `dim` (flattened first when dim is None);
    `repeats` may be a tensor with one count per element. repeat_interleave(counts) alone gives
    the indices 0..n-1 repeated by their counts."""
    Tensor = _creation.Tensor
    if repeats is None:
        counts = input
        return _creation.tensor(kernels_repeat(counts._data), dtype=_dtype.int64)
    if dim is None:
        input, dim = S.reshape(input, -1), 0
    d = wrap_dim(dim, input.ndim, "repeat_interleave")
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        counts = repeats._data
        if counts.ndim != 1 or counts.shape[0] != input.shape[d]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.shape[0] if counts.ndim else 1} and input.size({d}) = {input.shape[d]}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        return indexing.index_select(input, d, _creation.tensor(kernels_repeat(counts), dtype=_dtype.int64))
    n = int(repeats.item() if isinstance(repeats, Tensor) else repeats)
    if n < 0:
        raise RuntimeError("repeats can not be negative")
    shape = list(input.shape)
    expanded = S.expand(S.unsqueeze(input, d + 1), *shape[:d + 1], n, *shape[d + 1:])
    shape[d] *= n
    return S.view(S.contiguous(expanded), shape)


def kernels_repeat(counts):
    """The indices 0..len(counts)-1, each repeated counts[i] times (int64 array)."""
    import numpy as np
    return np.repeat(np.arange(counts.shape[0]), counts.astype(np.int64))


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors: with indexing "ij" (PyTorch's default, with a warning when
    not given) the i-th grid varies along dim i; "xy" swaps the roles of the first two inputs."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.ndim}-D")
    swap = indexing == "xy" and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    sizes = [t.numel() for t in order]
    grids = []
    for i, t in enumerate(order):
        shape = [1] * len(order)
        shape[i] = sizes[i]
        grids.append(S.expand(S.view(t, shape), *sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# -- flips, rotations, splits ------------------------------------------------------------------

def fliplr(input):
    """The columns (dim 1) in reverse order."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return S.flip(input, (1,))


def flipud(input):
    """The rows (dim 0) in reverse order."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return S.flip(input, (0,))


_rot90 = defop("rot90", "input, k, dims", kernels.rot90, promote=None, complex=True,
               grads={"input": lambda grad, k, dims: _rot90(grad, -k, dims)})


def rot90(input, k=1, dims=(0, 1)):
    """`input` rotated k quarter turns in the plane of `dims`, from the first towards the second."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (wrap_dim(d, input.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return _rot90(input, int(k) % 4, (d0, d1))


def tensor_split(input, indices_or_sections, dim=0):
    """Views of `input` split along `dim`: into n nearly equal parts (the first size % n one longer),
    or at the given indices."""
    d = wrap_dim(dim, input.ndim, "tensor_split")
    size = input.shape[d]
    Tensor = _creation.Tensor
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, numbers.Integral):
        n = int(indices_or_sections)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds, start = [], 0
        for i in range(n):
            stop = start + q + (1 if i < r else 0)
            bounds.append((start, stop))
            start = stop
    else:
        cuts = [0] + [min(max(int(i) if i >= 0 else size + int(i), 0), size) for i in indices_or_sections] + [size]
        bounds = [(a, max(a, b)) for a, b in zip(cuts[:-1], cuts[1:])]
    key = (slice(None),) * d
    return tuple(indexing.getitem(input, key + (slice(a, b),)) for a, b in bounds)


def _split_along(op, input, sections, dim, min_ndim):
    if input.ndim < min_ndim:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {min_ndim} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, numbers.Integral) and (sections == 0 or input.shape[dim] % sections):
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


def hsplit(input, sections):
    """tensor_split along dim 1 (dim 0 for a 1-D tensor), into equal parts or at indices."""
    return _split_along("hsplit", input, sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input, sections):
    """tensor_split along dim 0, into equal parts or at indices."""
    return _split_along("vsplit", input, sections, 0, 2)


def dsplit(input, sections):
    """tensor_split along dim 2, into equal parts or at indices."""
    return _split_along("dsplit", input, sections, 2, 3)


# -- windows, traces, diagonals, cross ---------------------------------------------------------

unfold_backward = defop(
    "unfold_backward", "grad_in, input_sizes, dim, size, step", kernels.unfold_backward, promote=None, complex=True,
    grads={"grad_in": lambda grad, dim, size, step: _unfold(grad, dim, size, step)})
_unfold = defop("unfold", "input, dimension, size, step", kernels.unfold, promote=None, complex=True,
                grads={"input": lambda grad, input_shapes, dimension, size, step:
                       unfold_backward(grad, input_shapes[0], dimension, size, step)})


def unfold(input, dimension, size, step):
    """Every window of `size` elements along `dimension`, taken each `step`, as a new last dim
    (a copy here; PyTorch returns a view)."""
    d = wrap_dim(dimension, input.ndim, "unfold")
    n = input.shape[d] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if input.ndim == 0:
        return S.reshape(input, 1)
    return _unfold(input, d, int(size), int(step))


_trace_backward = defop("trace_backward", "grad, sizes", kernels.trace_backward, promote=None, complex=True,
                        grads={"grad": lambda g: _trace(g)})
_trace = defop("trace", "input", kernels.trace, promote=None, complex=True,
               grads={"input": lambda grad, input_shapes: _trace_backward(grad, input_shapes[0])})


def trace(input):
    """The sum of the main diagonal of a 2-D tensor."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return _trace(input)


_diag_embed = defop("diag_embed", "input, offset, dim1, dim2", kernels.diag_embed, promote=None, complex=True,
                    grads={"input": lambda grad, offset, dim1, dim2: S.diagonal(grad, offset, dim1, dim2)})


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) planes carry the last dim of `input` on their offset-th diagonal."""
    nd = input.ndim + 1
    d1, d2 = wrap_dim(dim1, nd, "diag_embed"), wrap_dim(dim2, nd, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input.ndim == 0:
        input = S.reshape(input, 1)
    return _diag_embed(input, int(offset), d1, d2)


_diag_of_matrix = defop("diag", "input, diagonal", lambda input, diagonal: kernels.diagonal(input, diagonal, 0, 1)
                        .copy(), promote=None, complex=True, node_name="DiagonalBackward0_copy",
                        grads={"input": lambda grad, input_shapes, diagonal:
                               _diagonal_backward(grad, input_shapes[0], diagonal)})


def _diagonal_backward(grad, shape, offset):
    return diagonal_backward(grad, shape, offset, 0, 1)


def diag(input, diagonal=0):
    """From a vector, a matrix with it on the diagonal-th diagonal; from a matrix, that diagonal."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return _diag_of_matrix(input, int(diagonal))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def diagflat(input, offset=0):
    """A matrix with the flattened input on its offset-th diagonal."""
    return diag_embed(S.reshape(input, -1), offset)


_cross = defop("linalg_cross", "input, other, dim", kernels.cross, node_name="LinalgCrossBackward0",
               grads={"input": lambda grad, other, dim: _cross(other, grad, dim),
                      "other": lambda grad, input, dim: _cross(grad, input, dim)})


def cross(input, other, dim=None):
    """The cross product of 3-vectors along `dim` (the first dim of size 3 when None, with
    PyTorch's deprecation warning); the inputs broadcast."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, n in enumerate(input.shape) if n == 3), -1)
    return linalg_cross(input, other, dim=dim)


def linalg_cross(input, other, *, dim=-1):
    """torch.linalg.cross: the cross product of 3-vectors along `dim` (default the last)."""
    nd = max(input.ndim, other.ndim)
    d = wrap_dim(dim, nd, "linalg.cross")
    if input.shape[d - nd + input.ndim] != 3 or other.shape[d - nd + other.ndim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d - nd + input.ndim]} "
                           f"and {other.shape[d - nd + other.ndim]}")
    return _cross(input, other, d - nd)


def _cdist_weights(grad, x1, x2, result, p):
    """d dist_ij / d x1_i per coordinate, times grad_ij (zero where the distance is zero)."""
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if p == 1:
        return grad.unsqueeze(-1) * diff.sign()
    scale = where(result > 0, grad / result.clamp(min=1e-300) ** (p - 1), 0.0).unsqueeze(-1)
    return scale * diff.sign() * diff.abs() ** (p - 1) if p != 2 else scale * diff


_cdist = defop("cdist", "x1, x2, p", kernels.cdist,
               grads={"x1": lambda grad, x1, x2, result, p: _cdist_weights(grad, x1, x2, result, p).sum(-2),
                      "x2": lambda grad, x1, x2, result, p: -_cdist_weights(grad, x1, x2, result, p).sum(-3)})


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance (p >= 1 finite here) between each row of x1 (..., P, M) and each row of
    x2 (..., R, M): a (..., P, R) tensor."""
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in float32
        return autocast.call_fp32(cdist, locals())
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if not (p >= 1 and p != float("inf")):
        raise RuntimeError(f"cdist only supports finite p >= 1 in pyautograd (got p={p})" if p >= 0 else
                           "cdist only supports non-negative p values")
    return _cdist(x1, x2, float(p))


# -- new_* factories -------------------------------------------------------------------------------

def _like(self, dtype, requires_grad, device):
    return dict(dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Zeros of `size`, with this tensor's dtype unless given."""
    return _creation.zeros(size_args(size), **_like(self, dtype, requires_grad, device))


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Ones of `size`, with this tensor's dtype unless given."""
    return _creation.ones(size_args(size), **_like(self, dtype, requires_grad, device))


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """An uninitialized tensor of `size`, with this tensor's dtype unless given."""
    return _creation.empty(size_args(size), **_like(self, dtype, requires_grad, device))


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """`fill_value` in a tensor of `size`, with this tensor's dtype unless given."""
    return _creation.full(tuple(size), fill_value, **_like(self, dtype, requires_grad, device))


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A copy of `data` as a tensor with this tensor's dtype unless given (a leaf, detached)."""
    Tensor = _creation.Tensor
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
        data = data.detach()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _creation.tensor(data, **_like(self, dtype, requires_grad, device))


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn, _method, _out in (
        ("cdist", cdist, None, None), ("meshgrid", meshgrid, None, None), ("cross", cross, True, "exact"),
        ("diag", diag, True, "exact"), ("diag_embed", diag_embed, True, None), ("diagflat", diagflat, True, None),
        ("fliplr", fliplr, True, None), ("flipud", flipud, True, None), ("rot90", rot90, True, None),
        ("ravel", ravel, True, None), ("repeat_interleave", repeat_interleave, True, None),
        ("tensor_split", tensor_split, True, None), ("hsplit", hsplit, True, None), ("vsplit", vsplit, True, None),
        ("dsplit", dsplit, True, None), ("trace", trace, True, None)):
    declare(_name, _fn, method=_method, out=_out)

"""Op database entries: shape ops (split, chunk, unbind, repeat, tile, diagonal, outer, einsum,
baddbmm, cumsum, cumprod, flip, roll, narrow, select) and indexing ops (tensor[key], gather,
scatter, scatter_add, index_select, masked_fill, masked_select, take_along_dim, nonzero,
argwhere, one_hot).

Samples cover 0-d inputs where the op allows them, empty tensors, non-contiguous inputs
(transposed, strided), negative dims and repeated indices. Float arrays are differentiated
unless ``grad_args`` says otherwise; int64 arrays are indices and bool arrays masks.
Ops that return several tensors (split, chunk, unbind, nonzero(as_tuple=True)) return a
tuple, and so do their references.
"""
import numpy as np

import pyautograd
from .core import OpInfo, SampleInput

I64 = np.int64


def _torch():
    """The torch module, imported only when the PyTorch comparison runs a torch_fn."""
    import torch
    return torch


def _rand(rng, shape, dtype, layout="contiguous"):
    """A random array of `shape`; layout 'transposed' or 'strided' gives a non-contiguous one."""
    shape = tuple(shape)
    if layout == "transposed":
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    if layout == "strided":
        return rng.standard_normal((2 * shape[0],) + shape[1:]).astype(dtype)[::2]
    return rng.standard_normal(shape).astype(dtype)


def _idx(values):
    return np.asarray(values, dtype=I64)


def _torch_key(key):
    """A getitem key with its NumPy arrays turned into torch tensors."""
    torch = _torch()
    if isinstance(key, tuple):
        return tuple(_torch_key(k) for k in key)
    return torch.from_numpy(key) if isinstance(key, np.ndarray) else key


# -- split, chunk, unbind ------------------------------------------------------------------------

def _np_split(x, sizes, dim):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _split_sizes(n, size):
    return [size] * (n // size) + ([n % size] if n % size else []) if n else [0]


def split_samples(dtype, rng):
    yield SampleInput((_rand(rng, (4, 5), dtype), 2, 0), desc="int")
    yield SampleInput((_rand(rng, (4, 5), dtype, "transposed"), 2, -1), desc="int_uneven_transposed")
    yield SampleInput((_rand(rng, (4, 3), dtype), 10, 0), desc="one_piece")
    yield SampleInput((_rand(rng, (0, 3), dtype), 2, 0), desc="empty")
    yield SampleInput((_rand(rng, (4, 5), dtype), [1, 3], 0), desc="sizes")
    yield SampleInput((_rand(rng, (3, 5), dtype, "strided"), [2, 0, 3], -1), desc="sizes_with_empty_piece")


def split_ref(x, s, dim):
    return _np_split(x, _split_sizes(x.shape[dim], s) if isinstance(s, int) else s, dim)


def chunk_samples(dtype, rng):
    yield SampleInput((_rand(rng, (4, 5), dtype), 3, 1), desc="uneven")
    yield SampleInput((_rand(rng, (4, 3), dtype, "transposed"), 5, 0), desc="more_chunks_than_rows")
    yield SampleInput((_rand(rng, (6,), dtype), 2, -1), desc="even_1d")


def chunk_ref(x, chunks, dim):
    n = x.shape[dim]
    return _np_split(x, _split_sizes(n, -(-n // chunks)), dim)


def unbind_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 0), desc="dim0")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), -1), desc="last_transposed")
    yield SampleInput((_rand(rng, (3,), dtype), 0), desc="to_0d")


# -- repeat, tile, diagonal, outer, einsum, baddbmm ------------------------------------------------

def repeat_samples(dtype, rng):
    yield SampleInput((_rand(rng, (2, 3), dtype), (2, 1, 3)), desc="new_dim")
    yield SampleInput((_rand(rng, (2, 3), dtype, "transposed"), (1, 2)), desc="transposed")
    yield SampleInput((_rand(rng, (), dtype), (2, 3)), desc="0d")
    yield SampleInput((_rand(rng, (2, 3), dtype), (0, 2)), desc="zero_repeats")
    yield SampleInput((_rand(rng, (0, 2), dtype), (2, 2)), desc="empty")


def tile_samples(dtype, rng):
    yield SampleInput((_rand(rng, (2, 3), dtype), (2,)), desc="short_dims")
    yield SampleInput((_rand(rng, (2, 3), dtype), ()), desc="no_dims")
    yield SampleInput((_rand(rng, (3,), dtype, "strided"), (2, 2)), desc="more_dims_strided")


def diagonal_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 0, 0, 1), desc="main")
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, 0, 1), desc="above")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), -1, 1, 0), desc="below_swapped_transposed")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), 0, -1, 1), desc="3d_negative_dim")
    yield SampleInput((_rand(rng, (3, 4), dtype), 5, 0, 1), desc="empty_offset")


def outer_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3,), dtype), _rand(rng, (4,), dtype)), desc="vectors")
    yield SampleInput((_rand(rng, (6,), dtype, "strided"), _rand(rng, (0,), dtype)), desc="empty")


_EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 2)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ij,kj", [(3, 4), (2, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,j->ij", [(3,), (2,)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("bn,anm,bm->ba", [(2, 2), (3, 2, 3), (2, 3)]),
    ("iij,kj->ik", [(2, 2, 3), (4, 3)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("i,i->", [(0,), (0,)]),
]


def einsum_samples(dtype, rng):
    for eq, shapes in _EINSUM:
        layouts = ["transposed" if len(s) == 2 and i == 0 else "contiguous" for i, s in enumerate(shapes)]
        yield SampleInput((eq,) + tuple(_rand(rng, s, dtype, lay) for s, lay in zip(shapes, layouts)), desc=eq)


def baddbmm_samples(dtype, rng):
    b1, b2 = _rand(rng, (2, 3, 4), dtype), _rand(rng, (2, 4, 5), dtype)
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), b1, b2), desc="plain")
    yield SampleInput((_rand(rng, (5,), dtype), b1, b2), {"beta": 0.5, "alpha": -2.0}, desc="broadcast_scaled")
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), _rand(rng, (2, 4, 3), dtype).transpose(0, 2, 1), b2),
                      {"beta": 0.0}, desc="beta0_transposed")
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), _rand(rng, (2, 3, 0), dtype), _rand(rng, (2, 0, 5), dtype)),
                      desc="empty_inner")


def baddbmm_ref(input, b1, b2, beta=1, alpha=1):
    out = alpha * (b1 @ b2)
    return out if beta == 0 else out + beta * input


# -- scans, flip, roll, narrow, select -----------------------------------------------------------

def cumsum_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="dim1")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), -2), desc="negative_transposed")
    yield SampleInput((_rand(rng, (), dtype), 0), desc="0d")
    yield SampleInput((_rand(rng, (0, 3), dtype), 0), desc="empty")


def cumprod_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="no_zeros")
    x = _rand(rng, (3, 5), dtype)
    x[0, 2] = 0
    x[1, 0] = 0
    x[2, 1] = x[2, 3] = 0
    yield SampleInput((x, 1), desc="zeros_one_and_two")
    yield SampleInput((np.ascontiguousarray(x.T).T, 0), desc="zeros_along_dim0")
    yield SampleInput((_rand(rng, (), dtype), 0), desc="0d")
    yield SampleInput((_rand(rng, (4, 1), dtype), -1), desc="size1_dim")
    yield SampleInput((_rand(rng, (2, 0), dtype), 1), desc="empty")


def flip_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), (0,)), desc="dim0")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype, "transposed"), (0, -1)), desc="two_dims_transposed")
    yield SampleInput((_rand(rng, (), dtype), ()), desc="0d")


def roll_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, None), desc="flat")
    yield SampleInput((_rand(rng, (3, 4), dtype, "strided"), (2, -1), (0, -1)), desc="two_dims_strided")
    yield SampleInput((_rand(rng, (5,), dtype), -7, 0), desc="wraps")


def roll_ref(x, shifts, dims):
    return np.roll(x, shifts, dims)


def narrow_samples(dtype, rng):
    yield SampleInput((_rand(rng, (4, 5), dtype), 0, 1, 2), desc="dim0")
    yield SampleInput((_rand(rng, (4, 5), dtype, "transposed"), -1, -3, 3), desc="negative_start_transposed")
    yield SampleInput((_rand(rng, (4, 5), dtype), 1, 5, 0), desc="empty")


def narrow_ref(x, dim, start, length):
    if start < 0:
        start += x.shape[dim]
    return np.take(x, range(start, start + length), axis=dim)


def select_samples(dtype, rng):
    yield SampleInput((_rand(rng, (4, 5), dtype), 0, 2), desc="dim0")
    yield SampleInput((_rand(rng, (4, 5), dtype, "strided"), -1, -1), desc="negative_strided")
    yield SampleInput((_rand(rng, (3,), dtype), 0, 1), desc="to_0d")


# -- tensor[key] -----------------------------------------------------------------------------------

# (key, NumPy reference of x[key] with PyTorch's semantics, shape of x)
_KEYS = [
    (2, lambda x: x[2], (4, 3, 5)),
    (-1, lambda x: x[-1], (4, 3, 5)),
    (slice(None), lambda x: x[:], (4, 3, 5)),
    ((slice(1, None, 2), slice(None, 2)), lambda x: x[1::2, :2], (4, 3, 5)),
    ((Ellipsis, 1), lambda x: x[..., 1], (4, 3, 5)),
    ((None, 0, None), lambda x: x[None, 0, None], (4, 3, 5)),
    (Ellipsis, lambda x: x[...], (4, 3, 5)),
    ((0, 1, 2), lambda x: x[0, 1, 2], (4, 3, 5)),
    (_idx([0, 2, 2, 0]), lambda x: x[[0, 2, 2, 0]], (4, 3, 5)),
    (_idx([[0, 1], [3, 3]]), lambda x: x[np.array([[0, 1], [3, 3]])], (4, 3, 5)),
    ((slice(None), _idx([-1, 0, -1])), lambda x: x[:, [-1, 0, -1]], (4, 3, 5)),
    ((_idx([0, 1, 1]), slice(None), _idx([4, 4, 0])), lambda x: x[[0, 1, 1], :, [4, 4, 0]], (4, 3, 5)),
    ((0, slice(None), _idx([1, 1])), lambda x: x[0][:, [1, 1]], (4, 3, 5)),
    ((Ellipsis, _idx([2, 2])), lambda x: x[..., [2, 2]], (4, 3, 5)),
    ((None, _idx([1, 1])), lambda x: x[None][:, [1, 1]], (4, 3, 5)),
    ((slice(1, 3), _idx([[0], [2]]), _idx([1, 4])), lambda x: x[1:3][:, [[0], [2]], [1, 4]], (4, 3, 5)),
    (True, lambda x: x[None], (4, 3, 5)),
    ([1, 3, 1], lambda x: x[[1, 3, 1]], (4, 3, 5)),
    (_idx(3), lambda x: x[3], (4, 3, 5)),
    (_idx([], ), lambda x: x[np.zeros(0, I64)], (4, 3, 5)),
    (0, lambda x: x[0], (3,)),
]

_MASKS = [
    (lambda x: x > 0, (4, 3)),
    (lambda x: np.zeros(x.shape[:1], bool), (4, 3)),
    (lambda x: np.asarray(x > 0), ()),
]


def getitem_samples(dtype, rng):
    for i, (key, _, shape) in enumerate(_KEYS):
        layout = "transposed" if i % 3 == 1 and len(shape) > 1 else "contiguous"
        yield SampleInput((_rand(rng, shape, dtype, layout), key), desc=f"key{i}")


def getitem_ref(x, key):
    return next(ref for k, ref, _ in _KEYS if k is key)(x)


def mask_index_samples(dtype, rng):
    for i, (make, shape) in enumerate(_MASKS):
        x = _rand(rng, shape, dtype)
        yield SampleInput((x, make(x)), desc=f"mask{i}", grad_args=(0,))
    x = _rand(rng, (4, 3), dtype)
    yield SampleInput((x, x[:, 0] > 0), desc="row_mask", grad_args=(0,))


# -- gather, scatter, index_select -----------------------------------------------------------------

def gather_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, _idx([[0, 0, 3], [1, 2, 1]])), desc="repeats_smaller")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), -2, _idx([[2, 0, 0, 1]])), desc="dim0_transposed")
    yield SampleInput((_rand(rng, (), dtype), 0, _idx(0)), desc="0d")
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, np.zeros((3, 0), I64)), desc="empty_index")


def gather_ref(x, dim, index):
    if x.ndim == 0:
        return x.copy()
    corner = tuple(slice(n) if d != dim % x.ndim else slice(None) for d, n in enumerate(index.shape))
    return np.take_along_axis(x[corner], index, dim)


def scatter_samples(dtype, rng):
    # Distinct targets: with a repeated one, PyTorch leaves which write wins unspecified.
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, _idx([[3, 0], [1, 2]]), _rand(rng, (2, 2), dtype)), desc="src")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), 0, _idx([[2, 0, 1]]),
                       _rand(rng, (2, 4), dtype)), desc="src_larger_than_index")
    yield SampleInput((_rand(rng, (3, 4), dtype), -1, _idx([[1, 1], [0, 3], [2, 2]]), 2.5), desc="value_repeats")


def _read_part(src, index):
    """The part of src that scatter reads. PyTorch's backward raises when src is larger than the
    index; slicing src first gives the gradient pyautograd computes (zero on unread entries)."""
    return src[tuple(slice(n) for n in index.shape)]


def scatter_ref(x, dim, index, src):
    out = x.copy()
    for p in np.ndindex(*index.shape):
        q = list(p)
        q[dim] = index[p]
        out[tuple(q)] = src[p] if isinstance(src, np.ndarray) else src
    return out


def scatter_add_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, _idx([[0, 0, 3], [1, 1, 1]]), _rand(rng, (2, 3), dtype)),
                      desc="repeats")
    yield SampleInput((_rand(rng, (3, 4), dtype, "strided"), -2, _idx([[2, 2]]), _rand(rng, (3, 4), dtype)),
                      desc="src_larger_strided")
    yield SampleInput((_rand(rng, (), dtype), 0, _idx(0), _rand(rng, (), dtype)), desc="0d")


def scatter_add_ref(x, dim, index, src):
    out = x.copy()
    flat = out.reshape(1) if out.ndim == 0 else out
    for p in np.ndindex(*index.shape):
        q = list(p) or [0]
        q[dim] = index[p]
        flat[tuple(q)] += src[p]
    return out


def index_select_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1, _idx([0, 3, 3, 1])), desc="repeats")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), -2, _idx(2)), desc="0d_index_transposed")
    yield SampleInput((_rand(rng, (3, 4), dtype), 0, np.zeros(0, I64)), desc="empty_index")


def index_select_ref(x, dim, index):
    return np.take(x, index.reshape(-1), axis=dim)


# -- masks, take_along_dim ----------------------------------------------------------------------------

def masked_fill_samples(dtype, rng):
    x = _rand(rng, (3, 4), dtype)
    yield SampleInput((x, x > 0, -1.5), desc="scalar")
    yield SampleInput((_rand(rng, (4,), dtype), rng.random((3, 4)) > 0.5, 2.0), desc="mask_broadcasts_input")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), rng.random(4) > 0.5, _rand(rng, (), dtype)),
                      desc="tensor_value_transposed")
    yield SampleInput((_rand(rng, (), dtype), np.array(True), 3.0), desc="0d")


def masked_fill_ref(x, mask, value):
    return np.where(mask, np.asarray(value, x.dtype), x)


def masked_select_samples(dtype, rng):
    x = _rand(rng, (3, 4), dtype)
    yield SampleInput((x, x > 0), desc="same_shape")
    yield SampleInput((_rand(rng, (4,), dtype, "strided"), rng.random((3, 4)) > 0.5), desc="broadcast_strided")
    yield SampleInput((_rand(rng, (3, 4), dtype), np.zeros(4, bool)), desc="none_selected")


def masked_select_ref(x, mask):
    x, mask = np.broadcast_arrays(x, mask)
    return x[mask]


def take_along_dim_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), _idx([[0, 3], [1, 1], [2, 0]]), 1), desc="dim1")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), _idx([[0], [2], [2]]), -1), desc="broadcast_index")
    yield SampleInput((_rand(rng, (3, 4), dtype), _idx([[0, 1, 2, 1]]), 0), desc="broadcast_input_dims")
    yield SampleInput((_rand(rng, (3, 4), dtype), _idx([11, 0, 5, 5]), None), desc="flat")


def take_along_dim_ref(x, indices, dim):
    if dim is None:
        return x.reshape(-1)[indices.reshape(-1)]
    d = dim % x.ndim
    others = np.broadcast_shapes(x.shape[:d] + (1,) + x.shape[d + 1:], indices.shape[:d] + (1,) + indices.shape[d + 1:])
    x = np.broadcast_to(x, others[:d] + x.shape[d:d + 1] + others[d + 1:])
    indices = np.broadcast_to(indices, others[:d] + indices.shape[d:d + 1] + others[d + 1:])
    return np.take_along_axis(x, indices, d)


# -- index-valued results ------------------------------------------------------------------------------

def nonzero_samples(dtype, rng):
    x = _rand(rng, (3, 4), dtype)
    x[x < 0] = 0
    yield SampleInput((x,), desc="2d")
    yield SampleInput((np.array(2.0, dtype),), desc="0d")
    yield SampleInput((np.zeros((2, 0), dtype),), desc="empty")


def nonzero_tuple_ref(x):
    return np.nonzero(x.reshape(-1) if x.ndim == 0 else x)


def one_hot_samples(dtype, rng):
    yield SampleInput((_idx([0, 2, 1, 2]),), desc="inferred_classes")
    yield SampleInput((_idx([[0, 1], [3, 3]]), 5), desc="2d_given_classes")
    yield SampleInput((_idx(1), 3), desc="0d")
    yield SampleInput((np.zeros(0, I64), 3), desc="empty")


def one_hot_ref(x, num_classes=-1):
    n = int(x.max()) + 1 if num_classes == -1 else num_classes
    return (x[..., None] == np.arange(n)).astype(I64)


OPS = [
    OpInfo("split", lambda x, s, dim: pyautograd.split(x, s, dim), split_samples, ref=split_ref,
           torch_fn=lambda x, s, dim: _torch().split(x, s, dim), covers=("split", "split_with_sizes", "_cat")),
    OpInfo("chunk", lambda x, c, dim: x.chunk(c, dim), chunk_samples, ref=chunk_ref,
           torch_fn=lambda x, c, dim: x.chunk(c, dim), covers=("split",)),
    OpInfo("unbind", lambda x, dim: pyautograd.unbind(x, dim), unbind_samples,
           ref=lambda x, dim: tuple(np.moveaxis(x, dim, 0)),
           torch_fn=lambda x, dim: x.unbind(dim), covers=("unbind", "_stack")),
    OpInfo("repeat", lambda x, reps: x.repeat(*reps), repeat_samples, ref=lambda x, reps: np.tile(x, reps),
           torch_fn=lambda x, reps: x.repeat(*reps), covers=("repeat",)),
    OpInfo("tile", lambda x, dims: pyautograd.tile(x, dims), tile_samples, ref=lambda x, dims: np.tile(x, dims),
           torch_fn=lambda x, dims: _torch().tile(x, dims), covers=("repeat",)),
    OpInfo("diagonal", lambda x, o, d1, d2: pyautograd.diagonal(x, o, d1, d2), diagonal_samples,
           ref=lambda x, o, d1, d2: np.diagonal(x, o, d1, d2),
           torch_fn=lambda x, o, d1, d2: x.diagonal(o, d1, d2), covers=("diagonal", "diagonal_backward")),
    OpInfo("outer", lambda a, b: pyautograd.outer(a, b), outer_samples, ref=np.outer,
           torch_fn=lambda a, b: _torch().outer(a, b)),
    OpInfo("einsum", lambda eq, *xs: pyautograd.einsum(eq, *xs), einsum_samples,
           ref=lambda eq, *xs: np.einsum(eq, *xs), torch_fn=lambda eq, *xs: _torch().einsum(eq, *xs),
           tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("baddbmm", lambda i, a, b, **kw: pyautograd.baddbmm(i, a, b, **kw), baddbmm_samples, ref=baddbmm_ref,
           torch_fn=lambda i, a, b, **kw: _torch().baddbmm(i, a, b, **kw), covers=("baddbmm",),
           tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("cumsum", lambda x, dim: pyautograd.cumsum(x, dim), cumsum_samples,
           ref=lambda x, dim: np.cumsum(x, dim) if x.ndim else x.copy(),
           torch_fn=lambda x, dim: x.cumsum(dim), covers=("cumsum", "flip"), tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("cumprod", lambda x, dim: pyautograd.cumprod(x, dim), cumprod_samples,
           ref=lambda x, dim: np.cumprod(x, dim) if x.ndim else x.copy(),
           torch_fn=lambda x, dim: x.cumprod(dim), covers=("cumprod",), tolerances={"float32": (1e-5, 1e-5)}),
    OpInfo("flip", lambda x, dims: pyautograd.flip(x, dims), flip_samples, ref=lambda x, dims: np.flip(x, dims),
           torch_fn=lambda x, dims: x.flip(dims), covers=("flip",)),
    OpInfo("roll", lambda x, s, d: pyautograd.roll(x, s, d), roll_samples, ref=roll_ref,
           torch_fn=lambda x, s, d: x.roll(s, d), covers=("roll",)),
    OpInfo("narrow", lambda x, d, s, n: pyautograd.narrow(x, d, s, n), narrow_samples, ref=narrow_ref,
           torch_fn=lambda x, d, s, n: x.narrow(d, s, n), covers=("_index_view", "index_backward")),
    OpInfo("select", lambda x, d, i: pyautograd.select(x, d, i), select_samples,
           ref=lambda x, d, i: np.take(x, i, axis=d), torch_fn=lambda x, d, i: x.select(d, i),
           covers=("_select_view", "index_backward")),
    OpInfo("__getitem__", lambda x, key: x[key], getitem_samples, ref=getitem_ref,
           torch_fn=lambda x, key: x[_torch_key(key)],
           covers=("_index_view", "_select_view", "_unsqueeze_view", "_alias_view", "_index_copy",
                   "index_backward")),
    OpInfo("__getitem__", lambda x, m: x[m], mask_index_samples, ref=lambda x, m: x[m],
           torch_fn=lambda x, m: x[m], variant="mask", covers=("_index_copy", "index_backward")),
    OpInfo("gather", lambda x, d, i: pyautograd.gather(x, d, i), gather_samples, ref=gather_ref,
           torch_fn=lambda x, d, i: _torch().gather(x, d, i), covers=("gather", "scatter_add")),
    OpInfo("scatter", lambda x, d, i, s: pyautograd.scatter(x, d, i, s), scatter_samples, ref=scatter_ref,
           torch_fn=lambda x, d, i, s: _torch().scatter(x, d, i, _read_part(s, i) if hasattr(s, "shape") else s), covers=("scatter_src", "scatter_value")),
    OpInfo("scatter_add", lambda x, d, i, s: pyautograd.scatter_add(x, d, i, s), scatter_add_samples,
           ref=scatter_add_ref, torch_fn=lambda x, d, i, s: _torch().scatter_add(x, d, i, _read_part(s, i)), covers=("scatter_add",)),
    OpInfo("index_select", lambda x, d, i: pyautograd.index_select(x, d, i), index_select_samples,
           ref=index_select_ref, torch_fn=lambda x, d, i: _torch().index_select(x, d, i), covers=("index_select",)),
    OpInfo("masked_fill", lambda x, m, v: pyautograd.masked_fill(x, m, v), masked_fill_samples, ref=masked_fill_ref,
           torch_fn=lambda x, m, v: _torch().masked_fill(x, m, v), covers=("masked_fill", "masked_fill_tensor")),
    OpInfo("masked_select", lambda x, m: pyautograd.masked_select(x, m), masked_select_samples,
           ref=masked_select_ref, torch_fn=lambda x, m: _torch().masked_select(x, m), covers=("masked_select",)),
    OpInfo("take_along_dim", lambda x, i, d: pyautograd.take_along_dim(x, i, d), take_along_dim_samples,
           ref=take_along_dim_ref, torch_fn=lambda x, i, d: _torch().take_along_dim(x, i, d), covers=("gather",)),
    OpInfo("nonzero", lambda x: pyautograd.nonzero(x), nonzero_samples, ref=np.argwhere,
           torch_fn=lambda x: _torch().nonzero(x), supports_autograd=False, covers=("nonzero",)),
    OpInfo("nonzero", lambda x: pyautograd.nonzero(x, as_tuple=True), nonzero_samples,
           ref=nonzero_tuple_ref, torch_fn=lambda x: _torch().nonzero(x, as_tuple=True), supports_autograd=False,
           variant="as_tuple"),
    OpInfo("argwhere", lambda x: pyautograd.argwhere(x), nonzero_samples, ref=np.argwhere,
           torch_fn=lambda x: _torch().argwhere(x), supports_autograd=False),
    OpInfo("one_hot", lambda x, *n: pyautograd.one_hot(x, *n), one_hot_samples, ref=one_hot_ref,
           torch_fn=lambda x, *n: _torch().nn.functional.one_hot(x, *n), dtypes=(np.int64,),
           supports_autograd=False, covers=("one_hot",)),
]

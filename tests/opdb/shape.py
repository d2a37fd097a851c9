"""OpInfos of the shape ops (ops/shape.py: views, copies, joins, splits, repeats, diagonals,
flips, rolls, the cumulative sum and product, and the in-place fills behind copy_, fill_, zero_).

Samples cover 0-d inputs where the op allows them, empty tensors, non-contiguous inputs
(transposed, strided) and negative dims; ops that return several tensors (split, chunk,
unbind) return a tuple, and so do their references."""
import numpy as np

from pyautograd.ops import shape as S
import pyautograd
import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

F32, F64, I64, BOOL = np.float32, np.float64, np.int64, np.bool_


def _torch():
    """The torch module, imported only when the PyTorch comparison runs a torch_fn."""
    import torch
    return torch


def _copy_samples(dtype, rng):
    yield SampleInput((make_arg((2, 3), dtype, rng), make_arg((3,), dtype, rng)), desc="broadcast src")
    yield SampleInput((make_arg((2, 3), dtype, rng), make_arg((2, 3), F64 if dtype == F32 else F32, rng)),
                      desc="other dtype src", grad_args=(1,),
                      skip_gradcheck="the source is float32: finite differences in float32 are too coarse")


def _split_sizes_samples(dtype, rng):
    yield SampleInput((make_arg((6, 2), dtype, rng), [1, 2, 3]), desc="dim 0")
    yield SampleInput((make_arg((2, 5), dtype, rng), [4, 1], -1), desc="last dim")


ALL = (F32, F64, I64, BOOL)


def _samples(*specs):
    """Samples from (shape, args, kwargs, desc) specs: the input drawn in `shape` (laid out
    with gaps when 'noncontig' is in desc, column-major when 'transposed' is), then the other
    arguments as given."""
    def gen(dtype, rng):
        out = []
        for shape, args, kwargs, desc in specs:
            x = make_arg(shape, dtype, rng, noncontig="noncontig" in desc)
            if "transposed" in desc:
                x = np.ascontiguousarray(x.T).T
            out.append(SampleInput((x,) + tuple(args), dict(kwargs), desc))
        return out
    return gen


def _method(name):
    """An op (and torch_fn) calling the Tensor method `name` on the first argument."""
    return lambda x, *args, **kwargs: getattr(x, name)(*args, **kwargs)


def _on_clone(name):
    """An op (and torch_fn) calling the in-place method `name` on a clone of the first argument."""
    return lambda x, *args, **kwargs: getattr(x.clone(), name)(*args, **kwargs)


def _torch_fn(name):
    return lambda *args, **kwargs: getattr(_torch(), name)(*args, **kwargs)


def _np_flatten(x, start_dim, end_dim):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


def _np_expand_size(x, size):
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], tuple) else tuple(size)
    lead = len(size) - x.ndim
    return tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(size))


def _np_squeeze(x, dim):
    if dim is None:
        return np.squeeze(x)
    dims = (dim,) if isinstance(dim, int) else dim
    return np.squeeze(x, tuple(d for d in dims if x.shape[d] == 1)) if x.ndim else x


def _rand(rng, shape, dtype, layout="contiguous"):
    """A random array of `shape`; layout 'transposed' or 'strided' gives a non-contiguous one."""
    shape = tuple(shape)
    if layout == "transposed":
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    if layout == "strided":
        return rng.standard_normal((2 * shape[0],) + shape[1:]).astype(dtype)[::2]
    return rng.standard_normal(shape).astype(dtype)


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


OPS = [
    OpInfo("copy_", lambda x, src: S._copy_from(x, src), _copy_samples,
           ref=lambda x, src: np.broadcast_to(src, x.shape).astype(x.dtype),
           torch_fn=lambda x, src: x.clone().copy_(src), covers=("_copy_from",)),
    OpInfo("split_with_sizes", P.split_with_sizes,
           _split_sizes_samples,
           ref=lambda x, sizes, dim=0: tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim)),
           torch_fn=lambda x, sizes, dim=0: _torch().split_with_sizes(x, sizes, dim)),
    OpInfo("fill_", lambda x, v: S._fill(x, v), lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng), 0.25), desc="number"),
        SampleInput((make_arg((), dtype, rng), -1.5), desc="0-d")],
        ref=lambda x, v: np.full_like(x, v), torch_fn=lambda x, v: x.clone().fill_(v), covers=("_fill",)),
    OpInfo("zero_", lambda x: S._zero(x), lambda dtype, rng: [SampleInput((make_arg((3, 2), dtype, rng),))],
           ref=np.zeros_like, torch_fn=lambda x: x.clone().zero_(), covers=("_zero",)),
    OpInfo("reshape", P.reshape, _samples(((2, 3), [(3, 2)], {}, "2x3 to 3x2"), ((2, 3), [(-1,)], {}, "-1"),
                                          ((), [(1,)], {}, "0-d"), ((2, 3), [(3, 2)], {}, "noncontig"),
                                          ((2, 3), [(3, 2)], {}, "transposed (copies)"),
                                          ((2, 3), [(2, 1, 3)], {}, "transposed (views)"),
                                          ((0, 3), [(3, 0)], {}, "empty")),
           ref=np.reshape, torch_fn=_torch_fn("reshape"), dtypes=ALL,
           covers=("view", "_reshape_alias", "_unsafe_view", "clone")),
    OpInfo("view", _method("view"), _samples(((2, 3), [3, 2], {}, "2x3 to 3x2"), ((2, 3), [-1], {}, "-1"),
                                             ((), [1, 1], {}, "0-d"), ((2, 1, 3), [(2, 3)], {}, "tuple")),
           ref=lambda x, *shape: x.reshape(*shape), torch_fn=_method("view"), dtypes=ALL, covers=("view",)),
    OpInfo("flatten", P.flatten, _samples(((2, 3, 2), [], {}, "all"), ((2, 3, 2), [1], {}, "from 1"),
                                          ((2, 3, 2), [0, 1], {}, "0..1"), ((), [], {}, "0-d"),
                                          ((2, 3), [], {}, "noncontig")),
           ref=lambda x, start_dim=0, end_dim=-1: _np_flatten(x, start_dim, end_dim), torch_fn=_torch_fn("flatten"),
           dtypes=ALL),
    OpInfo("unflatten", P.unflatten, _samples(((2, 6), [1, (2, 3)], {}, "dim 1"), ((6,), [0, (-1, 2)], {}, "-1"),
                                              ((2, 6), [-1, (3, 2)], {}, "noncontig")),
           ref=lambda x, dim, sizes: x.reshape(x.shape[:dim % x.ndim] + tuple(sizes) + x.shape[dim % x.ndim + 1:]),
           torch_fn=_torch_fn("unflatten"), dtypes=ALL),
    OpInfo("expand", _method("expand"), _samples(((2, 1), [2, 3], {}, "2x1 to 2x3"), ((3,), [2, 3], {}, "new dim"),
                                                 ((2, 1), [-1, 3], {}, "-1"), ((), [2], {}, "0-d"),
                                                 ((3, 1), [(2, 3, 2)], {}, "noncontig")),
           ref=lambda x, *size: np.broadcast_to(x, _np_expand_size(x, size)), torch_fn=_method("expand"), dtypes=ALL,
           covers=("expand",)),
    OpInfo("expand_as", _method("expand_as"), lambda dtype, rng: [
        SampleInput((make_arg((2, 1), dtype, rng), make_arg((2, 3), dtype, rng)), desc="2x1 as 2x3", grad_args=(0,)),
        SampleInput((make_arg((), dtype, rng), make_arg((2,), dtype, rng)), desc="0-d", grad_args=(0,))],
        ref=lambda x, other: np.broadcast_to(x, other.shape), torch_fn=_method("expand_as"), dtypes=ALL),
    OpInfo("broadcast_to", P.broadcast_to, _samples(((2, 1), [(2, 3)], {}, "2x1 to 2x3"),
                                                    ((3,), [(2, 3)], {}, "new dim"), ((), [(2,)], {}, "0-d")),
           ref=np.broadcast_to, torch_fn=_torch_fn("broadcast_to"), dtypes=ALL),
    OpInfo("permute", P.permute, _samples(((2, 3, 2), [(2, 0, 1)], {}, "3d"), ((2, 3), [(1, 0)], {}, "2d"),
                                          ((2, 3, 2), [(-1, 0, 1)], {}, "negative dims"), ((), [()], {}, "0-d"),
                                          ((2, 3), [(1, 0)], {}, "noncontig")),
           ref=np.transpose, torch_fn=_torch_fn("permute"), dtypes=ALL),
    OpInfo("transpose", P.transpose, _samples(((2, 3), [0, 1], {}, "2d"), ((2, 3, 2), [0, -1], {}, "3d"),
                                              ((), [0, 0], {}, "0-d"), ((2, 3), [1, 0], {}, "noncontig")),
           ref=lambda x, d0, d1: np.swapaxes(x, d0, d1) if x.ndim else x, torch_fn=_torch_fn("transpose"), dtypes=ALL),
    OpInfo("t", P.t, _samples(((2, 3), [], {}, "2d"), ((3,), [], {}, "1d"), ((), [], {}, "0-d"),
                              ((2, 3), [], {}, "noncontig")),
           ref=lambda x: x.T, torch_fn=_torch_fn("t"), dtypes=ALL),
    OpInfo("movedim", P.movedim, _samples(((2, 3, 2), [0, 2], {}, "int"), ((2, 3, 2), [(0, 1), (2, 0)], {}, "tuple"),
                                          ((2, 3), [-1, 0], {}, "noncontig")),
           ref=np.moveaxis, torch_fn=_torch_fn("movedim"), dtypes=ALL),
    OpInfo("squeeze", P.squeeze, _samples(((2, 1, 3), [], {}, "all"), ((2, 1, 3), [1], {}, "dim 1"),
                                          ((2, 1, 3), [0], {}, "dim of size 2"), ((1, 2, 1), [(0, 2)], {}, "dims"),
                                          ((), [], {}, "0-d"), ((2, 1, 2), [1], {}, "noncontig")),
           ref=lambda x, dim=None: _np_squeeze(x, dim), torch_fn=_torch_fn("squeeze"), dtypes=ALL,
           covers=("squeeze", "squeeze_dim", "squeeze_dims")),
    # The in-place shape changes, on a fresh non-leaf (a leaf that requires grad refuses them).
    OpInfo("squeeze_", _on_clone("squeeze_"), _samples(((2, 1, 3), [], {}, "all"), ((2, 1, 3), [1], {}, "dim 1"),
                                                       ((1, 2, 1), [(0, 2)], {}, "dims"), ((), [], {}, "0-d"),
                                                       ((2, 1, 2), [-2], {}, "noncontig")),
           ref=lambda x, dim=None: _np_squeeze(x, dim), torch_fn=_on_clone("squeeze_"), dtypes=ALL,
           covers=("squeeze_", "squeeze_dim_", "squeeze_dims_")),
    OpInfo("transpose_", _on_clone("transpose_"), _samples(((2, 3), [0, 1], {}, "2d"), ((2, 3, 2), [0, -1], {}, "3d"),
                                                           ((), [0, 0], {}, "0-d"), ((2, 3), [1, 0], {}, "noncontig")),
           ref=lambda x, d0, d1: np.swapaxes(x, d0, d1) if x.ndim else x, torch_fn=_on_clone("transpose_"),
           dtypes=ALL),
    OpInfo("swapaxes_", _on_clone("swapaxes_"), _samples(((2, 3, 2), [0, -1], {}, "3d")),
           ref=lambda x, d0, d1: np.swapaxes(x, d0, d1), torch_fn=_on_clone("swapaxes_"), covers=("transpose_",)),
    OpInfo("swapdims_", _on_clone("swapdims_"), _samples(((2, 3, 2), [1, 0], {}, "3d")),
           ref=lambda x, d0, d1: np.swapaxes(x, d0, d1), torch_fn=_on_clone("swapdims_"), covers=("transpose_",)),
    OpInfo("t_", _on_clone("t_"), _samples(((2, 3), [], {}, "2d"), ((3,), [], {}, "1d"), ((), [], {}, "0-d"),
                                           ((2, 3), [], {}, "noncontig")),
           ref=lambda x: x.T, torch_fn=_on_clone("t_"), dtypes=ALL),
    OpInfo("unsqueeze_", _on_clone("unsqueeze_"), _samples(((2, 3), [0], {}, "dim 0"), ((2, 3), [-1], {}, "dim -1"),
                                                           ((), [0], {}, "0-d"), ((2, 3), [1], {}, "noncontig")),
           ref=np.expand_dims, torch_fn=_on_clone("unsqueeze_"), dtypes=ALL),
    OpInfo("unsqueeze", P.unsqueeze, _samples(((2, 3), [0], {}, "dim 0"), ((2, 3), [-1], {}, "dim -1"),
                                              ((), [0], {}, "0-d"), ((2, 3), [1], {}, "noncontig")),
           ref=np.expand_dims, torch_fn=_torch_fn("unsqueeze"), dtypes=ALL),
    OpInfo("cat", P.cat, lambda dtype, rng: [
        SampleInput(([make_arg((2, 3), dtype, rng), make_arg((1, 3), dtype, rng)], 0), desc="dim 0"),
        SampleInput(([make_arg((2, 1), dtype, rng), make_arg((2, 2), dtype, rng, noncontig=True),
                      make_arg((2, 1), dtype, rng)], 1), desc="dim 1, noncontig"),
        SampleInput(([make_arg((2, 3), dtype, rng), make_arg((0, 3), dtype, rng)], -2), desc="with empty"),
        SampleInput(([make_arg((3,), dtype, rng)],), desc="one tensor")],
        ref=lambda tensors, dim=0: np.concatenate(tensors, dim), torch_fn=_torch_fn("cat"), dtypes=ALL,
        covers=("_cat",)),
    OpInfo("stack", P.stack, lambda dtype, rng: [
        SampleInput(([make_arg((2, 3), dtype, rng), make_arg((2, 3), dtype, rng)], 0), desc="dim 0"),
        SampleInput(([make_arg((2,), dtype, rng), make_arg((2,), dtype, rng, noncontig=True)], -1), desc="dim -1"),
        SampleInput(([make_arg((), dtype, rng), make_arg((), dtype, rng)],), desc="0-d")],
        ref=lambda tensors, dim=0: np.stack(tensors, dim), torch_fn=_torch_fn("stack"), dtypes=ALL,
        covers=("_stack",)),
    OpInfo("clone", P.clone, _samples(((2, 3), [], {}, "2d"), ((), [], {}, "0-d"), ((3, 2), [], {}, "noncontig")),
           ref=np.copy, torch_fn=_torch_fn("clone"), dtypes=ALL),
    OpInfo("contiguous", P.contiguous, _samples(((2, 3), [], {}, "already contiguous"),
                                                ((3, 2), [], {}, "noncontig (copies)")),
           ref=np.ascontiguousarray, torch_fn=_method("contiguous"), dtypes=ALL, covers=("contiguous_copy",)),
    OpInfo("to", lambda x, dtype, **kw: x.to(getattr(P, dtype), **kw), lambda dtype, rng: [
        SampleInput((make_arg((2, 3), dtype, rng), "float64"), desc="to float64"),
        SampleInput((make_arg((2, 3), dtype, rng), "int64"), desc="to int64", grad_args=()),
        SampleInput((make_arg((2, 3), dtype, rng), np.dtype(dtype).name), {"copy": True}, "copy"),
        SampleInput((make_arg((2, 3), dtype, rng), "float32"), desc="to float32",
                    skip_gradcheck="the output is float32: its rounding swamps a 1e-6 step")],
        ref=lambda x, dtype, copy=False: x.astype(dtype), torch_fn=lambda x, dtype, **kw: x.to(getattr(
            _torch(), dtype), **kw), dtypes=(F32, F64, I64), covers=("_to_copy",)),
    OpInfo("flip", P.flip, _samples(((2, 3), [(0,)], {}, "dim 0"), ((2, 3), [(0, 1)], {}, "both"),
                                    ((2, 3), [(-1,)], {}, "noncontig")),
           ref=lambda x, dims: np.flip(x, dims), torch_fn=_torch_fn("flip"), dtypes=ALL),
    OpInfo("flip", P.flip, _samples(((), [()], {}, "0-d")), ref=lambda x, dims: x.copy(), torch_fn=_torch_fn("flip"),
           dtypes=ALL, variant="zero_dim"),
    OpInfo("roll", P.roll, _samples(((2, 3), [1, 1], {}, "dim 1"), ((2, 3), [(1, -1), (0, 1)], {}, "two dims"),
                                    ((2, 3), [2, None], {}, "flattened"), ((3, 2), [1, 0], {}, "noncontig")),
           ref=np.roll, torch_fn=_torch_fn("roll"), dtypes=ALL),
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
]


# the unsafe splits (issue 12): the same pieces, not tracked as views, nodes UnsafeSplit*Backward0
def _unsafe_split_samples(dtype, rng):
    return [s for s in split_samples(dtype, rng) if isinstance(s.args[1], int)]


def _unsafe_sizes_samples(dtype, rng):
    return [s for s in split_samples(dtype, rng) if not isinstance(s.args[1], int)]


OPS += [
    OpInfo("unsafe_split", lambda x, s, dim: pyautograd.unsafe_split(x, s, dim), _unsafe_split_samples, ref=split_ref,
           torch_fn=lambda x, s, dim: _torch().unsafe_split(x, s, dim)),
    OpInfo("unsafe_split_with_sizes", lambda x, s, dim: pyautograd.unsafe_split_with_sizes(x, s, dim),
           _unsafe_sizes_samples, ref=split_ref, torch_fn=lambda x, s, dim: _torch().unsafe_split_with_sizes(x, s, dim)),
    OpInfo("unsafe_chunk", lambda x, c, dim: x.unsafe_chunk(c, dim), chunk_samples, ref=chunk_ref,
           torch_fn=lambda x, c, dim: x.unsafe_chunk(c, dim), covers=("unsafe_split",)),
]

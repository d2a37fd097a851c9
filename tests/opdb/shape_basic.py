"""OpInfos of the shape ops (ops/shape.py and the shape front ends of ops/composite.py) and of
basic indexing (ops/indexing.py: tensor[key], narrow, select)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip, make_arg

F32, F64, I64, BOOL = np.float32, np.float64, np.int64, np.bool_
ALL = (F32, F64, I64, BOOL)


# The tests of the generic runners (test_ops_*.py), for Skips that cover all of them.
EVERY_TEST = ("forward", "gradcheck", "gradgradcheck", "vs_torch", "vs_torch_grad", "grad_fn")


def _broken(reason):
    """Skips for every test of an op that cannot run at all."""
    return tuple(Skip(test, reason) for test in EVERY_TEST)


def _torch():
    import torch
    return torch


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


OPS = [
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
    # indexing
    OpInfo("__getitem__", _method("__getitem__"), _samples(
        ((3, 4), [(slice(1, None),)], {}, "slice"), ((3, 4), [(Ellipsis, slice(None, None, 2))], {}, "step"),
        ((3, 4), [(slice(None), slice(-2, None))], {}, "negative start"),
        ((4, 3), [(slice(1, 3),)], {}, "noncontig"), ((3, 4), [(slice(0, 0),)], {}, "empty")),
        ref=lambda x, key: x[key], torch_fn=_method("__getitem__"), dtypes=ALL,
        variant="slices", covers=("_index_view", "index_backward")),
    OpInfo("__getitem__", _method("__getitem__"), _samples(
        ((3, 4), [1], {}, "int"), ((3, 4), [(slice(None), -1)], {}, "int in dim 1"),
        ((3, 4), [(None, 0)], {}, "None"), ((3,), [(Ellipsis, None)], {}, "ellipsis None")),
        ref=lambda x, key: x[key], torch_fn=_method("__getitem__"), dtypes=ALL, variant="ints_and_none",
        covers=("_index_view",)),
    OpInfo("__getitem__", _method("__getitem__"), lambda dtype, rng: [
        SampleInput((make_arg((3, 4), dtype, rng), np.array([0, 2, 0])), desc="int array, repeated"),
        SampleInput((make_arg((3, 4), dtype, rng), (slice(None), np.array([[1, 3], [0, 0]]))), desc="2-d index"),
        SampleInput((make_arg((3, 4), dtype, rng), make_arg((3, 4), BOOL, rng)), desc="bool mask"),
        SampleInput((make_arg((3, 4), dtype, rng), [2, 1]), desc="list")],
        ref=lambda x, key: x[key], torch_fn=_method("__getitem__"), dtypes=ALL, variant="advanced",
        covers=("_index_copy", "index_backward")),
    OpInfo("narrow", P.narrow, _samples(((3, 4), [0, 1, 2], {}, "dim 0"), ((3, 4), [-1, 1, 3], {}, "dim -1"),
                                        ((3, 4), [1, -2, 2], {}, "negative start"), ((3, 4), [0, 0, 0], {}, "empty"),
                                        ((4, 3), [1, 0, 2], {}, "noncontig")),
           ref=lambda x, dim, start, length: np.take(x, range(start % x.shape[dim], start % x.shape[dim] + length),
                                                     axis=dim),
           torch_fn=_torch_fn("narrow"), dtypes=ALL, covers=("_index_view",)),
    OpInfo("select", P.select, _samples(((3, 4), [0, 1], {}, "dim 0"), ((3, 4), [1, -1], {}, "dim 1, index -1"),
                                        ((4,), [0, 2], {}, "1d"), ((3, 4), [1, 2], {}, "noncontig")),
           ref=lambda x, dim, index: np.take(x, index, axis=dim), torch_fn=_torch_fn("select"), dtypes=ALL,
           covers=("_index_view",)),
]


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

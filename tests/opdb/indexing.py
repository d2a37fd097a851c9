"""OpInfos of the indexing ops (ops/indexing.py): tensor[key], narrow, select, gather, scatter,
scatter_add, index_select, index_add, index_put, masked_fill, masked_select, take_along_dim,
nonzero, argwhere, one_hot.

Int64 arrays are indices and bool arrays masks; float arrays are differentiated unless
``grad_args`` says otherwise. Samples include repeated and negative indices and empty
selections."""
import numpy as np

import pyautograd
import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

F32, F64, I64, BOOL = np.float32, np.float64, np.int64, np.bool_


def _torch():
    """The torch module, imported only when the PyTorch comparison runs a torch_fn."""
    import torch
    return torch


def _index_add_samples(dtype, rng):
    yield SampleInput((make_arg((4, 3), dtype, rng), 0, np.array([0, 2, 0], np.int64),
                       make_arg((3, 3), dtype, rng)), desc="repeated index", grad_args=(0, 3))
    yield SampleInput((make_arg((2, 5), dtype, rng), 1, np.array([4, 1], np.int64),
                       make_arg((2, 2), dtype, rng)), {"alpha": 2.0}, desc="dim 1, alpha", grad_args=(0, 3))


def _index_add_ref(x, dim, index, source, alpha=1):
    out = x.copy()
    np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(source, dim, 0) * alpha)
    return out


def _index_put_samples(dtype, rng):
    yield SampleInput((make_arg((5,), dtype, rng), np.array([0, 3], np.int64), make_arg((2,), dtype, rng)),
                      desc="values", grad_args=(0, 2))
    yield SampleInput((make_arg((4, 2), dtype, rng), np.array([1, 1], np.int64), make_arg((2,), dtype, rng)),
                      {"accumulate": True}, desc="accumulate repeated", grad_args=(0, 2))


def _index_put_ref(x, i, v, accumulate=False):
    out = x.copy()
    if accumulate:
        np.add.at(out, (i,), v)
    else:
        out[i] = v
    return out


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


def _torch_fn(name):
    return lambda *args, **kwargs: getattr(_torch(), name)(*args, **kwargs)


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
    OpInfo("index_add", lambda x, d, i, s, **k: P.index_add(x, d, i, s, **k), _index_add_samples,
           ref=_index_add_ref, torch_fn=lambda x, d, i, s, **k: _torch().index_add(x, d, i, s, **k),
           covers=("_index_add",)),
    OpInfo("index_put", lambda x, i, v, **k: P.index_put(x, (i,), v, **k), _index_put_samples,
           ref=_index_put_ref, torch_fn=lambda x, i, v, **k: _torch().index_put(x, (i,), v, **k),
           covers=("index_put",)),
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


def masked_scatter_samples(dtype, rng):
    x = _rand(rng, (3, 4), dtype)
    yield SampleInput((x, x > 0, _rand(rng, (12,), dtype)), desc="same_shape")
    yield SampleInput((_rand(rng, (4,), dtype, "strided"), rng.random((3, 4)) > 0.5, _rand(rng, (2, 7), dtype)),
                      desc="input_broadcasts_source_larger")
    yield SampleInput((_rand(rng, (3, 4), dtype, "transposed"), np.zeros(4, bool), _rand(rng, (2,), dtype)),
                      desc="none_selected")


def masked_scatter_ref(x, mask, source):
    x, mask = np.broadcast_arrays(x, mask)
    out = x.copy()
    out[mask] = source.reshape(-1)[:int(mask.sum())]
    return out


OPS += [
    OpInfo("masked_scatter", lambda x, m, s: pyautograd.masked_scatter(x, m, s), masked_scatter_samples,
           ref=masked_scatter_ref, torch_fn=lambda x, m, s: _torch().masked_scatter(x, m, s),
           covers=("masked_scatter",)),
]

"""OpInfos of ops/scatter_reduce.py: scatter_reduce (one entry per reduction) and index_reduce.
The reference reduces element by element in a Python loop over the index, another way than the
kernel's ufunc.at; targets and sources are drawn without ties (amax/amin's gradient at a tie is
PyTorch's even share, checked by tests/test_scatter_reduce.py)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput

I64 = np.int64
_COMBINE = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": max, "amin": min}


def _torch():
    import torch
    return torch


def _reduce_into(x, targets, values, reduce, include_self):
    """x with each values[k] reduced into the position targets[k] (tuples)."""
    out = x.astype(np.float64).copy().reshape(x.shape or (1,))
    gathered = {}
    for t, v in zip(targets, values):
        gathered.setdefault(t, []).append(float(v))
    for t, vs in gathered.items():
        acc = list(vs) if not include_self else [float(out[t])] + list(vs)
        if reduce == "mean":
            out[t] = sum(acc) / len(acc)
        else:
            result = acc[0]
            for v in acc[1:]:
                result = _COMBINE[reduce](result, v)
            out[t] = result
    return out.reshape(x.shape).astype(x.dtype)


def scatter_reduce_ref(x, dim, index, src, reduce, include_self=True):
    idx = index.reshape(index.shape or (1,))
    s = src.reshape(src.shape or (1,))
    targets, values = [], []
    for p in np.ndindex(*idx.shape):
        q = list(p)
        q[dim] = int(idx[p])
        targets.append(tuple(q))
        values.append(s[p])
    return _reduce_into(x, targets, values, reduce, include_self)


def index_reduce_ref(x, dim, index, source, reduce, include_self=True):
    targets, values = [], []
    for p in np.ndindex(*source.shape):
        q = list(p)
        q[dim] = int(index[p[dim]])
        targets.append(tuple(q))
        values.append(source[p])
    return _reduce_into(x, targets, values, reduce, include_self)


def _distinct(rng, shape, dtype, offset=0.0):
    """Values with no two equal (no ties for amax/amin), away from zero (prod divides by them)."""
    n = int(np.prod(shape))
    magnitudes = 0.5 + rng.permutation(n) / max(n, 1) + offset
    signs = rng.choice((-1.0, 1.0), n)
    return (magnitudes * signs).reshape(shape).astype(dtype)


def _scatter_samples(reduce):
    def samples(dtype, rng):
        for include_self in (True, False):
            kw = {"include_self": include_self}
            yield SampleInput((_distinct(rng, (3, 4), dtype), 1, np.array([[0, 0, 3], [1, 1, 1]], I64),
                               _distinct(rng, (2, 3), dtype, 0.01), reduce), kw, desc=f"repeats {kw}")
        yield SampleInput((_distinct(rng, (4, 3), dtype).T, 0, np.array([[2, 2, 0]], I64),
                           _distinct(rng, (3, 4), dtype, 0.01), reduce), desc="src larger, transposed input")
        yield SampleInput((_distinct(rng, (), dtype), 0, np.array(0, I64), _distinct(rng, (), dtype, 0.01), reduce),
                          desc="0-d")
    return samples


def _index_reduce_samples(dtype, rng):
    for reduce in ("prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            yield SampleInput((_distinct(rng, (3, 2), dtype), 0, np.array([2, 0, 2, 2], I64),
                               _distinct(rng, (4, 2), dtype, 0.01), reduce), {"include_self": include_self},
                              desc=f"{reduce} include_self={include_self}")
    yield SampleInput((_distinct(rng, (2, 4), dtype), -1, np.array([1, 3], I64),
                       _distinct(rng, (2, 2), dtype, 0.01), "amax"), desc="last dim")


def _torch_scatter_reduce(x, dim, index, src, reduce, include_self=True):
    # PyTorch's backward refuses a src larger than the index; the part it reads gives the same values
    src = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
    return _torch().scatter_reduce(x, dim, index, src, reduce, include_self=include_self)


OPS = [OpInfo("scatter_reduce", P.scatter_reduce, _scatter_samples(reduce), ref=scatter_reduce_ref,
              torch_fn=_torch_scatter_reduce, variant=reduce,
              tolerances={"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)})
       for reduce in ("sum", "prod", "mean", "amax", "amin")]
OPS.append(OpInfo("index_reduce", P.index_reduce, _index_reduce_samples, ref=index_reduce_ref,
                  torch_fn=lambda x, d, i, s, r, include_self=True: x.index_reduce(d, i, s, r,
                                                                                    include_self=include_self),
                  tolerances={"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}))

"""hstack, vstack, dstack, column_stack and diff: compositions of cat, reshapes and slicing, with
PyTorch's last nodes (CatBackward0, SubBackward0)."""
from . import shape as S
from . import indexing
from ._dims import wrap_dim
from ._surface import declare


def hstack(tensors):
    """Tensors joined column-wise: along dim 1 (dim 0 for 1-D tensors)."""
    tensors = [S.reshape(t, 1) if t.ndim == 0 else t for t in tensors]
    return S.cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Tensors joined row-wise: along dim 0, 1-D tensors as rows."""
    return S.cat([S.reshape(t, 1, -1) if t.ndim < 2 else t for t in tensors], 0)


def dstack(tensors):
    """Tensors joined depth-wise: along dim 2 (1-D as (1, n, 1), 2-D as (m, n, 1))."""
    def lift(t):
        if t.ndim == 0:
            return S.reshape(t, 1, 1, 1)
        if t.ndim == 1:
            return S.reshape(t, 1, -1, 1)
        return S.unsqueeze(t, 2) if t.ndim == 2 else t
    return S.cat([lift(t) for t in tensors], 2)


def column_stack(tensors):
    """1-D tensors as columns (and 2-D ones as they are), joined along dim 1."""
    return S.cat([S.reshape(t, -1, 1) if t.ndim <= 1 else t for t in tensors], 1)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along `dim` (with `prepend`/`append` joined first)."""
    d = wrap_dim(dim, input.ndim, "diff")
    if prepend is not None or append is not None:
        input = S.cat([t for t in (prepend, input, append) if t is not None], d)
    for _ in range(n):
        size = input.shape[d]
        if size == 0:
            break
        input = indexing.narrow(input, d, 1, size - 1) - indexing.narrow(input, d, 0, size - 1)
    return input


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn in (("column_stack", column_stack), ("dstack", dstack), ("hstack", hstack), ("vstack", vstack)):
    declare(_name, _fn, out="cat")
declare("diff", diff, method=True, out="cast")

"""Dimension arguments as PyTorch takes them: negative dims, tuples, varargs sizes."""
import numbers


def wrap_dim(dim, ndim, op=""):
    """A dim in [-ndim, ndim) as a non-negative index (0-d tensors accept -1 and 0)."""
    n = max(ndim, 1)
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{op}(): dim must be an int, got {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def wrap_dims(dims, ndim, op=""):
    """A sorted tuple of distinct non-negative dims; None means every dim."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, numbers.Integral):
        dims = (dims,)
    out = tuple(sorted({wrap_dim(d, ndim, op) for d in dims}))
    if ndim == 0:
        return ()
    if len(out) != len(tuple(dims)):
        raise RuntimeError(f"{op}(): dim {tuple(dims)} appears multiple times in the list of dims")
    return out


def size_args(size):
    """Accepts f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3])) -> (2, 3)."""
    if len(size) == 1 and not isinstance(size[0], numbers.Integral):
        return tuple(int(s) for s in size[0])
    return tuple(int(s) for s in size)


def infer_size(shape, numel):
    """`shape` with one -1 replaced by the size that keeps `numel` elements."""
    shape = list(shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)

"""PyTorch's error for shapes that do not broadcast, raised by the generic forward path (and the
batched matrix product) in place of the kernels' ValueError."""


def broadcast_error(op, shapes):
    """PyTorch's RuntimeError for shapes that do not broadcast (naming the first clashing dim from
    the right, as PyTorch does), with every shape and the op; None when they broadcast."""
    shapes = [tuple(s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    for k in range(1, ndim + 1):
        sizes = [(i, s[-k]) for i, s in enumerate(shapes) if len(s) >= k and s[-k] != 1]
        if len({n for _, n in sizes}) > 1:
            (i, a), (j, b) = sizes[0], next(x for x in sizes if x[1] != sizes[0][1])
            names = "abcdefgh"
            return RuntimeError(f"The size of tensor {names[i]} ({a}) must match the size of tensor {names[j]} ({b}) "
                                f"at non-singleton dimension {ndim - k} ({op} of shapes "
                                f"{', '.join(str(list(s)) for s in shapes)})")
    return None

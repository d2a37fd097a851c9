"""PyTorch's exception kinds for errors the kernels raise.

The kernels (``pyautograd.kernels``) know nothing of PyTorch and raise ValueError for bad
shapes, as NumPy does; PyTorch raises RuntimeError for the same misuse (a broadcast that
fails, a matrix product of mismatched shapes, an index_add source of the wrong shape).
The op layer turns one into the other here, with PyTorch's sentence first where it has a
fixed one. IndexError (NumPy's AxisError is both) stays what it is: PyTorch raises
IndexError for a dim out of range too.
"""
import numpy as np


def as_torch_error(op_name, exc, arrays):
    """The exception to raise for kernel error `exc` in op `op_name` called on `arrays`."""
    if isinstance(exc, (IndexError, np.linalg.LinAlgError)) or not isinstance(exc, ValueError):
        return exc  # (a LinAlgError is a ValueError too; ops/linalg_more.py makes it torch's LinAlgError)
    shapes = [a.shape for a in arrays if isinstance(a, np.ndarray)]
    mismatch = broadcast_mismatch(shapes)
    if mismatch is not None:
        return RuntimeError(mismatch)
    return RuntimeError(f"{op_name}: {exc}")


def broadcast_mismatch(shapes):
    """PyTorch's message for shapes that do not broadcast together, or None if they do."""
    try:
        np.broadcast_shapes(*shapes)
        return None
    except ValueError:
        pass
    ndim = max(len(s) for s in shapes)
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            for d in range(1, min(len(a), len(b)) + 1):
                if a[-d] != b[-d] and a[-d] != 1 and b[-d] != 1:
                    return (f"The size of tensor a ({a[-d]}) must match the size of tensor b ({b[-d]}) at "
                            f"non-singleton dimension {ndim - d}")
    return None

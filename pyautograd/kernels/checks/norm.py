"""Layer-norm argument checks shared by the C wrappers and the NumPy reference (reliability, issue 18).

Both backends accept and reject the same inputs with the same errors, so a
check that guards a C pointer (a weight shorter than the row it scales, an
axis count past the array's) lives here once, and each backend calls it
before touching its arrays.
"""
import operator

import numpy as np


def check_layer_norm(op, x, weight, bias, normalized_ndim, grad=None):
    """Validates layer_norm's operands: 1 <= normalized_ndim <= x.ndim, and weight, bias
    (None allowed) and grad (None allowed) of the shapes the kernel reads.

    Raises TypeError for a non-integer normalized_ndim, ValueError for a count out of
    range or a wrong shape (naming op, the shapes and the expected ones).
    """
    try:
        k = operator.index(normalized_ndim)
    except TypeError:
        raise TypeError(f"{op}: normalized_ndim must be an int, got {type(normalized_ndim).__name__}") from None
    if not 1 <= k <= x.ndim:
        raise ValueError(f"{op}: normalized_ndim must be in [1, {x.ndim}] for an input of shape {x.shape}, "
                         f"got {k}")
    want = x.shape[x.ndim - k:]
    for name, a in (("weight", weight), ("bias", bias)):
        if a is None:
            continue
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{op}: {name} must be a numpy.ndarray or None, got {type(a).__name__}")
        if a.shape != want:
            raise ValueError(f"{op}: {name} has shape {a.shape}, expected {want} "
                             f"(the last {k} dim(s) of input shape {x.shape})")
    if grad is not None and (not isinstance(grad, np.ndarray) or grad.shape != x.shape):
        raise ValueError(f"{op}: grad has shape {getattr(grad, 'shape', None)}, expected the input's {x.shape}")
    return k

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


def check_batch_norm(op, x, weight, bias, running_mean, running_var, use_batch_stats, grad=None):
    """Validates batch_norm's operands: x a floating (N, C, *) array; weight, bias and the
    running statistics None or arrays of C elements (the running ones required without
    `use_batch_stats`); grad (None allowed) of x's shape.

    Raises TypeError for a non-array operand and RuntimeError (PyTorch's kind) for a wrong
    dtype, size or shape, naming op, the shapes and what was expected.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{op}: input must be a numpy.ndarray, got {type(x).__name__}")
    if x.ndim < 2:
        raise RuntimeError(f"{op}: expected input of shape (N, C, *) with at least 2 dims, got {x.shape}")
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating-point input, got {x.dtype}")
    channels = x.shape[1]
    if not use_batch_stats and (running_mean is None or running_var is None):
        raise RuntimeError(f"{op}: running_mean and running_var are required without the batch statistics")
    for name, a in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if a is None:
            continue
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{op}: {name} must be a numpy.ndarray or None, got {type(a).__name__}")
        if a.size != channels:
            raise RuntimeError(f"{op}: {name} should contain {channels} elements (the channels of input shape "
                               f"{x.shape}), got shape {a.shape}")
    if grad is not None and (not isinstance(grad, np.ndarray) or grad.shape != x.shape):
        raise RuntimeError(f"{op}: grad has shape {getattr(grad, 'shape', None)}, expected the input's {x.shape}")

"""torch.onnx.operators: shape helpers that ONNX export traces as dynamic shapes."""
import numpy as np

from .. import _creation

__all__ = ["shape_as_tensor", "reshape_from_tensor_shape"]


def shape_as_tensor(x):
    """x's shape as a 1-D int64 tensor."""
    return _creation.tensor(np.asarray(x.shape, dtype=np.int64))


def reshape_from_tensor_shape(x, shape):
    """x reshaped to the shape held by the 1-D integer tensor `shape`."""
    return x.reshape([int(n) for n in shape.tolist()])

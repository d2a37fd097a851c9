"""OpInfos of issue 12's Tensor odds and ends (ops/resize.py): the deprecated, differentiable
Tensor.resize (PyTorch's autograd Resize: a reshape keeping the number of elements, node
ResizeBackward). resize_ works on the storage and is tested in tests/test_tensormisc.py."""
import warnings

import numpy as np

from .core import OpInfo, SampleInput, make_arg


def _resize(x, *sizes):
    # resize is deprecated in PyTorch and warns, as here; the warning is tested elsewhere.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return x.resize(*sizes)


def _resize_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng), 3, 2), desc="2x3 to 3x2"),
            SampleInput((make_arg((2, 3), dtype, rng), 6), desc="flatten"),
            SampleInput((make_arg((4,), dtype, rng), 2, 1, 2), desc="1-d to 3-d"),
            SampleInput((make_arg((2, 3), dtype, rng, noncontig=True), 3, 2), desc="noncontig"),
            SampleInput((make_arg((), dtype, rng), 1, 1), desc="0-d")]


OPS = [
    OpInfo("resize", _resize, _resize_samples, ref=lambda x, *sizes: np.reshape(x, sizes), torch_fn=_resize,
           dtypes=(np.float32, np.float64, np.int64), covers=("resize",)),
]

"""OpInfos of issue 12's Tensor odds and ends: the deprecated, differentiable Tensor.resize
(ops/resize.py: PyTorch's autograd Resize, a reshape keeping the number of elements, node
ResizeBackward) and the complex helpers that are identities on real tensors
(ops/complex_real.py). resize_ works on the storage and is tested in tests/test_tensormisc.py."""
import warnings

import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

ALL = (np.float32, np.float64, np.int64, np.bool_)


def _torch():
    import torch
    return torch


def _t(name):
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _conj_physical_(x):
    # In place on a fresh tensor with history (clone), where PyTorch records ConjPhysicalBackward1.
    return x.clone().conj_physical_()


def _identity(x):
    # np.conj is the identity on real floats and integers, but turns bools into int8.
    return x


def _real_samples(dtype, rng):
    return [SampleInput((make_arg((2, 3), dtype, rng),), desc="2x3"),
            SampleInput((make_arg((), dtype, rng),), desc="0-d"),
            SampleInput((make_arg((3, 2), dtype, rng, noncontig=True),), desc="noncontig")]


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

# The complex helpers: on a real tensor each is the identity (conj, conj_physical, resolve_conj,
# resolve_neg return the input itself; conj_physical_ records ConjPhysicalBackward1).
OPS += [OpInfo(name, getattr(P, name), _real_samples, ref=_identity,
               torch_fn=_t(name), dtypes=ALL)
        for name in ("conj", "conj_physical", "resolve_conj", "resolve_neg")]
OPS.append(OpInfo("conj_physical_", _conj_physical_, _real_samples, ref=_identity, torch_fn=_conj_physical_,
                  dtypes=(np.float32, np.float64, np.int64), covers=("conj_physical_",)))

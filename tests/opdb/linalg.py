"""OpInfos of the matrix products (ops/linalg.py: mm, bmm, mv, dot, addmm and the front ends
matmul and mm)."""
import numpy as np

import pyautograd as P

from .core import OpInfo, SampleInput, Skip, make_arg, noncontiguous

F32, F64, I64 = np.float32, np.float64, np.int64
# Sums and products accumulate in an order that differs between NumPy, C and PyTorch.
_ACCUMULATE_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-10)}


def _torch():
    import torch
    return torch


def _dtype_of(lib, name):
    return None if name is None else getattr(lib, name)


# -- matrix products ---------------------------------------------------------------------------


def _pairs(*shapes):
    """Samples (a, b) for each (shape_a, shape_b, desc); 'noncontig' in desc lays both out so."""
    def gen(dtype, rng):
        out = []
        for sa, sb, desc in shapes:
            a, b = make_arg(sa, dtype, rng), make_arg(sb, dtype, rng)
            if "noncontig" in desc:
                a, b = noncontiguous(a), noncontiguous(b)
            if "transposed" in desc:
                a = np.ascontiguousarray(a.T).T
            out.append(SampleInput((a, b), desc=desc))
        return out
    return gen


def _addmm_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 2)), arg((2, 3)), arg((3, 2))), desc="plain"),
            SampleInput((arg((2,)), arg((2, 3)), arg((3, 2))), desc="broadcast bias"),
            SampleInput((arg((2, 2)), arg((2, 3)), arg((3, 2))), {"beta": 0.5, "alpha": 2}, "beta and alpha"),
            SampleInput((arg((2, 2)), noncontiguous(arg((2, 3))), arg((3, 2))), desc="noncontig")]


def _np_addmm(input, mat1, mat2, beta=1, alpha=1):
    return (beta * input + alpha * (mat1 @ mat2)).astype(np.result_type(input, mat1, mat2))


OPS = [
    OpInfo("mm", P.mm, _pairs(((2, 3), (3, 2), "2x3 @ 3x2"), ((3, 2), (2, 2), "transposed"),
                             ((2, 3), (3, 2), "noncontig"), ((0, 3), (3, 2), "empty rows"),
                             ((2, 0), (0, 2), "empty inner")),
           ref=np.matmul, torch_fn=lambda a, b: _torch().mm(a, b), dtypes=(F32, F64, I64),
           tolerances=_ACCUMULATE_TOL),
    OpInfo("bmm", P.bmm, _pairs(((2, 2, 3), (2, 3, 2), "batch 2"), ((2, 2, 3), (2, 3, 2), "noncontig"),
                               ((1, 2, 3), (1, 3, 1), "batch 1")),
           ref=np.matmul, torch_fn=lambda a, b: _torch().bmm(a, b), tolerances=_ACCUMULATE_TOL),
    OpInfo("mv", P.mv, _pairs(((2, 3), (3,), "2x3 @ 3"), ((2, 3), (3,), "noncontig"), ((0, 2), (2,), "empty")),
           ref=np.matmul, torch_fn=lambda a, b: _torch().mv(a, b), tolerances=_ACCUMULATE_TOL),
    OpInfo("dot", P.dot, _pairs(((3,), (3,), "3 . 3"), ((4,), (4,), "noncontig"), ((0,), (0,), "empty")),
           ref=lambda a, b: np.asarray(np.dot(a, b)), torch_fn=lambda a, b: _torch().dot(a, b),
           tolerances=_ACCUMULATE_TOL),
    OpInfo("matmul", P.matmul, _pairs(((3,), (3,), "1d @ 1d"), ((2, 3), (3,), "2d @ 1d"),
                                     ((2, 3), (3, 2), "2d @ 2d"), ((2, 2, 3), (3, 2), "3d @ 2d"),
                                     ((2, 2, 3), (2, 3, 2), "noncontig")),
           ref=lambda a, b: np.asarray(np.matmul(a, b)), torch_fn=lambda a, b: _torch().matmul(a, b),
           dtypes=(F32, F64, I64), tolerances=_ACCUMULATE_TOL, covers=("dot", "mv", "mm", "matmul_nd")),
    OpInfo("matmul", P.matmul, _pairs(((1, 2, 3), (2, 3, 2), "batch broadcast")),
           ref=lambda a, b: np.asarray(np.matmul(a, b)), torch_fn=lambda a, b: _torch().matmul(a, b),
           tolerances=_ACCUMULATE_TOL, variant="batch_broadcast", covers=("matmul_nd",),
           skips=(Skip("grad_fn", "PyTorch 2.13 squeezes a batch of one and folds 2-D @ 3-D into one mm, "
                       "transposed back by .contiguous() (CloneBackward0); pyautograd's batched product is "
                       "one node, UnsafeViewBackward0, PyTorch's name for the other batched cases"),)),
    OpInfo("matmul", P.matmul, _pairs(((3,), (3, 2), "1d @ 2d"), ((2,), (2, 2, 3), "1d @ 3d"),
                                     ((2, 2, 3), (3,), "3d @ 1d"), ((2, 2, 2, 3), (3,), "noncontig 4d @ 1d")),
           ref=lambda a, b: np.asarray(np.matmul(a, b)), torch_fn=lambda a, b: _torch().matmul(a, b),
           tolerances=_ACCUMULATE_TOL, variant="vector_operand", covers=("mm", "mv", "squeeze_dim_")),
    OpInfo("addmm", P.addmm, _addmm_samples, ref=_np_addmm, torch_fn=lambda *a, **k: _torch().addmm(*a, **k),
           tolerances=_ACCUMULATE_TOL),
]

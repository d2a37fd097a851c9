"""OpInfos of the matrix products (ops/linalg.py: mm, bmm, mv, dot, addmm, baddbmm, outer, the
linear primitives behind F.linear, and the front ends matmul and mm)."""
import numpy as np

import pyautograd
import pyautograd as P

from .core import OpInfo, SampleInput, make_arg, noncontiguous
import pyautograd.nn.functional as F
from pyautograd.ops import linalg

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
           tolerances=_ACCUMULATE_TOL, variant="batch_broadcast", covers=("matmul_nd",)),
    # a matrix that requires grad times a batch: PyTorch folds it into one mm, transposed back by
    # .contiguous() (CloneBackward0; TransposeBackward0 when one output dim is 1, already contiguous)
    OpInfo("matmul", P.matmul, _pairs(((2, 3), (2, 3, 2), "2d @ 3d"), ((2, 3), (2, 2, 3, 4), "2d @ 4d"),
                                     ((4, 3), (2, 3, 1), "2d @ 3d, one column"),
                                     ((1, 2, 3), (2, 3, 2), "batch of one @ 3d")),
           ref=lambda a, b: np.asarray(np.matmul(a, b)), torch_fn=lambda a, b: _torch().matmul(a, b),
           tolerances=_ACCUMULATE_TOL, variant="matrix_times_batch", covers=("matmul_nd",)),
    OpInfo("matmul", P.matmul, _pairs(((3,), (3, 2), "1d @ 2d"), ((2,), (2, 2, 3), "1d @ 3d"),
                                     ((2, 2, 3), (3,), "3d @ 1d"), ((2, 2, 2, 3), (3,), "noncontig 4d @ 1d")),
           ref=lambda a, b: np.asarray(np.matmul(a, b)), torch_fn=lambda a, b: _torch().matmul(a, b),
           tolerances=_ACCUMULATE_TOL, variant="vector_operand", covers=("mm", "mv", "squeeze_dim_")),
    OpInfo("addmm", P.addmm, _addmm_samples, ref=_np_addmm, torch_fn=lambda *a, **k: _torch().addmm(*a, **k),
           tolerances=_ACCUMULATE_TOL),
]


# -- linear (nn.functional's, and the fused linear + relu), outer, baddbmm ---------------------------

def _linear_samples(dtype, rng):
    x, w, b = (make_arg(s, dtype, rng) for s in ((4, 3), (5, 3), (5,)))
    yield SampleInput((x, w, b), desc="2-D with bias")
    yield SampleInput((x, w), desc="2-D without bias")
    yield SampleInput((make_arg((2, 4, 3), dtype, rng), w, b), desc="3-D input")
    yield SampleInput((make_arg((3,), dtype, rng), w, b), desc="1-D input")
    # PyTorch's other routes: matmul folded into one mm (UnsafeViewBackward0), then the bias added
    # in place (AddBackward0) unless input and bias take the flattened addmm path (ViewBackward0)
    yield SampleInput((make_arg((2, 4, 3), dtype, rng), w), desc="3-D input without bias")
    yield SampleInput((make_arg((2, 2, 4, 3), dtype, rng), w), desc="4-D input without bias")
    yield SampleInput((make_arg((3,), dtype, rng), w), desc="1-D input without bias")
    yield SampleInput((noncontiguous(make_arg((2, 4, 3), dtype, rng)), w, b), desc="noncontiguous 3-D input")
    yield SampleInput((make_arg((2, 4, 3), dtype, rng), w, make_arg((4, 5), dtype, rng)), desc="2-D bias")
    yield SampleInput((make_arg((2, 4, 3), dtype, rng), w, make_arg((1, 5), dtype, rng)), desc="(1, 5) bias")
    yield SampleInput((make_arg((4, 3), dtype, rng), w, make_arg((1,), dtype, rng)), desc="2-D input, (1,) bias")


def _linear_ref(x, w, b=None):
    return x @ w.T + (0 if b is None else b)


def _linear_relu_samples(dtype, rng):
    x, w, b = (make_arg(s, dtype, rng) for s in ((4, 3), (5, 3), (5,)))
    yield SampleInput((x, w, b), desc="2-D with bias (nn.Sequential's Linear then ReLU)")


def _linear_nobias_samples(dtype, rng):
    x, w = (make_arg(s, dtype, rng) for s in ((4, 3), (5, 3)))
    yield SampleInput((x, w), desc="2-D without bias")


def _linear_relu_ref(x, w, b):
    return np.maximum(x @ w.T + b, 0)


def _rand(rng, shape, dtype, layout="contiguous"):
    """A random array of `shape`; layout 'transposed' or 'strided' gives a non-contiguous one."""
    shape = tuple(shape)
    if layout == "transposed":
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    if layout == "strided":
        return rng.standard_normal((2 * shape[0],) + shape[1:]).astype(dtype)[::2]
    return rng.standard_normal(shape).astype(dtype)


def outer_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3,), dtype), _rand(rng, (4,), dtype)), desc="vectors")
    yield SampleInput((_rand(rng, (6,), dtype, "strided"), _rand(rng, (0,), dtype)), desc="empty")


def baddbmm_samples(dtype, rng):
    b1, b2 = _rand(rng, (2, 3, 4), dtype), _rand(rng, (2, 4, 5), dtype)
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), b1, b2), desc="plain")
    yield SampleInput((_rand(rng, (5,), dtype), b1, b2), {"beta": 0.5, "alpha": -2.0}, desc="broadcast_scaled")
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), _rand(rng, (2, 4, 3), dtype).transpose(0, 2, 1), b2),
                      {"beta": 0.0}, desc="beta0_transposed")
    yield SampleInput((_rand(rng, (2, 3, 5), dtype), _rand(rng, (2, 3, 0), dtype), _rand(rng, (2, 0, 5), dtype)),
                      desc="empty_inner")


def baddbmm_ref(input, b1, b2, beta=1, alpha=1):
    out = alpha * (b1 @ b2)
    return out if beta == 0 else out + beta * input


OPS += [
    OpInfo("linear", F.linear, _linear_samples, ref=_linear_ref,
           torch_fn=lambda *a: _torch().nn.functional.linear(*a), covers=("linear_addmm", "linear_mm"),
           tolerances={"float32": (1e-5, 1e-4)}),
    # F.linear's 2-D forms and nn.Sequential's fused Linear then ReLU: one kernel call each, recording
    # PyTorch's unfused graph (TBackward0, AddmmBackward0 / MmBackward0, ReluBackward0)
    OpInfo("linear_bias", linalg.linear_bias, _linear_relu_samples, ref=_linear_ref,
           torch_fn=lambda *a: _torch().nn.functional.linear(*a), tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("linear_nobias", linalg.linear_nobias, _linear_nobias_samples, ref=_linear_ref,
           torch_fn=lambda *a: _torch().nn.functional.linear(*a), tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("linear_folded", linalg.linear_folded,
           lambda dtype, rng: [SampleInput((make_arg((2, 4, 3), dtype, rng), make_arg((5, 3), dtype, rng)), desc="3-D"),
                               SampleInput((make_arg((2, 1, 4, 3), dtype, rng), make_arg((5, 3), dtype, rng)),
                                           desc="4-D")],
           ref=_linear_ref, torch_fn=lambda *a: _torch().nn.functional.linear(*a),
           tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("linear_relu", linalg.linear_relu, _linear_relu_samples, ref=_linear_relu_ref,
           torch_fn=lambda *a: _torch().relu(_torch().nn.functional.linear(*a)),
           tolerances={"float32": (1e-5, 1e-4)}),
    OpInfo("outer", lambda a, b: pyautograd.outer(a, b), outer_samples, ref=np.outer,
           torch_fn=lambda a, b: _torch().outer(a, b)),
    OpInfo("baddbmm", lambda i, a, b, **kw: pyautograd.baddbmm(i, a, b, **kw), baddbmm_samples, ref=baddbmm_ref,
           torch_fn=lambda i, a, b, **kw: _torch().baddbmm(i, a, b, **kw), covers=("baddbmm",),
           tolerances={"float32": (1e-5, 1e-4)}),
]


# -- vdot, addmv, addr ------------------------------------------------------------------------------

def _addmv_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2,)), arg((2, 3)), arg((3,))), desc="plain"),
            SampleInput((arg((1,)), arg((2, 3)), arg((3,))), {"beta": 0.5, "alpha": 2}, "broadcast input, beta, alpha"),
            SampleInput((arg((2,)), noncontiguous(arg((2, 3))), arg((3,))), {"beta": 0}, "noncontig, beta 0")]


def _np_addmv(input, mat, vec, beta=1, alpha=1):
    product = alpha * (mat @ vec)
    return np.asarray(product if beta == 0 else beta * input + product, mat.dtype)


def _addr_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 3)), arg((2,)), arg((3,))), desc="plain"),
            SampleInput((arg((3,)), arg((2,)), arg((3,))), {"beta": 0.5, "alpha": 2}, "broadcast input, beta, alpha"),
            SampleInput((arg((2, 3)), arg((2,)), arg((3,))), {"beta": 0}, "beta 0")]


def _np_addr(input, vec1, vec2, beta=1, alpha=1):
    product = alpha * np.outer(vec1, vec2)
    return np.asarray(product if beta == 0 else beta * input + product, np.result_type(input, vec1, vec2))


OPS += [
    OpInfo("vdot", P.vdot, _pairs(((3,), (3,), "plain"), ((4,), (4,), "noncontig")),
           ref=lambda a, b: np.asarray(np.vdot(a, b)), torch_fn=lambda a, b: _torch().vdot(a, b),
           tolerances=_ACCUMULATE_TOL),
    OpInfo("addmv", P.addmv, _addmv_samples, ref=_np_addmv, torch_fn=lambda *a, **k: _torch().addmv(*a, **k),
           tolerances=_ACCUMULATE_TOL),
    OpInfo("addr", P.addr, _addr_samples, ref=_np_addr, torch_fn=lambda *a, **k: _torch().addr(*a, **k),
           tolerances=_ACCUMULATE_TOL),
]


# -- tensordot, inner, kron --------------------------------------------------------------------------

def _tensordot_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 3, 4)), arg((3, 4, 2))), desc="dims 2"),
            SampleInput((arg((2, 3)), arg((3, 2))), {"dims": 1}, "dims 1"),
            SampleInput((arg((2, 3)), noncontiguous(arg((2, 3)))), {"dims": ([1, 0], [1, 0])}, "lists, noncontig"),
            SampleInput((arg((2,)), arg((3,))), {"dims": 0}, "outer")]


def _np_tensordot(a, b, dims=2):
    return np.asarray(np.tensordot(a, b, axes=dims), np.result_type(a, b))


def _inner_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 3)), arg((4, 3))), desc="2-d"), SampleInput((arg((3,)), arg((3,))), desc="1-d"),
            SampleInput((arg(()), arg((2, 3))), desc="0-d")]


def _kron_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 3)), arg((3, 2))), desc="2-d"), SampleInput((arg((3,)), arg((2, 2))), desc="1-d, 2-d"),
            SampleInput((noncontiguous(arg((2, 2))), arg((2,))), desc="noncontig")]


OPS += [
    OpInfo("tensordot", P.tensordot, _tensordot_samples, ref=_np_tensordot,
           torch_fn=lambda *a, **k: _torch().tensordot(*a, **k), tolerances=_ACCUMULATE_TOL),
    OpInfo("inner", P.inner, _inner_samples, ref=lambda a, b: np.asarray(np.inner(a, b), np.result_type(a, b)),
           torch_fn=lambda a, b: _torch().inner(a, b), tolerances=_ACCUMULATE_TOL),
    OpInfo("kron", P.kron, _kron_samples, ref=lambda a, b: np.asarray(np.kron(a, b), np.result_type(a, b)),
           torch_fn=lambda a, b: _torch().kron(a, b), tolerances=_ACCUMULATE_TOL),
]


def _addbmm_samples(dtype, rng):
    def arg(shape):
        return make_arg(shape, dtype, rng)
    return [SampleInput((arg((2, 4)), arg((3, 2, 5)), arg((3, 5, 4))), desc="plain"),
            SampleInput((arg((4,)), arg((2, 2, 3)), arg((2, 3, 4))), {"beta": 0.5, "alpha": 2}, "broadcast input"),
            SampleInput((arg((2, 2)), noncontiguous(arg((2, 2, 3))), arg((2, 3, 2))), {"beta": 0}, "noncontig, beta 0")]


def _np_addbmm(input, b1, b2, beta=1, alpha=1):
    product = alpha * np.matmul(b1, b2).sum(0)
    return np.asarray(product if beta == 0 else beta * input + product, b1.dtype)


OPS += [
    OpInfo("addbmm", P.addbmm, _addbmm_samples, ref=_np_addbmm, torch_fn=lambda *a, **k: _torch().addbmm(*a, **k),
           tolerances={"float32": (1e-5, 1e-4), "float64": (1e-12, 1e-10)}),
]

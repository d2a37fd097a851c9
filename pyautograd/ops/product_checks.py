"""The checks PyTorch makes before a matrix product, with its exception kind and wording
(plus the full shapes): operands of different dtypes are refused (RuntimeError -- PyTorch never
promotes inside mm/bmm/mv/dot/matmul/linear, so a float32 x float64 product that silently ran
in float64 here would break when the script moves to PyTorch), and so are mismatched inner
dimensions. Each ``checked_*`` wraps a forward kernel of ops/linalg.py; they see arrays."""
import numpy as np

from .. import kernels
from ._kernel_errors import broadcast_mismatch

# PyTorch's C++ and scalar type names, as its messages print them.
CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _cpp(a):
    return CPP_NAMES.get(a.dtype.name, a.dtype.name)


def _scalar(a):
    return SCALAR_NAMES.get(a.dtype.name, a.dtype.name)


def _mat(shape):
    return f"{shape[-2]}x{shape[-1]}"


def _same_dtype_mm(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cpp(a)} != {_cpp(b)}")


def checked_mm(a, b):
    """mm and matmul's 2-D/N-D cases: same dtype, a's last dim equal to b's second-to-last."""
    _same_dtype_mm(a, b)
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        note = "" if a.ndim == b.ndim == 2 else f" (operands of shapes {tuple(a.shape)} and {tuple(b.shape)})"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(a.shape)} and {_mat(b.shape)}){note}")
    if a.ndim > 2 and b.ndim > 2:
        mismatch = broadcast_mismatch((a.shape[:-2], b.shape[:-2]))
        if mismatch is not None:
            raise RuntimeError(f"{mismatch} (the batch dims of matmul operands {tuple(a.shape)} and "
                               f"{tuple(b.shape)})")
    return kernels.matmul(a, b)


def checked_bmm(a, b):
    """bmm: same dtype; 3-D operands with equal batch sizes and inner dims."""
    for name, x in (("batch1", a), ("batch2", b)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got shape {tuple(x.shape)})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_scalar(a)} but found {_scalar(b)}")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return kernels.matmul(a, b)


def checked_mv(a, v):
    """mv: a matrix and a vector of one dtype; the matrix's columns as many as the vector's elements."""
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.dtype != v.dtype:
        result = np.promote_types(a.dtype, v.dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{SCALAR_NAMES.get(result.name, result.name)}, {_scalar(a)}, and {_scalar(v)}")
    if a.shape[-1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({_mat(a.shape)}), vec ({v.shape[0]})")
    return kernels.matmul(a, v)


def checked_dot(a, b):
    """dot: two 1-D tensors of one dtype and the same number of elements."""
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_scalar(a)} and {_scalar(b)}")
    if a.shape != b.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           f"respectively")
    return kernels.matmul(a, b)


def check_linear(x, weight, bias):
    """F.linear: input, weight and bias of one dtype; input's last dim equal to weight's in_features."""
    if bias is None:  # PyTorch's mm path
        _same_dtype_mm(x, weight)
    elif not x.dtype == weight.dtype == bias.dtype:  # its addmm path
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_scalar(x)} and {_scalar(weight)}"
                           + (f" (and bias {_scalar(bias)})" if bias.dtype != weight.dtype else ""))
    if x.shape[-1] != weight.shape[-1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(x.shape)} and "
                           f"{weight.shape[1]}x{weight.shape[0]}) (input of shape {tuple(x.shape)}, weight of "
                           f"shape {tuple(weight.shape)}: in_features {weight.shape[1]} != {x.shape[-1]})")


def check_addmm(input, mat1, mat2):
    """addmm: input, mat1 and mat2 of one dtype (PyTorch checks input against mat2 first)."""
    if input.dtype != mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_scalar(input)} and {_scalar(mat2)}")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_scalar(mat1)} and {_scalar(mat2)}")


def check_baddbmm(input, batch1, batch2):
    """baddbmm: input, batch1 and batch2 of one dtype."""
    if not input.dtype == batch1.dtype == batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_cpp(input)}, batch1: {_cpp(batch1)}, "
                           f"batch2: {_cpp(batch2)}")

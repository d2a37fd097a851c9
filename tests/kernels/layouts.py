"""Hypothesis strategies for kernel tests: arrays in every memory layout the C
kernels must walk (contiguous, transposed, strided, negative strides, 0-d,
empty), shared by the kernel families' test files."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = (np.float32, np.float64)
LAYOUTS = ("contiguous", "transposed", "step", "reversed")

# Comparison tolerances: f32 results may differ by a few ulps between libm and
# NumPy's SIMD routines; f64 ones agree to ~1e-12 except where summation order
# differs (reductions, GEMM), which set their own.
TOL = {np.float32: dict(rtol=2e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def in_layout(values, layout):
    """An array equal to `values` whose memory layout is `layout`."""
    if values.ndim == 0 or layout == "contiguous":
        return np.ascontiguousarray(values)
    if layout == "transposed":
        return np.ascontiguousarray(values.T).T
    if layout == "step":
        wide = np.zeros(values.shape[:-1] + (values.shape[-1] * 2,), values.dtype)
        wide[..., ::2] = values
        return wide[..., ::2]
    if layout == "reversed":
        return np.ascontiguousarray(values[..., ::-1])[..., ::-1]
    raise ValueError(layout)


def values(shape, dtype, lo=-3.0, hi=3.0):
    """Strategy: float arrays of `shape` with elements in [lo, hi] (finite)."""
    return hnp.arrays(dtype, shape, elements=st.floats(lo, hi, width=32 if dtype == np.float32 else 64))


layouts = st.sampled_from(LAYOUTS)
dtypes = st.sampled_from(DTYPES)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)

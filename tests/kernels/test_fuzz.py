"""Hypothesis-driven fuzzing of every C kernel against the NumPy reference.

Each C kernel's valid call (the table of test_wrapper_checks) is refilled with drawn values:
special floats (NaN, +-inf, +-0, subnormals) mixed with ordinary ones, either float dtype,
and for each array a drawn memory layout (contiguous, transposed, stepped, reversed,
misaligned). The C kernel must agree with the reference: the same error class, or the same
shape, dtype, NaN positions, infinities, and finite values to a few ulps.

The CI run is small and seeded (derandomized: the same examples every run). The long run
draws fresh examples, many more of them::

    python -m pytest tests/kernels/test_fuzz.py --fuzz-long      # or PYAUTOGRAD_FUZZ_LONG=1
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pyautograd.kernels as K
from pyautograd.kernels.checks import Unsupported
from pyautograd.kernels import _numpy

from .layouts import in_layout
from .test_wrapper_checks import _all_calls, _call, _flat, _get, _misaligned, _put, _slots

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")
if K.c_available():
    from pyautograd.kernels import _c

LONG = os.environ.get("PYAUTOGRAD_FUZZ_LONG", "") not in ("", "0")
CI_EXAMPLES, LONG_EXAMPLES = 12, 400

SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-310, 1.0, -1.0, 0.5, 3.0, -7.25]
# Kernels whose arguments must stay in a domain for the comparison to mean something, and why.
DOMAIN = {
    # the C kernels accumulate in double where NumPy accumulates in the dtype: values near the
    # float32 limit overflow in one and not the other, so the fuzz keeps to moderate magnitudes
    "magnitude": 1e6,
}


def _fuzz_settings(fn):
    return settings(max_examples=LONG_EXAMPLES if LONG else CI_EXAMPLES, deadline=None, derandomize=not LONG,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(fn)


def _elements(dtype, finite=False):
    width = 32 if dtype == np.float32 else 64
    specials = [v for v in SPECIALS if np.isfinite(v)] if finite else SPECIALS
    return st.one_of(st.sampled_from(specials),
                     st.floats(-DOMAIN["magnitude"], DOMAIN["magnitude"], width=width))


def _finite_only(name, slot):
    """The incoming gradient of a fused pointwise backward stays finite: an infinite gradient
    times a derivative one backend rounds to 0 and the other to 1e-30 (gelu_tanh' at -7.25 in
    float32) is NaN in one and inf in the other, both right for their rounding."""
    return name.endswith("_backward") and name in _c.pointwise.__all__ and slot == ("a", 0)


LAYOUTS = ("contiguous", "transposed", "step", "reversed", "misaligned")


def _relayout(a, layout):
    if layout == "misaligned":
        return _misaligned(a) if a.itemsize > 1 else a
    return in_layout(a, layout)


def _agree(c_out, ref_out, scale=1.0):
    """None when C's outcome matches the reference's, else what differs. Finite values agree to
    a few ulps of `scale` (the inputs' magnitude: results that cancel to 0 carry rounding of
    that size, in float32 more in the reference, which accumulates in the dtype, than in C)."""
    if c_out[0] == "raise" or ref_out[0] == "raise":
        if c_out[0] == "raise" and (ref_out[0] == "raise" or c_out[1] in (TypeError, ValueError, Unsupported)):
            # both refused, or C refused cleanly (e.g. a non-contiguous out; Unsupported: the
            # dispatcher then runs the reference, e.g. attention on NaN/inf); see test_wrapper_checks
            return None
        return f"C {c_out[:2]} vs reference {ref_out[:2]}"
    got, want = _flat(c_out[1]), _flat(ref_out[1])
    if len(got) != len(want):
        return f"{len(got)} results vs {len(want)}"
    for g, w in zip(got, want):
        if g is None or w is None:
            if (g is None) != (w is None):
                return "one result is None"
            continue
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape or g.dtype != w.dtype:
            return f"shape/dtype {g.shape} {g.dtype} vs {w.shape} {w.dtype}"
        if g.dtype.kind != "f":
            if not np.array_equal(g, w):
                return f"values {g} vs {w}"
            continue
        if not np.array_equal(np.isnan(g), np.isnan(w)):
            return f"NaN positions differ:\n{g}\n{w}"
        finite = np.isfinite(g) & np.isfinite(w)
        if not np.array_equal(np.isinf(g), np.isinf(w)) or not np.array_equal(g[np.isinf(g)], w[np.isinf(w)]):
            return f"infinities differ:\n{g}\n{w}"
        tol = 2e-4 if g.dtype == np.float32 else 1e-9
        bound = tol * np.maximum(np.abs(w[finite]), scale)
        if np.any(np.abs(g[finite] - w[finite]) > bound):
            return f"values differ:\n{g}\n{w}"
    return None


# Known defects, reported here rather than hidden: each is a real disagreement with PyTorch
# (name -> reason; none at present).
KNOWN_DEFECTS = {}


def _kernel_names():
    if not K.c_available():
        return []
    return [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_DEFECTS[n], strict=False)) if n in KNOWN_DEFECTS
            else n for n in sorted(_all_calls())]


@pytest.mark.parametrize("name", _kernel_names())
@_fuzz_settings
@given(data=st.data())
def test_c_kernel_agrees_with_reference_on_hostile_values(name, data):
    build = _all_calls()[name]
    args, kwargs = build()
    slots = [s for s in _slots(list(args), kwargs) if _get(list(args), kwargs, s).dtype.kind == "f"]
    dtype = data.draw(st.sampled_from([np.float32, np.float64]), label="dtype")
    drawn = {}
    for slot in slots:
        shape = _get(list(args), kwargs, slot).shape
        values = data.draw(hnp.arrays(dtype, shape, elements=_elements(dtype, _finite_only(name, slot))),
                           label=f"values{slot}")
        drawn[slot] = (values, data.draw(st.sampled_from(LAYOUTS), label=f"layout{slot}"))

    def fresh():
        a, k = build()
        a = list(a)
        for slot, (values, layout) in drawn.items():
            _put(a, k, slot, _relayout(values.copy(), layout))
        return a, k

    c_out, c_arrays = _call(getattr(_c, name), fresh, None, None)
    ref_out, ref_arrays = _call(_numpy.KERNELS[name], fresh, None, None)
    finite = [v[np.isfinite(v)] for v, _ in drawn.values()]
    scale = max([1.0] + [float(np.abs(v).max()) for v in finite if v.size])
    problem = _agree(c_out, ref_out, scale)
    if problem is None and c_out[0] == "ok":
        problem = _agree(("ok", c_arrays), ("ok", ref_arrays), scale)  # what they wrote in place
    assert problem is None, f"{name}: {problem}"

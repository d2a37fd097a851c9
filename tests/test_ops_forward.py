"""Every op in op_db, on both kernel backends and in each of its dtypes: values against its
NumPy reference, and the result's dtype and shape."""
import numpy as np
import pytest

from op_calls import Failures, bind, cases, outputs, samples, tolerance


def _check(info, sample):
    got = outputs(bind(sample).call(info.op))
    want = outputs(info.ref(*sample.args, **sample.kwargs))
    assert len(got) == len(want), f"{len(got)} outputs, the reference has {len(want)}"
    for k, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w)
        assert g._data.dtype == w.dtype, f"output {k}: dtype {g._data.dtype}, expected {w.dtype}"
        assert g._data.shape == w.shape, f"output {k}: shape {g._data.shape}, expected {w.shape}"
        atol, rtol = tolerance(info, w.dtype.name)
        np.testing.assert_allclose(g._data, w, atol=atol, rtol=rtol, equal_nan=True,
                                   err_msg=f"output {k} differs from the NumPy reference")


@pytest.mark.parametrize("info,backend,dtype", cases("forward", with_dtypes=True,
                                                     where=lambda info: info.ref is not None),
                         indirect=["backend"])
def test_forward(info, backend, dtype):
    failures = Failures(info)
    for sample in samples(info, dtype):
        failures.check(sample, lambda: _check(info, sample))
    failures.report()

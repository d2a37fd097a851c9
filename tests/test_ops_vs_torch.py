"""Every op in op_db against PyTorch (skipped cleanly without torch), on both kernel backends:
forward values and result dtypes in each of the op's dtypes; in float64, first-order
gradients for a random grad_output, and the grad_fn names -- on every sample, the ones on
kinks and ties included (there the gradient is PyTorch's convention, which must be ours)."""
import numpy as np
import pytest

import pyautograd
from op_calls import GRAD_TOL, Failures, bind, bind_torch, cases, outputs, samples, tolerance


def _has_torch(info):
    return info.torch_fn is not None


def _torch_array(t):
    return t.detach().numpy()


def _forward(info, sample, torch):
    ours = outputs(bind(sample).call(info.op))
    theirs = outputs(bind_torch(torch, sample).call(info.torch_fn))
    assert len(ours) == len(theirs), f"{len(ours)} outputs, PyTorch returns {len(theirs)}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        t = _torch_array(t)
        assert o._data.dtype == t.dtype, f"output {k}: dtype {o._data.dtype}, PyTorch's is {t.dtype}"
        assert o._data.shape == t.shape, f"output {k}: shape {o._data.shape}, PyTorch's is {t.shape}"
        atol, rtol = tolerance(info, t.dtype.name)
        np.testing.assert_allclose(o._data, t, atol=atol, rtol=rtol, equal_nan=True,
                                   err_msg=f"output {k} differs from PyTorch's")


@pytest.mark.parametrize("info,backend,dtype", cases("vs_torch", with_dtypes=True, where=_has_torch),
                         indirect=["backend"])
def test_forward_vs_torch(info, backend, dtype, torch):
    failures = Failures(info)
    for sample in samples(info, dtype):
        failures.check(sample, lambda: _forward(info, sample, torch))
    failures.report()


def _run_both(info, sample, torch):
    """(ours, theirs): each a list of (differentiable outputs, bound call) in float64."""
    ours_bound, theirs_bound = bind(sample, requires_grad=True), bind_torch(torch, sample, requires_grad=True)
    ours = [o for o in outputs(ours_bound.call(info.op)) if o.requires_grad]
    theirs = [t for t in outputs(theirs_bound.call(info.torch_fn)) if t.requires_grad]
    return (ours, ours_bound), (theirs, theirs_bound)


def _gradients(info, sample, torch):
    (ours, ob), (theirs, tb) = _run_both(info, sample, torch)
    assert len(ours) == len(theirs), f"{len(ours)} differentiable outputs, PyTorch has {len(theirs)}"
    if not ours or not ob.leaves:
        return
    rng = np.random.default_rng(7)
    weights = [rng.uniform(-1, 1, o._data.shape) for o in ours]
    g_ours = pyautograd.autograd.grad(ours, ob.leaves, [pyautograd.from_numpy(w) for w in weights],
                                      allow_unused=True)
    g_theirs = torch.autograd.grad(theirs, tb.leaves, [torch.from_numpy(w) for w in weights], allow_unused=True)
    for k, (leaf, go, gt) in enumerate(zip(ob.leaves, g_ours, g_theirs)):
        go = np.zeros(leaf._data.shape) if go is None else go._data
        gt = np.zeros(leaf._data.shape) if gt is None else _torch_array(gt)
        assert go.dtype == gt.dtype, f"gradient {k}: dtype {go.dtype}, PyTorch's is {gt.dtype}"
        np.testing.assert_allclose(go, gt, atol=GRAD_TOL[0], rtol=GRAD_TOL[1], equal_nan=True,
                                   err_msg=f"the gradient w.r.t. tensor argument {k} differs from PyTorch's")


@pytest.mark.parametrize("info,backend", cases("vs_torch_grad", where=lambda info: _has_torch(info)
                                               and info.supports_autograd), indirect=["backend"])
def test_grad_vs_torch(info, backend, torch):
    failures = Failures(info)
    for sample in samples(info, np.float64):
        failures.check(sample, lambda: _gradients(info, sample, torch))
    failures.report()


def _grad_fn_names(info, sample, torch):
    ours = outputs(bind(sample, requires_grad=True).call(info.op))
    theirs = outputs(bind_torch(torch, sample, requires_grad=True).call(info.torch_fn))
    names = [type(o.grad_fn).__name__ for o in ours]
    expected = [type(t.grad_fn).__name__ for t in theirs]
    assert names == expected, f"grad_fn {names}, PyTorch's {expected}"


@pytest.mark.parametrize("info", cases("grad_fn", backends=None, where=_has_torch))
def test_grad_fn_names(info, torch):
    """Node names do not depend on the kernel backend: checked once."""
    failures = Failures(info)
    for sample in samples(info, np.float64):
        failures.check(sample, lambda: _grad_fn_names(info, sample, torch))
    failures.report()

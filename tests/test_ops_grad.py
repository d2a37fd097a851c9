"""Every differentiable op in op_db, on both kernel backends, in float64: gradcheck on each
sample (except those on a kink, see SampleInput.skip_gradcheck), gradgradcheck where the
OpInfo claims double backward, and the other claims verified: double backward raises where
it is not supported, outputs never require grad for non-differentiable ops."""
import numpy as np
import pytest

import pyautograd
from pyautograd.autograd import gradcheck, gradgradcheck
from op_calls import Failures, bind, cases, outputs, samples


def _gradable(info):
    """(sample, bound call) for each float64 sample gradcheck can run."""
    out = []
    for sample in samples(info, np.float64):
        if sample.skip_gradcheck:
            continue
        bound = bind(sample, requires_grad=True)
        if bound.leaves:
            out.append((sample, bound))
    assert out, f"{info.full_name}: no sample with a float input to check"
    return out


def _func(info, bound):
    return lambda *leaves: bound.call(info.op, leaves)


@pytest.mark.parametrize("info,backend", cases("gradcheck", where=lambda info: info.supports_autograd),
                         indirect=["backend"])
def test_gradcheck(info, backend):
    failures = Failures(info)
    for sample, bound in _gradable(info):
        failures.check(sample, lambda: gradcheck(_func(info, bound), tuple(bound.leaves)))
    failures.report()


@pytest.mark.parametrize("info,backend", cases("gradgradcheck", where=lambda info: info.supports_gradgrad
                                               and info.supports_autograd), indirect=["backend"])
def test_gradgradcheck(info, backend):
    failures = Failures(info)
    for sample, bound in _gradable(info):
        failures.check(sample, lambda: gradgradcheck(_func(info, bound), tuple(bound.leaves)))
    failures.report()


def _double_backward_raises(info, bound):
    outs = [o for o in outputs(bound.call(info.op)) if o.requires_grad]
    ones = [pyautograd.ones_like(o) for o in outs]
    grads = pyautograd.autograd.grad(outs, bound.leaves, ones, create_graph=True, allow_unused=True)
    grads = [g for g in grads if g is not None]
    with pytest.raises(RuntimeError):
        if not any(g.requires_grad for g in grads):
            raise RuntimeError("the first-order gradients do not require grad")
        pyautograd.autograd.grad([g.sum() for g in grads if g.requires_grad], bound.leaves, allow_unused=True)


@pytest.mark.parametrize("info,backend", cases("no_gradgrad", where=lambda info: info.supports_autograd
                                               and not info.supports_gradgrad), indirect=["backend"])
def test_no_gradgrad_claim(info, backend):
    """supports_gradgrad=False is a claim too: double backward must raise, not run silently."""
    failures = Failures(info)
    for sample, bound in _gradable(info):
        failures.check(sample, lambda: _double_backward_raises(info, bound))
    failures.report()


def _no_grad_outputs(info, sample):
    bound = bind(sample, requires_grad=True)
    for k, o in enumerate(outputs(bound.call(info.op))):
        assert not o.requires_grad and o.grad_fn is None, f"output {k} requires grad"


@pytest.mark.parametrize("info,backend", cases("no_autograd", where=lambda info: not info.supports_autograd),
                         indirect=["backend"])
def test_no_autograd_claim(info, backend):
    """supports_autograd=False: outputs never require grad, even from inputs that do."""
    failures = Failures(info)
    for sample in samples(info, np.float64):
        failures.check(sample, lambda: _no_grad_outputs(info, sample))
    failures.report()

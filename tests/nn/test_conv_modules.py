"""Conv and ConvTranspose modules against PyTorch: signatures and defaults (repr), weight
layouts, init bounds, padding modes, output_size, unbatched input, and the errors."""
import math

import numpy as np
import pytest

import pyautograd as pt
import pyautograd.nn.functional as F


def _pair(torch, cls, args, kw):
    tm = getattr(torch.nn, cls)(*args, **kw).double()
    pm = getattr(pt.nn, cls)(*args, **kw, dtype=pt.float64)
    pm.weight.data = pt.tensor(tm.weight.detach().numpy())
    if tm.bias is not None:
        pm.bias.data = pt.tensor(tm.bias.detach().numpy())
    return pm, tm


CONV_CASES = [
    ("Conv1d", (3, 4, 3), {}, (2, 3, 9)),
    ("Conv1d", (4, 4, 4), {"padding": "same", "padding_mode": "replicate", "groups": 4}, (2, 4, 7)),
    ("Conv2d", (3, 6, (3, 2)), {"stride": 2, "padding": 1, "dilation": 2, "bias": False, "padding_mode": "reflect"},
     (2, 3, 7, 6)),
    ("Conv2d", (4, 4, 3), {"padding": "same", "padding_mode": "circular", "groups": 2}, (2, 4, 6, 5)),
    ("Conv2d", (2, 3, 4), {"padding": "same"}, (2, 6, 6)),  # unbatched, even kernel
    ("Conv2d", (2, 3, 3), {"padding": "valid"}, (1, 2, 5, 5)),
    ("Conv3d", (2, 4, 3), {"padding": (1, 0, 2), "stride": (1, 2, 1)}, (2, 2, 5, 6, 4)),
    ("ConvTranspose1d", (3, 4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 5)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": (2, 1), "padding": 1, "groups": 2, "dilation": (1, 2)},
     (2, 4, 4, 3)),
    ("ConvTranspose3d", (2, 2, 2), {"stride": 2, "bias": False}, (1, 2, 2, 3, 2)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("cls,args,kw,shape", CONV_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONV_CASES)])
def test_module_matches_torch(torch, cls, args, kw, shape, rng):
    pm, tm = _pair(torch, cls, args, kw)
    assert repr(pm) == repr(tm)
    assert pm.weight.shape == tuple(tm.weight.shape)
    x = rng.standard_normal(shape)
    px, tx = pt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    py, ty = pm(px), tm(tx)
    np.testing.assert_allclose(py.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    assert type(py.grad_fn).__name__ == type(ty.grad_fn).__name__
    g = rng.standard_normal(tuple(ty.shape))
    py.backward(pt.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(px.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pm.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-10, atol=1e-10)
    if tm.bias is not None:
        np.testing.assert_allclose(pm.bias.grad.numpy(), tm.bias.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_init_bounds():
    """kaiming_uniform(a=sqrt(5)) gives bound 1/sqrt(fan_in) for the weight, as for the bias."""
    pt.manual_seed(0)
    m = pt.nn.Conv2d(8, 16, (3, 5), groups=2)
    fan_in = 4 * 3 * 5
    bound = 1 / math.sqrt(fan_in)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound and np.abs(b).std() > 0
    t = pt.nn.ConvTranspose2d(6, 4, 3, groups=2)
    assert t.weight.shape == (6, 2, 3, 3)
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(2 * 9)


def test_output_size(torch, rng):
    pm, tm = _pair(torch, "ConvTranspose2d", (3, 2, 3), {"stride": 2})
    x = rng.standard_normal((1, 3, 5, 5))
    for size in [(11, 11), (12, 11), [1, 2, 12, 12]]:
        got = pm(pt.tensor(x), output_size=size)
        want = tm(torch.tensor(x), output_size=size)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="valid sizes range from"):
        pm(pt.tensor(x), output_size=(13, 13))


@pytest.mark.parametrize("make, exc, match", [
    (lambda: pt.nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda: pt.nn.Conv2d(4, 3, 3, groups=2), ValueError, "out_channels must be divisible by groups"),
    (lambda: pt.nn.Conv2d(3, 4, 3, padding_mode="x"), ValueError, "padding_mode must be one of"),
    (lambda: pt.nn.Conv2d(3, 4, 3, stride=2, padding="same"), ValueError, "strided convolutions"),
    (lambda: pt.nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect"), ValueError, "zeros"),
    (lambda: F.conv2d(pt.zeros(1, 2, 5, 5), pt.zeros(4, 3, 3, 3)), RuntimeError, r"input\[1, 2, 5, 5\] to have 3"),
    (lambda: F.conv2d(pt.zeros(1, 3, 2, 2), pt.zeros(4, 3, 3, 3)), RuntimeError, "Kernel size can't be greater"),
    (lambda: F.conv2d(pt.zeros(1, 4, 5, 5), pt.zeros(3, 2, 3, 3), groups=2), RuntimeError, "divisible by 2"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5, dtype=pt.float64), pt.zeros(4, 3, 3, 3)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5), pt.zeros(4, 3, 3, 3), pt.zeros(4, dtype=pt.float64)), RuntimeError,
     r"Input type \(float\) and bias type \(double\)"),
    (lambda: F.conv2d(pt.zeros(5, 5), pt.zeros(4, 3, 3, 3)), RuntimeError, "Expected 3D"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5), pt.zeros(4, 3, 3, 3), stride=(1, 1, 1)), RuntimeError, "stride"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5), pt.zeros(4, 3, 3, 3), padding="foo"), RuntimeError, "Invalid padding"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5), pt.zeros(4, 3, 3, 3), stride=0), RuntimeError, "non-positive stride"),
    (lambda: F.conv2d(pt.zeros(1, 3, 5, 5), pt.zeros(4, 3, 3, 3), pt.zeros(3)), RuntimeError, "bias"),
    (lambda: F.conv_transpose2d(pt.zeros(1, 3, 5, 5), pt.zeros(3, 4, 3, 3), stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller"),
    (lambda: F.conv_transpose2d(pt.zeros(1, 3, 5, 5), pt.zeros(3, 4, 3, 3), padding=5), RuntimeError,
     "Output size is too small"),
])
def test_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_double_backward_through_a_network(torch, rng):
    """A gradient penalty (grad of grad) through conv -> tanh -> conv_transpose matches PyTorch."""
    x = rng.standard_normal((2, 2, 5, 5))
    w1, w2 = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal((3, 2, 2, 2))

    def run(lib, F_, x, w1, w2):
        x, w1, w2 = (lib.tensor(a, requires_grad=True) for a in (x, w1, w2))
        y = F_.conv_transpose2d(F_.conv2d(x, w1, padding=1, stride=2).tanh(), w2, stride=2)
        (gx,) = lib.autograd.grad(y.pow(2).sum(), x, create_graph=True)
        gx.pow(2).sum().backward()
        return w1.grad.numpy(), w2.grad.numpy()

    import torch.nn.functional as TF
    for got, want in zip(run(pt, F, x, w1, w2), run(torch, TF, x, w1, w2)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_lazy_modules_size_themselves_on_the_first_call(torch):
    m = pt.nn.LazyConv2d(8, 3, padding=1)
    assert repr(m) == repr(torch.nn.LazyConv2d(8, 3, padding=1))
    opt = pt.optim.SGD(m.parameters(), lr=0.1)  # built before the sizes are known
    y = m(pt.ones(2, 3, 5, 5))
    assert type(m) is pt.nn.Conv2d and m.in_channels == 3 and m.weight.shape == (8, 3, 3, 3)
    assert np.abs(m.weight.detach().numpy()).max() <= 1 / math.sqrt(27)
    y.sum().backward()
    before = m.weight.detach().numpy().copy()
    opt.step()
    assert (m.weight.detach().numpy() != before).any()  # the optimizer held the filled-in parameter
    t = pt.nn.LazyConvTranspose1d(4, 3, groups=2)
    assert t(pt.ones(6, 5)).shape == (4, 7) and t.weight.shape == (6, 2, 3)
    b = pt.nn.LazyBatchNorm2d()
    assert repr(b) == repr(torch.nn.LazyBatchNorm2d())
    b(pt.randn(4, 5, 3, 3))
    assert type(b) is pt.nn.BatchNorm2d and b.running_mean.shape == (5,) and int(b.num_batches_tracked) == 1

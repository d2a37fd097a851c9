"""Pooling, normalization and dropout modules for image data, against PyTorch: reprs and
defaults, running statistics, unbatched input, the channel-wise and alpha dropouts'
statistics, and the errors."""
import numpy as np
import pytest

import pyautograd as pt
import pyautograd.nn.functional as F

REPRS = [
    ("MaxPool2d", (2,), {}), ("MaxPool1d", (2,), {"dilation": 2, "ceil_mode": True}), ("MaxPool3d", (2,), {"padding": 1}),
    ("AvgPool1d", (2,), {}), ("AvgPool2d", (3, 2, 1), {}), ("AvgPool3d", (2,), {"divisor_override": 3}),
    ("AdaptiveAvgPool2d", ((1, 1),), {}), ("AdaptiveMaxPool2d", (3,), {"return_indices": True}),
    ("AdaptiveAvgPool1d", (3,), {}), ("AdaptiveMaxPool3d", (2,), {}),
    ("InstanceNorm2d", (4,), {}), ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True}),
    ("GroupNorm", (2, 4), {}), ("GroupNorm", (2, 4), {"affine": False}), ("LocalResponseNorm", (3,), {}),
    ("BatchNorm3d", (3,), {}), ("Dropout1d", (), {}), ("Dropout2d", (0.2,), {}), ("Dropout3d", (), {"inplace": True}),
    ("AlphaDropout", (0.2,), {}), ("FeatureAlphaDropout", (), {}),
    ("Upsample", (), {"size": 4}), ("Upsample", (), {"scale_factor": (2, 3), "mode": "bilinear"}),
    ("UpsamplingBilinear2d", (), {"size": 3}), ("UpsamplingNearest2d", (), {"scale_factor": 2}),
    ("PixelShuffle", (2,), {}), ("PixelUnshuffle", (2,), {}), ("ChannelShuffle", (2,), {}),
    ("ZeroPad1d", ((1, 2),), {}), ("ZeroPad2d", (1,), {}), ("ZeroPad3d", (1,), {}), ("ReflectionPad1d", (2,), {}),
    ("ReflectionPad3d", (1,), {}), ("ConstantPad3d", (1, 0.5), {}), ("ConstantPad1d", ((1, 2), 3.5), {}),
    ("ConstantPad2d", (1, 2.0), {}), ("ReplicationPad2d", (1,), {}), ("ReplicationPad3d", (1,), {}),
    ("CircularPad1d", (1,), {}), ("CircularPad2d", ((1, 0, 2, 1),), {}), ("CircularPad3d", (1,), {}),
    ("LPPool2d", (2, 3), {}), ("LPPool1d", (1.5, 2), {"stride": 1}), ("MaxUnpool2d", (2,), {}),
    ("MaxUnpool1d", (3,), {"stride": 2, "padding": 1}), ("MaxUnpool3d", (2,), {}), ("Unfold", (2,), {}),
    ("Fold", ((4, 5), 2), {"stride": 1}),
]


@pytest.mark.parametrize("shape,groups", [((6, 3, 3, 3), 1), ((4, 2, 3), 2), ((3, 5, 3, 3, 3), 1)])
def test_dirac_matches_torch_and_keeps_the_input(torch, shape, groups, rng):
    w = pt.nn.init.dirac_(pt.empty(*shape), groups)
    np.testing.assert_array_equal(w.numpy(), torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())
    if groups == 1 and shape[0] >= shape[1]:
        x = pt.tensor(rng.standard_normal((1, shape[1]) + (5,) * (len(shape) - 2)).astype(np.float32))
        conv = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(shape)]
        y = conv(x, w, padding=1)
        np.testing.assert_array_equal(y[:, :shape[1]].numpy(), x.numpy())


def test_maxpool_unpool_roundtrip(rng):
    x = pt.tensor(rng.standard_normal((2, 3, 4, 6)))
    values, indices = pt.nn.MaxPool2d(2, return_indices=True)(x)
    back = pt.nn.MaxUnpool2d(2)(values, indices)
    kept = back.numpy() != 0
    np.testing.assert_array_equal(back.numpy()[kept], x.numpy()[kept])
    assert kept.sum() == values.numel()


@pytest.mark.parametrize("cls,arg,shape", [
    ("ReflectionPad2d", 2, (1, 2, 4, 5)), ("CircularPad2d", (1, 0, 2, 1), (1, 2, 4, 5)),
    ("ZeroPad2d", (1, 2, 0, 1), (2, 4, 5)), ("ReplicationPad1d", (3, 1), (1, 2, 4)), ("ConstantPad3d", 1, (1, 1, 2, 2, 2)),
    ("UpsamplingBilinear2d", None, (1, 2, 3, 4)), ("UpsamplingNearest2d", None, (1, 2, 3, 4)), ("PixelShuffle", 2, (1, 8, 2, 2)),
])
def test_layer_modules_match_torch(torch, cls, arg, shape, rng):
    args = {"ConstantPad3d": (arg, 1.5)}.get(cls, (arg,))
    kw = {"scale_factor": 2} if cls.startswith("Upsampling") else {}
    if kw:
        args = ()
    x = rng.standard_normal(shape)
    px, tx = pt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    py, ty = getattr(pt.nn, cls)(*args, **kw)(px), getattr(torch.nn, cls)(*args, **kw)(tx)
    np.testing.assert_allclose(py.detach().numpy(), ty.detach().numpy(), atol=1e-12)
    py.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(px.grad.numpy(), tx.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("cls,args,kw", REPRS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REPRS)])
def test_repr_matches_torch(torch, cls, args, kw):
    assert repr(getattr(pt.nn, cls)(*args, **kw)) == repr(getattr(torch.nn, cls)(*args, **kw))


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (3, 4, 6)), ("InstanceNorm2d", (2, 4, 3, 5)),
                                       ("InstanceNorm3d", (4, 2, 3, 2)), ("BatchNorm3d", (2, 4, 3, 2, 2))])
def test_running_stats_match_torch(torch, cls, shape, rng):
    kw = {} if cls == "BatchNorm3d" else {"affine": True, "track_running_stats": True}
    pm, tm = getattr(pt.nn, cls)(4, **kw).double(), getattr(torch.nn, cls)(4, **kw).double()
    for _ in range(2):
        x = rng.standard_normal(shape)
        np.testing.assert_allclose(pm(pt.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(),
                                   atol=1e-10)
    np.testing.assert_allclose(pm.running_mean.numpy(), tm.running_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(pm.running_var.numpy(), tm.running_var.numpy(), atol=1e-12)
    pm.eval()
    tm.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(pm(pt.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), atol=1e-10)


def test_channel_dropout_zeroes_whole_channels():
    pt.manual_seed(0)
    for fn, shape in [(F.dropout1d, (60, 50, 4)), (F.dropout2d, (60, 50, 3, 3)), (F.dropout3d, (60, 50, 2, 2, 2))]:
        y = fn(pt.ones(shape), 0.3).numpy().reshape(shape[0], shape[1], -1)
        assert (y.max(-1) == y.min(-1)).all()
        kept = y[:, :, 0] != 0
        assert abs(kept.mean() - 0.7) < 0.03
        np.testing.assert_allclose(y[:, :, 0][kept], 1 / 0.7, rtol=1e-6)
    x = pt.ones(4, 5, 6)
    assert F.dropout2d(x, 0.5, training=False) is x


def test_alpha_dropout_keeps_mean_and_variance():
    pt.manual_seed(0)
    x = pt.randn(400000)
    y = F.alpha_dropout(x, 0.3, training=True)
    assert abs(float(y.mean())) < 0.01 and abs(float(y.std()) - 1) < 0.01
    assert F.alpha_dropout(x, 0.3) is x  # training defaults to False


def test_dropout_modules_train_and_eval():
    m = pt.nn.Dropout2d(0.5)
    x = pt.ones(2, 3, 4, 4)
    m.eval()
    assert m(x) is x
    m.train()
    assert (m(x).numpy() != 1).any()


@pytest.mark.parametrize("make, exc, match", [
    (lambda: pt.nn.GroupNorm(3, 4), ValueError, r"num_channels \(4\) must be divisible by num_groups \(3\)"),
    (lambda: F.group_norm(pt.zeros(2, 4, 3), 3), RuntimeError, "divisible by num_groups"),
    (lambda: pt.nn.InstanceNorm2d(3)(pt.zeros(3, 4)), ValueError, "expected 3D or 4D input"),
    (lambda: pt.nn.InstanceNorm2d(3, affine=True)(pt.zeros(1, 4, 2, 2)), ValueError, "to match num_features"),
    (lambda: F.instance_norm(pt.zeros(2, 4, 1)), ValueError, "more than 1 spatial element"),
    (lambda: F.local_response_norm(pt.zeros(2, 3), 2), ValueError, "3D or higher"),
    (lambda: pt.nn.BatchNorm3d(3)(pt.zeros(2, 3, 4, 4)), ValueError, "expected 5D input"),
    (lambda: F.max_pool2d(pt.zeros(1, 2, 5, 5), 3, padding=2), RuntimeError, "pad should be at most half"),
    (lambda: F.avg_pool2d(pt.zeros(1, 2, 5, 5), 7), RuntimeError, "Output size is too small"),
    (lambda: F.max_pool2d(pt.zeros(5, 5), 2), RuntimeError, "3D or 4D"),
    (lambda: F.max_pool2d(pt.zeros(1, 2, 5, 5), (2, 2, 2)), RuntimeError, "tuple of two ints"),
    (lambda: F.max_pool2d(pt.zeros(1, 2, 5, 5), 2, stride=0), RuntimeError, "stride should not be zero"),
    (lambda: F.avg_pool2d(pt.zeros(1, 2, 5, 5), 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda: F.adaptive_avg_pool2d(pt.zeros(1, 2, 5, 5), (2, 2, 2)), RuntimeError, "output_size must be 2"),
    (lambda: F.max_pool1d(pt.zeros(2, 3, 5, 5), 2), RuntimeError, "Expected 2D or 3D"),
    (lambda: F.interpolate(pt.zeros(1, 2, 4, 4), size=3, scale_factor=2), ValueError, "only one of"),
    (lambda: F.interpolate(pt.zeros(1, 2, 4, 4)), ValueError, "either size or scale_factor"),
    (lambda: F.interpolate(pt.zeros(1, 2, 4, 4), scale_factor=2, align_corners=True), ValueError, "align_corners"),
    (lambda: F.interpolate(pt.zeros(1, 2, 4), scale_factor=2, mode="bilinear"), NotImplementedError, "needs 4D"),
    (lambda: F.interpolate(pt.zeros(1, 2, 4, 4), size=(2, 2, 2)), ValueError, "same number of spatial"),
    (lambda: F.pixel_shuffle(pt.zeros(1, 6, 2, 2), 2), RuntimeError, "divisible by the square"),
    (lambda: F.channel_shuffle(pt.zeros(1, 5, 2), 2), RuntimeError, "divisible by groups"),
    (lambda: pt.nn.ZeroPad2d((1, 2, 3)), ValueError, "tuple of 4 ints"),
])
def test_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_max_pool_module_indices_and_unbatched(torch, rng):
    x = rng.standard_normal((3, 7, 6))
    pv, pi = pt.nn.MaxPool2d(3, 2, 1, return_indices=True)(pt.tensor(x))
    tv, ti = torch.nn.MaxPool2d(3, 2, 1, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(pv.numpy(), tv.numpy())
    np.testing.assert_array_equal(pi.numpy(), ti.numpy())
    assert pi.dtype == pt.int64

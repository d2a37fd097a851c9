"""torch.nn.modules.<file>.<Name> import paths: where PyTorch defines a layer pyautograd has, the
same dotted path names the same class as nn.<Name>."""
import importlib
import pkgutil
import warnings

import numpy as np
import pytest

import pyautograd as pt
import pyautograd.nn as nn
import pyautograd.nn.modules as ours
from pyautograd.nn.modules.linear import NonDynamicallyQuantizableLinear

PATHS = [("instancenorm", "InstanceNorm2d"), ("activation", "MultiheadAttention"), ("activation", "PReLU"),
         ("padding", "ReflectionPad2d"), ("pixelshuffle", "PixelShuffle"), ("upsampling", "Upsample"),
         ("fold", "Unfold"), ("channelshuffle", "ChannelShuffle"), ("normalization", "GroupNorm"),
         ("pooling", "MaxUnpool2d"), ("sparse", "EmbeddingBag"), ("container", "ParameterList"),
         ("dropout", "Dropout2d"), ("dropout", "AlphaDropout"), ("linear", "LazyLinear"),
         ("conv", "LazyConv2d"), ("conv", "LazyConvTranspose3d"), ("batchnorm", "LazyBatchNorm1d"),
         ("batchnorm", "SyncBatchNorm"), ("instancenorm", "LazyInstanceNorm2d")]


@pytest.mark.parametrize("file,name", PATHS)
def test_paths_scripts_use(file, name):
    assert getattr(importlib.import_module(f"pyautograd.nn.modules.{file}"), name) is getattr(nn, name)


def test_every_torch_path_for_a_layer_we_have(torch):
    missing = []
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        tmod = importlib.import_module(f"torch.nn.modules.{info.name}")
        names = [n for n in getattr(tmod, "__all__", ()) if hasattr(nn, n)]
        if not names:
            continue
        ours = importlib.import_module(f"pyautograd.nn.modules.{info.name}")
        missing += [f"{info.name}.{n}" for n in names if getattr(ours, n, None) is not getattr(nn, n)]
    assert not missing


def test_non_dynamically_quantizable_linear_is_a_linear():
    layer = NonDynamicallyQuantizableLinear(3, 2)
    assert isinstance(layer, nn.Linear) and list(layer.state_dict()) == ["weight", "bias"]
    assert type(nn.MultiheadAttention(4, 2).out_proj) is NonDynamicallyQuantizableLinear


def test_nn_modules_package_names(torch):
    # torch.nn.modules itself re-exports its layers: the ones nn has are the same objects there
    missing = [n for n in torch.nn.modules.__all__ if hasattr(nn, n) and getattr(ours, n, None) is not getattr(nn, n)]
    assert not missing


def test_lazy_modules_as_torch(torch):
    # every lazy layer: repr and state_dict before and after the first call, the class it becomes,
    # and a checkpoint loaded into a fresh lazy layer (materialized, still lazy, as PyTorch's)
    cases = [("LazyConv1d", (4, 3), (2, 3, 7)), ("LazyConv2d", (4, 3), (2, 3, 7, 7)),
             ("LazyConv3d", (4, 3), (1, 2, 5, 5, 5)), ("LazyConvTranspose1d", (4, 3), (2, 3, 7)),
             ("LazyConvTranspose2d", (4, 3), (2, 3, 5, 5)), ("LazyConvTranspose3d", (4, 2), (1, 2, 3, 3, 3)),
             ("LazyBatchNorm1d", (), (4, 3)), ("LazyBatchNorm2d", (), (4, 3, 2, 2)),
             ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2)), ("LazyInstanceNorm1d", (), (2, 3, 5)),
             ("LazyInstanceNorm2d", (), (2, 3, 4, 4)), ("LazyInstanceNorm3d", (), (2, 3, 2, 2, 2)),
             ("LazyLinear", (3,), (2, 5))]
    for name, args, shape in cases:
        a, b = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
        assert repr(a) == repr(b)
        assert isinstance(a, nn.modules.lazy.LazyModuleMixin) and a.has_uninitialized_params()
        assert [(k, repr(v)) for k, v in a.state_dict().items()] == [(k, repr(v)) for k, v in b.state_dict().items()]
        x = np.random.randn(*shape).astype(np.float32)
        assert a(pt.tensor(x)).shape == b(torch.tensor(x)).shape
        assert repr(a) == repr(b) and type(a) is getattr(nn, type(b).__name__)
        state = {k: pt.tensor(v.detach().numpy()) for k, v in b.state_dict().items()}
        a.load_state_dict(state)
        np.testing.assert_allclose(a(pt.tensor(x)).detach().numpy(), b(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-5, atol=1e-5)
        fresh, tfresh = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
        fresh.load_state_dict(state)
        tfresh.load_state_dict(b.state_dict())
        assert type(fresh).__name__ == type(tfresh).__name__ == name and repr(fresh) == repr(tfresh)
        assert [tuple(p.shape) for p in fresh.parameters()] == [tuple(p.shape) for p in tfresh.parameters()]


def test_lazy_conv_refuses_a_wrong_rank(torch):
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to LazyConv2d"):
        nn.LazyConv2d(4, 3)(pt.ones(5, 5))
    with pytest.raises(RuntimeError):
        torch.nn.LazyConv2d(4, 3)(torch.ones(5, 5))


def test_softmax2d_container_nllloss2d(torch):
    x = np.random.randn(2, 3, 4, 5)
    np.testing.assert_allclose(nn.Softmax2d()(pt.tensor(x)).numpy(), torch.nn.Softmax2d()(torch.tensor(x)).numpy())
    with pytest.raises(ValueError, match="expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(pt.ones(2, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = nn.Container(a=nn.ReLU())
        loss = nn.NLLLoss2d(ignore_index=1)
    assert [w.category for w in caught] == [FutureWarning, FutureWarning]
    assert repr(c) == "Container(\n  (a): ReLU()\n)" and isinstance(loss, nn.NLLLoss) and loss.ignore_index == 1

"""torch.nn.modules.<file>.<Name> import paths: where PyTorch defines a layer pyautograd has, the
same dotted path names the same class as nn.<Name>."""
import importlib
import pkgutil

import pytest

import pyautograd.nn as nn
from pyautograd.nn.modules.linear import NonDynamicallyQuantizableLinear

# Defined in a module that imports the one PyTorch puts it in: re-exporting it there would make an
# import cycle (tests/test_architecture.py forbids them), so these paths are not provided.
CYCLE = {("batchnorm", "LazyBatchNorm1d"), ("batchnorm", "LazyBatchNorm2d"), ("batchnorm", "LazyBatchNorm3d"),
         ("batchnorm", "SyncBatchNorm"), ("conv", "LazyConv1d"), ("conv", "LazyConv2d"), ("conv", "LazyConv3d"),
         ("conv", "LazyConvTranspose1d"), ("conv", "LazyConvTranspose2d"), ("conv", "LazyConvTranspose3d")}

PATHS = [("instancenorm", "InstanceNorm2d"), ("activation", "MultiheadAttention"), ("activation", "PReLU"),
         ("padding", "ReflectionPad2d"), ("pixelshuffle", "PixelShuffle"), ("upsampling", "Upsample"),
         ("fold", "Unfold"), ("channelshuffle", "ChannelShuffle"), ("normalization", "GroupNorm"),
         ("pooling", "MaxUnpool2d"), ("sparse", "EmbeddingBag"), ("container", "ParameterList"),
         ("dropout", "Dropout2d"), ("dropout", "AlphaDropout"), ("linear", "LazyLinear")]


@pytest.mark.parametrize("file,name", PATHS)
def test_paths_scripts_use(file, name):
    assert getattr(importlib.import_module(f"pyautograd.nn.modules.{file}"), name) is getattr(nn, name)


def test_every_torch_path_for_a_layer_we_have(torch):
    missing = []
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        tmod = importlib.import_module(f"torch.nn.modules.{info.name}")
        names = [n for n in getattr(tmod, "__all__", ()) if hasattr(nn, n) and (info.name, n) not in CYCLE]
        if not names:
            continue
        ours = importlib.import_module(f"pyautograd.nn.modules.{info.name}")
        missing += [f"{info.name}.{n}" for n in names if getattr(ours, n, None) is not getattr(nn, n)]
    assert not missing


def test_non_dynamically_quantizable_linear_is_a_linear():
    layer = NonDynamicallyQuantizableLinear(3, 2)
    assert isinstance(layer, nn.Linear) and list(layer.state_dict()) == ["weight", "bias"]
    assert type(nn.MultiheadAttention(4, 2).out_proj) is NonDynamicallyQuantizableLinear

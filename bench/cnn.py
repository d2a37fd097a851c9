"""The CNN benchmark: ``python -m bench cnn [--quick] [--threads N] [--json PATH] [--plot DIR]``.

Three workloads (bench/cnn_models.py), each candidate in its own fresh process per round
(``bench compare``'s children: alternating rounds, medians, the spread shown), from the same
initial weights:

* ``mnist``: the PyTorch MNIST example's Net (conv 1->32 3x3, conv 32->64 3x3, max_pool 2,
  dropout, fc 9216->128, fc 128->10, log_softmax + nll_loss), batch 64, float32, one Adam
  training step: pyautograd (default backend), pyautograd on the NumPy backend, PyTorch and the
  hand-written NumPy reference (bench/reference_numpy_cnn.py);
* ``resnet``: a CIFAR ResNet stage (stem conv 3->16, three basic blocks of two 3x3 convs with
  BatchNorm and the identity shortcut at 16 channels, global average pool, fc 16->10) on
  3x32x32 input, batch 32, one SGD-momentum step (the NumPy reference has no ResNet);
* ``conv2d``: one 3x3 convolution 64->64 over 32x32 (batch 32), forward and both backward
  passes (6 * N * C_out * C_in * 9 * H * W = 7.25 GFLOP per call).

--quick takes batch 8 / 4 / 4. Every library runs with the same thread count (--threads,
default 2).
"""
from . import compare


def run(args):
    return compare.run(args, "cnn", "CNN training steps and conv2d")

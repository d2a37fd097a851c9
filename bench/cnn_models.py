"""The CNN workloads for any torch-like library (pyautograd or torch): the PyTorch MNIST example's
Net, a CIFAR ResNet stage and one 3x3 convolution, each built from the same initial weights.

Imports only NumPy and the NumPy reference, so a fresh process timing one library (``python -m
bench compare``) loads nothing else; ``bench cnn`` times our backends with the same builders.
"""
import math

import numpy as np

from . import reference_numpy_cnn

# batch sizes: (full, --quick)
MNIST_BATCH, RESNET_BATCH, CONV_BATCH = (64, 8), (32, 4), (32, 4)


def mnist_net(lib, params, p1=0.25, p2=0.5):
    """The PyTorch MNIST example's Net in lib (pyautograd or torch), holding copies of params."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            c1, c2 = params["conv1.weight"].shape[0], params["conv2.weight"].shape[0]
            self.conv1 = nn.Conv2d(1, c1, 3, 1)
            self.conv2 = nn.Conv2d(c1, c2, 3, 1)
            self.dropout1 = nn.Dropout(p1)
            self.dropout2 = nn.Dropout(p2)
            self.fc1 = nn.Linear(*params["fc1.weight"].shape[::-1])
            self.fc2 = nn.Linear(*params["fc2.weight"].shape[::-1])

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    net = Net().to(getattr(lib, str(params["fc1.weight"].dtype)))
    with lib.no_grad():
        for name, p in net.named_parameters():
            p.copy_(lib.tensor(params[name]))
    return net


def mnist_data(batch, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, 1, 28, 28)).astype(dtype), rng.integers(0, 10, batch)


def library_step(lib, net, x, target, opt, loss_fn=None):
    """One training step of net on (x, target) with opt; the loss is nll_loss unless `loss_fn`."""
    loss_fn = loss_fn or lib.nn.functional.nll_loss
    xt, tt = lib.from_numpy(x), lib.from_numpy(target)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(xt), tt)
        loss.backward()
        opt.step()
        return loss
    return step


def mnist_step(lib, batch):
    """One MNIST Net training step (nll_loss, Adam) in lib, from the reference's initial weights."""
    params = reference_numpy_cnn.init()
    x, target = mnist_data(batch)
    net = mnist_net(lib, params)
    return library_step(lib, net, x, target, lib.optim.Adam(net.parameters()))


def mnist_reference_step(batch):
    """The same step, hand-written in NumPy (bench/reference_numpy_cnn.py)."""
    params = reference_numpy_cnn.init()
    x, target = mnist_data(batch)
    trainer = reference_numpy_cnn.Trainer(params)
    return lambda: trainer.step(x, target)


def resnet_stage(lib, width=16, blocks=3, classes=10):
    """Stem conv + `blocks` basic blocks (conv-bn-relu-conv-bn + identity, relu) + pool + fc, in lib."""
    nn, F = lib.nn, lib.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(width, width, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            return F.relu(self.bn2(self.conv2(out)) + x)

    class Stage(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, width, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(width)
            self.blocks = nn.Sequential(*[Block() for _ in range(blocks)])
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(width, classes)

        def forward(self, x):
            x = self.blocks(F.relu(self.bn(self.stem(x))))
            return self.fc(lib.flatten(self.pool(x), 1))

    return Stage()


def resnet_state(model, seed=0):
    """{name: array} for `model`'s state, drawn once (He-normal convolutions and fc, BatchNorm weight 1
    and bias 0, running mean 0 and variance 1), so every library starts from the same weights."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, t in model.state_dict().items():
        shape = tuple(t.shape)
        if name.endswith("num_batches_tracked"):
            continue
        if name.endswith(("running_var", "weight")) and len(shape) == 1:
            state[name] = np.ones(shape, np.float32)
        elif len(shape) == 1:  # biases, running means
            state[name] = np.zeros(shape, np.float32)
        else:
            fan_in = int(np.prod(shape[1:]))
            state[name] = (rng.standard_normal(shape) * math.sqrt(2 / fan_in)).astype(np.float32)
    return state


def resnet_step(lib, batch):
    """One ResNet-stage training step (cross_entropy, SGD with momentum) in lib."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
    target = rng.integers(0, 10, batch)
    model = resnet_stage(lib)
    model.load_state_dict({k: lib.tensor(v) for k, v in resnet_state(model).items()}, strict=False)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return library_step(lib, model, x, target, opt, lib.nn.functional.cross_entropy)


def conv_step(lib, batch, channels=64, size=32):
    """(call, flops): one 3x3 convolution channels->channels over size x size, forward and both
    backward passes, in lib; flops = 6 * N * C_out * C_in * 9 * H * W."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
    w = (rng.standard_normal((channels, channels, 3, 3)) * 0.05).astype(np.float32)
    g = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
    xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
    gt = lib.tensor(g)

    def call():
        xt.grad = wt.grad = None
        lib.nn.functional.conv2d(xt, wt, padding=1).backward(gt)
    return call, 6 * batch * channels * channels * 9 * size * size

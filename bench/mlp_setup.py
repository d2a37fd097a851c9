"""The MLP training step of the mlp, memory and scale suites, for any torch-like library.

Imports only NumPy, so a fresh process measuring one library (the memory
suite's children) loads nothing else.
"""
import importlib

import numpy as np

SIZES = (784, 512, 512, 10)
BATCH = 128


def weights(sizes):
    """sizes[i] * sizes[i+1] summed: the weight count the flop figures use."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def data(batch=BATCH, sizes=SIZES, seed=0):
    """(x, target): a float32 batch (batch, sizes[0]) and int64 class indices."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, sizes[0])).astype(np.float32),
            rng.integers(0, sizes[-1], batch).astype(np.int64))


def model(lib, params):
    """An nn.Sequential of Linear/ReLU in lib (pyautograd or torch) holding copies of params."""
    layers = []
    for i, (w, b) in enumerate(params):
        lin = lib.nn.Linear(w.shape[1], w.shape[0])
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(w))
            lin.bias.copy_(lib.tensor(b))
        layers.append(lin)
        if i < len(params) - 1:
            layers.append(lib.nn.ReLU())
    return lib.nn.Sequential(*layers)


class Step:
    """One training step of model_ with opt: call it, or run its phases one by one (for per-phase timings)."""

    def __init__(self, model_, opt, x, target, cross_entropy):
        self.model, self.opt, self.x, self.target, self.cross_entropy = model_, opt, x, target, cross_entropy

    def forward(self):
        """zero_grad, forward, cross_entropy: the loss."""
        self.opt.zero_grad()
        return self.cross_entropy(self.model(self.x), self.target)

    def backward(self, loss):
        loss.backward()

    def update(self):
        self.opt.step()

    def __call__(self):
        loss = self.forward()
        self.backward(loss)
        self.update()
        return loss


def library_step(lib, params, x, target, fused=False):
    """The Step in lib (pyautograd or torch) from params, with lib's Adam (fused=True: PyTorch's fused Adam)."""
    for sub in ("nn", "nn.functional", "optim"):  # `import torch` alone may not load them
        importlib.import_module(f"{lib.__name__}.{sub}")
    m = model(lib, params)
    opt = lib.optim.Adam(m.parameters(), fused=True) if fused else lib.optim.Adam(m.parameters())
    return Step(m, opt, lib.from_numpy(x), lib.from_numpy(target), lib.nn.functional.cross_entropy)

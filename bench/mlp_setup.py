"""The MLP training step of the mlp, memory, scale and anomaly suites (and the op chain of the
overhead and anomaly suites), for any torch-like library.

Imports only NumPy, so a fresh process measuring one library (the memory suite's children,
bench/_torch_child.py) loads nothing else.
"""
import importlib

import numpy as np

from . import reference_numpy

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


def sizes_for(width):
    """The layer sizes of the MLP at hidden width `width`: 784-width-width-10."""
    return (SIZES[0], width, width, SIZES[-1])


def products(params, x, linear, mm, t):
    """The step's matrix products alone: forward linear (relu on hidden layers), then dW and dX per layer.

    linear(h, w, b, relu), mm(a, b) and t(a) (a transposed view) are the library's.
    The gradients are stand-ins of the right shapes (the forward outputs): only the time counts.
    """
    def run():
        acts = [x]
        for i, (w, b) in enumerate(params):
            acts.append(linear(acts[-1], w, b, i < len(params) - 1))
        g = acts[-1]
        for i in range(len(params) - 1, -1, -1):
            mm(t(g), acts[i])               # dW = g.T @ input
            if i:
                g = mm(g, params[i][0])     # dX = g @ W
    return run


def torch_scale_candidates(torch, batch, width):
    """The scale suite's PyTorch candidates: the fused-Adam step and its products alone (addmm and mm
    under no_grad)."""
    params = reference_numpy.init(sizes_for(width))
    x, target = data(batch, sizes_for(width))
    tparams = [(torch.from_numpy(w), torch.from_numpy(b)) for w, b in params]

    def linear(h, w, b, relu):
        out = torch.addmm(b, h, w.t())
        return out.relu_() if relu else out

    run = products(tparams, torch.from_numpy(x), linear, torch.mm, lambda a: a.t())

    def no_grad_run():
        with torch.no_grad():
            run()
    return {"PyTorch fused Adam": library_step(torch, params, x, target, fused=True), "PyTorch products": no_grad_run}


CHAIN_STEPS = 400  # the op chain: y = y * 1.0001 + 0.001, 400 times (800 ops)


def op_chain(lib, x, backward=True):
    """The op chain on tensor x (requires grad), then backward from its sum (if `backward`)."""
    def run():
        y = x
        for _ in range(CHAIN_STEPS):
            y = y * 1.0001 + 0.001
        if backward:
            y.sum().backward()
            x.grad = None
    return run


def anomaly_workload(lib, key):
    """The anomaly suite's workload `key` ("mlp" or "chain") in lib, built fresh."""
    if key == "mlp":
        x, target = data()
        return library_step(lib, reference_numpy.init(SIZES), x, target)
    a = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    return op_chain(lib, lib.tensor(a, requires_grad=True))


def with_anomaly(lib, fn):
    """fn run under lib.autograd.set_detect_anomaly(True)."""
    def run():
        with lib.autograd.set_detect_anomaly(True):
            return fn()
    return run


def anomaly_candidates(lib, key, name="PyTorch"):
    """{"<name> off": the workload, "<name> on": another copy under anomaly detection}."""
    return {f"{name} off": anomaly_workload(lib, key), f"{name} on": with_anomaly(lib, anomaly_workload(lib, key))}

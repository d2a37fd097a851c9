"""A plain-NumPy MLP training step: the floor the autograd engines are compared with.

Linear layers in PyTorch's layout (weight (out, in), bias (out,)), ReLU between
them, mean cross-entropy over integer targets, the backward written out by
hand, and Adam with PyTorch's defaults and update order. Used by
``python -m bench mlp`` and checked against pyautograd in tests/test_bench.py.
"""
import numpy as np


def init(sizes=(784, 512, 512, 10), dtype=np.float32, seed=0):
    """[(W, b), ...] for consecutive sizes, uniform(-1/sqrt(in), 1/sqrt(in)) like nn.Linear."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype),
                       rng.uniform(-bound, bound, fan_out).astype(dtype)))
    return params


def forward(params, x):
    """Logits and the activations the backward needs: (logits, [input of each layer])."""
    inputs = []
    h = x
    for i, (w, b) in enumerate(params):
        inputs.append(h)
        h = h @ w.T + b
        if i < len(params) - 1:
            np.maximum(h, 0, out=h)
    return h, inputs


def cross_entropy(logits, target):
    """Mean cross-entropy, and its gradient with respect to the logits."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = (np.log(total[:, 0]) - shifted[np.arange(n), target]).mean()
    grad = exp / total
    grad[np.arange(n), target] -= 1
    grad /= n
    return loss, grad


def backward(params, inputs, grad_logits):
    """[(dW, db), ...] from the layer inputs saved by forward and d loss / d logits."""
    grads = [None] * len(params)
    g = grad_logits
    for i in range(len(params) - 1, -1, -1):
        w, _ = params[i]
        a = inputs[i]
        grads[i] = (g.T @ a, g.sum(axis=0))
        if i > 0:
            g = g @ w
            g *= a > 0  # the ReLU's mask: a is the ReLU's output
    return grads


def loss_and_grads(params, x, target):
    logits, inputs = forward(params, x)
    loss, g = cross_entropy(logits, target)
    return loss, backward(params, inputs, g)


class Adam:
    """Adam on a flat list of arrays, updated in place (PyTorch's defaults and order)."""

    def __init__(self, arrays, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.arrays, self.lr, self.betas, self.eps = arrays, lr, betas, eps
        self.m = [np.zeros_like(a) for a in arrays]
        self.v = [np.zeros_like(a) for a in arrays]
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for p, g, m, v in zip(self.arrays, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            denom = np.sqrt(v) / np.sqrt(c2) + self.eps
            p -= (self.lr / c1) * m / denom


class Trainer:
    """One training step: forward, cross-entropy, backward, Adam (the zero_grad is implicit)."""

    def __init__(self, params):
        self.params = params
        self.opt = Adam([a for wb in params for a in wb])

    def step(self, x, target):
        loss, grads = loss_and_grads(self.params, x, target)
        self.opt.step([g for wb in grads for g in wb])
        return loss

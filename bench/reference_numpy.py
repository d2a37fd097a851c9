"""A plain-NumPy MLP training step: the floor the autograd engines are compared with.

Linear layers in PyTorch's layout (weight (out, in), bias (out,)), ReLU between
them, mean cross-entropy over integer targets, the backward written out by
hand, and Adam with PyTorch's defaults and update order. Used by
``python -m bench mlp`` and checked against pyautograd in tests/test_bench.py.

Written as a careful NumPy user writes a training loop: every activation,
gradient and optimizer temporary lives in a buffer allocated once (``out=``
everywhere, in-place updates, no needless copies), so a step allocates
nothing of the batch's or the parameters' size: no page faults, no allocator
traffic. A step that allocates freely would make a weaker baseline.
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


class Step:
    """Forward, cross-entropy and backward into buffers made for one batch size (made anew if
    the batch size changes). After ``run``, ``grads`` holds [(dW, db), ...]."""

    def __init__(self, params, batch):
        self.params, self.batch = params, batch
        dtype = params[0][0].dtype
        outs = [w.shape[0] for w, _ in params]
        self.acts = [np.empty((batch, o), dtype) for o in outs]  # each layer's output (ReLU'd in place)
        self.gin = [np.empty((batch, w.shape[1]), dtype) for w, _ in params[1:]]  # d loss / d layer input
        self.masks = [np.empty((batch, w.shape[1]), bool) for w, _ in params[1:]]
        self.grads = [(np.empty_like(w), np.empty_like(b)) for w, b in params]
        self.rowmax = np.empty((batch, 1), dtype)
        self.rowsum = np.empty((batch, 1), dtype)
        self.rows = np.arange(batch)

    def run(self, x, target):
        """The loss; the gradients land in self.grads."""
        params, acts, last = self.params, self.acts, len(self.params) - 1
        h = x
        for i, (w, b) in enumerate(params):
            z = acts[i]
            np.matmul(h, w.T, out=z)
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
            h = z
        # cross-entropy: the logits buffer becomes the softmax, then d loss / d logits
        logits, n = acts[-1], self.batch
        np.max(logits, axis=1, keepdims=True, out=self.rowmax)
        logits -= self.rowmax
        picked = logits[self.rows, target]  # n values: the shifted logit of each target
        np.exp(logits, out=logits)
        np.sum(logits, axis=1, keepdims=True, out=self.rowsum)
        loss = float(np.log(self.rowsum[:, 0]).sum() - picked.sum()) / n
        logits /= self.rowsum
        logits[self.rows, target] -= 1
        logits *= 1.0 / n
        g = logits
        for i in range(last, -1, -1):
            w, _ = params[i]
            a = acts[i - 1] if i > 0 else x
            dw, db = self.grads[i]
            np.matmul(g.T, a, out=dw)
            np.sum(g, axis=0, out=db)
            if i > 0:
                gin, mask = self.gin[i - 1], self.masks[i - 1]
                np.matmul(g, w, out=gin)
                np.greater(a, 0, out=mask)  # the ReLU's mask: a is the ReLU's output
                np.multiply(gin, mask, out=gin)
                g = gin
        return loss


def loss_and_grads(params, x, target):
    """(loss, [(dW, db), ...]) for one batch (a Step made for it)."""
    step = Step(params, x.shape[0])
    return step.run(x, target), step.grads


class Adam:
    """Adam on a flat list of arrays, updated in place (PyTorch's defaults and order), with one
    preallocated scratch array per parameter."""

    def __init__(self, arrays, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.arrays, self.lr, self.betas, self.eps = arrays, lr, betas, eps
        self.m = [np.zeros_like(a) for a in arrays]
        self.v = [np.zeros_like(a) for a in arrays]
        self.scratch = [np.empty_like(a) for a in arrays]
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        root_c2, step_size = np.sqrt(c2), self.lr / c1
        for p, g, m, v, tmp in zip(self.arrays, grads, self.m, self.v, self.scratch):
            m *= b1
            np.multiply(g, 1 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - b2
            v += tmp
            np.sqrt(v, out=tmp)  # denom = sqrt(v) / sqrt(c2) + eps
            tmp /= root_c2
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


class Trainer:
    """One training step: forward, cross-entropy, backward, Adam (the zero_grad is implicit:
    each backward overwrites the gradient buffers)."""

    def __init__(self, params):
        self.params = params
        self.opt = Adam([a for wb in params for a in wb])
        self._step = None

    def step(self, x, target):
        if self._step is None or self._step.batch != x.shape[0]:
            self._step = Step(self.params, x.shape[0])
        loss = self._step.run(x, target)
        self.opt.step([g for wb in self._step.grads for g in wb])
        return loss

"""A hand-written NumPy CNN: the PyTorch MNIST example's Net, forward, manual backward and Adam.

    conv1 (1 -> c1, 3x3) -> relu -> conv2 (c1 -> c2, 3x3) -> relu -> max_pool 2 -> dropout
    -> flatten -> fc1 (-> hidden) -> relu -> dropout -> fc2 (-> 10) -> log_softmax, nll_loss

Convolutions are im2col (a strided window view, copied into a (N, C*k*k, L) column matrix)
times the weight; their backward is the column matrix's products (grad-weight) and col2im
(grad-input: one strided slice add per kernel tap). This is what the benchmark's "NumPy
reference" column runs, and tests/test_bench_cnn.py checks that it gives pyautograd's loss and
gradients. Dropout draws its masks from a NumPy Generator (p = 0 disables it).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .reference_numpy import Adam


def init(c1=32, c2=64, hidden=128, size=28, classes=10, dtype=np.float32, seed=0):
    """The Net's parameters as a dict of arrays, drawn like PyTorch's defaults (U(+-1/sqrt(fan_in)))."""
    rng = np.random.default_rng(seed)
    flat = c2 * ((size - 4) // 2) ** 2

    def u(shape, fan_in):
        b = 1 / np.sqrt(fan_in)
        return rng.uniform(-b, b, shape).astype(dtype)

    return {"conv1.weight": u((c1, 1, 3, 3), 9), "conv1.bias": u((c1,), 9),
            "conv2.weight": u((c2, c1, 3, 3), c1 * 9), "conv2.bias": u((c2,), c1 * 9),
            "fc1.weight": u((hidden, flat), flat), "fc1.bias": u((hidden,), flat),
            "fc2.weight": u((classes, hidden), hidden), "fc2.bias": u((classes,), hidden)}


def im2col(x, k):
    """(N, C*k*k, OH*OW) columns of a stride-1, unpadded k x k convolution of x (N, C, H, W)."""
    n, c, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    s = x.strides
    win = as_strided(x, (n, c, k, k, oh, ow), (s[0], s[1], s[2], s[3], s[2], s[3]), writeable=False)
    return win.reshape(n, c * k * k, oh * ow)


def col2im(cols, shape, k):
    """The adjoint of im2col: each column entry added back to the input position it came from."""
    n, c, h, w = shape
    oh, ow = h - k + 1, w - k + 1
    cols = cols.reshape(n, c, k, k, oh, ow)
    dx = np.zeros(shape, cols.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + oh, j:j + ow] += cols[:, :, i, j]
    return dx


def conv_forward(x, w, b):
    n, _, h, wd = x.shape
    k = w.shape[2]
    cols = im2col(x, k)
    out = np.matmul(w.reshape(w.shape[0], -1), cols) + b[:, None]
    return out.reshape(n, w.shape[0], h - k + 1, wd - k + 1), cols


def conv_backward(g, cols, w, x_shape, need_input=True):
    """(grad input or None, grad weight, grad bias) of conv_forward."""
    n, o = g.shape[:2]
    g2 = g.reshape(n, o, -1)
    dw = np.tensordot(g2, cols, axes=((0, 2), (0, 2))).reshape(w.shape)
    db = g2.sum(axis=(0, 2))
    dx = col2im(np.matmul(w.reshape(o, -1).T, g2), x_shape, w.shape[2]) if need_input else None
    return dx, dw, db


def max_pool2(x):
    """2x2 max pooling (stride 2, even sizes) and the mask of the first maximum of each window."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    arg = win.argmax(axis=-1)
    mask = np.zeros(win.shape, bool)
    np.put_along_axis(mask, arg[..., None], True, axis=-1)
    return np.take_along_axis(win, arg[..., None], -1)[..., 0], mask


def max_pool2_backward(g, mask):
    n, c, oh, ow, _ = mask.shape
    d = (mask * g[..., None]).reshape(n, c, oh, ow, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return d.reshape(n, c, oh * 2, ow * 2)


class Net:
    """Forward and backward of the MNIST Net over a params dict (see the module doc)."""

    def __init__(self, params, p1=0.25, p2=0.5, seed=0):
        self.params, self.p1, self.p2 = params, p1, p2
        self.rng = np.random.default_rng(seed)

    def _mask(self, shape, p, dtype):
        if p == 0:
            return None
        return (self.rng.random(shape) >= p).astype(dtype) / dtype.type(1 - p)

    def loss_and_grads(self, x, target):
        P = self.params
        a1, cols1 = conv_forward(x, P["conv1.weight"], P["conv1.bias"])
        r1 = np.maximum(a1, 0)
        a2, cols2 = conv_forward(r1, P["conv2.weight"], P["conv2.bias"])
        r2 = np.maximum(a2, 0)
        pooled, pmask = max_pool2(r2)
        m1 = self._mask(pooled.shape, self.p1, x.dtype)
        d1 = pooled if m1 is None else pooled * m1
        flat = d1.reshape(x.shape[0], -1)
        h = flat @ P["fc1.weight"].T + P["fc1.bias"]
        rh = np.maximum(h, 0)
        m2 = self._mask(rh.shape, self.p2, x.dtype)
        d2 = rh if m2 is None else rh * m2
        logits = d2 @ P["fc2.weight"].T + P["fc2.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = x.shape[0]
        loss = -logp[np.arange(n), target].mean()
        g = np.exp(logp)
        g[np.arange(n), target] -= 1
        g /= n
        grads = {"fc2.weight": g.T @ d2, "fc2.bias": g.sum(0)}
        gd2 = g @ P["fc2.weight"]
        gh = (gd2 if m2 is None else gd2 * m2) * (h > 0)
        grads["fc1.weight"], grads["fc1.bias"] = gh.T @ flat, gh.sum(0)
        gflat = (gh @ P["fc1.weight"]).reshape(pooled.shape)
        gpool = gflat if m1 is None else gflat * m1
        ga2 = max_pool2_backward(gpool, pmask) * (a2 > 0)
        gr1, grads["conv2.weight"], grads["conv2.bias"] = conv_backward(ga2, cols2, P["conv2.weight"], r1.shape)
        ga1 = gr1 * (a1 > 0)
        _, grads["conv1.weight"], grads["conv1.bias"] = conv_backward(ga1, cols1, P["conv1.weight"], x.shape,
                                                                       need_input=False)
        return loss, {k: v.astype(x.dtype, copy=False) for k, v in grads.items()}


class Trainer:
    """One training step of the Net: forward, nll_loss of log_softmax, backward, Adam."""

    def __init__(self, params, p1=0.25, p2=0.5):
        self.names = list(params)
        self.net = Net(params, p1, p2)
        self.opt = Adam([params[k] for k in self.names])

    def step(self, x, target):
        loss, grads = self.net.loss_and_grads(x, target)
        self.opt.step([grads[k] for k in self.names])
        return loss

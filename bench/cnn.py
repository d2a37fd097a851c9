"""The CNN benchmark: ``python -m bench cnn [--quick] [--threads N] [--json PATH] [--plot DIR]``.

Three workloads, each candidate from the same initial weights, timed interleaved in this
process (medians of rounds, see _harness):

* ``MNIST Net step``: the PyTorch MNIST example's Net (conv 1->32 3x3, conv 32->64 3x3,
  max_pool 2, dropout, fc 9216->128, fc 128->10, log_softmax + nll_loss), batch 64, float32,
  one Adam training step: pyautograd (default backend), pyautograd on the NumPy backend, the
  hand-written NumPy reference (bench/reference_numpy_cnn.py) and PyTorch;
* ``ResNet basic blocks step``: a CIFAR ResNet stage (stem conv 3->16, three basic blocks of
  two 3x3 convs with BatchNorm and the identity shortcut at 16 channels, global average pool,
  fc 16->10) on 3x32x32 input, batch 32, one SGD-momentum step: pyautograd and PyTorch (the
  NumPy reference has no ResNet);
* ``conv2d``: one 3x3 convolution 64->64 over 32x32 (batch 32; 4 with --quick), forward and
  both backward passes, in GFLOP/s (6 * N * C_out * C_in * 9 * H * W flops per call):
  pyautograd's C kernels, the NumPy reference kernels and PyTorch.

PyTorch runs with the same thread count as ours (--threads, default all cores).
"""
import dataclasses
import sys
import time

import numpy as np

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, reference_numpy_cnn

REF = "NumPy reference"
TORCH = "PyTorch"
OURS = "pyautograd"
OURS_NUMPY = "pyautograd (numpy)"


def _with_backend(name, fn):
    def run():
        with K.use_backend(name):
            return fn()
    return run


# -- the MNIST example's Net ----------------------------------------------------------------------


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


def library_step(lib, net, x, target, opt):
    F = lib.nn.functional
    xt, tt = lib.from_numpy(x), lib.from_numpy(target)

    def step():
        opt.zero_grad()
        loss = F.nll_loss(net(xt), tt)
        loss.backward()
        opt.step()
        return loss
    return step


def mnist_candidates(torch, batch):
    params = reference_numpy_cnn.init()
    x, target = mnist_data(batch)
    cands = {}
    for name, wrap in ((OURS, None), (OURS_NUMPY, "numpy")):
        net = mnist_net(pyautograd, params)
        step = library_step(pyautograd, net, x, target, pyautograd.optim.Adam(net.parameters()))
        cands[name] = _with_backend(wrap, step) if wrap else step
    trainer = reference_numpy_cnn.Trainer({k: v.copy() for k, v in params.items()})
    cands[REF] = lambda: trainer.step(x, target)
    if torch is not None:
        net = mnist_net(torch, params)
        cands[TORCH] = library_step(torch, net, x, target, torch.optim.Adam(net.parameters()))
    return cands


# -- a ResNet stage -----------------------------------------------------------------------------------


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


def resnet_candidates(torch, batch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
    target = rng.integers(0, 10, batch)
    ours = resnet_stage(pyautograd)
    state = {k: v.numpy().copy() for k, v in ours.state_dict().items()}
    cands = {}

    def make(lib, model):
        F = lib.nn.functional
        opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        xt, tt = lib.from_numpy(x), lib.from_numpy(target)

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(xt), tt)
            loss.backward()
            opt.step()
            return loss
        return step

    cands[OURS] = make(pyautograd, ours)
    if torch is not None:
        theirs = resnet_stage(torch)
        theirs.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
        cands[TORCH] = make(torch, theirs)
    return cands


# -- conv2d alone ----------------------------------------------------------------------------------------


def conv_candidates(torch, batch, channels=64, size=32):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
    w = (rng.standard_normal((channels, channels, 3, 3)) * 0.05).astype(np.float32)
    g = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
    flops = 6 * batch * channels * channels * 9 * size * size

    def make(lib):
        xt, wt, gt = (lib.tensor(a, requires_grad=(a is not g)) for a in (x, w, g))

        def call():
            xt.grad = wt.grad = None
            lib.nn.functional.conv2d(xt, wt, padding=1).backward(gt)
        return call

    cands = {OURS: make(pyautograd), OURS_NUMPY: _with_backend("numpy", make(pyautograd))}
    if torch is not None:
        cands[TORCH] = make(torch)
    return cands, flops


def _table(title, rows):
    names = []
    for r in rows:
        names += [n for n in r.timings if n not in names]
    head = ["case", "size"] + [f"{n} ms median (min)" for n in names] + \
        [f"{n} / {TORCH}" for n in names if n != TORCH] + [f"{n} / {REF}" for n in names if n != REF]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.case, r.size]
        for n in names:
            t = r.timings.get(n)
            tp = r.throughput(n)
            cells.append("—" if t is None else f"{t.median * 1e3:.1f} ({t.min * 1e3:.1f})" +
                         (f", {tp:.1f} GFLOP/s" if tp else ""))
        for base in (TORCH, REF):
            for n in names:
                if n != base:
                    ratio = r.ratio(n, base)
                    cells.append("—" if ratio is None else f"{ratio:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_ratios(doc):
    """The bars bench/plot.py draws: each candidate's median over PyTorch's, per workload."""
    rows = [r for r in doc["rows"] if r["timings"]]
    labels = [r["case"] for r in rows]
    names = sorted({n for r in rows for n in r["timings"] if n != TORCH})

    def ratio(t, a, b):
        return t[a]["median_s"] / t[b]["median_s"] if a in t and b in t else None
    series = {f"{n} / {TORCH}": [ratio(r["timings"], n, TORCH) for r in rows] for n in names}
    return "CNN workloads: time over PyTorch's (below 1: faster)", labels, series


def run(args):
    settings = _harness.settings_from(args, repeats=5, sample_seconds=0.0, warmup=1)
    if args.quick:
        settings = dataclasses.replace(settings, sample_seconds=0.0, warmup=1)
    torch = None if args.no_torch else machine.import_torch(K.get_num_threads())
    header = machine.print_header("CNN training steps and conv2d", args.quick, torch)
    print(f"Threads: {K.get_num_threads()} (ours and PyTorch's). Ratios are of medians (above 1: slower than "
          f"the column's base). The machine is shared: figures are indicative, read them with the load above.")
    print()
    mnist_batch, resnet_batch, conv_batch = (8, 4, 4) if args.quick else (64, 32, 32)
    start = time.perf_counter()
    rows = []
    for case, size, make in [
            ("MNIST Net step", f"batch {mnist_batch}", lambda: (mnist_candidates(torch, mnist_batch), None)),
            ("ResNet basic blocks step", f"batch {resnet_batch}, 16 ch", lambda: (resnet_candidates(torch, resnet_batch),
                                                                                    None)),
            ("conv2d fwd+bwd", f"64->64 3x3 32x32, batch {conv_batch}", lambda: conv_candidates(torch, conv_batch))]:
        if args.only and args.only not in case:
            continue
        cands, flops = make()
        timings = _harness.measure(cands, settings)
        rows.append(_harness.Row("CNN", case, size, timings, ("GFLOP/s", flops) if flops else None))
    print(f"measured in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(_table("CNN workloads", rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

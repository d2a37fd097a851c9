"""The MLP training-step benchmark: ``python -m bench mlp [--quick] [--json PATH]``.

One training step (zero_grad, forward, cross_entropy, backward, Adam step) of
an MLP 784-512-512-10 with ReLU, batch 128, float32, five ways in one process
from the same initial weights:

* ``pyautograd (auto)``: the default backend (C kernels where they win);
* ``pyautograd (numpy)``: the same code under ``kernels.use_backend("numpy")``,
  i.e. what ``PYAUTOGRAD_BACKEND=numpy`` runs;
* ``NumPy reference``: bench/reference_numpy.py, the hand-written step;
* ``PyTorch Adam`` / ``PyTorch fused Adam``: torch.optim.Adam default
  (foreach) and ``fused=True``, when PyTorch is installed.

Reported: time per step, GFLOP/s counting 6 x batch x weights (forward 2,
backward 4 flops per weight and sample), ratios, and minor page faults per
step (resource.getrusage), which show allocations that go back to the OS.
"""
import dataclasses
import resource
import sys
import time

import numpy as np

import pyautograd
import pyautograd.kernels as K
import pyautograd.nn as nn
import pyautograd.nn.functional as F
import pyautograd.optim as optim

from . import _harness, machine, reference_numpy
from .overhead import import_torch, settings_from

SIZES = (784, 512, 512, 10)
BATCH = 128
WEIGHTS = sum(a * b for a, b in zip(SIZES[:-1], SIZES[1:]))
FLOPS = 6 * BATCH * WEIGHTS
REF = "NumPy reference"
TORCH = "PyTorch Adam"


def data(batch=BATCH, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, SIZES[0])).astype(np.float32),
            rng.integers(0, SIZES[-1], batch).astype(np.int64))


def _model(lib, params):
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


def autograd_step(lib, model, opt, x, target, cross_entropy):
    def step():
        opt.zero_grad()
        loss = cross_entropy(model(x), target)
        loss.backward()
        opt.step()
        return loss
    return step


def pyautograd_step(params, x, target):
    model = _model(pyautograd, params)
    opt = optim.Adam(model.parameters())
    return autograd_step(pyautograd, model, opt, pyautograd.tensor(x), pyautograd.tensor(target), F.cross_entropy)


def _with_backend(name, fn):
    def run():
        with K.use_backend(name):
            return fn()
    return run


def candidates(torch, batch=BATCH):
    """{column: step callable}, all from the same initial weights."""
    params = reference_numpy.init(SIZES)
    x, target = data(batch)
    cands = {"pyautograd (auto)": pyautograd_step(params, x, target),
             "pyautograd (numpy)": _with_backend("numpy", pyautograd_step(params, x, target))}
    trainer = reference_numpy.Trainer([(w.copy(), b.copy()) for w, b in params])
    cands[REF] = lambda: trainer.step(x, target)
    if torch is not None:
        tx, tt = torch.from_numpy(x), torch.from_numpy(target)
        for name, fused in ((TORCH, False), ("PyTorch fused Adam", True)):
            model = _model(torch, params)
            opt = torch.optim.Adam(model.parameters(), fused=fused) if fused else torch.optim.Adam(model.parameters())
            cands[name] = autograd_step(torch, model, opt, tx, tt, torch.nn.functional.cross_entropy)
    return cands


def minor_faults_per_call(fn, calls):
    """Minor page faults per call of fn (resource.getrusage, this process)."""
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def markdown_table(timings, faults, flops):
    head = ["candidate", "ms/step median (min)", "GFLOP/s", "/ NumPy ref", "/ PyTorch Adam", "minor faults/step"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, t in timings.items():
        ref, tor = timings.get(REF), timings.get(TORCH)
        cells = [name, f"{t.median * 1e3:.2f} ({t.min * 1e3:.2f})", f"{flops / t.median / 1e9:.1f}",
                 f"{t.median / ref.median:.2f}x" if ref else "—",
                 f"{t.median / tor.median:.2f}x" if tor else "—",
                 f"{faults.get(name, float('nan')):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args):
    settings = settings_from(args)
    if not args.quick:
        settings = dataclasses.replace(settings, sample_seconds=0.2)
    torch = None if args.no_torch else import_torch(K.get_num_threads())
    header = machine.describe(torch)
    print("## MLP training step" + (" (quick)" if args.quick else ""))
    print()
    print(machine.markdown(header))
    print()
    print(f"MLP {'-'.join(map(str, SIZES))} (ReLU), batch {BATCH}, float32; one step = zero_grad, forward, "
          f"cross_entropy, backward, Adam step. GFLOP/s counts 6 x batch x weights = {FLOPS / 1e9:.3f} GFLOP "
          f"per step. Ratios are of medians (above 1: slower than the reference column).")
    print()
    cands = candidates(torch)
    if args.only:
        cands = {k: v for k, v in cands.items() if args.only in k}
    start = time.perf_counter()
    timings = _harness.measure(cands, settings)
    faults = {name: minor_faults_per_call(fn, 1 if args.quick else 10) for name, fn in cands.items()}
    print(f"measured in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(markdown_table(timings, faults, FLOPS))
    if args.json:
        row = _harness.Row("MLP training step", "784-512-512-10", f"batch {BATCH}", timings, ("GFLOP/s", FLOPS),
                           note="minor faults per step: " + ", ".join(f"{k}={v:.0f}" for k, v in faults.items()))
        header["load_average_at_end"] = machine.describe(torch)["load_average_1_5_15_min"]
        _harness.write_json(args.json, header, settings, [row])
    return 0

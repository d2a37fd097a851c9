"""The data-loading benchmark: ``python -m bench data [--quick] [--json PATH] [--no-torch]``.

1. DataLoader throughput: an image-like dataset (3x32x32 float32 per sample) whose per-sample
   Python transform costs about 1 ms (a spin on the clock, then a normalization), batches of 32;
   samples per second with 0, 1 and 2 workers, for pyautograd and PyTorch. Each epoch is timed
   whole, worker start-up included; the table shows the median of ``--repeats`` epochs.
2. Gradient checkpointing: the memory of one forward + backward of a deep MLP with and without
   ``checkpoint_sequential`` (each in a fresh process): the peak of the step's own allocations
   (tracemalloc) and the process's peak RSS.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import pyautograd

from . import machine

WORKERS = (0, 1, 2)
BATCH = 32


class Images:
    """Samples: a normalized 3x32x32 float32 image (after ~1 ms of Python work) and a label."""

    def __init__(self, n, lib):
        self.images = np.random.default_rng(0).standard_normal((n, 3, 32, 32)).astype(np.float32)
        self.lib = lib

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        deadline = time.perf_counter() + 0.001
        while time.perf_counter() < deadline:  # the cost of a per-sample Python transform
            pass
        x = (self.images[i] - 0.5) / 0.25
        return self.lib.from_numpy(x), i % 10


def _epoch_seconds(lib, workers, n):
    loader = lib.utils.data.DataLoader(Images(n, lib), batch_size=BATCH, shuffle=True, num_workers=workers)
    start = time.perf_counter()
    count = sum(len(y) for _, y in loader)
    elapsed = time.perf_counter() - start
    assert count == n
    return elapsed


def throughput(libs, n, repeats):
    """{(library, workers): samples per second (median over repeats)}; epochs interleaved."""
    times = {(name, w): [] for name in libs for w in WORKERS}
    for _ in range(repeats):
        for w in WORKERS:
            for name, lib in libs.items():
                times[(name, w)].append(_epoch_seconds(lib, w, n))
    return {key: n / statistics.median(v) for key, v in times.items()}


_CHILD = """
import json, resource, sys, tracemalloc
import pyautograd as torch
from pyautograd.utils.checkpoint import checkpoint_sequential
depth, width, batch, segments = {depth}, {width}, {batch}, {segments}
torch.manual_seed(0)
layers = []
for _ in range(depth):
    layers += [torch.nn.Linear(width, width), torch.nn.Tanh()]
model = torch.nn.Sequential(*layers)
x = torch.randn(batch, width, requires_grad=True)
tracemalloc.start()  # NumPy reports its buffers to tracemalloc: the step's own allocations
out = checkpoint_sequential(model, segments, x, use_reentrant=False) if segments else model(x)
out.sum().backward()
traced = tracemalloc.get_traced_memory()[1]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_kib": peak, "traced_peak_bytes": traced}}))
"""


def checkpoint_memory(quick):
    """Peak RSS (MiB) of one training step of a deep MLP, plain and checkpointed in 4 segments."""
    shape = dict(depth=16, width=256, batch=2048) if quick else dict(depth=24, width=512, batch=2048)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    out = {"shape": shape}
    for label, segments in (("plain", 0), ("checkpointed (4 segments)", 4)):
        proc = subprocess.run([sys.executable, "-c", _CHILD.format(segments=segments, **shape)], env=env, cwd=root,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"the checkpoint child failed:\n{proc.stderr[-2000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        out[label] = {"peak_mib": r["peak_kib"] / 1024, "step_peak_mib": r["traced_peak_bytes"] / 2 ** 20}
    return out


def run(args):
    n = 128 if args.quick else 512
    repeats = args.repeats or (1 if args.quick else 3)
    torch = None if args.no_torch else machine.import_torch(1)
    libs = {"pyautograd": pyautograd}
    if torch is not None:
        libs["PyTorch"] = torch
    header = machine.print_header("Data loading and gradient checkpointing", args.quick, torch)
    print(f"DataLoader: {n} samples per epoch (3x32x32 float32, ~1 ms Python transform each), batch {BATCH}, "
          f"shuffle; samples/s, median of {repeats} epochs (worker start-up included).")
    print()
    rates = throughput(libs, n, repeats)
    head = ["workers"] + [f"{name} samples/s" for name in libs] + (["pyautograd / PyTorch"] if torch else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for w in WORKERS:
        cells = [str(w)] + [f"{rates[(name, w)]:.0f}" for name in libs]
        if torch is not None:
            cells.append(f"{rates[('pyautograd', w)] / rates[('PyTorch', w)]:.2f}x")
        print("| " + " | ".join(cells) + " |")
    print()
    memory = checkpoint_memory(args.quick)
    s = memory["shape"]
    print(f"Gradient checkpointing: one forward + backward of a {s['depth']}-layer MLP (width {s['width']}, "
          f"batch {s['batch']}, float32, Tanh), each in a fresh process: the peak of the step's own "
          "allocations (tracemalloc, which sees NumPy's buffers) and the process's peak RSS.")
    print()
    print("| run | step peak MiB (allocations) | process peak RSS MiB |")
    print("|---|---|---|")
    for label in ("plain", "checkpointed (4 segments)"):
        print(f"| {label} | {memory[label]['step_peak_mib']:.1f} | {memory[label]['peak_mib']:.1f} |")
    if args.json:
        rows = [{"workers": w, **{name: rates[(name, w)] for name in libs}} for w in WORKERS]
        with open(args.json, "w") as f:
            json.dump({"header": header, "samples": n, "batch": BATCH, "rows": rows, "checkpoint": memory}, f,
                      indent=1)
    return 0

"""The anomaly-mode cost: ``python -m bench anomaly [--quick] [--json PATH]``.

How much slower a workload runs with ``torch.autograd.set_detect_anomaly(True)``
than without, in pyautograd (auto backend) and in PyTorch when installed: the
MLP training step of ``bench mlp`` and the op chain (forward + backward) of
``bench overhead``. On and off are timed interleaved in one process, each
from its own copy of the weights; slowdown = median(on) / median(off).
"""
import dataclasses
import sys
import time
import warnings

import numpy as np

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, mlp_setup, overhead, reference_numpy

LIBS = ("pyautograd", "PyTorch")


def _anomaly(lib, fn):
    def run():
        with lib.autograd.set_detect_anomaly(True):
            return fn()
    return run


def _mlp_step(name, lib):
    params = reference_numpy.init(mlp_setup.SIZES)
    x, target = mlp_setup.data()
    return mlp_setup.library_step(lib, params, x, target)


def _chain(name, lib):
    a = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    return overhead._chain(lib, lib.tensor(a, requires_grad=True), True)


WORKLOADS = {"MLP step 784-512-512-10, batch 128": _mlp_step,
             "op chain 400 x (mul, add) + backward": _chain}


def markdown_table(rows):
    head = ["workload"] + [f"{lib} off / on" for lib in LIBS] + [f"{lib} slowdown" for lib in LIBS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.case]
        for lib in LIBS:
            off, on = row.timings.get(f"{lib} off"), row.timings.get(f"{lib} on")
            cells.append(f"{_harness.format_seconds(off.median)} / {_harness.format_seconds(on.median)}"
                         if off and on else "—")
        for lib in LIBS:
            r = row.ratio(f"{lib} on", f"{lib} off")
            cells.append(f"{r:.2f}x" if r is not None else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args):
    settings = overhead.settings_from(args)
    if not args.quick:
        settings = dataclasses.replace(settings, sample_seconds=0.2)
    torch = None if args.no_torch else machine.import_torch(K.get_num_threads())
    libs = {"pyautograd": pyautograd}
    if torch is not None:
        libs["PyTorch"] = torch
    header = machine.print_header("Anomaly mode cost", args.quick, torch)
    print("Times are medians per call with anomaly detection off / on "
          "(`autograd.set_detect_anomaly(True)` around the call); slowdown = on / off.")
    print()
    rows = []
    for workload, make in WORKLOADS.items():
        if args.only and args.only not in workload:
            continue
        print(workload, end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        cands = {}
        for name, lib in libs.items():
            cands[f"{name} off"] = make(name, lib)
            cands[f"{name} on"] = _anomaly(lib, make(name, lib))
        row = _harness.Row("Anomaly mode", workload, "")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row.timings = _harness.measure(cands, settings)
        rows.append(row)
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

"""The anomaly-mode cost: ``python -m bench anomaly [--quick] [--json PATH]``.

How much slower a workload runs with ``torch.autograd.set_detect_anomaly(True)``
than without, in pyautograd (auto backend) and in PyTorch when installed: the
MLP training step of ``bench mlp`` and the op chain (forward + backward) of
``bench overhead``. On and off are timed interleaved, each from its own copy of the
weights: ours in this process, PyTorch's in a process of its own (bench/_torch_child.py);
slowdown = median(on) / median(off).
"""
import dataclasses
import sys
import time
import warnings

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, mlp_setup, overhead

LIBS = ("pyautograd", "PyTorch")
# the table's names -> mlp_setup.anomaly_workload's keys
WORKLOADS = {"MLP step 784-512-512-10, batch 128": "mlp", "op chain 400 x (mul, add) + backward": "chain"}


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
    torch = None if args.no_torch else machine.torch_in_children(K.get_num_threads())
    header = machine.print_header("Anomaly mode cost", args.quick, torch)
    print("Times are medians per call with anomaly detection off / on "
          "(`autograd.set_detect_anomaly(True)` around the call); slowdown = on / off.")
    print()
    rows = []
    workloads = {w: key for w, key in WORKLOADS.items() if not args.only or args.only in w}
    theirs = {}
    if torch is not None:  # PyTorch's off / on, in a process of its own
        theirs = machine.torch_timings("anomaly", list(workloads.values()), settings, K.get_num_threads())
    for workload, key in workloads.items():
        print(workload, end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        row = _harness.Row("Anomaly mode", workload, "")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row.timings = _harness.measure(mlp_setup.anomaly_candidates(pyautograd, key, "pyautograd"), settings)
        row.timings.update(_harness.timings_from_json(theirs.get(key, {})))
        rows.append(row)
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

"""The scale study: ``python -m bench scale [--quick] [--json PATH]``.

How the MLP training step (784-H-H-10, ReLU, cross-entropy, Adam, float32)
grows with the batch size (at H = 512) and the hidden width H (at batch 128),
pyautograd against PyTorch with fused Adam (timed in a process of its own, bench/_torch_child.py),
and how much of each step is
matrix products: the step's eight products (three forward, five backward: the
first layer's input needs no gradient) timed alone, with the same kernels the
step calls (pyautograd: kernels.linear with its bias/relu epilogue and
kernels.matmul on transposed views; PyTorch: addmm and mm under no_grad).
GEMM share = products alone / whole step.
"""
import dataclasses
import sys
import time

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, mlp_setup, reference_numpy
from .overhead import settings_from

HIDDEN = 512
BATCHES = (32, 128, 512, 1024)
WIDTHS = (128, 512, 1024, 2048)
QUICK_BATCHES, QUICK_WIDTHS = (16, 64), (64,)
OURS, TORCH = "pyautograd", "PyTorch fused Adam"
OURS_MM, TORCH_MM = "pyautograd products", "PyTorch products"


def flops(batch, width):
    """6 x batch x weights: the step's multiply-adds counted as 2 flops, forward and backward."""
    return 6 * batch * mlp_setup.weights(mlp_setup.sizes_for(width))


def _ours_products(params, x):
    return mlp_setup.products(params, x, lambda h, w, b, relu: K.linear(h, w, b, activation="relu" if relu else None),
                    K.matmul, lambda a: a.T)


def candidates(batch, width):
    """Our step and its products alone (PyTorch's: mlp_setup.torch_scale_candidates, in its own process)."""
    sizes = mlp_setup.sizes_for(width)
    params = reference_numpy.init(sizes)
    x, target = mlp_setup.data(batch, sizes)
    return {OURS: mlp_setup.library_step(pyautograd, params, x, target), OURS_MM: _ours_products(params, x)}


def _ms(t):
    return f"{t.median * 1e3:.2f} ({t.min * 1e3:.2f})" if t else "—"


def _share(row, part, whole):
    r = row.ratio(part, whole)
    return f"{r:.0%}" if r is not None else "—"


def markdown_table(rows):
    head = ["batch", "hidden", "GFLOP/step", "pyautograd ms", "PyTorch fused ms", "ours / PyTorch",
            "ours GFLOP/s", "ours GEMM share", "PyTorch GEMM share"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ratio = row.ratio(OURS, TORCH)
        cells = [row.case, row.size, f"{row.work[1] / 1e9:.3f}", _ms(row.timings.get(OURS)),
                 _ms(row.timings.get(TORCH)), f"{ratio:.2f}x" if ratio else "—",
                 f"{row.throughput(OURS):.3g}", _share(row, OURS_MM, OURS), _share(row, TORCH_MM, TORCH)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def configs(quick):
    """(batch, width) pairs: the batch sweep at HIDDEN, then the width sweep at batch 128."""
    batches, widths = (QUICK_BATCHES, QUICK_WIDTHS) if quick else (BATCHES, WIDTHS)
    pairs = [(b, HIDDEN if not quick else widths[0]) for b in batches]
    base = mlp_setup.BATCH if not quick else batches[0]
    return pairs + [(base, w) for w in widths if (base, w) not in pairs]


def run(args):
    settings = settings_from(args)
    if not args.quick:
        settings = dataclasses.replace(settings, repeats=args.repeats or 5, sample_seconds=0.05)
    torch = None if args.no_torch else machine.torch_in_children(K.get_num_threads())
    header = machine.print_header("Scale: step time against batch size and hidden width", args.quick, torch)
    print("MLP 784-H-H-10 (ReLU), float32, one step = zero_grad, forward, cross_entropy, backward, Adam; "
          "pyautograd against PyTorch with `fused=True` Adam. Times in ms, median (min). GEMM share: the "
          "step's eight matrix products timed alone, as a fraction of the step.")
    print()
    print(_harness.clock_note(settings))
    print()
    rows = []
    pairs = [(b, w) for b, w in configs(args.quick) if not args.only or args.only in f"batch {b} hidden {w}"]
    theirs = {}
    if torch is not None:  # PyTorch's step and products, every size, in a process of its own
        theirs = machine.torch_timings("scale", [f"{b}x{w}" for b, w in pairs], settings, K.get_num_threads())
    for batch, width in pairs:
        case, size = str(batch), str(width)
        print(f"batch {batch}, hidden {width}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        row = _harness.Row("Scale", case, size, work=("GFLOP/s", flops(batch, width)))
        row.timings = _harness.measure(candidates(batch, width), settings)
        row.timings.update(_harness.timings_from_json(theirs.get(f"{batch}x{width}", {})))
        rows.append(row)
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

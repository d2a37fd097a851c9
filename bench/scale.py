"""The scale study: ``python -m bench scale [--quick] [--json PATH]``.

How the MLP training step (784-H-H-10, ReLU, cross-entropy, Adam, float32)
grows with the batch size (at H = 512) and the hidden width H (at batch 128),
pyautograd against PyTorch with fused Adam, and how much of each step is
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


def sizes_for(width):
    return (mlp_setup.SIZES[0], width, width, mlp_setup.SIZES[-1])


def flops(batch, width):
    """6 x batch x weights: the step's multiply-adds counted as 2 flops, forward and backward."""
    return 6 * batch * mlp_setup.weights(sizes_for(width))


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


def _ours_products(params, x):
    return products(params, x, lambda h, w, b, relu: K.linear(h, w, b, activation="relu" if relu else None),
                    K.matmul, lambda a: a.T)


def _torch_products(torch, params, x):
    tparams = [(torch.from_numpy(w), torch.from_numpy(b)) for w, b in params]

    def linear(h, w, b, relu):
        out = torch.addmm(b, h, w.t())
        return out.relu_() if relu else out

    run = products(tparams, torch.from_numpy(x), linear, torch.mm, lambda a: a.t())

    def no_grad_run():
        with torch.no_grad():
            run()
    return no_grad_run


def candidates(torch, batch, width):
    sizes = sizes_for(width)
    params = reference_numpy.init(sizes)
    x, target = mlp_setup.data(batch, sizes)
    cands = {OURS: mlp_setup.library_step(pyautograd, params, x, target), OURS_MM: _ours_products(params, x)}
    if torch is not None:
        cands[TORCH] = mlp_setup.library_step(torch, params, x, target, fused=True)
        cands[TORCH_MM] = _torch_products(torch, params, x)
    return cands


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
    torch = None if args.no_torch else machine.import_torch(K.get_num_threads())
    header = machine.print_header("Scale: step time against batch size and hidden width", args.quick, torch)
    print("MLP 784-H-H-10 (ReLU), float32, one step = zero_grad, forward, cross_entropy, backward, Adam; "
          "pyautograd against PyTorch with `fused=True` Adam. Times in ms, median (min). GEMM share: the "
          "step's eight matrix products timed alone, as a fraction of the step.")
    print()
    print(_harness.clock_note(settings))
    print()
    rows = []
    for batch, width in configs(args.quick):
        case, size = str(batch), str(width)
        if args.only and args.only not in f"batch {case} hidden {size}":
            continue
        print(f"batch {batch}, hidden {width}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        row = _harness.Row("Scale", case, size, work=("GFLOP/s", flops(batch, width)))
        row.timings = _harness.measure(candidates(torch, batch, width), settings)
        rows.append(row)
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

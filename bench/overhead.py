"""The per-op overhead benchmark: ``python -m bench overhead [--quick] [--json PATH]``.

A chain of tiny ops, where the time is all bookkeeping (dispatch, graph
recording, backward traversal) and none of it arithmetic: ``y = y * 1.0001 +
0.001`` repeated 400 times on a (64,) float32 tensor that requires grad, then
``y.sum().backward()``. Reported as microseconds per op: total time / 800 (the
800 forward ops; the backward is billed to them).

Rows: forward + backward, forward only (graph recorded), forward under
no_grad. Columns: pyautograd (auto backend), the NumPy floor (the same 800 ops
on ndarrays, plus the backward's 400 multiplications for the first row), and
PyTorch only when a caller passes it to ``candidates`` (``run`` does not: PyTorch
is measured in its own process by ``python -m bench compare``).
"""
import sys
import time

import numpy as np

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, mlp_setup

STEPS = mlp_setup.CHAIN_STEPS
OPS = 2 * STEPS
COLUMNS = ("pyautograd", "NumPy", "PyTorch")


def _no_grad(lib, x):
    def run():
        with lib.no_grad():
            y = x
            for _ in range(STEPS):
                y = y * 1.0001 + 0.001
    return run


def _numpy_chain(a, backward):
    def run():
        y = a
        for _ in range(STEPS):
            y = y * np.float32(1.0001) + np.float32(0.001)
        if backward:
            g = np.ones_like(a)
            for _ in range(STEPS):
                g = g * np.float32(1.0001)
    return run


def candidates(torch):
    """{row name: {column: callable}}."""
    a = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    rows = {}
    libs = {"pyautograd": pyautograd}
    if torch is not None:
        libs["PyTorch"] = torch
    tensors = {name: lib.tensor(a.copy(), requires_grad=True) for name, lib in libs.items()}
    rows["forward + backward"] = {n: mlp_setup.op_chain(lib, tensors[n], True) for n, lib in libs.items()}
    rows["forward + backward"]["NumPy"] = _numpy_chain(a, True)
    rows["forward only (graph recorded)"] = {n: mlp_setup.op_chain(lib, tensors[n], False) for n, lib in libs.items()}
    rows["forward only (graph recorded)"]["NumPy"] = _numpy_chain(a, False)
    rows["forward under no_grad"] = {n: _no_grad(lib, tensors[n]) for n, lib in libs.items()}
    rows["forward under no_grad"]["NumPy"] = _numpy_chain(a, False)
    return rows


def _us(t):
    return f"{t.median / OPS * 1e6:.2f} ({t.min / OPS * 1e6:.2f})" if t else "—"


def _ratio(row, a, b):
    r = row.ratio(a, b)
    return f"{r:.2f}x" if r is not None else "—"


def markdown_table(rows):
    head = ["case", "pyautograd us/op", "NumPy floor us/op", "PyTorch us/op", "ours / PyTorch", "ours / NumPy"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        if row.note and not row.timings:
            lines.append(f"| {row.case} | {row.note} |" + " |" * (len(head) - 2))
            continue
        cells = [row.case] + [_us(row.timings.get(c)) for c in COLUMNS]
        cells += [_ratio(row, "pyautograd", "PyTorch"), _ratio(row, "pyautograd", "NumPy")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def settings_from(args):
    """The small-step suites' settings: 0.1 s samples on full runs."""
    return _harness.settings_from(args, sample_seconds=0.1)


def run(args):
    settings = settings_from(args)
    # PyTorch is measured in its own process (python -m bench compare), never inside ours: in one
    # process each library pays for the other's allocator state and idle thread pools.
    torch = None
    header = machine.print_header("Per-op overhead", args.quick, torch)
    print(f"Chain `y = y * 1.0001 + 0.001` x {STEPS} on a (64,) float32 tensor requiring grad, then "
          f"`y.sum().backward()`. **Microseconds per op = total time / {OPS}** (the forward ops; the backward "
          f"is billed to them), median (min). NumPy floor: the same {OPS} ops on ndarrays, plus the backward's "
          f"{STEPS} multiplications in the first row. pyautograd backend: {K.backend()}.")
    print()
    rows = []
    for name, cands in candidates(torch).items():
        if args.only and args.only not in name:
            continue
        print(f"{name}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        row = _harness.Row("Per-op overhead", name, "(64,) x 800 ops")
        try:
            row.timings = _harness.measure(cands, settings)
        except Exception as exc:
            row.note = f"error: {type(exc).__name__}: {exc}"
        rows.append(row)
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    print()
    print("Ratios are of medians; above 1, pyautograd is slower. PyTorch, each library in its own process: "
          "`python -m bench compare`.")
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0

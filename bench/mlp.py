"""The MLP training-step benchmark: ``python -m bench mlp [--quick] [--json PATH]``.

One training step (zero_grad, forward, cross_entropy, backward, Adam step) of
an MLP 784-512-512-10 with ReLU, batch 128, float32, three ways in one process
from the same initial weights:

* ``pyautograd (auto)``: the default backend (C kernels where they win);
* ``pyautograd (numpy)``: the same code under ``kernels.use_backend("numpy")``,
  i.e. what ``PYAUTOGRAD_BACKEND=numpy`` runs;
* ``NumPy reference``: bench/reference_numpy.py, the hand-written step;
PyTorch (``optim.Adam`` default and ``fused=True``) is not measured here but in
its own process, by ``python -m bench compare``; ``candidates(torch)`` still
builds its steps for callers that pass a torch module.

Reported: time per step, GFLOP/s counting 6 x batch x weights (forward 2,
backward 4 flops per weight and sample), ratios, and minor page faults per
step (resource.getrusage), which show allocations that go back to the OS.
"""
import dataclasses
import resource
import sys
import time

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, mlp_setup, reference_numpy
from .overhead import settings_from

SIZES, BATCH = mlp_setup.SIZES, mlp_setup.BATCH
WEIGHTS = mlp_setup.weights(SIZES)
FLOPS = 6 * BATCH * WEIGHTS
REF = "NumPy reference"
TORCH = "PyTorch Adam"
FUSED = "PyTorch fused Adam"
PHASES = ("forward", "backward", "optimizer")


def _with_backend(name, fn):
    def run():
        with K.use_backend(name):
            return fn()
    return run


def candidates(torch, batch=BATCH, sizes=SIZES):
    """{column: step callable}, all from the same initial weights."""
    params = reference_numpy.init(sizes)
    x, target = mlp_setup.data(batch, sizes)
    cands = {"pyautograd (auto)": mlp_setup.library_step(pyautograd, params, x, target),
             "pyautograd (numpy)": _with_backend("numpy", mlp_setup.library_step(pyautograd, params, x, target))}
    trainer = reference_numpy.Trainer([(w.copy(), b.copy()) for w, b in params])
    cands[REF] = lambda: trainer.step(x, target)
    if torch is not None:
        cands[TORCH] = mlp_setup.library_step(torch, params, x, target)
        cands[FUSED] = mlp_setup.library_step(torch, params, x, target, fused=True)
    return cands


def minor_faults_per_call(fn, calls):
    """Minor page faults per call of fn (resource.getrusage, this process)."""
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def _per(t, base):
    return f"{t.median / base.median:.2f}x" if base else "—"


def markdown_table(timings, faults, flops):
    head = ["candidate", "ms/step median (min)", "GFLOP/s", "/ NumPy ref", "/ PyTorch Adam", "/ PyTorch fused Adam",
            "minor faults/step"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, t in timings.items():
        cells = [name, f"{t.median * 1e3:.2f} ({t.min * 1e3:.2f})", f"{flops / t.median / 1e9:.1f}",
                 _per(t, timings.get(REF)), _per(t, timings.get(TORCH)), _per(t, timings.get(FUSED)),
                 f"{faults.get(name, float('nan')):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def phase_timings(steps, settings, per_round):
    """{phase: {candidate: Timing}}: each Step's forward (with zero_grad and the loss), backward and
    optimizer step timed separately, per_round steps per candidate per round, rounds interleaved."""
    samples = {ph: {name: [] for name in steps} for ph in PHASES}
    clock = _harness.clock(settings)
    for r in range(settings.repeats):
        names = list(steps)
        k = r % len(names)
        for name in names[k:] + names[:k]:
            step = steps[name]
            for _ in range(per_round):
                t0 = clock()
                loss = step.forward()
                t1 = clock()
                step.backward(loss)
                t2 = clock()
                step.update()
                t3 = clock()
                for ph, dt in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2)):
                    samples[ph][name].append(dt)
    return {ph: {name: _harness.Timing(v, 1) for name, v in by.items()} for ph, by in samples.items()}


def phase_table(phases):
    names = list(phases[PHASES[0]])
    head = ["phase"] + [f"{n} ms median (min)" for n in names]
    if FUSED in names:
        head += [f"{n} / PyTorch fused" for n in names if n != FUSED]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for ph in PHASES:
        t = phases[ph]
        cells = [ph] + [f"{t[n].median * 1e3:.2f} ({t[n].min * 1e3:.2f})" for n in names]
        if FUSED in names:
            cells += [_per(t[n], t[FUSED]) for n in names if n != FUSED]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args):
    settings = settings_from(args)
    if not args.quick:
        settings = dataclasses.replace(settings, sample_seconds=0.2)
    # PyTorch is measured in its own process (python -m bench compare), never inside ours.
    torch = None
    header = machine.print_header("MLP training step", args.quick, torch)
    print(f"MLP {'-'.join(map(str, SIZES))} (ReLU), batch {BATCH}, float32; one step = zero_grad, forward, "
          f"cross_entropy, backward, Adam step. GFLOP/s counts 6 x batch x weights = {FLOPS / 1e9:.3f} GFLOP "
          f"per step. Ratios are of medians (above 1: slower than the reference column).")
    print()
    print(_harness.clock_note(settings))
    print("Our backends in one process; PyTorch and the NumPy reference each in its own process: "
          "`python -m bench compare`.")
    print()
    cands = candidates(torch)
    if args.only:
        cands = {k: v for k, v in cands.items() if args.only in k}
    start = time.perf_counter()
    timings = _harness.measure(cands, settings)
    faults = {name: minor_faults_per_call(fn, 1 if args.quick else 10) for name, fn in cands.items()}
    print(f"measured in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(markdown_table(timings, faults, FLOPS))
    steps = {k: v for k, v in cands.items() if isinstance(v, mlp_setup.Step)}
    phases = phase_timings(steps, settings, 2 if args.quick else 10)
    print()
    print("Per phase (each step timed phase by phase; forward includes zero_grad and the loss):")
    print()
    print(phase_table(phases))
    if args.json:
        row = _harness.Row("MLP training step", "784-512-512-10", f"batch {BATCH}", timings, ("GFLOP/s", FLOPS),
                           note="minor faults per step: " + ", ".join(f"{k}={v:.0f}" for k, v in faults.items()))
        rows = [row] + [_harness.Row("MLP step phases", ph, f"batch {BATCH}", phases[ph]) for ph in PHASES]
        _harness.write_json(args.json, header, settings, rows)
    return 0

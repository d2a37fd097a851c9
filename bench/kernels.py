"""The kernel benchmark: ``python -m bench kernels [--quick] [--json PATH]``.

Every case times the same call four ways, the first three side by side in this process:

* ``C``: the C wrapper, ``pyautograd.kernels._c.<name>`` (absent when the
  kernel has no C implementation);
* ``dispatch``: ``pyautograd.kernels.<name>``, whatever the dispatcher picks
  at this size (the last column says which, and flags a wrong pick);
* ``NumPy``: the NumPy reference ``pyautograd.kernels._numpy.<name>``, except
  where a case names plain NumPy code (the linear layer, the call overhead);
* ``PyTorch``: the same operation in PyTorch (``torch.from_numpy`` of the same arrays), with
  the same thread count, in a fresh process of its own (bench/_torch_child.py) that times
  every case's PyTorch call, so that neither library runs inside the other's process.

A case whose kernel is not in ``pyautograd.kernels`` yet is listed as skipped.
"""
import dataclasses
import functools
import sys
import time

import numpy as np

import pyautograd.kernels as K
from pyautograd.kernels import _numpy

from . import _harness, machine

try:
    from pyautograd.kernels import _c
except ImportError:  # no build: the C column stays empty, the dispatcher runs NumPy
    _c = None

F32, F64 = np.float32, np.float64


@dataclasses.dataclass
class Case:
    """One benchmark case.

    kernels: the names it needs in pyautograd.kernels (skipped while one is missing).
    setup: setup(torch or None) -> (candidates {column: zero-argument callable}, work);
        see _harness.Row for work. Called only when the case runs.
    quick: part of the --quick subset.
    """

    section: str
    case: str
    size: str
    kernels: tuple
    setup: object
    quick: bool = False


def _rng():
    return np.random.default_rng(0)


def _c_fn(name):
    """The C wrapper of kernel `name`, or None when it has no C implementation."""
    return getattr(_c, name) if _c is not None and name in K.c_names() else None


def _columns(name, args, kwargs=None, numpy_fn=None):
    """C, dispatch and NumPy candidates calling kernel `name` on args (NumPy: the reference unless given)."""
    kwargs = kwargs or {}
    cands = {}
    c = _c_fn(name)
    if c is not None:
        cands["C"] = functools.partial(c, *args, **kwargs)
    cands["dispatch"] = functools.partial(getattr(K, name), *args, **kwargs)
    cands["NumPy"] = numpy_fn or functools.partial(getattr(_numpy, name), *args, **kwargs)
    return cands


# ---- pointwise -------------------------------------------------------------------------

_POINTWISE_TORCH = {"add": "add", "mul": "mul", "exp": "exp", "tanh": "tanh", "sigmoid": "sigmoid"}


def _pointwise(name, n):
    def setup(torch):
        rng = _rng()
        args = (rng.standard_normal(n).astype(F32),)
        if name in ("add", "mul"):
            args += (rng.standard_normal(n).astype(F32),)
        cands = _columns(name, args)
        if torch is not None:
            fn = torch.nn.functional.gelu if name == "gelu" else getattr(torch, _POINTWISE_TORCH[name])
            cands["PyTorch"] = functools.partial(fn, *(torch.from_numpy(a) for a in args))
        return cands, ("GB/s", (len(args) + 1) * n * 4)
    return setup


def pointwise_cases():
    quick = {("add", 1_000), ("add", 100_000), ("exp", 100_000)}
    return [Case("Pointwise (float32)", name, f"{n:.0e}".replace("+0", ""), (name,), _pointwise(name, n),
                 (name, n) in quick)
            for name in ("add", "mul", "exp", "tanh", "sigmoid", "gelu") for n in (1_000, 100_000, 10_000_000)]


# ---- GEMM and the linear layer ------------------------------------------------------------

def _gemm(n, dtype):
    def setup(torch):
        rng = _rng()
        a, b = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
        cands = _columns("gemm", (a, b))
        if torch is not None:
            cands["PyTorch"] = functools.partial(torch.mm, torch.from_numpy(a), torch.from_numpy(b))
        return cands, ("GFLOP/s", 2 * n ** 3)
    return setup


def gemm_cases():
    return [Case(f"GEMM ({np.dtype(dt).name})", "gemm", f"{n}x{n}", ("gemm",), _gemm(n, dt),
                 dt is F32 and n in (64, 256))
            for dt in (F32, F64) for n in (64, 256, 512, 1024, 2048)]


def _linear():
    def setup(torch):
        rng = _rng()
        x = rng.standard_normal((128, 784)).astype(F32)
        w = (rng.standard_normal((512, 784)) / 28).astype(F32)
        b = rng.standard_normal(512).astype(F32)
        cands = _columns("linear", (x, w, b), {"activation": "relu"},
                         numpy_fn=lambda: np.maximum(x @ w.T + b, 0))
        if torch is not None:
            tx, tw, tb = (torch.from_numpy(a) for a in (x, w, b))
            cands["PyTorch"] = lambda: torch.relu(torch.nn.functional.linear(tx, tw, tb))
        return cands, ("GFLOP/s", 2 * 128 * 784 * 512)
    return setup


def linear_cases():
    return [Case("Linear layer (float32)", "linear + bias + relu", "128x784 @ 784x512", ("linear",), _linear(),
                 True)]


# ---- reductions ---------------------------------------------------------------------------

def _sum(shape, axes):
    def setup(torch):
        x = _rng().standard_normal(shape).astype(F32)
        kwargs = {} if axes is None else {"axes": axes}
        cands = _columns("sum", (x,), kwargs)
        if torch is not None:
            t = torch.from_numpy(x)
            cands["PyTorch"] = (functools.partial(torch.sum, t) if axes is None
                                else functools.partial(torch.sum, t, dim=axes))
        return cands, ("GB/s", x.nbytes)
    return setup


def _softmax(shape):
    def setup(torch):
        x = _rng().standard_normal(shape).astype(F32)
        cands = _columns("softmax", (x, 1))
        if torch is not None:
            cands["PyTorch"] = functools.partial(torch.softmax, torch.from_numpy(x), 1)
        return cands, ("GB/s", 2 * x.nbytes)
    return setup


def _cross_entropy(n, classes):
    def setup(torch):
        rng = _rng()
        logits = rng.standard_normal((n, classes)).astype(F32)
        target = rng.integers(0, classes, n).astype(np.int64)
        grad = np.array(1.0, F32)

        def run(module):
            module.cross_entropy(logits, target)
            module.cross_entropy_backward(grad, logits, target)

        cands = {}
        if _c_fn("cross_entropy") and _c_fn("cross_entropy_backward"):
            cands["C"] = functools.partial(run, _c)
        cands["dispatch"] = functools.partial(run, K)
        cands["NumPy"] = functools.partial(run, _numpy)
        if torch is not None:
            tl = torch.from_numpy(logits.copy()).requires_grad_()
            tt = torch.from_numpy(target)

            def run_torch():
                tl.grad = None
                torch.nn.functional.cross_entropy(tl, tt).backward()
            cands["PyTorch"] = run_torch
        # forward reads the logits; backward reads them again and writes their gradient
        return cands, ("GB/s", 3 * logits.nbytes)
    return setup


def reduction_cases():
    section = "Reductions (float32)"
    return [
        Case(section, "sum (all)", "1e6", ("sum",), _sum((1_000_000,), None), True),
        Case(section, "sum (all)", "1e7", ("sum",), _sum((10_000_000,), None)),
        Case(section, "column sum (axis 0)", "128x512", ("sum",), _sum((128, 512), (0,)), True),
        Case(section, "softmax (axis 1)", "1024x1000", ("softmax",), _softmax((1024, 1000)), True),
        Case(section, "cross_entropy fwd+bwd", "128x10", ("cross_entropy", "cross_entropy_backward"),
             _cross_entropy(128, 10), True),
        Case(section, "cross_entropy fwd+bwd", "1024x1000", ("cross_entropy", "cross_entropy_backward"),
             _cross_entropy(1024, 1000)),
    ]


# ---- optimizers -----------------------------------------------------------------------------

ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
MLP_SHAPES = [(512, 784), (512,), (512, 512), (512,), (10, 512), (10,)]


def _adam_state(shapes):
    rng = _rng()
    params = [rng.standard_normal(s).astype(F32) for s in shapes]
    grads = [rng.standard_normal(s).astype(F32) for s in shapes]
    exp_avgs = [np.zeros(s, F32) for s in shapes]
    exp_avg_sqs = [np.zeros(s, F32) for s in shapes]
    return params, grads, exp_avgs, exp_avg_sqs


def _torch_optimizer(torch, cls, params, grads, **options):
    """A PyTorch optimizer over tensors sharing the arrays' memory, its grads set; fused if it can be."""
    tensors = [torch.from_numpy(p) for p in params]
    for t, g in zip(tensors, grads):
        t.grad = torch.from_numpy(g)
    try:
        return cls(tensors, **options)
    except (RuntimeError, ValueError, TypeError):  # an older PyTorch without the CPU fused path
        options.pop("fused", None)
        return cls(tensors, **options)


def _adam(n):
    def setup(torch):
        (p,), (g,), (m,), (v,) = _adam_state([(n,)])
        cands = _columns("adam_step", (p, g, m, v), dict(step=10, **ADAM))
        if torch is not None:
            opt = _torch_optimizer(torch, torch.optim.Adam, [p], [g], lr=ADAM["lr"], fused=True)
            cands["PyTorch"] = opt.step
        # reads param, grad, exp_avg, exp_avg_sq; writes param, exp_avg, exp_avg_sq
        return cands, ("GB/s", 7 * 4 * n)
    return setup


def _sgd(n):
    def setup(torch):
        rng = _rng()
        p, g = rng.standard_normal(n).astype(F32), rng.standard_normal(n).astype(F32)
        buf = np.zeros(n, F32)
        cands = _columns("sgd_step", (p, g, buf), dict(lr=1e-3, momentum=0.9))
        if torch is not None:
            opt = _torch_optimizer(torch, torch.optim.SGD, [p], [g], lr=1e-3, momentum=0.9, fused=True)
            opt.step()  # PyTorch's first step only copies the gradient into the buffer
            cands["PyTorch"] = opt.step
        return cands, ("GB/s", 5 * 4 * n)
    return setup


def _rmsprop(n):
    def setup(torch):
        rng = _rng()
        p, g = rng.standard_normal(n).astype(F32), rng.standard_normal(n).astype(F32)
        sq, buf = np.zeros(n, F32), np.zeros(n, F32)
        cands = _columns("rmsprop_step", (p, g, sq, None, buf), dict(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.9))
        if torch is not None:
            opt = _torch_optimizer(torch, torch.optim.RMSprop, [p], [g], lr=1e-2, momentum=0.9, foreach=False)
            cands["PyTorch"] = opt.step
        # reads param, grad, square_avg, buffer; writes param, square_avg, buffer
        return cands, ("GB/s", 7 * 4 * n)
    return setup


def _adagrad(n):
    def setup(torch):
        rng = _rng()
        p, g = rng.standard_normal(n).astype(F32), rng.standard_normal(n).astype(F32)
        state_sum = np.full(n, 0.1, F32)
        cands = _columns("adagrad_step", (p, g, state_sum), dict(step=10, lr=1e-2, eps=1e-10))
        if torch is not None:
            opt = _torch_optimizer(torch, torch.optim.Adagrad, [p], [g], lr=1e-2, fused=True)
            cands["PyTorch"] = opt.step
        # reads param, grad, sum; writes param, sum
        return cands, ("GB/s", 5 * 4 * n)
    return setup


def _adam_group(shapes, loop):
    """Adam over a parameter group: the many-form in one call, or (loop) one call per tensor."""
    def setup(torch):
        params, grads, exp_avgs, exp_avg_sqs = _adam_state(shapes)
        options = dict(step=10, **ADAM)
        if loop:
            def per_tensor(fn):
                for i in range(len(params)):
                    fn(params[i], grads[i], exp_avgs[i], exp_avg_sqs[i], **options)
            cands = {"dispatch": functools.partial(per_tensor, K.adam_step),
                     "NumPy": functools.partial(per_tensor, _numpy.adam_step)}
            if _c_fn("adam_step"):
                cands = {"C": functools.partial(per_tensor, _c.adam_step), **cands}
        else:
            cands = _columns("adam_step_many", (params, grads, exp_avgs, exp_avg_sqs), options)
        if torch is not None:
            flavour = dict(foreach=False) if loop else dict(fused=True)
            cands["PyTorch"] = _torch_optimizer(torch, torch.optim.Adam, params, grads, lr=ADAM["lr"],
                                                **flavour).step
        return cands, ("GB/s", 7 * 4 * sum(int(np.prod(s)) for s in shapes))
    return setup


def optimizer_cases():
    section = "Optimizer steps (float32, in place)"
    small = [(1000,)] * 100
    return [
        Case(section, "adam_step", "1e6", ("adam_step",), _adam(1_000_000), True),
        Case(section, "adam_step", "1e4", ("adam_step",), _adam(10_000)),
        Case(section, "sgd_step (momentum 0.9)", "1e6", ("sgd_step",), _sgd(1_000_000), True),
        Case(section, "rmsprop_step (momentum 0.9)", "1e6", ("rmsprop_step",), _rmsprop(1_000_000)),
        Case(section, "adagrad_step", "1e6", ("adagrad_step",), _adagrad(1_000_000)),
        Case(section, "adam_step_many", "MLP 784-512-512-10 (6 tensors)", ("adam_step_many",),
             _adam_group(MLP_SHAPES, loop=False), True),
        Case(section, "adam_step per tensor", "MLP 784-512-512-10 (6 tensors)", ("adam_step",),
             _adam_group(MLP_SHAPES, loop=True)),
        Case(section, "adam_step_many", "100 tensors x 1e3", ("adam_step_many",),
             _adam_group(small, loop=False)),
        Case(section, "adam_step per tensor", "100 tensors x 1e3", ("adam_step",), _adam_group(small, loop=True)),
    ]


# ---- call overhead ------------------------------------------------------------------------------

def _overhead(torch):
    rng = _rng()
    a, b = rng.standard_normal(64).astype(F32), rng.standard_normal(64).astype(F32)
    cands = _columns("mul", (a, b), numpy_fn=functools.partial(np.multiply, a, b))
    if torch is not None:
        cands["PyTorch"] = functools.partial(torch.mul, torch.from_numpy(a), torch.from_numpy(b))
    return cands, None


def overhead_cases():
    return [Case("Call overhead", "mul (C wrapper vs np.multiply)", "64", ("mul",), _overhead, True)]


def all_cases():
    """Every case, in report order."""
    return (pointwise_cases() + gemm_cases() + linear_cases() + reduction_cases() + optimizer_cases()
            + overhead_cases())


# ---- running ---------------------------------------------------------------------------------------

def case_key(case):
    """A case's name across processes."""
    return f"{case.section} | {case.case} | {case.size}"


def run_case(case, settings, torch_timing=None):
    """Measures one case's own columns; adds the PyTorch column measured elsewhere (its entry of
    machine.torch_timings); returns a _harness.Row (a skipped or failed case carries a note)."""
    row = _harness.Row(case.section, case.case, case.size)
    missing = [name for name in case.kernels if name not in K.names()]
    if missing:
        row.note = f"skipped: kernel {missing[0]} not built yet"
        return row
    try:
        candidates, row.work = case.setup(None)
        row.picked = _harness.dispatcher_choice(candidates["dispatch"])
        row.timings = _harness.measure(candidates, settings)
    except Exception as exc:  # a kernel whose API changed must not stop the whole report
        row.timings = {}
        row.note = f"error: {type(exc).__name__}: {exc}"
        return row
    if torch_timing and "PyTorch" in torch_timing:
        row.timings.update(_harness.timings_from_json(torch_timing))
    return row


def run(args):
    """Runs the suite with the parsed command-line options; prints markdown, optionally writes JSON."""
    settings = _harness.settings_from(args)
    torch = None if args.no_torch else machine.torch_in_children(K.get_num_threads())
    cases = [c for c in all_cases() if (c.quick or not args.quick)
             and (not args.only or args.only in f"{c.section} {c.case}")]
    header = machine.print_header("Kernel benchmark", args.quick, torch)
    theirs = {}
    if torch is not None:
        print("PyTorch, every case in its own process", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        theirs = machine.torch_timings("kernels", [case_key(c) for c in cases], settings, K.get_num_threads())
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    rows = []
    for i, case in enumerate(cases, 1):
        print(f"[{i}/{len(cases)}] {case.section}: {case.case} {case.size}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        rows.append(run_case(case, settings, theirs.get(case_key(case))))
        print(f" ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    for section in dict.fromkeys(r.section for r in rows):
        print()
        print(f"### {section}")
        print()
        print(_harness.markdown_table([r for r in rows if r.section == section]))
    print()
    for line in legend(torch is not None):
        print(line)
    print()
    print(bottom_line(rows))
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0


def legend(with_torch):
    """The table's footer: what the columns mean (lines of at most ~100 characters)."""
    lines = ["Times are the median per call over interleaved rounds (the min and all samples: --json).",
             "NumPy/C and PyTorch/C above 1 mean C is faster; rate is throughput (C / NumPy).",
             "picked: the backend the dispatcher chose at that size; \"NumPy 1.3x faster\" marks a",
             "size where the other backend was more than 10% faster (a crossover to revisit, not a failure)."]
    if not with_torch:
        lines.append("The PyTorch column is empty: PyTorch is not installed (pip install torch).")
    return lines


def bottom_line(rows):
    """One sentence saying what the run found."""
    timed = [r for r in rows if r.timings]
    ratios = sorted(r.ratio("NumPy") for r in timed if r.ratio("NumPy") is not None)
    failed = [r for r in rows if r.note and r.note.startswith("error")]
    parts = [f"{len(timed)} of {len(rows)} cases timed"]
    if ratios:
        faster = sum(x > 1 for x in ratios)
        parts.append(f"C beat NumPy in {faster} (median NumPy/C {ratios[len(ratios) // 2]:.2f}x)")
    slow = _harness.slower_picks(timed)
    parts.append(f"slower backend picked in {len(slow)}"
                 + (f" ({', '.join(f'{r.case} {r.size}' for r in slow[:3])}{', ...' if len(slow) > 3 else ''})"
                    if slow else ""))
    if failed:
        parts.append(f"{len(failed)} case(s) failed: {', '.join(r.case for r in failed[:3])}")
    return "Found: " + "; ".join(parts) + "."


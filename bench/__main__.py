"""Command line: ``python -m bench <suite> [--quick] [--json PATH] [--plot DIR] [--threads N] [--repeats N]
[--no-torch] [--only TEXT]``; ``python -m bench all ...`` runs every suite in turn."""
import argparse
import copy
import importlib
import os
import sys
import tempfile

# suite name -> module with run(args)
SUITES = {"kernels": "bench.kernels", "overhead": "bench.overhead", "mlp": "bench.mlp",
          "anomaly": "bench.anomaly", "memory": "bench.memory", "scale": "bench.scale",
          "ddp": "bench.ddp"}
SUITES["cnn"] = "bench.cnn"  # conv (issue 13)
SUITES["compare"] = "bench.compare"  # perf: cross-library comparison, one fresh process per library
SUITES["data"] = "bench.data"  # training tools (issue 15): DataLoader workers, checkpointing memory

# What each suite measures, for `python -m bench --help`.
DESCRIPTIONS = {
    "kernels": "each kernel in C, through the dispatcher, in the NumPy reference and in PyTorch, at several sizes",
    "overhead": "the per-op cost of a chain of tiny ops (dispatch and graph bookkeeping), against PyTorch",
    "mlp": "one MLP training step (forward, backward, Adam) on each backend and in PyTorch",
    "anomaly": "how much slower a training step runs under autograd anomaly detection",
    "memory": "peak resident memory of 50 MLP training steps, against PyTorch",
    "scale": "the MLP step time as batch size and hidden width grow, and the share spent in GEMM",
    "ddp": "data-parallel all-reduce and DDP training steps on 1 and 2 MPI ranks, against raw mpi4py and PyTorch",
    "data": "DataLoader throughput with 0, 1 and 2 worker processes, and checkpointing's memory saving",
    "cnn": "CNN training steps (MNIST Net, ResNet stage) and conv2d alone, against PyTorch and NumPy",  # conv
    "compare": "pyautograd, PyTorch and NumPy, each library in its own fresh process per round",
    "all": "every suite in turn (one machine header)",
}

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def parser():
    """The argument parser: one subcommand per suite and ``all``, with the common options."""
    p = argparse.ArgumentParser(prog="python -m bench",
                                description="pyautograd benchmarks (see docs/performance.md). The PyTorch "
                                            "columns need PyTorch installed (pip install torch); without it they "
                                            "are left out.")
    sub = p.add_subparsers(dest="suite", required=True, metavar="suite")
    for name in list(SUITES) + ["all"]:
        text = DESCRIPTIONS.get(name, f"the {name} benchmark (see bench/{name}.py)")
        s = sub.add_parser(name, help=text, description=text)
        s.add_argument("--quick", action="store_true", help="a small subset with short samples (a few seconds)")
        s.add_argument("--json", metavar="PATH",
                       help="also write every sample to PATH as JSON (with all: a directory, one file per suite)")
        s.add_argument("--plot", metavar="DIR", help="draw the ratios as DIR/<suite>.png (needs matplotlib)")
        s.add_argument("--threads", type=int, metavar="N",
                       help="threads for the C kernels, the BLAS and PyTorch (default: all cores)")
        s.add_argument("--repeats", type=int, metavar="N",
                       help="interleaved rounds per case (default 7, 3 with --quick); more on a noisy machine")
        s.add_argument("--cpu-time", action="store_true",
                       help="time CPU seconds of this process instead of wall time (for a shared machine; "
                            "use with --threads 1)")
        s.add_argument("--no-torch", action="store_true", help="leave out the PyTorch column")
        s.add_argument("--only", metavar="TEXT", help="run only the cases whose section or name contains TEXT")
    return p


def run_suite(name, args, scratch):
    """Runs one suite; with --plot, writes its JSON (to --json or scratch) and draws it."""
    args = copy.copy(args)
    if args.plot and not args.json:
        args.json = os.path.join(scratch, f"{name}.json")
    status = importlib.import_module(SUITES[name]).run(args)
    if args.plot:
        from . import plot
        png = plot.draw(name, args.json, os.path.join(args.plot, f"{name}.png"))
        print(f"plot: {png}", file=sys.stderr)
    return status


def main(argv=None):
    args = parser().parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        raise SystemExit("--repeats must be at least 1")
    if args.threads is not None:
        if args.threads < 1:
            raise SystemExit("--threads must be at least 1")
        # The BLAS reads its thread count when it is loaded, i.e. when NumPy is
        # first imported, which happens only below.
        for var in _THREAD_VARS:
            os.environ[var] = str(args.threads)
    if args.plot:
        from . import plot
        plot.require_matplotlib()  # before minutes of measuring, not after
        os.makedirs(args.plot, exist_ok=True)
    names = list(SUITES) if args.suite == "all" else [args.suite]
    json_dir = args.json if args.suite == "all" else None
    if json_dir:
        os.makedirs(json_dir, exist_ok=True)
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            suite_args = copy.copy(args)
            if json_dir:
                suite_args.json = os.path.join(json_dir, f"{name}.json")
            if len(names) > 1:
                print(f"\n<!-- python -m bench {name} -->\n", flush=True)
            status = run_suite(name, suite_args, scratch) or status
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m bench <suite> [--quick] [--json PATH] [--threads N] [--repeats N] [--no-torch]
[--only TEXT]``."""
import argparse
import importlib
import os
import sys

# suite name -> module with run(args)
SUITES = {"kernels": "bench.kernels", "overhead": "bench.overhead", "mlp": "bench.mlp",
          "anomaly": "bench.anomaly"}

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def parser():
    """The argument parser: one subcommand per suite, with the common options."""
    p = argparse.ArgumentParser(prog="python -m bench", description="pyautograd benchmarks (see docs/performance.md)")
    sub = p.add_subparsers(dest="suite", required=True, metavar="suite")
    for name in SUITES:
        s = sub.add_parser(name, help=f"the {name} benchmark")
        s.add_argument("--quick", action="store_true", help="a small subset with short samples (a few seconds)")
        s.add_argument("--json", metavar="PATH", help="also write every sample to PATH as JSON")
        s.add_argument("--threads", type=int, metavar="N",
                       help="threads for the C kernels, the BLAS and PyTorch (default: all cores)")
        s.add_argument("--repeats", type=int, metavar="N",
                       help="interleaved rounds per case (default 7, 3 with --quick); more on a noisy machine")
        s.add_argument("--no-torch", action="store_true", help="leave out the PyTorch column")
        s.add_argument("--only", metavar="TEXT", help="run only the cases whose section or name contains TEXT")
    return p


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
    return importlib.import_module(SUITES[args.suite]).run(args)


if __name__ == "__main__":
    sys.exit(main())

"""The memory benchmark: ``python -m bench memory [--quick] [--json PATH]``.

Peak resident memory of 50 MLP training steps (the step of ``bench mlp``:
784-512-512-10, batch 128, float32), each library in a fresh Python process so
nothing else it loaded counts: pyautograd (C kernels), pyautograd on its NumPy
backend, the hand-written NumPy reference, and PyTorch (fused Adam) when
installed. Also the import time of each library in that fresh process (``import
numpy`` for the reference), the resident memory right after the import, and
minor page faults per step over the last half of the steps.

Peak RSS is the process's high-water mark (VmHWM in /proc/self/status). Every child
runs ``--repeats`` times (3 by default, 1 with --quick): the table shows the
median peak and the median (min) import time.
"""
import json
import os
import statistics
import subprocess
import sys
import time

from . import machine, mlp_setup

STEPS = 50
REF = "NumPy reference"
# column -> (module the child imports and times, how the child builds its step)
LIBRARIES = {
    "pyautograd (C)": ("pyautograd", "auto"),
    "pyautograd (numpy)": ("pyautograd", "numpy"),
    REF: ("numpy", "reference"),
    "PyTorch (fused Adam)": ("torch", "fused"),
}


def measure(name, steps, batch, repeats):
    """The child's JSON results for library `name`, one dict per fresh process."""
    module, kind = LIBRARIES[name]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    code = f"from bench._memory_child import main; main({module!r}, {kind!r}, {steps}, {batch})"
    runs = []
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"the {name} child failed:\n{proc.stderr[-2000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return runs


def summary(runs):
    """Medians (and the min import time) of one library's runs."""
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    return {"peak_mib": med("peak_kib") / 1024, "rss_after_import_mib": med("rss_after_import_kib") / 1024,
            "import_ms": med("import_s") * 1e3, "import_min_ms": min(r["import_s"] for r in runs) * 1e3,
            "faults_per_step": med("faults_per_step"), "runs": runs}


def markdown_table(results):
    head = ["library", "peak RSS MiB", "/ NumPy ref", "RSS after import MiB", "import ms median (min)",
            "minor faults/step"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ref = results.get(REF)
    for name, r in results.items():
        cells = [name, f"{r['peak_mib']:.0f}", f"{r['peak_mib'] / ref['peak_mib']:.2f}x" if ref else "—",
                 f"{r['rss_after_import_mib']:.0f}", f"{r['import_ms']:.0f} ({r['import_min_ms']:.0f})",
                 f"{r['faults_per_step']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args):
    steps = 4 if args.quick else STEPS
    repeats = args.repeats or (1 if args.quick else 3)
    torch = None if args.no_torch else machine.import_torch(args.threads or 2)
    header = machine.print_header("Memory", args.quick, torch)
    print(f"Peak resident memory (VmHWM) of {steps} MLP training steps (784-512-512-10, batch "
          f"{mlp_setup.BATCH}, float32), each library in a fresh Python process, median of {repeats} "
          f"process(es); import time of the library in that process (`import numpy` for the reference); "
          f"minor page faults per step over the last {steps // 2} steps.")
    print()
    names = [n for n in LIBRARIES if not (LIBRARIES[n][0] == "torch" and torch is None)]
    if args.only:
        names = [n for n in names if args.only in n]
    results = {}
    for name in names:
        start = time.perf_counter()
        results[name] = summary(measure(name, steps, mlp_setup.BATCH, repeats))
        print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(markdown_table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": header, "settings": {"steps": steps, "repeats": repeats},
                       "results": results}, f, indent=1)
    return 0


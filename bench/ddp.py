"""``python -m bench ddp``: data-parallel training on MPI against PyTorch's DDP (gloo).

Every figure comes from whole jobs, one library per job, alternating round by round
(bench/ddp_child.py does the timing inside each rank, 1 thread per rank):

* all-reduce of float32 buffers between 2 ranks: ``dist.all_reduce`` against raw mpi4py
  ``Allreduce`` (the transport's own speed) and PyTorch's gloo;
* one DDP training step (Adam) of the MLP 784-512-512-10 at global batch 128, and of the
  PyTorch MNIST example's CNN at batch 64 when nn.Conv2d exists, at 1 and 2 ranks, with the
  share of all-reduce time hidden behind the backward.
"""
import json
import os
import statistics
import subprocess
import sys

from .machine import import_torch, print_header

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, "ddp_child.py")


def _launch(lib, nproc, child_args):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONPATH=os.path.dirname(HERE))
    if lib == "torch":
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(nproc)]
    else:
        cmd = [sys.executable, "-m", "pyautograd.distributed.run", "--nproc-per-node", str(nproc)]
    proc = subprocess.run(cmd + [CHILD, "--lib", lib] + child_args, env=env, capture_output=True, text=True,
                          timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        raise RuntimeError(f"bench ddp: {lib} job failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def _rounds(libs, nproc, child_args, repeats):
    """Median over rounds of each library's per-job median, jobs alternating."""
    results = {lib: [] for lib in libs}
    for r in range(repeats):
        for lib in (libs if r % 2 == 0 else libs[::-1]):
            results[lib].append(_launch(lib, nproc, child_args))
    return {lib: (statistics.median(x["median_s"] for x in runs), runs) for lib, runs in results.items()}


def _has_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _has_conv():
    import pyautograd.nn as nn
    return hasattr(nn, "Conv2d") and hasattr(nn, "MaxPool2d")


def run(args):
    repeats = args.repeats or (2 if args.quick else 5)
    steps = "5" if args.quick else "20"
    torch_ok = _has_torch() and not args.no_torch
    print_header("Data-parallel training on MPI (bench ddp)", args.quick, import_torch(1) if torch_ok else None)
    print("\nEach job is one library; jobs alternate; 1 thread per rank; medians over "
          f"{repeats} jobs of each job's median.\n")
    record = {"allreduce": [], "steps": []}
    only = (args.only or "").lower()  # a part of "all-reduce" or of "ddp step mlp" / "ddp step cnn"
    sizes = ((1.0,) if args.quick else (0.25, 1.0, 16.0)) if only in "all-reduce" else ()
    if sizes:
        print("| all-reduce, 2 ranks | pyautograd | raw mpi4py | ours / mpi4py |" + (" gloo (PyTorch) |" if torch_ok else ""))
        print("|---|---|---|---|" + ("---|" if torch_ok else ""))
    for mb in sizes:
        libs = ["ours", "mpi4py"] + (["torch"] if torch_ok else [])
        res = _rounds(libs, 2, ["allreduce", "--mbytes", str(mb), "--steps", steps], repeats)
        ratio = res["ours"][0] / res["mpi4py"][0]
        cells = f"| {mb:g} MiB | {res['ours'][0] * 1e3:.3f} ms | {res['mpi4py'][0] * 1e3:.3f} ms | {ratio:.2f}x |"
        if torch_ok:
            cells += f" {res['torch'][0] * 1e3:.3f} ms |"
        print(cells, flush=True)
        record["allreduce"].append({"mbytes": mb, **{lib: v[0] for lib, v in res.items()},
                                    **{f"{lib}_min": min(x["min_s"] for x in v[1]) for lib, v in res.items()}})
    models = ["mlp"] + (["cnn"] if _has_conv() and not args.quick else [])
    models = [m for m in models if only in f"ddp step {m}"]
    if models:
        print("\n| DDP step | ranks | pyautograd | PyTorch (gloo) | ours / PyTorch | all-reduce hidden |")
        print("|---|---|---|---|---|---|")
    for model in models:
        for nproc in (1, 2):
            libs = ["ours"] + (["torch"] if torch_ok else [])
            res = _rounds(libs, nproc, ["step", model, "--steps", steps], repeats)
            ours = res["ours"][0]
            hidden = [r.get("allreduce_hidden_share") for r in res["ours"][1] if "allreduce_hidden_share" in r]
            theirs = res["torch"][0] if torch_ok else None
            versus = f"{theirs * 1e3:.2f} ms | {ours / theirs:.2f}x" if theirs else "- | -"
            share = f"{statistics.median(hidden):.0%}" if hidden else "-"
            print(f"| {model} | {nproc} | {ours * 1e3:.2f} ms | {versus} | {share} |", flush=True)
            record["steps"].append({"model": model, "ranks": nproc, **{lib: v[0] for lib, v in res.items()}})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)
    return 0

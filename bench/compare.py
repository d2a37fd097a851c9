"""Cross-library comparison, each library in its own fresh process: ``python -m bench compare``.

How a user meets these libraries: one library per process, its own allocator state, its own
thread pools. So every candidate runs in a fresh ``python -m bench._compare_child`` process
per round (rounds alternate the candidates' order), with the same thread count for all (set
by --threads, default 2, through OMP/OPENBLAS/MKL_NUM_THREADS and each library's
set_num_threads), the default malloc (LD_PRELOAD and MALLOC_* are removed from the children's
environment) and nothing else imported. Each round gives one median per candidate; the table
shows the median of the rounds' medians and their spread (lowest-highest round).

Workloads: the MLP training step of ``bench mlp`` (784-512-512-10, batch 128, float32, Adam;
the NumPy reference is bench/reference_numpy.py) and the op chain of ``bench overhead``
(per op, forward + backward). ``bench cnn`` and ``bench seq`` run their model workloads
(bench/cnn_models.py, bench/seq_models.py) through the same children: every comparison with
PyTorch or a NumPy reference is made across processes; same-process timings in the other
suites compare pyautograd's own backends.
"""
import json
import os
import statistics
import subprocess
import sys

from . import machine

OURS, OURS_NUMPY, TORCH, REF = "pyautograd", "pyautograd (numpy)", "PyTorch", "NumPy reference"
# workload -> (title, scale of the seconds per call, candidates); sizes: bench/cnn_models.py, seq_models.py
WORKLOADS = {
    "mlp": ("MLP step (ms)", 1e3, (OURS, "PyTorch fused Adam", "PyTorch Adam", REF)),
    "chain": ("op chain, per op fwd+bwd (us)", 1e6 / 800, (OURS, TORCH, "NumPy")),
    "mnist": ("MNIST Net step, Adam (ms)", 1e3, (OURS, OURS_NUMPY, TORCH, REF)),
    "resnet": ("ResNet basic-blocks stage step, SGD (ms)", 1e3, (OURS, OURS_NUMPY, TORCH)),
    "conv2d": ("conv2d 64->64 3x3 32x32 fwd+bwd (ms)", 1e3, (OURS, OURS_NUMPY, TORCH)),
    "lstm": ("char-LSTM LM step, Adam (ms)", 1e3, (OURS, OURS_NUMPY, TORCH, REF)),
    "gpt": ("GPT step, AdamW (ms)", 1e3, (OURS, OURS_NUMPY, TORCH)),
    "sdpa": ("causal SDPA fwd+bwd, (4, 4, 256, 32) (ms)", 1e3, (OURS, OURS_NUMPY, TORCH, REF)),
    "sdpa_long": ("causal SDPA fwd+bwd, (4, 4, 1024, 32) (ms)", 1e3, (OURS, OURS_NUMPY, TORCH, REF)),
}
BASES = {"mlp": ("PyTorch fused Adam", REF), "chain": (TORCH,)}
# which suite runs which workloads
SUITE_WORKLOADS = {"compare": ("mlp", "chain"), "cnn": ("mnist", "resnet", "conv2d"),
                   "seq": ("lstm", "gpt", "sdpa", "sdpa_long")}


def child_env(threads):
    """The children's environment: our threads everywhere, the default allocator."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("MALLOC_")}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env, root


def run_child(workload, candidate, threads, seconds, cpu_time, quick=False):
    env, root = child_env(threads)
    cmd = [sys.executable, "-m", "bench._compare_child", workload, candidate, str(threads), str(seconds),
           "1" if cpu_time else "0", "1" if quick else "0"]
    proc = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench compare: {candidate} ({workload}) failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(workload, candidates, threads, rounds, seconds, cpu_time, quick=False):
    """{candidate: {"rounds": [median per round], "faults": [...]}}, rounds alternating the order."""
    out = {c: {"rounds": [], "faults": []} for c in candidates}
    for r in range(rounds):
        k = r % len(candidates)
        for c in candidates[k:] + candidates[:k]:
            got = run_child(workload, c, threads, seconds, cpu_time, quick)
            out[c]["rounds"].append(statistics.median(got["samples"]))
            out[c]["faults"].append(got["faults"])
    return out


def table(workload, results):
    title, scale, _ = WORKLOADS[workload]
    bases = [b for b in BASES.get(workload, (TORCH, REF)) if b in results]
    head = ["candidate", f"{title}: median of rounds (lowest-highest)", "minor faults/call"]
    head += [f"/ {b}" for b in bases]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    med = {c: statistics.median(r["rounds"]) for c, r in results.items()}
    for c, r in results.items():
        cells = [c, f"{med[c] * scale:.2f} ({min(r['rounds']) * scale:.2f}-{max(r['rounds']) * scale:.2f})",
                 f"{statistics.median(r['faults']):.0f}"]
        cells += [f"{med[c] / med[b]:.2f}x" for b in bases]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args, suite="compare", title="Cross-library comparison"):
    """Runs `suite`'s workloads (SUITE_WORKLOADS), each candidate in fresh processes; prints a table per
    workload and, with --json, writes every round."""
    threads = args.threads or 2
    rounds = args.repeats or (2 if args.quick else 7)
    seconds = 0.3 if args.quick else 1.5
    if suite != "compare" and args.quick:  # the model workloads at their small sizes: a few calls each
        seconds = 0.05
    torch = None if args.no_torch else machine.import_torch(threads)
    torch_ok = torch is not None
    machine.print_header(title, args.quick, torch)
    print(f"One fresh process per library and round. {threads} thread(s) for every library; {rounds} rounds alternating the order; ~{seconds} s of calls "
          f"per process; {'CPU' if args.cpu_time else 'wall'} time. Load average at start: "
          f"{os.getloadavg()[0]:.2f}.")
    report = {}
    for workload in SUITE_WORKLOADS[suite]:
        if args.only and args.only.lower() not in f"{workload} {WORKLOADS[workload][0]}".lower():
            continue
        cands = [c for c in WORKLOADS[workload][2] if torch_ok or "PyTorch" not in c]
        results = measure(workload, cands, threads, rounds, seconds, args.cpu_time, args.quick and suite != "compare")
        report[workload] = results
        print()
        print(table(workload, results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": threads, "rounds": rounds, "cpu_time": args.cpu_time, "quick": args.quick,
                       "results": report}, f)
    return 0

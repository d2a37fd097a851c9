"""The fresh process of the memory suite: imports one library, runs the MLP step, prints JSON.

Kept apart from bench/memory.py, which imports pyautograd: this module
imports only the standard library until it has timed the library's import.
"""
import json
import os
import time


def _status_kib(field):
    """A memory figure of this process from /proc/self/status, in KiB: VmRSS (now) or VmHWM (peak).

    Not getrusage's ru_maxrss: Linux carries that over from the parent
    through fork and exec, so a child of a big parent reports the parent's peak.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(module, kind, steps, batch):
    """Runs in the fresh process: times the import, runs `steps` steps, prints one JSON line."""
    import importlib
    import resource

    start = time.perf_counter()
    lib = importlib.import_module(module)
    import_s = time.perf_counter() - start
    after_import = _status_kib("VmRSS")
    from bench import mlp_setup, reference_numpy

    params = reference_numpy.init(mlp_setup.SIZES)
    x, target = mlp_setup.data(batch)
    if kind == "reference":
        trainer = reference_numpy.Trainer(params)
        step = lambda: trainer.step(x, target)  # noqa: E731
    else:
        if kind == "numpy":
            lib.kernels.set_backend("numpy")
        if module == "torch":
            lib.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
        step = mlp_setup.library_step(lib, params, x, target, fused=kind == "fused")
    half = steps // 2
    for _ in range(steps - half):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(half):
        step()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"import_s": import_s, "rss_after_import_kib": after_import, "peak_kib": _status_kib("VmHWM"),
                      "faults_per_step": (usage.ru_minflt - faults) / max(half, 1)}))

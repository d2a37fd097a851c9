"""One library's side of ``python -m bench compare``, run in a fresh process.

``python -m bench._compare_child WORKLOAD CANDIDATE THREADS SECONDS CPU`` builds the
candidate (importing only its own library, plus NumPy), warms it up, times calls for
about SECONDS and prints one JSON line: {"samples": [seconds per call, ...], "faults": minor
page faults per call, "threads": what the library reports}.
"""
import json
import os
import resource
import sys
import time

import numpy as np

from bench import mlp_setup, reference_numpy

STEPS = 400  # the op chain: y = y * 1.0001 + 0.001, 400 times, then backward (800 ops)


def _library(name, threads):
    if name == "pyautograd":
        import pyautograd as lib
    else:
        import torch as lib
    lib.set_num_threads(threads)
    return lib


def _mlp(candidate, threads):
    params = reference_numpy.init(mlp_setup.SIZES)
    x, target = mlp_setup.data()
    if candidate == "NumPy reference":
        trainer = reference_numpy.Trainer(params)
        return lambda: trainer.step(x, target), None
    lib = _library("pyautograd" if candidate == "pyautograd" else "torch", threads)
    return mlp_setup.library_step(lib, params, x, target, fused=candidate == "PyTorch fused Adam"), lib


def _chain(candidate, threads):
    a = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    if candidate == "NumPy":
        def run():
            y = a
            for _ in range(STEPS):
                y = y * np.float32(1.0001) + np.float32(0.001)
            g = np.ones_like(a)
            for _ in range(STEPS):
                g = g * np.float32(1.0001)
        return run, None
    lib = _library("pyautograd" if candidate == "pyautograd" else "torch", threads)
    x = lib.tensor(a, requires_grad=True)

    def run():
        y = x
        for _ in range(STEPS):
            y = y * 1.0001 + 0.001
        y.sum().backward()
        x.grad = None
    return run, lib


WORKLOADS = {"mlp": _mlp, "chain": _chain}


def main(argv):
    workload, candidate, threads, seconds, cpu = argv[0], argv[1], int(argv[2]), float(argv[3]), argv[4] == "1"
    fn, lib = WORKLOADS[workload](candidate, threads)
    clock = time.process_time if cpu else time.perf_counter
    for _ in range(3):
        fn()
    samples, faults0, end = [], resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        t0 = clock()
        fn()
        samples.append(clock() - t0)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0) / len(samples)
    print(json.dumps({"samples": samples, "faults": faults, "pid": os.getpid(),
                      "threads": lib.get_num_threads() if lib is not None else threads}))


if __name__ == "__main__":
    main(sys.argv[1:])

"""One library's side of ``python -m bench compare`` (and of ``bench cnn`` and ``bench seq``), run
in a fresh process.

``python -m bench._compare_child WORKLOAD CANDIDATE THREADS SECONDS CPU [QUICK]`` builds the
candidate (importing only its own library, plus NumPy), warms it up, times calls for
about SECONDS and prints one JSON line: {"samples": [seconds per call, ...], "faults": minor
page faults per call, "threads": what the library reports}. QUICK=1 takes the workloads'
small sizes. "pyautograd (numpy)" is pyautograd on its NumPy backend.
"""
import json
import os
import resource
import sys
import time

import numpy as np

from bench import cnn_models, mlp_setup, reference_numpy, seq_models, seq_reference

STEPS = mlp_setup.CHAIN_STEPS  # the op chain: y = y * 1.0001 + 0.001, 400 times, then backward (800 ops)


def _library(name, threads):
    if name.startswith("pyautograd"):
        import pyautograd as lib
        if name == "pyautograd (numpy)":
            lib.kernels.set_backend("numpy")
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
    return mlp_setup.op_chain(lib, lib.tensor(a, requires_grad=True)), lib


def _model(step, reference=None):
    """A workload whose library candidates run step(lib, quick), and its NumPy reference (if any)
    reference(quick)."""
    def build(candidate, threads, quick):
        if candidate == "NumPy reference":
            if reference is None:
                raise SystemExit("this workload has no NumPy reference")
            return reference(quick), None
        lib = _library(candidate, threads)
        return step(lib, quick), lib
    return build


WORKLOADS = {
    "mlp": lambda candidate, threads, quick: _mlp(candidate, threads),
    "chain": lambda candidate, threads, quick: _chain(candidate, threads),
    "mnist": _model(lambda lib, quick: cnn_models.mnist_step(lib, cnn_models.MNIST_BATCH[quick]),
                    lambda quick: cnn_models.mnist_reference_step(cnn_models.MNIST_BATCH[quick])),
    "resnet": _model(lambda lib, quick: cnn_models.resnet_step(lib, cnn_models.RESNET_BATCH[quick])),
    "conv2d": _model(lambda lib, quick: cnn_models.conv_step(lib, cnn_models.CONV_BATCH[quick])[0]),
    "lstm": _model(seq_models.lstm_step, lambda quick: seq_reference.lstm_step(quick)),
    "gpt": _model(seq_models.gpt_step),
    "sdpa": _model(lambda lib, quick: seq_models.sdpa_step(lib, seq_models.sdpa_lengths(quick)[0]),
                   lambda quick: seq_reference.sdpa_call(seq_models.sdpa_lengths(quick)[0])),
    "sdpa_long": _model(lambda lib, quick: seq_models.sdpa_step(lib, seq_models.sdpa_lengths(quick)[1]),
                        lambda quick: seq_reference.sdpa_call(seq_models.sdpa_lengths(quick)[1])),
}


def main(argv):
    workload, candidate, threads, seconds, cpu = argv[0], argv[1], int(argv[2]), float(argv[3]), argv[4] == "1"
    quick = len(argv) > 5 and argv[5] == "1"
    fn, lib = WORKLOADS[workload](candidate, threads, quick)
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

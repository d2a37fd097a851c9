"""pyautograd's benchmarks, run from the repository root: ``python -m bench <suite>``.

Suites:

* ``kernels``: every kernel family against NumPy (and PyTorch when installed),
  C wrapper, dispatcher and NumPy reference side by side (``bench/kernels.py``);
* ``overhead``: per-op cost of autograd bookkeeping (``bench/overhead.py``);
* ``mlp``: one MLP training step five ways, and per phase (``bench/mlp.py``);
* ``anomaly``: the cost of anomaly mode (``bench/anomaly.py``);
* ``memory``: peak RSS and import time, a fresh process per library (``bench/memory.py``);
* ``scale``: the step against batch size and hidden width, with the GEMM share (``bench/scale.py``);
* ``all``: every suite in turn.

Each suite prints markdown (a machine header, then its tables); with
``--json PATH`` it writes every sample as JSON, with ``--plot DIR`` it draws its
ratios as DIR/<suite>.png. See docs/performance.md.
"""

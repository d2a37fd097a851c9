"""pyautograd's benchmarks, run from the repository root: ``python -m bench <suite>``.

Suites:

* ``kernels``: every kernel family against NumPy (and PyTorch when installed),
  C wrapper, dispatcher and NumPy reference side by side (``bench/kernels.py``).

Each suite prints markdown (a machine header, then one table per section) and,
with ``--json PATH``, writes every sample as JSON. See docs/performance.md.
"""

"""How our OpenMP kernels and NumPy's OpenBLAS share the cores of one process.

Both thread pools keep their idle workers spinning after each call, so that
the next call starts without a wake-up. In a process that alternates between
them, each pool's spinning workers take the cores the other pool's workers
need, and every fork-join then waits a scheduler slice (~1 ms or more) for a
thread that cannot run. Measured on the 2-core development machine
(docs/kernels-gemm.md has the numbers):

* OpenBLAS (NumPy's wheel, pthreads) spins its workers for 2**28 TSC cycles,
  ~0.1 s, after every threaded BLAS call: a ``np.matmul`` of 512 x 512 is
  followed by ~105 ms of CPU burnt by its idle worker. Its spin is a loop of
  nops (no sched_yield) and ``openblas_set_num_threads(1)`` does not stop it;
  only ``OPENBLAS_THREAD_TIMEOUT`` (read once, when NumPy loads OpenBLAS) does.
* libgomp (our kernels) spins its idle workers for GOMP_SPINCOUNT = 300000
  pause loops by default, ~8 ms on this CPU, after every parallel region.
  GOMP_SPINCOUNT=1000 (~30 us) keeps workers warm between back-to-back kernel
  calls but frees the core long before the next NumPy call needs it; longer
  spins made a loaded or mixed process slower, never faster.

So, before ``pyautograd._C`` (and with it libgomp) is loaded, this module sets
GOMP_SPINCOUNT=1000 unless the user chose OMP_WAIT_POLICY or GOMP_SPINCOUNT,
and, when NumPy is not imported yet, OPENBLAS_THREAD_TIMEOUT=20 (2**20 cycles,
~0.4 ms: NumPy's back-to-back BLAS calls still find warm workers) unless the
user set it. Importing NumPy first makes the second setting a no-op; the GEMM
kernel then still copes, by running on one thread while the other core is
taken (csrc/matmul.c, judge_team). The variables are set in os.environ, so
child processes inherit the same policy.
"""
import os
import sys

GOMP_SPINCOUNT = "1000"
OPENBLAS_THREAD_TIMEOUT = "20"


def configure(environ=os.environ, numpy_loaded=None):
    """Applies the policy above to `environ`; returns the variables it set."""
    if numpy_loaded is None:
        numpy_loaded = "numpy" in sys.modules
    chosen = {}
    if "OMP_WAIT_POLICY" not in environ and "GOMP_SPINCOUNT" not in environ:
        chosen["GOMP_SPINCOUNT"] = GOMP_SPINCOUNT
    if not numpy_loaded and "OPENBLAS_THREAD_TIMEOUT" not in environ:
        chosen["OPENBLAS_THREAD_TIMEOUT"] = OPENBLAS_THREAD_TIMEOUT
    environ.update(chosen)
    return chosen


APPLIED = configure()

"""Shared fixtures.

* ``backend``: runs a test once per kernel backend ("numpy", "c"); the C runs
  force the C path at every size (threshold 0), so small test arrays reach it.
* ``torch``: PyTorch when importable, else the test is skipped cleanly.
* ``rng``: a seeded NumPy Generator.
"""
import os

import numpy as np
import pytest

import pyautograd.kernels as K

BACKENDS = ["numpy", "c"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The kernel backend a test runs on; C runs skip only if the extension is absent
    (tests/test_build.py fails in that case, so CI never passes without it)."""
    name = request.param
    if name == "c" and not K.c_available():
        pytest.skip("C kernels not built (test_build.py reports this as a failure)")
    with K.use_backend(name):
        yield name


@pytest.fixture
def rng():
    """A NumPy Generator with a fixed seed."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def torch():
    """PyTorch, or a clean skip where it is not installed."""
    return pytest.importorskip("torch")


# -- reliability (issue 18): the long kernel fuzzing run (tests/kernels/test_fuzz.py) --
def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true",
                     help="fuzz the C kernels with many fresh examples (also PYAUTOGRAD_FUZZ_LONG=1)")


def pytest_configure(config):
    if config.getoption("--fuzz-long"):
        os.environ["PYAUTOGRAD_FUZZ_LONG"] = "1"


# ---- build-ci: say loudly how many PyTorch comparisons did not run ----------------

def _skipped_for_torch(report):
    """True when a skip came from PyTorch being absent (the torch fixture, a module's
    importorskip, or a skipif naming PyTorch)."""
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return "torch" in reason.lower()


def pytest_terminal_summary(terminalreporter):
    """Ends the run with the number of tests skipped for want of PyTorch: without it
    the comparisons against PyTorch (a large part of the suite) silently pass as skips."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if _skipped_for_torch(r)]
    if not skipped:
        return
    modules = sum(1 for r in skipped if r.when == "collect" or getattr(r, "nodeid", "").endswith(".py"))
    terminalreporter.write_sep("!", f"PyTorch is not installed: {len(skipped)} tests comparing with PyTorch were "
                               f"SKIPPED ({modules} of them whole modules)", red=True, bold=True)

"""`import pyautograd as torch` alone reaches every submodule a PyTorch script names through `torch.`."""
import subprocess
import sys

import pyautograd
from pyautograd.torch_version import TorchVersion

# Each is reached as an attribute chain from the package, as scripts write torch.nn.Linear etc.
NAMES = ["nn.Linear", "nn.functional.relu", "nn.init.kaiming_uniform_", "nn.utils.clip_grad_norm_",
         "optim.Adam", "optim.SGD", "optim.lr_scheduler.StepLR", "utils.data.DataLoader", "autograd.grad",
         "autograd.functional.jacobian", "linalg.vector_norm",
         # issue 12 module paths
         "random.manual_seed", "random.fork_rng", "backends.mkldnn.is_available", "backends.openmp.is_available",
         "torch_version.TorchVersion"]


def test_plain_import_reaches_submodules():
    # A fresh interpreter: in this process the tests have imported the submodules already.
    code = ("import pyautograd as torch\n"
            "import operator\n"
            f"missing = [n for n in {NAMES!r} if not callable(operator.attrgetter(n)(torch))]\n"
            "assert not missing, missing\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_star_import_does_not_shadow_random_and_types():
    # torch's __all__ leaves its random/types modules out too; `from torch import *` keeps the stdlib ones.
    assert not {"random", "types", "torch_version"} & set(pyautograd.__all__)
    assert pyautograd.random.seed is pyautograd.seed and pyautograd.types.Number == int | float | bool


# Versions compared both ways by PyTorch's TorchVersion and ours: PEP 440 forms (pre/post/dev
# releases, epochs, local labels), tuples, and strings that are not versions.
VERSIONS = ["1.0", "1.0.0", "1.0a1", "1.0b2", "1.0rc1", "1.0c1", "1.0.dev0", "1.0a1.dev0", "1.0.post1",
            "1.0.post1.dev2", "1.0.post", "1.0-1", "1.0+cpu", "1.0+cu121", "1.0+1", "2.13.0+cpu", "0.1.0", "0.0.9",
            "1.10", "1.9", "v1.0", "1!2", "1.0.0.0", "parrot"]
OTHERS = VERSIONS + [(1, 9), (1, 10), (0, 1), [2, 13], (2, 13, 0), 5]


def _comparisons(cls):
    out = []
    for a in VERSIONS:
        for b in OTHERS:
            for method in ("__eq__", "__lt__", "__le__", "__gt__", "__ge__"):
                try:
                    out.append(getattr(cls(a), method)(b))
                except Exception as exc:  # noqa: BLE001 -- the kind is what is compared
                    out.append(type(exc).__name__)
    return out


def test_version_compares_as_torch_version(torch):
    assert _comparisons(TorchVersion) == _comparisons(torch.torch_version.TorchVersion)
    v = pyautograd.__version__
    assert isinstance(v, str) and type(v) is TorchVersion and v == pyautograd.version.__version__
    assert v >= "0.1" and v > (0, 0, 9) and v < "1.0" and hash(v) == hash(str(v))

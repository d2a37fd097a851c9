"""`import pyautograd as torch` alone reaches every submodule a PyTorch script names through `torch.`."""
import subprocess
import sys

# Each is reached as an attribute chain from the package, as scripts write torch.nn.Linear etc.
NAMES = ["nn.Linear", "nn.functional.relu", "nn.init.kaiming_uniform_", "nn.utils.clip_grad_norm_",
         "optim.Adam", "optim.SGD", "optim.lr_scheduler.StepLR", "utils.data.DataLoader", "autograd.grad",
         "autograd.functional.jacobian", "linalg.vector_norm"]


def test_plain_import_reaches_submodules():
    # A fresh interpreter: in this process the tests have imported the submodules already.
    code = ("import pyautograd as torch\n"
            "import operator\n"
            f"missing = [n for n in {NAMES!r} if not callable(operator.attrgetter(n)(torch))]\n"
            "assert not missing, missing\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr

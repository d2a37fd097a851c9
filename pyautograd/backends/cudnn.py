"""torch.backends.cudnn: not available on the CPU. The flags are settings that read back what was
set (PyTorch's CPU-build defaults: benchmark False, deterministic False, allow_tf32 True,
enabled True) and affect nothing here."""
import contextlib
import sys

benchmark = False
deterministic = False
allow_tf32 = True
enabled = True


def is_available():
    """False: no cuDNN on the CPU."""
    return False


def version():
    """None: no cuDNN library."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision="none", depthwise_kernel="auto"):
    """Sets the flags for the body of a with block, then restores them."""
    module = sys.modules[__name__]
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    saved = {n: getattr(module, n) for n in names}
    for n, v in zip(names, (enabled, benchmark, deterministic, allow_tf32)):
        setattr(module, n, v)
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(module, n, v)

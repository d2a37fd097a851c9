"""torch.backends.cudnn: not available on the CPU. The flags are settings that read back what was
set (PyTorch's CPU-build defaults: benchmark False, deterministic False, allow_tf32 True,
enabled True) and affect nothing here."""

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

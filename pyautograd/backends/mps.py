"""torch.backends.mps: Apple's Metal backend, absent here (as on any non-Mac PyTorch build)."""


def is_available():
    """False: no MPS device."""
    return False


def is_built():
    """False: built without MPS."""
    return False

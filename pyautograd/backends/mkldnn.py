"""torch.backends.mkldnn: oneDNN (MKL-DNN), which PyTorch's CPU build uses for convolutions and
matmuls. pyautograd does not use oneDNN -- its kernels are its own C and NumPy's BLAS -- so
``is_available()`` is False (PyTorch's CPU wheel answers True). ``enabled`` and ``deterministic``
are plain settings scripts may set and read back; they change nothing here.
"""
enabled = True
deterministic = False


def is_available():
    """False: pyautograd is not built with oneDNN (MKL-DNN)."""
    return False


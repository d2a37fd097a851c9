"""pyautograd: PyTorch's autograd API on NumPy arrays, with C kernels on the hot paths.

Use it as you would PyTorch::

    import pyautograd as torch
"""
from .kernels import get_num_threads, set_num_threads

__version__ = "0.1.0"

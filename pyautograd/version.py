"""torch.version: the PyTorch API version this release follows, and no CUDA."""
__version__ = "0.1.0"
cuda = None
hip = None

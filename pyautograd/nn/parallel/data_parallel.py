"""DataParallel as PyTorch's CPU build runs it: with no CUDA devices it simply calls the module."""
from ..module import Module


class DataParallel(Module):
    """Splits a batch over GPUs in PyTorch; on a CPU build (no devices) it runs `module` as is,
    exactly as PyTorch's DataParallel does when ``torch.cuda.is_available()`` is False."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []
        self.output_device = None
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        """Calls the wrapped module."""
        return self.module(*inputs, **kwargs)

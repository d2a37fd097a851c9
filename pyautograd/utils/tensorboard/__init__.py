"""torch.utils.tensorboard: SummaryWriter, writing TensorBoard event files through the
``tensorboard`` package (``pip install "pyautograd[interop]"``)."""
from .writer import SummaryWriter

__all__ = ["SummaryWriter"]

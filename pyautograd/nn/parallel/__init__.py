"""torch.nn.parallel: DistributedDataParallel (on MPI) and DataParallel (a pass-through on CPU)."""
from .data_parallel import DataParallel
from .distributed import DDP, DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "DDP"]

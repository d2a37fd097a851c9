"""torch.multiprocessing: Python's multiprocessing under PyTorch's name (Process, Queue, Pool,
get_context, set_start_method, ... are the standard library's), plus PyTorch's spawn helpers.

Tensors cross process boundaries by pickling: their NumPy storage is copied, not shared (there
is no shared-memory tensor storage and no sharing strategy to choose)."""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403  (PyTorch's module re-exports all of it)

from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,  # noqa: F401
                    spawn, start_processes)

__all__ = list(multiprocessing.__all__) + ["ProcessContext", "ProcessException", "ProcessExitedException",
                                           "ProcessRaisedException", "spawn", "start_processes"]

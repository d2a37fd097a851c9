"""torch.multiprocessing: Python's multiprocessing under PyTorch's name (Process, Queue, Pool,
get_context, set_start_method, ... are the standard library's), plus PyTorch's spawn helpers.

A tensor moved to shared memory (Tensor.share_memory_, nn.Module.share_memory) is shared with
the processes forked after that and travels by reference through this module's Queue, Pipe and
spawn arguments (shared.py, reductions.py); every other tensor crosses by pickling, copied
(PyTorch moves those to shared memory on the way). The one sharing strategy is "file_system"
(named POSIX shared memory)."""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403  (PyTorch's module re-exports all of it)

from .reductions import init_reductions
from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,  # noqa: F401
                    spawn, start_processes)

__all__ = list(multiprocessing.__all__) + ["ProcessContext", "ProcessException", "ProcessExitedException",
                                           "ProcessRaisedException", "spawn", "start_processes",
                                           "get_sharing_strategy", "set_sharing_strategy",
                                           "get_all_sharing_strategies"]

_STRATEGIES = {"file_system"}


def get_all_sharing_strategies():
    """The sharing strategies this platform supports: {"file_system"} (named shared memory)."""
    return set(_STRATEGIES)


def get_sharing_strategy():
    """The current sharing strategy: "file_system"."""
    return "file_system"


def set_sharing_strategy(new_strategy):
    """Selects a sharing strategy; "file_system" is the only one here ("file_descriptor", which
    passes descriptors over Unix sockets, is not provided), so anything else fails the assertion
    PyTorch makes for a strategy its platform lacks."""
    assert new_strategy in _STRATEGIES, (f"sharing strategy {new_strategy!r} is not available here; "
                                         f"the strategies are {sorted(_STRATEGIES)}")


init_reductions()

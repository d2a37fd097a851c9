"""Tensor storage in shared memory, for Tensor.share_memory_() and torch.multiprocessing.

A shared tensor's array lives in a POSIX shared-memory segment (multiprocessing.shared_memory,
mapped MAP_SHARED): a process forked after share_memory_() writes into the same pages as its
parent, and a tensor sent to another process through multiprocessing (a spawn Process's
arguments, a Queue, a Pipe) travels as the segment's name and its place in it, never as a
copy. This is PyTorch's "file_system" sharing strategy.

Each process keeps a segment open while an array of its own views it: the process that created
the segment unlinks it when its last array there dies (or at exit), so the receivers must have
the tensor by then; the others only close their mapping. Python's resource tracker unlinks what
is left when the last process sharing it exits.
"""
import os
import sys
import weakref
from multiprocessing import shared_memory

import numpy as np

# name -> [SharedMemory, live arrays mapping it in this process, pid of the creator or None,
#          the address of its first byte here]
_OPEN = {}


def _address(segment):
    return np.frombuffer(segment.buf, np.uint8).__array_interface__["data"][0]


def _release(name):
    entry = _OPEN.get(name)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _OPEN[name]
    segment, _, creator, _ = entry
    if creator == os.getpid():  # a forked child inherits the entry: only the creator unlinks
        try:
            segment.unlink()  # the name goes; mappings stay valid until closed
        except FileNotFoundError:
            pass
    try:
        segment.close()
    except BufferError:
        pass  # still exported at interpreter exit: the process's end unmaps it


def _map(entry, shape, dtype, offset, strides):
    array = np.ndarray(shape, dtype, buffer=entry[0].buf, offset=offset, strides=strides)
    entry[1] += 1
    weakref.finalize(array, _release, entry[0].name)
    return array


def to_shared(array):
    """A C-ordered copy of `array` in a new shared-memory segment of this process."""
    segment = shared_memory.SharedMemory(create=True, size=max(array.nbytes, 1))
    entry = _OPEN[segment.name] = [segment, 0, os.getpid(), _address(segment)]
    out = _map(entry, array.shape, array.dtype, 0, None)
    out[...] = array
    return out


def locate(array):
    """(segment name, byte offset of the first element) when `array` lies in a segment mapped
    here, else None."""
    start = array.__array_interface__["data"][0]
    for name, (segment, _, _, base) in _OPEN.items():
        if base <= start < base + segment.size or (array.size == 0 and start == base):
            return name, start - base
    return None


def _extent(shape, strides, itemsize):
    """(lowest, highest + 1) byte offsets an array of shape and strides touches from its start."""
    if any(n == 0 for n in shape):
        return 0, 0
    low = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
    high = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0)
    return low, high + itemsize


def attach(name, offset, shape, strides, dtype):
    """The array of `shape`, `strides` and `dtype` at byte `offset` of the segment `name`,
    mapping the segment here if needed; the place is checked against the segment's size."""
    entry = _OPEN.get(name)
    if entry is None:
        # Python < 3.13 registers an attached segment with the resource tracker too; a process
        # multiprocessing started shares its parent's tracker, where that is a no-op
        segment = (shared_memory.SharedMemory(name=name, track=False) if sys.version_info >= (3, 13)
                   else shared_memory.SharedMemory(name=name))
        entry = _OPEN[name] = [segment, 0, None, _address(segment)]
    dtype = np.dtype(dtype)
    shape, strides = tuple(int(n) for n in shape), tuple(int(s) for s in strides)
    low, high = _extent(shape, strides, dtype.itemsize)
    if len(shape) != len(strides) or any(n < 0 for n in shape) or offset + low < 0 or \
            offset + high > entry[0].size:
        if entry[1] == 0:  # mapped for this array only
            entry[1] = 1
            _release(name)
        raise ValueError(f"shared tensor of shape {list(shape)} and strides {list(strides)} at byte {offset} does "
                         f"not fit in shared-memory segment {name!r} of {entry[0].size} bytes")
    return _map(entry, shape, dtype, int(offset), strides)

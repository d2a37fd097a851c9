"""Batches from worker processes to the main one through shared memory.

A worker pickles a batch with its tensors (and numeric ndarrays) replaced by references into one
shared-memory file written once (tmpfs: ``/dev/shm`` on Linux); only the small pickle of the
structure crosses the result queue. The main process maps the file, unlinks it at once (the
mapping stays valid while an array uses it) and rebuilds the batch with tensors that view the
mapping, so the array bytes are never pickled or copied again.

File names start with a prefix owned by one DataLoader iterator, so the main process can remove
every file a worker left behind (killed mid-batch, or a batch nobody received) at shutdown.
"""
import glob
import io
import mmap
import os
import pickle
import tempfile

import numpy as np

from ..._creation import from_numpy
from ..._tensor import Tensor

__all__ = ["shared_dir", "pack", "unpack", "discard", "remove_all"]

_ALIGN = 64


def shared_dir():
    """Where the shared-memory files live: /dev/shm when it is writable, else the temp directory."""
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    return tempfile.gettempdir()


def _shareable(array):
    return array.dtype.kind in "biufc" and array.size > 0


class _Pickler(pickle.Pickler):
    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays = []

    def persistent_id(self, obj):
        if isinstance(obj, Tensor) and _shareable(obj._data):
            kind, array, grad = "t", obj._data, obj.requires_grad
        elif type(obj) is np.ndarray and _shareable(obj):
            kind, array, grad = "a", obj, False
        else:
            return None
        self.arrays.append(np.ascontiguousarray(array))
        return kind, len(self.arrays) - 1, array.dtype.str, array.shape, grad


def pack(obj, path):
    """Writes `obj`'s arrays to the file at `path` (only if it has any); returns the message to send."""
    buf = io.BytesIO()
    pickler = _Pickler(buf)
    pickler.dump(obj)
    offsets, total = [], 0
    for a in pickler.arrays:
        offsets.append(total)
        total += -(-a.nbytes // _ALIGN) * _ALIGN
    if not pickler.arrays:
        return buf.getvalue(), None, 0, []
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        os.ftruncate(fd, total)
        for a, off in zip(pickler.arrays, offsets):
            os.pwrite(fd, memoryview(a).cast("B"), off)
    finally:
        os.close(fd)
    return buf.getvalue(), path, total, offsets


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, mapping, offsets):
        super().__init__(file)
        self.mapping, self.offsets = mapping, offsets

    def persistent_load(self, pid):
        kind, i, dtype, shape, grad = pid
        dtype = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        array = np.frombuffer(self.mapping, dtype=dtype, count=count, offset=self.offsets[i]).reshape(shape)
        if kind == "a":
            return array
        t = from_numpy(array)
        return t.requires_grad_(True) if grad else t


def unpack(message):
    """Rebuilds the object `pack` sent; its tensors view the shared file, which is unlinked here."""
    payload, path, total, offsets = message
    mapping = None
    if path is not None:
        fd = os.open(path, os.O_RDWR)
        try:
            mapping = mmap.mmap(fd, total)
        finally:
            os.close(fd)
            os.unlink(path)
    return _Unpickler(io.BytesIO(payload), mapping, offsets).load()


def discard(message):
    """Removes the shared file of a message that will not be unpacked."""
    path = message[1]
    if path is not None and os.path.exists(path):
        os.unlink(path)


def remove_all(prefix):
    """Removes every shared file whose name starts with `prefix` (left by dead or stopped workers)."""
    for path in glob.glob(glob.escape(prefix) + "*"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

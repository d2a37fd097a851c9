"""Output allocation for kernels: 64-byte aligned buffers.

glibc only guarantees 16-byte alignment, and large NumPy allocations come
from mmap with a 16-byte header, so they start 16 bytes past a cache line.
Measured on the development machine, NumPy's ``add`` at 1e5 elements runs
about 2x slower into such a buffer than into a cache-line aligned one, and
our C loops lose the same way. Small buffers are left to NumPy's own
allocator (its small-block cache is faster than any slicing we could do).
"""
import numpy as np

ALIGN = 64
# Buffers from this size (bytes) on are aligned; smaller ones come from np.empty. Measured on
# the development machine with the pointwise C loops: the aligned allocation costs ~4 us more
# per call, while alignment changes the loop's time by nothing up to 64 KiB and by ~10 us (of
# 25) at 256 KiB. The one threshold for every caller (the C wrappers' fast paths read it too).
ALIGN_FROM_BYTES = 1 << 18


def empty(shape, dtype):
    """An uninitialized C-contiguous array of `shape` and `dtype`, 64-byte aligned when large."""
    dtype = np.dtype(dtype)
    n = 1
    for s in shape:
        n *= s
    nbytes = n * dtype.itemsize
    if nbytes < ALIGN_FROM_BYTES:
        return np.empty(shape, dtype)
    raw = np.empty(nbytes + ALIGN, np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def is_aligned(arr):
    """Whether `arr`'s data starts on a 64-byte boundary."""
    return arr.ctypes.data % ALIGN == 0

"""Output allocation for kernels: 64-byte aligned buffers, and a cache of freed large ones.

glibc only guarantees 16-byte alignment, and large NumPy allocations come
from mmap with a 16-byte header, so they start 16 bytes past a cache line.
Measured on the development machine, NumPy's ``add`` at 1e5 elements runs
about 2x slower into such a buffer than into a cache-line aligned one, and
our C loops lose the same way. Small buffers are left to NumPy's own
allocator (its small-block cache is faster than any slicing we could do).

The large buffers are also cached. glibc serves them with a fresh mmap and
unmaps them on free, so a training step that allocates the same activations
and gradients every step page-faults on every page of every one of them
(perf: 15% of a GPT step's samples, 7% of an LSTM step's). A freed block goes
back to a free list keyed by its size, up to a cap on the total cached bytes,
and the next request of that size takes it without touching the kernel. The
block is handed out through a `_Lease` (an ndarray subclass viewing it, with
no data of its own): the returned array and every view of it keep the lease
alive through ``.base``, and when the last of them goes, the lease's
``__del__`` returns the block. Allocation plus return costs ~1 us, less than
the aligned np.empty it replaces (mmap, munmap).

Only memory this module allocated is cached; nothing process-wide is
changed (glibc's mallopt would change the whole program's allocator).
``PYAUTOGRAD_CPU_CACHE_MB`` sets the cap (default 256; 0 turns the cache
off); ``empty_cache()`` frees the cached blocks, ``cache_info()`` reports.
"""
import os
import threading

import numpy as np

ALIGN = 64
# Buffers from this size (bytes) on are aligned; smaller ones come from np.empty. Measured on
# the development machine with the pointwise C loops: the aligned allocation costs ~4 us more
# per call, while alignment changes the loop's time by nothing up to 64 KiB and by ~10 us (of
# 25) at 256 KiB. The one threshold for every caller (the C wrappers' fast paths read it too).
ALIGN_FROM_BYTES = 1 << 18


def _limit_from_env():
    text = os.environ.get("PYAUTOGRAD_CPU_CACHE_MB", "256").strip()
    try:
        mb = float(text)
    except ValueError:
        raise RuntimeError(f"PYAUTOGRAD_CPU_CACHE_MB must be a number of MiB, got {text!r}") from None
    return max(0, int(mb * (1 << 20)))


class _Block(np.ndarray):
    """A cached raw uint8 buffer. Its own type (not ndarray) so that NumPy, which collapses a
    view's ``.base`` chain down to the first array owning data or of another type, stops at
    the `_Lease` above it instead of skipping to the block."""
    __slots__ = ()


class _Storage(np.ndarray):
    """The exact bytes of one aligned allocation (without the alignment slack or the block's
    rounding): the array returned views it, so ``storage`` finds the allocation's extent (as_strided's
    bounds, storage_offset). Its own type, so NumPy's ``.base`` collapsing stops at it."""
    __slots__ = ()


class _Lease(_Storage):
    """A view of a `_Block` standing for one allocation; its deallocation returns the block."""
    __slots__ = ()

    def __del__(self):
        block = self.base
        try:
            _give_back(block)
        except Exception:  # interpreter shutdown (module globals gone): the block is just freed
            pass


_limit = _limit_from_env()
_free = {}          # block size in bytes -> [_Block]
_cached = 0         # bytes in _free
_lock = threading.Lock()
_new = np.ndarray.__new__
_u8 = np.dtype(np.uint8)


def _reset_after_fork():
    # A fork taken while another thread held the lock would leave it held in the child.
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def _block_size(nbytes):
    """The bucket for a request: nbytes plus the alignment slack, rounded up to 1/8 of its
    power of two (so shapes that differ a little share blocks; the untouched tail of an mmap'd
    block is never faulted in, so the rounding costs address space, not resident memory)."""
    n = nbytes + ALIGN
    step = max(4096, 1 << (n.bit_length() - 4))
    return -(-n // step) * step


def _give_back(block):
    global _cached
    size = block.shape[0]
    # Never wait here: __del__ can run inside a critical section of this very thread (a
    # deallocation there), or race another thread; either way the block is simply freed.
    if not _lock.acquire(blocking=False):
        return
    try:
        if _cached + size <= _limit:
            _free.setdefault(size, []).append(block)
            _cached += size
    finally:
        _lock.release()


def empty(shape, dtype):
    """An uninitialized C-contiguous array of `shape` and `dtype`, 64-byte aligned when large."""
    global _cached
    dtype = np.dtype(dtype)
    n = 1
    for s in shape:
        n *= s
    nbytes = n * dtype.itemsize
    if nbytes < ALIGN_FROM_BYTES:
        return np.empty(shape, dtype)
    if not _limit:
        raw = _new(_Block, (nbytes + ALIGN,), _u8)  # a _Block: NumPy's base collapsing stops at the _Storage
        start = -raw.ctypes.data % ALIGN
        return _new(np.ndarray, shape, dtype, _new(_Storage, (nbytes,), _u8, raw, start), 0)
    size = _block_size(nbytes)
    block = None
    with _lock:
        blocks = _free.get(size)
        if blocks:
            block = blocks.pop()
            _cached -= size
    if block is None:
        block = _new(_Block, (size,), _u8)
    start = -block.ctypes.data % ALIGN
    lease = _new(_Lease, (nbytes,), _u8, block, start)  # exactly the allocation's bytes
    return _new(np.ndarray, shape, dtype, lease, 0)


def empty_heads_like(x, batch, rows, width, dtype):
    """(buffer, view): a new (*batch, rows, width) array whose heads' rows lie side by side when
    x's do (x a (batch, L, heads, E) array viewed as (batch, heads, L, E), as attention's inputs
    come from a projection; PyTorch's CPU attention lays its outputs out so), else C-contiguous.
    The buffer is the C-contiguous array behind the view (what a C kernel writes through)."""
    if (len(batch) and x.ndim > 2 and x.shape[:-2] == tuple(batch) and batch[-1] > 1 and rows > 1
            and 0 < x.strides[-3] < x.strides[-2]):
        buf = empty(tuple(batch[:-1]) + (rows, batch[-1], width), dtype)
        return buf, buf.swapaxes(-3, -2)
    buf = empty(tuple(batch) + (rows, width), dtype)
    return buf, buf


def empty_cache():
    """Free every cached block (memory still in use by arrays is not affected)."""
    global _cached
    with _lock:
        _free.clear()
        _cached = 0


def cache_info():
    """{'cached_bytes', 'blocks', 'limit_bytes'}: what the cache holds now."""
    with _lock:
        return {"cached_bytes": _cached, "blocks": sum(len(b) for b in _free.values()), "limit_bytes": _limit}


def storage(arr):
    """(the array spanning the memory `arr` lives in, arr's byte offset from its start): the
    allocation's exact bytes when this module allocated it, else the array owning the memory (or
    viewing a foreign buffer); None when that array is not one contiguous run of bytes."""
    root = arr
    while isinstance(root.base, np.ndarray) and not isinstance(root, _Storage):
        root = root.base
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        return None
    return root, arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]


def is_aligned(arr):
    """Whether `arr`'s data starts on a 64-byte boundary."""
    return arr.ctypes.data % ALIGN == 0

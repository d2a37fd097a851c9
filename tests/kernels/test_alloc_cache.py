"""The cache of freed large kernel outputs (pyautograd/kernels/_alloc.py): a freed block is
reused for the next request of its size, only once every view of it is gone, the cache stays
under its cap, and empty_cache() releases it."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from pyautograd.kernels import _alloc

LARGE = (_alloc.ALIGN_FROM_BYTES // 4) * 2   # float32 elements: twice the aligned threshold

pytestmark = pytest.mark.skipif(not _alloc._limit, reason="cache turned off by PYAUTOGRAD_CPU_CACHE_MB=0")


def test_freed_block_is_reused_only_after_every_view_is_gone():
    _alloc.empty_cache()
    a = _alloc.empty((LARGE,), np.float32)
    ptr = a.ctypes.data
    view = a.reshape(2, -1).T[1:]
    del a
    assert _alloc.cache_info()["blocks"] == 0          # the view still holds the block
    b = _alloc.empty((LARGE,), np.float32)
    assert b.ctypes.data != ptr
    view[...] = 1.0
    assert not np.shares_memory(b, view)
    del view
    assert _alloc.cache_info()["blocks"] == 1
    c = _alloc.empty((2, LARGE // 2), np.float32)       # same byte size, other shape and dtype use it
    assert c.ctypes.data == ptr and _alloc.is_aligned(c) and c.flags.c_contiguous and c.flags.writeable
    assert _alloc.cache_info()["blocks"] == 0
    del b, c


def test_cap_and_empty_cache(monkeypatch):
    _alloc.empty_cache()
    monkeypatch.setattr(_alloc, "_limit", _alloc._block_size(LARGE * 4))
    arrays = [_alloc.empty((LARGE,), np.float32) for _ in range(3)]
    del arrays
    info = _alloc.cache_info()
    assert info["cached_bytes"] <= info["limit_bytes"] and info["blocks"] == 1
    _alloc.empty_cache()
    assert _alloc.cache_info() == {"cached_bytes": 0, "blocks": 0, "limit_bytes": info["limit_bytes"]}


def test_threads_allocate_and_free_concurrently():
    _alloc.empty_cache()
    errors = []

    def work(k):
        try:
            for i in range(200):
                a = _alloc.empty((LARGE + 1024 * (i % 3),), np.float32)
                a[:] = k
                assert (a == k).all()
        except Exception as e:   # reported below: an assertion in a thread would be lost
            errors.append(e)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _alloc.cache_info()["cached_bytes"] <= _alloc.cache_info()["limit_bytes"]


def test_env_var_turns_the_cache_off_and_rejects_garbage():
    code = ("import numpy as np; from pyautograd.kernels import _alloc as a; x = a.empty((1 << 18,), np.float32);"
            "assert a.is_aligned(x); del x; print(a.cache_info()['blocks'])")
    env = dict(os.environ, PYAUTOGRAD_CPU_CACHE_MB="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
    env["PYAUTOGRAD_CPU_CACHE_MB"] = "lots"
    bad = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "PYAUTOGRAD_CPU_CACHE_MB" in bad.stderr

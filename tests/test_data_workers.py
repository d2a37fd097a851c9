"""DataLoader with worker processes: same batches as num_workers=0, worker info and seeding,
exceptions with the worker's traceback, dead and slow workers, persistent workers, shutdown.

Every test is bounded: the loader's own timeouts, and workers that die are detected within
STATUS_CHECK_INTERVAL (0.5 s)."""
import gc
import glob
import mmap
import os
import random
import signal

import numpy as np
import pytest

import pyautograd as pg
from pyautograd.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info
from pyautograd.utils.data import shared



@pytest.fixture(autouse=True)
def _deadline():
    """Fails (never hangs) a test that runs over 60 s."""
    def expire(signum, frame):
        raise TimeoutError("test exceeded its 60 s deadline")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _leftover_files(loader_iter):
    return glob.glob(loader_iter._shm_prefix + "*")


class Squares(Dataset):
    """Sample i: a (3, 2) float array filled with i*i, and i (an int)."""

    def __len__(self):
        return 23

    def __getitem__(self, i):
        return np.full((3, 2), i * i, dtype=np.float32), i


def _batches(loader):
    return [(x.numpy().tolist(), y.tolist(), str(x.dtype), str(y.dtype)) for x, y in loader]


@pytest.mark.parametrize("shuffle,drop_last", [(False, False), (True, False), (True, True)])
def test_same_batches_in_same_order_as_in_process(shuffle, drop_last):
    def run(workers):
        return _batches(DataLoader(Squares(), batch_size=4, shuffle=shuffle, drop_last=drop_last, num_workers=workers,
                                   generator=pg.Generator().manual_seed(7)))
    serial = run(0)
    assert run(2) == serial and run(3) == serial
    assert len(serial) == (5 if drop_last else 6)


def test_batches_arrive_as_tensors_in_shared_memory_and_files_are_removed():
    loader = DataLoader(Squares(), batch_size=5, num_workers=2)
    it = iter(loader)
    x, y = next(it)
    assert isinstance(x, pg.Tensor) and x.shape == (5, 3, 2) and y.dtype == pg.int64
    owner = x.numpy()
    while isinstance(owner, np.ndarray):
        owner = owner.base
    assert isinstance(owner.obj, mmap.mmap)  # a view of the shared mapping, no copy
    x.add_(1)  # writable, as PyTorch's batches
    rest = list(it)
    assert len(rest) == 4 and _leftover_files(it) == []


def test_unsharded_iterable_dataset_is_repeated_by_each_worker_and_sharded_one_is_not():
    class Stream(IterableDataset):
        def __init__(self, shard):
            self.shard = shard

        def __iter__(self):
            info = get_worker_info()
            if self.shard and info is not None:
                return iter(range(info.id, 10, info.num_workers))
            return iter(range(10))
    sharded = [b.tolist() for b in DataLoader(Stream(True), batch_size=3, num_workers=2)]
    assert sharded == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]  # PyTorch's interleaving of two workers
    repeated = sum((b.tolist() for b in DataLoader(Stream(False), batch_size=4, num_workers=2)), [])
    assert sorted(repeated) == sorted(list(range(10)) * 2)
    assert [b.tolist() for b in DataLoader(Stream(True), batch_size=4, num_workers=2, drop_last=True)] == \
        [[0, 2, 4, 6], [1, 3, 5, 7]]


class Seeds(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return [info.id, info.num_workers, info.seed, random.random(), float(np.random.rand()),
                float(pg.rand(1).item()), os.getpid()]


def test_worker_info_and_per_worker_seeds():
    g = pg.Generator().manual_seed(11)
    rows = [b for b in DataLoader(Seeds(), batch_size=None, num_workers=2, generator=g)]
    ids = [int(r[0]) for r in rows]
    assert ids == [0, 1, 0, 1] and {int(r[1]) for r in rows} == {2}
    seeds = {int(r[0]): int(r[2]) for r in rows}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id, as PyTorch's
    first = {int(r[0]): r for r in rows[:2]}
    # the workers' streams differ for random, NumPy and pyautograd
    assert all(first[0][k] != first[1][k] for k in (3, 4, 5))
    # and reproduce with the same generator seed
    again = [b for b in DataLoader(Seeds(), batch_size=None, num_workers=2, generator=pg.Generator().manual_seed(11))]
    assert [r[:6] for r in again] == [r[:6] for r in rows]
    assert get_worker_info() is None


def test_worker_init_fn_runs_in_each_worker():
    def init(worker_id):
        np.random.seed(100 + worker_id)

    class Draw(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.random.randint(1 << 30)
    got = [int(b) for b in DataLoader(Draw(), batch_size=None, num_workers=2, worker_init_fn=init)]
    assert got == [np.random.RandomState(100).randint(1 << 30), np.random.RandomState(101).randint(1 << 30)]


class Faulty(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad sample {i}")
        return i


def test_worker_exception_reraised_with_the_workers_traceback():
    it = iter(DataLoader(Faulty(), batch_size=2, num_workers=2))
    assert next(it).tolist() == [0, 1] and next(it).tolist() == [2, 3]
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert "Caught ValueError in DataLoader worker process 0." in msg
    assert "Original Traceback (most recent call last):" in msg and "bad sample 5" in msg
    assert "in __getitem__" in msg


def test_exception_types_that_cannot_take_a_message_become_runtime_errors_and_key_errors_keep_newlines():
    class Strict(Exception):
        def __init__(self, a, b):
            super().__init__(a, b)

    class Raises(Dataset):
        def __init__(self, exc):
            self.exc = exc

        def __len__(self):
            return 1

        def __getitem__(self, i):
            raise self.exc
    with pytest.raises(RuntimeError, match="Caught Strict in DataLoader worker process 0"):
        list(DataLoader(Raises(Strict(1, 2)), num_workers=1))
    with pytest.raises(KeyError) as info:
        list(DataLoader(Raises(KeyError("k")), num_workers=1))
    assert "\nOriginal Traceback" in str(info.value)


class Killer(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3 and get_worker_info() is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


def test_a_killed_worker_is_reported_not_a_hang():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly.*SIGKILL"):
        list(DataLoader(Killer(), batch_size=1, num_workers=2))


class Slow(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        import time
        time.sleep(5 if i == 1 else 0)
        return i


def test_timeout_raises():
    it = iter(DataLoader(Slow(), num_workers=1, timeout=0.3))
    assert next(it).tolist() == [0]
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(it)
    assert not any(w.is_alive() for w in it._workers)


def test_pool_shuts_down_when_the_iterator_is_dropped():
    it = iter(DataLoader(Squares(), batch_size=2, num_workers=2))
    next(it)
    workers, prefix = list(it._workers), it._shm_prefix
    del it
    gc.collect()
    assert not any(w.is_alive() for w in workers)
    assert shared.remove_all(prefix) is None and not glob.glob(prefix + "*")


def test_persistent_workers_live_across_epochs_and_restart_cleanly():
    loader = DataLoader(Seeds(), batch_size=None, num_workers=2, persistent_workers=True)
    first = [int(r[6]) for r in loader]
    it = iter(loader)
    next(it)  # leave this epoch early: its in-flight batches must not leak into the next
    second = [int(r[6]) for r in loader]
    assert set(first) == set(second) and len(second) == 4
    workers = list(loader._iterator._workers)
    del loader, it
    gc.collect()
    assert not any(w.is_alive() for w in workers)


def test_out_of_order_yields_every_batch_once():
    got = sorted(sum((b.tolist() for b in DataLoader(range(20), batch_size=3, num_workers=2, in_order=False)), []))
    assert got == list(range(20))


def test_spawn_context_and_prefetch_pin_memory():
    ds = TensorDataset(pg.arange(12).reshape(6, 2), pg.arange(6))
    loader = DataLoader(ds, batch_size=4, num_workers=1, multiprocessing_context="spawn", prefetch_factor=1,
                        pin_memory=True)
    assert [y.tolist() for _, y in loader] == [[0, 1, 2, 3], [4, 5]]


def test_argument_errors_match_pytorch(torch):
    cases = [dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(persistent_workers=True),
             dict(num_workers=1, prefetch_factor=-1), dict(shuffle=True, sampler=[0, 1]),
             dict(batch_sampler=[[0]], batch_size=2), dict(batch_size=None, drop_last=True)]
    for kwargs in cases:
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.DataLoader(range(4), **kwargs)
        with pytest.raises(ValueError) as ours:
            DataLoader(range(4), **kwargs)
        assert str(ours.value) == str(theirs.value), kwargs


class KernelWork(Dataset):
    """Samples computed with the C kernels, inside the worker."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        x = pg.full((1000, 1000), float(i))
        return float((x * 2 + 1).exp().log().sum())


def test_workers_forked_after_threaded_kernels_do_not_hang():
    import pyautograd.kernels as K
    if not K.c_available():
        pytest.skip("C kernels not built")
    threads = K.get_num_threads()
    K.set_num_threads(2)
    try:
        with K.use_backend("c"):
            (pg.ones(2000, 2000) * 2 + 1).exp().sum()  # the parent's OpenMP pool now exists
            got = [float(v) for v in DataLoader(KernelWork(), batch_size=None, num_workers=2, timeout=20)]
    finally:
        K.set_num_threads(threads)
    np.testing.assert_allclose(got, [1000 * 1000 * (2 * i + 1) for i in range(4)], rtol=1e-5)


def test_the_pool_is_shut_down_at_interpreter_exit(tmp_path):
    import subprocess
    import sys
    script = tmp_path / "leave.py"
    script.write_text(
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import pyautograd as pg\n"
        "from pyautograd.utils.data import DataLoader\n"
        "it = iter(DataLoader(range(100), batch_size=2, num_workers=2, persistent_workers=True))\n"
        "next(it)\n"
        "print(it._shm_prefix, ' '.join(str(w.pid) for w in it._workers))\n")  # exits with the pool running
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, str(script), root], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    prefix, *pids = proc.stdout.split()
    assert glob.glob(prefix + "*") == []
    for pid in pids:  # the workers are gone (or zombies, waiting for init to reap them)
        try:
            with open(f"/proc/{pid}/stat") as f:
                assert f.read().split()[2] == "Z"
        except FileNotFoundError:
            pass

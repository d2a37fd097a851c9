"""DataLoader, as ``torch.utils.data.dataloader``: batches from a dataset, in the main process
(``num_workers=0``) or in worker processes that send batches through shared memory.

The batches and their order depend only on the sampler (driven from the main process) and the
generator, so ``num_workers=0`` and ``num_workers=N`` give the same batches in the same order.
"""
import itertools
import multiprocessing
import os
import queue
import time
import weakref

from ... import _random
from . import shared
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .fetch import InfiniteConstantSampler, IterableFetcher, MapFetcher
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from .worker import (STATUS_CHECK_INTERVAL, ExceptionWrapper, IterableStop, ResumeIteration, get_worker_info,
                     worker_loop)

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_iterator_ids = itertools.count()


class DataLoader:
    """Iterates over `dataset` in batches, as torch.utils.data.DataLoader.

    Args:
        dataset: a map-style dataset (__getitem__, __len__) or an IterableDataset.
        batch_size: samples per batch (default 1); None yields single samples, uncollated.
        shuffle: a fresh random order each epoch (a RandomSampler over `generator`).
        sampler: the order of indices (excludes shuffle). batch_sampler: yields lists of indices
            (excludes batch_size, shuffle, sampler, drop_last).
        num_workers: worker processes loading batches (0: the main process).
        collate_fn: merges a list of samples into a batch (default_collate; default_convert when
            batch_size is None).
        pin_memory, pin_memory_device: accepted; a no-op on CPU, as in PyTorch.
        drop_last: drop the final batch when it is smaller than batch_size.
        timeout: seconds to wait for a worker's batch before RuntimeError (0: wait as long as the
            workers live).
        worker_init_fn: called as worker_init_fn(worker_id) in each worker after seeding.
        multiprocessing_context: a context or a start-method name ("fork", "spawn", "forkserver").
        generator: a pyautograd.Generator for the shuffle and the workers' base seed.
        prefetch_factor: batches loaded ahead per worker (default 2 with workers).
        persistent_workers: keep the workers alive between epochs.
        in_order: yield batches in sampler order (True) or as workers finish them (False).

    Example::

        loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True, num_workers=2)
        for xb, yb in loader:
            ...
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None

    @property
    def multiprocessing_context(self):
        return self._mp_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if isinstance(context, str):
            if context not in multiprocessing.get_all_start_methods():
                raise ValueError(f"multiprocessing_context relies on the start method {context!r}, which is not "
                                 f"available; expected one of {multiprocessing.get_all_start_methods()}")
            context = multiprocessing.get_context(context)
        self._mp_context = context

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return SingleProcessIterator(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = MultiProcessingIterator(self)
            else:
                self._iterator.reset()
            return self._iterator
        return MultiProcessingIterator(self)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)


class _BaseIterator:
    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._index_sampler = loader._index_sampler
        # drawn before the sampler's first draw whatever num_workers is, so both see one stream
        self._base_seed = int(_random.rng(loader.generator).integers(0, 2 ** 63 - 1))
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        return data

    def __len__(self):
        return len(self._loader)


class SingleProcessIterator(_BaseIterator):
    """Loads each batch in the main process when it is asked for."""

    def __init__(self, loader):
        super().__init__(loader)
        fetcher = IterableFetcher if self._iterable else MapFetcher
        self._fetcher = fetcher(self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self):
        return self._fetcher.fetch(self._next_index())


class MultiProcessingIterator(_BaseIterator):
    """Loads batches in `num_workers` processes, `prefetch_factor` batches ahead per worker.

    Tasks go round-robin to the workers' index queues; batches come back on one result queue
    and are yielded in task order (or as they arrive with in_order=False). A worker's exception
    is re-raised here with its traceback; a worker that dies raises RuntimeError naming its pid;
    the pool is shut down when the iterator is garbage-collected or at interpreter exit.
    """

    def __init__(self, loader):
        super().__init__(loader)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        self._shm_prefix = os.path.join(shared.shared_dir(), f"pyautograd-dl-{os.getpid()}-{next(_iterator_ids)}-")
        self._result_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues, self._workers = [], []
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(target=worker_loop, daemon=True,
                            args=(self._iterable, self._dataset, index_queue, self._result_queue, self._done_event,
                                  self._auto_collation, self._collate_fn, self._drop_last, self._base_seed,
                                  loader.worker_init_fn, i, self._num_workers, self._shm_prefix))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._finalizer = weakref.finalize(self, _shutdown_pool, self._workers, self._index_queues,
                                           self._result_queue, self._done_event, self._shm_prefix)
        self._epoch = 0
        self._start_epoch()

    def reset(self):
        """Starts a new epoch on the same (persistent) workers."""
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._epoch += 1
        for q in self._index_queues:
            q.put(ResumeIteration(self._epoch))
        self._start_epoch()

    def _start_epoch(self):
        self._send_idx = 0
        self._rcvd_idx = 0
        self._pending = {}  # task index -> worker id, for tasks sent and not yet yielded
        self._arrived = {}  # task index -> batch that came early (in_order)
        self._outstanding = 0
        self._active = [True] * self._num_workers
        self._next_worker = itertools.cycle(range(self._num_workers))
        for _ in range(self._prefetch):
            self._try_put_index()

    def _try_put_index(self):
        if self._outstanding >= self._prefetch or not any(self._active):
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        worker = next(self._next_worker)
        while not self._active[worker]:
            worker = next(self._next_worker)
        self._index_queues[worker].put((self._epoch, self._send_idx, index))
        self._pending[self._send_idx] = worker
        self._outstanding += 1
        self._send_idx += 1

    def _next_data(self):
        while True:
            # skip tasks of iterable workers that have run out (their results will never come)
            while self._rcvd_idx < self._send_idx and self._rcvd_idx not in self._arrived and \
                    (self._rcvd_idx not in self._pending or not self._active[self._pending[self._rcvd_idx]]):
                self._pending.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            if self._rcvd_idx in self._arrived:
                data = self._arrived.pop(self._rcvd_idx)
                self._pending.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
                return self._process(data)
            if not self._pending:
                if not self._persistent:
                    self.shutdown()
                raise StopIteration
            idx, data = self._get_data()
            self._outstanding -= 1
            if isinstance(data, IterableStop):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if self._in_order and idx != self._rcvd_idx:
                self._arrived[idx] = data
                continue
            self._pending.pop(idx, None)
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _get_data(self):
        """The next (task index, batch) of this epoch; raises if workers die or `timeout` passes."""
        start = time.monotonic()
        while True:
            wait = STATUS_CHECK_INTERVAL
            if self._timeout > 0:
                wait = min(wait, max(0.0, self._timeout - (time.monotonic() - start)))
            try:
                epoch, idx, (message, error) = self._result_queue.get(timeout=wait)
            except queue.Empty:
                self._check_workers()
                if self._timeout > 0 and time.monotonic() - start >= self._timeout:
                    self.shutdown()
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                continue
            if epoch != self._epoch:  # a batch of an epoch the user left early
                if message is not None:
                    shared.discard(message)
                continue
            return idx, (error if message is None else shared.unpack(message))

    def _check_workers(self):
        dead = [w for w in self._workers if not w.is_alive()]
        if dead:
            pids = ", ".join(str(w.pid) for w in dead)
            codes = ", ".join(_exit_reason(w.exitcode) for w in dead)
            self.shutdown()
            raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly ({codes})")

    def shutdown(self):
        """Stops the workers and removes their shared files (also done on garbage collection)."""
        self._finalizer()

    def __del__(self):
        finalizer = getattr(self, "_finalizer", None)  # absent if __init__ failed before the pool existed
        if finalizer is not None:
            finalizer()


def _exit_reason(code):
    if code is not None and code < 0:
        import signal
        try:
            return f"killed by signal: {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _shutdown_pool(workers, index_queues, result_queue, done_event, shm_prefix):
    """Stops the workers (politely, then terminate), drains the queues and removes the shared files."""
    try:
        done_event.set()
        for q in index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2 * STATUS_CHECK_INTERVAL
        for w in workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.is_alive():
                w.terminate()
                w.join(timeout=STATUS_CHECK_INTERVAL)
        while True:
            try:
                _, _, (message, _) = result_queue.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                break
            if message is not None:
                shared.discard(message)
        for q in index_queues + [result_queue]:
            q.cancel_join_thread()
            q.close()
    finally:
        shared.remove_all(shm_prefix)

"""The DataLoader's worker processes: get_worker_info, per-worker seeding, the worker loop and the
wrapper that carries a worker's exception (with its traceback) to the main process.

Seeding (as PyTorch's): each iterator draws ``base_seed`` from the DataLoader's generator (or the
global one); worker ``i`` then runs ``pyautograd.manual_seed(base_seed + i)`` and
``random.seed(base_seed + i)``, and seeds NumPy's global RandomState from
``SeedSequence([i, base_seed])``, so workers never share a NumPy stream (a fork would otherwise
copy the parent's state into every worker). ``get_worker_info().seed`` is ``base_seed + i``.
Each worker runs the C kernels on one thread (as PyTorch's workers call set_num_threads(1)).
"""
import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

from ... import _random, kernels
from . import shared
from .fetch import IterableFetcher, MapFetcher

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper", "worker_loop", "STATUS_CHECK_INTERVAL"]

# how often a blocked worker checks that its parent lives, and the main process that its workers do
STATUS_CHECK_INTERVAL = 0.5

_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and its ``dataset`` copy."""

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_keys", tuple(kwargs))

    def __setattr__(self, key, value):
        raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")

    def __repr__(self):
        items = ", ".join(f"{k}={getattr(self, k)}" for k in self._keys)
        return f"{type(self).__name__}({items})"


def get_worker_info():
    """In a DataLoader worker process, its WorkerInfo (id, num_workers, seed, dataset); else None.

    An IterableDataset uses it in ``__iter__`` to give each worker its own share of the samples.
    """
    return _worker_info


class KeyErrorMessage(str):
    """A KeyError's message that prints its newlines (KeyError shows repr(message) otherwise)."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception raised in a worker: its type and formatted traceback, re-raised in the main process."""

    def __init__(self, exc_info=None, where="in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_name = exc_info[0].__name__
        try:  # the type travels to the main process by reference: a local class cannot
            pickle.loads(pickle.dumps(self.exc_type))
        except Exception:
            self.exc_type = RuntimeError
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raises the worker's exception type with "Caught X in DataLoader worker process N.
        Original Traceback ..." (a RuntimeError when that type cannot be built from a message)."""
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class IterableStop:
    """A worker's signal that its copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Tells a persistent worker that a new epoch starts (rebuild its fetcher)."""

    def __init__(self, epoch):
        self.epoch = epoch


def seed_worker(base_seed, worker_id):
    """Seeds pyautograd, random and NumPy's global state for worker `worker_id`; returns its seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


def worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
                base_seed, init_fn, worker_id, num_workers, shm_prefix):
    """Runs in worker `worker_id`: fetch the batches named on index_queue, send them on data_queue.

    Messages in: (epoch, task index, sampler entry), ResumeIteration, or None (stop). Messages
    out: (epoch, task index, packed batch | ExceptionWrapper | IterableStop).
    """
    global _worker_info
    try:
        # One kernel thread, as PyTorch's workers: N workers already fill the cores, and an OpenMP
        # pool inherited through fork would hang the first parallel region (its threads are gone).
        kernels.set_num_threads(1)
        parent = os.getppid()
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        fetcher_type = IterableFetcher if iterable else MapFetcher
        where = f"in DataLoader worker process {worker_id}"
        init_error, fetcher = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = fetcher_type(dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        count = 0
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if isinstance(task, ResumeIteration):
                if init_error is None:
                    fetcher = fetcher_type(dataset, auto_collation, collate_fn, drop_last)
                continue
            if done_event.is_set():
                continue
            epoch, idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    data = IterableStop(worker_id) if iterable else ExceptionWrapper(where=where)
                except Exception:
                    data = ExceptionWrapper(where=where)
            if isinstance(data, (ExceptionWrapper, IterableStop)):
                data_queue.put((epoch, idx, (None, data)))
                continue
            count += 1
            try:
                message = shared.pack(data, f"{shm_prefix}{worker_id}-{count}")
            except Exception:
                data_queue.put((epoch, idx, (None, ExceptionWrapper(where=where))))
                continue
            del data
            data_queue.put((epoch, idx, (message, None)))
    except KeyboardInterrupt:
        pass  # the main process sees the interrupt too and shuts the pool down
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()

"""Datasets and batching: Dataset, TensorDataset, DataLoader, random_split, default_collate.

Mirrors ``torch.utils.data`` for single-process loading. Shuffles are reproducible under
``manual_seed`` (or a seeded ``generator``) but are not PyTorch's sequences.
"""
import collections.abc
import math

import numpy as np

from .. import _random
from .._creation import tensor as _tensor
from .._tensor import Tensor
from ..ops.shape import stack as _stack

__all__ = ["Dataset", "TensorDataset", "ConcatDataset", "Subset", "DataLoader", "random_split", "default_collate"]


class Dataset:
    """An indexable collection of samples: subclass and define __getitem__ and __len__."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are tuples of the tensors' rows: ``TensorDataset(x, y)[i] == (x[i], y[i])``."""

    def __init__(self, *tensors):
        sizes = [t.shape[0] if t.ndim else None for t in tensors]
        if not tensors or any(s != sizes[0] for s in sizes):
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(f"TensorDataset: every tensor needs the same first dimension (got shapes {shapes})")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    """The samples of several datasets, one after another."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self):
        return int(self.cumulative_sizes[-1]) if self.cumulative_sizes else 0

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} is out of range for a ConcatDataset of length {len(self)}")
        which = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = int(self.cumulative_sizes[which - 1]) if which else 0
        return self.datasets[which][index - start]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Splits `dataset` into non-overlapping random Subsets of the given lengths.

    Args:
        dataset: anything with __len__ and __getitem__.
        lengths: integer lengths summing to len(dataset), or fractions summing to 1 (the remainder
            of flooring is handed out one by one, round-robin, as PyTorch does).
        generator: a pyautograd.Generator; the global one if None.
    Returns:
        a list of Subset.

    Example::

        train, val = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1] (got {lengths})")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths {lengths} sum to {sum(lengths)}, "
                         f"but the dataset has {n} samples")
    order = _random.rng(generator).permutation(n).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[start:start + length]))
        start += length
    return out


def default_collate(batch):
    """Merges a list of samples into a batch, as ``torch.utils.data.default_collate`` does.

    Tensors and ndarrays are stacked along a new first dimension; floats become a float64
    tensor, ints an int64 tensor, bools a bool tensor; strings are returned as given; dicts, namedtuples,
    tuples and lists are collated field by field (tuples and lists come back as lists).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        return _tensor(np.stack(batch))
    if isinstance(elem, (bool, np.bool_)):
        return _tensor(list(batch))
    if isinstance(elem, float):
        return _tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, int):
        return _tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, np.generic):
        return _tensor(np.asarray(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(collated)
        except TypeError:  # a mapping type that cannot be built from a dict
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of equal size "
                               f"(got lengths {[len(s) for s in batch]})")
        return [default_collate(field) for field in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem).__name__}")


class DataLoader:
    """Iterates over `dataset` in batches.

    Args:
        dataset: anything with __len__ and __getitem__ (a Dataset, a list, ...).
        batch_size: samples per batch; None yields single samples, uncollated.
        shuffle: draw a fresh permutation every epoch, from `generator` or the global one.
        drop_last: drop the final batch when it is smaller than batch_size.
        collate_fn: merges a list of samples into a batch (default_collate).
        generator: a pyautograd.Generator for reproducible shuffles.
    Returns:
        an iterable; ``len(loader)`` is the number of batches.

    Example::

        loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
        for xb, yb in loader:
            ...
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None,
                 generator=None, num_workers=0):
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size should be a positive integer or None (got {batch_size!r})")
        if num_workers != 0:
            raise ValueError(f"DataLoader: only num_workers=0 is supported (got {num_workers})")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn or default_collate
        self.generator = generator

    def _indices(self):
        if self.shuffle:
            return _random.rng(self.generator).permutation(len(self.dataset)).tolist()
        return range(len(self.dataset))

    def __iter__(self):
        indices = self._indices()
        if self.batch_size is None:
            for i in indices:
                yield self.dataset[i]
            return
        for start in range(0, len(indices), self.batch_size):
            chunk = indices[start:start + self.batch_size]
            if self.drop_last and len(chunk) < self.batch_size:
                return
            yield self.collate_fn([self.dataset[i] for i in chunk])

    def __len__(self):
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

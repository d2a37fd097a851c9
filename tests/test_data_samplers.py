"""pyautograd.utils.data's module layout, samplers, DistributedSampler, StackDataset/ChainDataset and
default_convert, against torch.utils.data."""
import collections

import numpy as np
import pytest

import pyautograd as pg
import pyautograd.utils.data as data
from pyautograd.utils.data import (BatchSampler, ChainDataset, DataLoader, DistributedSampler, IterableDataset,
                                   RandomSampler, SequentialSampler, StackDataset, SubsetRandomSampler,
                                   TensorDataset, WeightedRandomSampler, default_collate, default_convert)

PUBLIC = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "DistributedSampler",
          "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset",
          "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate", "default_convert",
          "get_worker_info", "random_split"]


def test_names_live_in_pytorchs_submodules(torch):
    for name in PUBLIC:
        theirs = getattr(torch.utils.data, name)
        module = theirs.__module__.rsplit(".", 1)[1]  # torch's _utils.collate/_utils.worker: ours are public
        assert getattr(getattr(data, module), name) is getattr(data, name), name
    for sub in ("dataloader", "dataset", "sampler", "distributed"):
        assert getattr(data, sub).__name__ == f"pyautograd.utils.data.{sub}"
    assert data.dataloader.DataLoader is DataLoader and data.dataloader.default_collate is default_collate


def test_sequential_and_batch_samplers_match_torch(torch):
    for bs, drop in ((3, False), (3, True), (5, False), (10, True)):
        ours = BatchSampler(SequentialSampler(range(10)), bs, drop)
        theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), bs, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for bad in (dict(batch_size=0, drop_last=False), dict(batch_size=2, drop_last=1)):
        with pytest.raises(ValueError) as ours:
            BatchSampler(range(3), **bad)
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.BatchSampler(range(3), **bad)
        assert str(ours.value) == str(theirs.value)


def test_random_sampler_permutes_draws_and_reproduces():
    g = lambda: pg.Generator().manual_seed(4)
    order = list(RandomSampler(range(10), generator=g()))
    assert sorted(order) == list(range(10)) and order != list(range(10))
    assert list(RandomSampler(range(10), generator=g())) == order
    longer = list(RandomSampler(range(4), num_samples=10, generator=g()))
    assert len(longer) == 10 and sorted(longer[:4]) == sorted(longer[4:8]) == [0, 1, 2, 3]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=200, generator=g()))
    assert len(drawn) == 200 and set(drawn) == {0, 1, 2}
    pg.manual_seed(0)
    first = list(RandomSampler(range(10)))
    pg.manual_seed(0)
    assert list(RandomSampler(range(10))) == first
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)


def test_subset_random_and_weighted_samplers():
    g = pg.Generator().manual_seed(2)
    assert sorted(SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    draws = list(WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=g))
    counts = np.bincount(draws, minlength=3)
    assert counts[0] == 0 and 2.6 < counts[2] / counts[1] < 3.4
    once = list(WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False, generator=g))
    assert sorted(once) == [0, 1, 2]
    with pytest.raises(RuntimeError, match="without replacement"):
        list(WeightedRandomSampler([1, 0], 2, replacement=False))
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0]], 1)


@pytest.mark.parametrize("n,replicas,drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False),
                                                  (11, 4, True)])
def test_distributed_sampler_partition_matches_torch(torch, n, replicas, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
        assert (ours.num_samples, ours.total_size) == (theirs.num_samples, theirs.total_size)


def test_distributed_sampler_shuffle_is_shared_across_ranks_and_changes_with_epoch(torch):
    shards = [DistributedSampler(range(12), 3, r, seed=5) for r in range(3)]
    epoch0 = [list(s) for s in shards]
    assert sorted(sum(epoch0, [])) == list(range(12))
    for s in shards:
        s.set_epoch(1)
    assert [list(s) for s in shards] != epoch0 and sorted(sum((list(s) for s in shards), [])) == list(range(12))
    with pytest.raises(ValueError) as ours:
        DistributedSampler(range(4), 2, 2)
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DistributedSampler(range(4), 2, 2)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(4))


def test_stack_and_chain_datasets(torch):
    a, b = TensorDataset(pg.arange(4)), list("wxyz")
    assert StackDataset(a, b)[2] == (a[2], "y")
    assert StackDataset(x=b, y=b).__getitems__([0, 3]) == [{"x": "w", "y": "w"}, {"x": "z", "y": "z"}]
    batch = next(iter(DataLoader(StackDataset(x=range(5), y=b + ["v"]), batch_size=5)))
    assert batch["x"].tolist() == [0, 1, 2, 3, 4] and batch["y"] == ["w", "x", "y", "z", "v"]
    for args in ((a, b[:3]), ()):
        with pytest.raises(ValueError) as ours:
            StackDataset(*args)
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.StackDataset(*args)
        assert str(ours.value) == str(theirs.value)

    class Count(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n
    chained = ChainDataset([Count(2), Count(3)])
    assert list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5 and list(Count(1) + Count(2)) == [0, 0, 1]
    assert [b.tolist() for b in DataLoader(chained, batch_size=2)] == [[0, 1], [0, 1], [2]]


def test_default_convert_matches_torch(torch):
    Point = collections.namedtuple("Point", "x y")
    sample = {"a": np.arange(3), "b": (np.float32(2.5), "s"), "c": Point(np.ones(2), 3), "d": [np.zeros(1)],
              "e": np.array(["u"])}
    ours, theirs = default_convert(sample), torch.utils.data.default_convert(sample)

    def shape(v):
        if hasattr(v, "dtype") and hasattr(v, "shape") and not isinstance(v, np.ndarray):
            return ("tensor", str(v.dtype).replace("torch.", ""), v.tolist())
        if isinstance(v, dict):
            return {k: shape(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return (type(v).__name__, [shape(x) for x in v])
        return repr(v)
    assert shape(ours) == shape(theirs)
    loader = DataLoader([np.arange(2), np.arange(2) + 1], batch_size=None)
    assert [type(b).__name__ for b in loader] == ["Tensor", "Tensor"]


def test_default_collate_numpy_scalars_and_errors_match_torch(torch):
    for batch in ([np.float32(1), np.float32(2)], [np.int16(1), np.int16(3)], [True, False], [1.5, 2.0]):
        ours, theirs = default_collate(batch), torch.utils.data.default_collate(batch)
        assert str(ours.dtype).replace("torch.", "") == str(theirs.dtype).replace("torch.", "")
        assert ours.tolist() == theirs.tolist()
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_distributed_sampler_takes_rank_and_world_size_from_the_process_group(monkeypatch):
    import pyautograd.distributed as dist
    monkeypatch.setattr(dist, "is_initialized", lambda: True)
    monkeypatch.setattr(dist, "get_world_size", lambda group=None: 3)
    monkeypatch.setattr(dist, "get_rank", lambda group=None: 2)
    sampler = DistributedSampler(range(7), shuffle=False)
    assert (sampler.num_replicas, sampler.rank, list(sampler)) == (3, 2, [2, 5, 1])

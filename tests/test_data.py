"""pyautograd.utils.data against torch.utils.data: batch shapes, collate structure, len, drop_last,
and shuffles reproducible under a seed."""
import collections

import numpy as np
import pytest

import pyautograd as pg
from pyautograd.utils.data import DataLoader, Dataset, TensorDataset, default_collate, random_split


def _structure(batch):
    """A batch's structure: containers, tensor shapes and dtypes, plain values."""
    if hasattr(batch, "shape") and hasattr(batch, "dtype"):
        return ("tensor", tuple(batch.shape), str(batch.dtype).replace("torch.", ""))
    if isinstance(batch, dict):
        return (type(batch).__name__, [(k, _structure(v)) for k, v in batch.items()])
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [_structure(v) for v in batch])
    return batch


class Squares(Dataset):
    def __init__(self, n, make):
        self.n, self.make = n, make

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.make(i)


SAMPLES = {
    "int": lambda lib, i: i,
    "float": lambda lib, i: i * 0.5,
    "bool": lambda lib, i: i % 2 == 0,
    "str": lambda lib, i: f"s{i}",
    "tensor": lambda lib, i: lib.ones(2, 3) * i,
    "ndarray": lambda lib, i: np.full((2,), i, dtype=np.float32),
    "tuple": lambda lib, i: (lib.ones(3) * i, i),
    "list": lambda lib, i: [i, [i * 1.0, "x"]],
    "dict": lambda lib, i: {"x": lib.zeros(4), "y": i, "meta": {"name": "n", "w": 1.0}},
    "odict": lambda lib, i: collections.OrderedDict([("b", i), ("a", lib.ones(1))]),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (7, False), (7, True)])
def test_loader_matches_torch(torch, kind, batch_size, drop_last):
    make = SAMPLES[kind]
    ours = DataLoader(Squares(7, lambda i: make(pg, i)), batch_size=batch_size, drop_last=drop_last)
    ref = torch.utils.data.DataLoader(Squares(7, lambda i: make(torch, i)), batch_size=batch_size,
                                      drop_last=drop_last)
    assert len(ours) == len(ref)
    got, want = list(ours), list(ref)
    assert [_structure(b) for b in got] == [_structure(b) for b in want]


def test_collate_values_match_torch(torch):
    samples = [{"x": np.arange(3) + i, "y": (i, i * 1.5)} for i in range(4)]
    got, want = default_collate(samples), torch.utils.data.default_collate(samples)
    np.testing.assert_array_equal(got["x"].numpy(), want["x"].numpy())
    np.testing.assert_array_equal(got["y"][1].numpy(), want["y"][1].numpy())
    assert got["y"][1].dtype == pg.float64


def test_namedtuple_keeps_its_type():
    Point = collections.namedtuple("Point", "x y")
    batch = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(batch, Point) and batch.x.tolist() == [1, 3]


def test_collate_rejects_ragged_lists_and_unknown_types():
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="object"):
        default_collate([object(), object()])


def test_batch_size_none_yields_samples(torch):
    x = pg.arange(5)
    assert [int(s[0]) for s in DataLoader(TensorDataset(x), batch_size=None)] == list(range(5))
    assert len(DataLoader(TensorDataset(x), batch_size=None)) == 5


def test_tensor_dataset():
    x, y = pg.randn(6, 2), pg.arange(6)
    ds = TensorDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi.numpy(), x[4].numpy())
    assert int(yi) == 4
    with pytest.raises(AssertionError, match=r"\(6, 2\), \(5,\)"):  # as PyTorch (an assert)
        TensorDataset(x, pg.arange(5))


def _epoch(loader):
    return [b[1].tolist() for b in loader]


def test_shuffle_reproducible_with_generator():
    ds = TensorDataset(pg.randn(10, 2), pg.arange(10))
    a = _epoch(DataLoader(ds, batch_size=3, shuffle=True, generator=pg.Generator().manual_seed(5)))
    b = _epoch(DataLoader(ds, batch_size=3, shuffle=True, generator=pg.Generator().manual_seed(5)))
    assert a == b
    assert sorted(sum(a, [])) == list(range(10))
    assert a != _epoch(DataLoader(ds, batch_size=3))


def test_shuffle_reproducible_with_global_seed_and_new_each_epoch():
    ds = TensorDataset(pg.arange(20), pg.arange(20))
    pg.manual_seed(0)
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    first, second = _epoch(loader), _epoch(loader)
    pg.manual_seed(0)
    assert _epoch(loader) == first
    assert first != second


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader([1, 2], batch_size=0)


@pytest.mark.parametrize("lengths,sizes", [([3, 7], [3, 7]), ([0.3, 0.7], [3, 7]), ([0.25, 0.25, 0.5], [3, 2, 5])])
def test_random_split_sizes_match_torch(torch, lengths, sizes):
    parts = random_split(range(10), lengths, generator=pg.Generator().manual_seed(1))
    ref = torch.utils.data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [len(p) for p in ref] == sizes
    assert sorted(sum((list(p) for p in parts), [])) == list(range(10))


def test_random_split_reproducible_and_checked():
    split = lambda: [list(p) for p in random_split(range(10), [5, 5], generator=pg.Generator().manual_seed(3))]
    assert split() == split()
    with pytest.raises(ValueError, match="sum to 9"):
        random_split(range(10), [4, 5])

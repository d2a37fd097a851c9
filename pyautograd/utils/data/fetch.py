"""Fetchers: turn one entry of the DataLoader's index sampler into a batch (map-style datasets
index, iterable ones draw the next items), as ``torch.utils.data._utils.fetch``."""

__all__ = ["MapFetcher", "IterableFetcher", "InfiniteConstantSampler"]


class InfiniteConstantSampler:
    """The sampler of iterable datasets: None forever (the "index" only counts samples)."""

    def __iter__(self):
        while True:
            yield None


class MapFetcher:
    """Looks samples up by index (``__getitems__`` for a whole batch when the dataset has it)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        getitems = getattr(self.dataset, "__getitems__", None)
        data = getitems(index) if callable(getitems) else [self.dataset[i] for i in index]
        return self.collate_fn(data)


class IterableFetcher:
    """Draws the next samples from the dataset's iterator; StopIteration when it has none left
    (or, with drop_last, fewer than a batch)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.iterator = iter(dataset)
        self.auto_collation, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        data = []
        for _ in index:
            try:
                data.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)

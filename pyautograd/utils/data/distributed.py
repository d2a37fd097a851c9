"""DistributedSampler, as ``torch.utils.data.distributed``: each of `num_replicas` processes sees
its own 1/num_replicas of the dataset (PyTorch's partition: pad by repeating the head, or drop the
tail with ``drop_last``, then take every num_replicas-th index from ``rank``)."""
import math

from ... import _random
from ... import distributed as dist
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """Restricts loading to one replica's share of `dataset`.

    Args:
        dataset: a sized dataset.
        num_replicas, rank: the number of processes and this one's index; by default the world
            size and rank of the initialized default process group (``pyautograd.distributed``).
            Without one, ValueError as PyTorch's ("Default process group has not been initialized").
        shuffle: permute the indices each epoch (seeded by ``seed + epoch``, identical on all ranks).
        seed: the shuffle's base seed (the same on every rank).
        drop_last: drop the tail so every replica gets the same count without padding.

    Call ``set_epoch(epoch)`` before each epoch so the shuffle changes. The permutation is drawn
    from a pyautograd Generator, so with shuffle=True the order is not PyTorch's; the partition rule is.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            if not dist.is_initialized():
                raise ValueError("Default process group has not been initialized, please make sure to call "
                                 "init_process_group (or pass num_replicas and rank explicitly).")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            indices = _random.Generator().manual_seed(self.seed + self.epoch).numpy.permutation(n).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding = self.total_size - len(indices)
            indices += (indices * math.ceil(padding / len(indices)))[:padding] if padding else []
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Sets the epoch that seeds this epoch's shuffle (the same on every rank)."""
        self.epoch = epoch

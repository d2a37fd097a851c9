"""Train the digits MLP data-parallel: every rank trains on its share of each batch, and
DistributedDataParallel averages the gradients, so all ranks keep the same model.

Written as a PyTorch DDP script with only the import changed; the same file runs under PyTorch
with ``torchrun --nproc-per-node 2 examples/train_ddp.py`` once ``pyautograd`` is replaced by
``torch`` in the three import lines. With pyautograd::

    pip install ".[distributed,examples]"
    python -m pyautograd.distributed.run --nproc-per-node 2 examples/train_ddp.py
    python examples/train_ddp.py                      # one process (no launcher): the same model
    python -m pyautograd.distributed.run --nproc-per-node 2 examples/train_ddp.py --quick

The data is scikit-learn's bundled 8x8 digits (nothing is downloaded); without scikit-learn
the script trains on a synthetic 10-class stand-in. The global batch (--batch-size) is split
evenly over the ranks, so one process and N ranks take the same optimisation steps.
"""
import argparse
import os
import time

import numpy as np

import pyautograd as torch
import pyautograd.distributed as dist
import pyautograd.nn as nn
from pyautograd.nn.parallel import DistributedDataParallel as DDP
from pyautograd.utils.data import DataLoader, TensorDataset
from pyautograd.utils.data.distributed import DistributedSampler


def parse_args():
    p = argparse.ArgumentParser(description="Data-parallel MLP on the digits")
    p.add_argument("--epochs", type=int, default=20, help="passes over the training set (default 20)")
    p.add_argument("--batch-size", type=int, default=64, help="global batch, split over the ranks (default 64)")
    p.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default 2e-3)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and the shuffling (default 0)")
    p.add_argument("--quick", action="store_true", help="3 epochs; fails unless test accuracy >= 80%%")
    return p.parse_args()


def load_digits():
    """(features, labels) of scikit-learn's digits, or a synthetic stand-in without it."""
    try:
        from sklearn.datasets import load_digits as sk_digits
    except ImportError:
        g = np.random.default_rng(0)
        protos = g.uniform(0, 16, (10, 64))
        y = g.integers(0, 10, 1797)
        return np.clip(protos[y] + g.normal(0, 3, (1797, 64)), 0, 16), y
    digits = sk_digits()
    return digits.data, digits.target


def main():
    args = parse_args()
    epochs = 3 if args.quick else args.epochs
    ddp = int(os.environ.get("RANK", -1)) != -1  # started by a launcher (as nanoGPT decides)
    if ddp:
        dist.init_process_group("gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} must divide evenly over {world} ranks")
    x, y = load_digits()
    x = (x - x.mean(0)) / (x.std(0) + 1e-6)
    order = np.random.default_rng(0).permutation(len(y))
    test, train = order[:360], order[360:]
    train_set = TensorDataset(torch.tensor(x[train], dtype=torch.float32), torch.tensor(y[train]))
    test_set = TensorDataset(torch.tensor(x[test], dtype=torch.float32), torch.tensor(y[test]))

    torch.manual_seed(args.seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    if ddp:
        model = DDP(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=args.seed,
                                 drop_last=True) if ddp else None
    loader = DataLoader(train_set, batch_size=args.batch_size // world, sampler=sampler, shuffle=sampler is None,
                        drop_last=True)
    criterion = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item()
        if rank == 0:
            print(f"epoch {epoch + 1}/{epochs}: mean train loss {total / len(loader):.4f}", flush=True)
    model.eval()
    with torch.no_grad():
        xt, yt = test_set.tensors
        accuracy = (model(xt).argmax(1) == yt).float().mean().item()
    if rank == 0:
        print(f"{world} rank(s), {time.perf_counter() - start:.1f} s: test accuracy {accuracy:.1%}", flush=True)
    if ddp:
        dist.destroy_process_group()
    if args.quick and accuracy < 0.8:
        raise SystemExit(f"test accuracy {accuracy:.1%} is below 80%")


if __name__ == "__main__":
    main()

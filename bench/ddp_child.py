"""One rank of a `bench ddp` job: times DDP training steps (or all-reduces) and, on rank 0,
prints one JSON line. Runs under pyautograd's launcher or PyTorch's torchrun:

    python -m pyautograd.distributed.run --nproc-per-node 2 bench/ddp_child.py --lib ours step mlp
    python -m torch.distributed.run --standalone --nproc-per-node 2 bench/ddp_child.py --lib torch step mlp
"""
import argparse
import json
import statistics
import time

import numpy as np


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", choices=["ours", "torch", "mpi4py"], required=True)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("what", choices=["step", "allreduce"])
    p.add_argument("model", nargs="?", default="mlp")
    p.add_argument("--mbytes", type=float, default=1.0)
    return p.parse_args()


def load(lib):
    if lib == "torch":
        import torch
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel as DDP
    else:
        import pyautograd as torch
        import pyautograd.distributed as dist
        from pyautograd.nn.parallel import DistributedDataParallel as DDP
    torch.set_num_threads(1)
    return torch, dist, DDP


def model_of(torch, name):
    nn = torch.nn
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)), (784,)
    if name == "cnn":  # the PyTorch MNIST example's Net
        return nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10)), (1, 28, 28)
    raise SystemExit(f"unknown model {name}")


def time_steps(args):
    torch, dist, DDP = load(args.lib)
    dist.init_process_group("gloo")
    world = dist.get_world_size()
    torch.manual_seed(0)
    net, shape = model_of(torch, args.model)
    model = DDP(net)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = np.random.default_rng(dist.get_rank())
    batch = 128 // world if args.model == "mlp" else 64 // world
    x = torch.tensor(g.standard_normal((batch,) + shape).astype(np.float32))
    y = torch.tensor(g.integers(0, 10, batch))
    times = []
    for i in range(args.warmup + args.steps):
        dist.barrier()
        t0 = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
    out = {"lib": args.lib, "world": world, "model": args.model, "median_s": statistics.median(times),
           "min_s": min(times)}
    stats = getattr(model, "comm_stats", None)
    if stats and stats["allreduce_seconds_total"] > 0:
        out["allreduce_hidden_share"] = 1 - stats["allreduce_seconds_waited"] / stats["allreduce_seconds_total"]
    if dist.get_rank() == 0:
        print(json.dumps(out), flush=True)
    dist.destroy_process_group()


def time_allreduce(args):
    n = int(args.mbytes * (1 << 20) / 4)
    if args.lib == "mpi4py":
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
        a = np.ones(n, np.float32)
        b = np.empty_like(a)
        run, rank = (lambda: comm.Allreduce(a, b)), comm.Get_rank()
    else:
        torch, dist, _ = load(args.lib)
        dist.init_process_group("gloo")
        t = torch.ones(n)
        run, rank = (lambda: dist.all_reduce(t)), dist.get_rank()
    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        run()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
    if rank == 0:
        print(json.dumps({"lib": args.lib, "mbytes": args.mbytes, "median_s": statistics.median(times),
                          "min_s": min(times)}), flush=True)
    if args.lib != "mpi4py":
        # gloo aborts at exit ("terminate called without an active exception") now and then
        # when the group is left open; PyTorch asks scripts to destroy it
        dist.destroy_process_group()


if __name__ == "__main__":
    a = parse()
    time_steps(a) if a.what == "step" else time_allreduce(a)

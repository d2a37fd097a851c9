"""Scenarios run on every rank under ``python -m pyautograd.distributed.run``; each checks its
results with assertions (a failed one aborts the job with a non-zero exit code) and rank 0
prints "PASSED <scenario>" at the end. tests/distributed/test_distributed.py launches them."""
import datetime
import os
import sys
import time

import numpy as np

import pyautograd as torch
import pyautograd.distributed as dist
import pyautograd.nn as nn
from pyautograd.nn.parallel import DistributedDataParallel as DDP


def collectives():
    rank, world = dist.get_rank(), dist.get_world_size()
    assert os.environ["RANK"] == str(rank) and os.environ["WORLD_SIZE"] == str(world)
    assert os.environ["LOCAL_RANK"] == str(rank) and os.environ["LOCAL_WORLD_SIZE"] == str(world)
    everyone = np.arange(world)
    for dtype in (torch.float32, torch.float64, torch.int64):
        t = torch.arange(4, dtype=dtype) + rank
        dist.all_reduce(t)
        np.testing.assert_array_equal(t.numpy(), np.arange(4) * world + everyone.sum())
        assert t.dtype == dtype
        for op, fn in ((dist.ReduceOp.MAX, np.max), (dist.ReduceOp.MIN, np.min), (dist.ReduceOp.PRODUCT, np.prod)):
            t = torch.full((3,), rank + 2, dtype=dtype)
            dist.all_reduce(t, op=op)
            np.testing.assert_array_equal(t.numpy(), np.full(3, fn(everyone + 2)))
        t = torch.full((2, 2), rank, dtype=dtype)
        if dtype.is_floating_point:
            dist.all_reduce(t, op=dist.ReduceOp.AVG)
            np.testing.assert_allclose(t.numpy(), np.full((2, 2), everyone.mean()))
        else:
            try:
                dist.all_reduce(t, op=dist.ReduceOp.AVG)
                raise AssertionError("AVG on integers must raise")
            except ValueError:
                pass
        t = torch.full((3,), rank, dtype=dtype) if rank == 1 else torch.zeros(3, dtype=dtype)
        dist.broadcast(t, src=1)
        np.testing.assert_array_equal(t.numpy(), np.ones(3))
        t = torch.full((2,), rank + 1, dtype=dtype)
        dist.reduce(t, dst=0)
        np.testing.assert_array_equal(t.numpy(), np.full(2, (everyone + 1).sum() if rank == 0 else rank + 1))
        outs = [torch.zeros(2, dtype=dtype) for _ in range(world)]
        dist.all_gather(outs, torch.full((2,), rank, dtype=dtype))
        for r, o in enumerate(outs):
            np.testing.assert_array_equal(o.numpy(), np.full(2, r))
        flat = torch.zeros(world * 2, dtype=dtype)
        dist.all_gather_into_tensor(flat, torch.full((2,), rank, dtype=dtype))
        np.testing.assert_array_equal(flat.numpy(), np.repeat(everyone, 2))
        gathered = [torch.zeros(2, dtype=dtype) for _ in range(world)] if rank == 0 else None
        dist.gather(torch.full((2,), rank * 10, dtype=dtype), gathered, dst=0)
        if rank == 0:
            for r, o in enumerate(gathered):
                np.testing.assert_array_equal(o.numpy(), np.full(2, r * 10))
        got = torch.zeros(3, dtype=dtype)
        dist.scatter(got, [torch.full((3,), r * 7, dtype=dtype) for r in range(world)] if rank == 0 else None, src=0)
        np.testing.assert_array_equal(got.numpy(), np.full(3, rank * 7))
        out = torch.zeros(2, dtype=dtype)
        dist.reduce_scatter_tensor(out, torch.arange(2 * world, dtype=dtype))
        np.testing.assert_array_equal(out.numpy(), np.arange(2 * rank, 2 * rank + 2) * world)
        send = torch.arange(world * 2, dtype=dtype) + 100 * rank
        recv = torch.zeros(world * 2, dtype=dtype)
        dist.all_to_all_single(recv, send)
        np.testing.assert_array_equal(recv.numpy(), np.concatenate([np.arange(2 * rank, 2 * rank + 2) + 100 * r
                                                                     for r in range(world)]))
    # async work objects
    t = torch.ones(5)
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True and work.is_completed()
    np.testing.assert_array_equal(t.numpy(), np.full(5, world))
    # point to point: a ring
    nxt, prv = (rank + 1) % world, (rank - 1) % world
    out = torch.full((4,), float(rank))
    inbox = torch.zeros(4)
    req = dist.isend(out, nxt)
    assert dist.recv(inbox) == prv
    req.wait()
    np.testing.assert_array_equal(inbox.numpy(), np.full(4, prv))
    # objects
    objs = [{"rank": rank}, "x"] if rank == 0 else [None, None]
    dist.broadcast_object_list(objs, src=0)
    assert objs == [{"rank": 0}, "x"]
    everyone_obj = [None] * world
    dist.all_gather_object(everyone_obj, ("r", rank))
    assert everyone_obj == [("r", r) for r in range(world)]
    # a subgroup of ranks 0 and 1
    sub = dist.new_group([0, 1])
    if rank in (0, 1):
        t = torch.tensor([float(rank + 1)])
        dist.all_reduce(t, group=sub)
        assert t.item() == 3.0 and dist.get_world_size(sub) == 2
    else:
        assert dist.get_rank(sub) == -1
    dist.barrier()


def memory():
    """Collectives send from and write into a contiguous tensor's own memory; strided views,
    aliased inputs and arrays anomaly mode locks go through a copy. Both paths give the same
    values and bump the version counter."""
    rank, world = dist.get_rank(), dist.get_world_size()
    total = sum(range(1, world + 1))
    # a tensor sharing a NumPy array (torch.from_numpy): the array sees the sum, sync and async
    arr = np.full(3, rank + 1.0, dtype=np.float32)
    t = torch.from_numpy(arr)
    before = t._version
    dist.all_reduce(t)
    np.testing.assert_array_equal(arr, np.full(3, total))
    assert t._version > before
    dist.all_reduce(t, op=dist.ReduceOp.AVG, async_op=True).wait()
    np.testing.assert_allclose(arr, np.full(3, total))
    # a 0-d tensor, a contiguous slice (writes land in its base), a strided column
    s = torch.tensor(float(rank + 1), dtype=torch.float64)
    dist.all_reduce(s)
    assert s.item() == total
    m = torch.arange(12, dtype=torch.float64).reshape(3, 4) + rank
    dist.all_reduce(m[1])
    col = m[:, 2]
    before = m._version
    dist.all_reduce(col, op=dist.ReduceOp.MAX)
    start = np.arange(12.0).reshape(3, 4)
    expect = start + rank
    expect[1] = start[1] * world + sum(range(world))
    expect[[0, 2], 2] = start[[0, 2], 2] + world - 1
    np.testing.assert_array_equal(m.numpy(), expect)
    assert m._version > before
    # broadcast and reduce into a row view
    rows = torch.full((2, 3), float(rank), dtype=torch.float64)
    dist.broadcast(rows[1], src=world - 1)
    np.testing.assert_array_equal(rows.numpy(), [[rank] * 3, [world - 1] * 3])
    red = torch.full((2,), rank + 1, dtype=torch.int64)
    dist.reduce(red, dst=world - 1, op=dist.ReduceOp.SUM)
    np.testing.assert_array_equal(red.numpy(), np.full(2, total if rank == world - 1 else rank + 1))
    # the input is the output's own chunk / the output is the input's own chunk (MPI forbids
    # overlapping buffers, so these take the copying path)
    out = torch.zeros(2 * world, dtype=torch.float64)
    out[2 * rank:2 * rank + 2].fill_(rank + 1.0)
    dist.all_gather_into_tensor(out, out[2 * rank:2 * rank + 2])
    np.testing.assert_array_equal(out.numpy(), np.repeat(np.arange(1.0, world + 1), 2))
    inp = torch.arange(2 * world, dtype=torch.float64)
    dist.reduce_scatter_tensor(inp[2 * rank:2 * rank + 2], inp, op=dist.ReduceOp.AVG)
    np.testing.assert_array_equal(inp.numpy()[2 * rank:2 * rank + 2], np.arange(2 * rank, 2 * rank + 2))
    # anomaly mode locks a saved array: the collective still writes it (through copy_), and
    # backward then names the overwrite
    with torch.autograd.detect_anomaly():
        x = torch.ones(3, dtype=torch.float64, requires_grad=True)
        h = x * 1
        y = (h * h).sum()
        assert not h.detach().numpy().flags.writeable
        dist.all_reduce(h.detach())
        np.testing.assert_array_equal(h.detach().numpy(), np.full(3, world))
        try:
            y.backward()
            raise AssertionError("backward must see that all_reduce overwrote a saved tensor")
        except RuntimeError as exc:
            assert "modified by an inplace operation" in str(exc), str(exc)


def _data(n=16, seed=0):
    g = np.random.default_rng(seed)
    return (torch.tensor(g.standard_normal((n, 6))), torch.tensor(g.integers(0, 3, n)))


def _model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).double()


def _train(model, batches, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(steps):
        for x, y in batches(step):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def ddp():
    rank, world = dist.get_rank(), dist.get_world_size()
    x, y = _data()
    part = slice(rank, None, world)  # DistributedSampler(shuffle=False)'s partition
    model = DDP(_model(seed=rank))   # different initial weights: rank 0's must win
    got = _train(model, lambda step: [(x[part], y[part])], steps=10)
    # one process on the full batch: the mean over ranks of per-rank mean losses equals the
    # full-batch mean loss when the shards are equal, so the trajectories match
    want = _train(_model(seed=0), lambda step: [(x, y)], steps=10)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-10)
    assert list(model.state_dict())[0].startswith("module.")
    stats = model.comm_stats
    assert stats["steps"] == 10


def no_sync():
    rank, world = dist.get_rank(), dist.get_world_size()
    x, y = _data(n=32)
    model = DDP(_model(seed=0), bucket_cap_mb=0.0001)  # many small buckets
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    shards = [slice(rank * 8 + k * 16, rank * 8 + k * 16 + 8) for k in range(2)] if world == 2 else None
    opt.zero_grad()
    with model.no_sync():
        nn.functional.cross_entropy(model(x[shards[0]]), y[shards[0]], reduction="sum").backward()
    nn.functional.cross_entropy(model(x[shards[1]]), y[shards[1]], reduction="sum").backward()
    opt.step()
    ref = _model(seed=0)
    ropt = torch.optim.SGD(ref.parameters(), lr=0.1)
    ropt.zero_grad()
    (nn.functional.cross_entropy(ref(x), y, reduction="sum") / world).backward()
    ropt.step()
    for g, w in zip(model.parameters(), ref.parameters()):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=0, atol=1e-10)


def join():
    rank, world = dist.get_rank(), dist.get_world_size()
    x, y = _data(n=40)
    steps = 3 if rank == 0 else 5
    model = DDP(_model(seed=0))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with model.join():
        for i in range(steps):
            xb, yb = x[(i * world + rank) * 4:(i * world + rank + 1) * 4], y[(i * world + rank) * 4:(i * world + rank + 1) * 4]
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
    mine = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    everyone = [None] * world
    dist.all_gather_object(everyone, mine)
    for other in everyone:
        np.testing.assert_allclose(other, mine, rtol=0, atol=1e-12)


def sync_batchnorm():
    rank = dist.get_rank()
    g = np.random.default_rng(3)
    full = torch.tensor(g.standard_normal((8, 3, 4)), requires_grad=True)
    w = torch.tensor(g.standard_normal(3))
    net = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.BatchNorm1d(3))).double()
    assert isinstance(net[0], nn.SyncBatchNorm)
    shard = full.detach()[rank * 4:(rank + 1) * 4].clone().requires_grad_(True)
    out = net(shard)
    (out * w.reshape(1, 3, 1)).sum().backward()
    ref = nn.BatchNorm1d(3).double()
    ref_out = ref(full)
    (ref_out * w.reshape(1, 3, 1)).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), ref_out.detach().numpy()[rank * 4:(rank + 1) * 4], atol=1e-12)
    np.testing.assert_allclose(shard.grad.numpy(), full.grad.numpy()[rank * 4:(rank + 1) * 4], atol=1e-12)
    np.testing.assert_allclose(net[0].running_var.numpy(), ref.running_var.numpy(), atol=1e-12)
    # the affine parameters' gradients are per-rank sums; DDP would average them
    total = net[0].weight.grad.clone()
    dist.all_reduce(total)
    np.testing.assert_allclose(total.numpy(), ref.weight.grad.numpy(), atol=1e-12)


def timeout():
    rank = dist.get_rank()
    t = torch.ones(2)
    if rank == 1:
        time.sleep(2.0)
    work = dist.all_reduce(t, async_op=True)
    if rank == 0:
        try:
            work.wait(timeout=datetime.timedelta(seconds=0.3))
            raise AssertionError("the wait must time out")
        except RuntimeError as exc:
            assert "timed out" in str(exc)
    work.wait()
    assert t[0].item() == 2.0


def mismatch():
    rank = dist.get_rank()
    t = torch.ones(3 + rank)
    try:
        dist.all_reduce(t)
        raise AssertionError("mismatched shapes must raise under TORCH_DISTRIBUTED_DEBUG=DETAIL")
    except RuntimeError as exc:
        assert "mismatch" in str(exc) and "(3,)" in str(exc) and "(4,)" in str(exc), str(exc)


def fail():
    if dist.get_rank() == 1:
        raise ValueError("rank 1 fails on purpose")
    dist.barrier()  # rank 0 would wait here forever without the abort


def killed():
    if dist.get_rank() == 1:
        os.kill(os.getpid(), 9)
    dist.barrier()


if __name__ == "__main__":
    scenario = sys.argv[1]
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    globals()[scenario]()
    dist.barrier()
    if dist.get_rank() == 0:
        print(f"PASSED {scenario} on {dist.get_world_size()} ranks", flush=True)
    dist.destroy_process_group()

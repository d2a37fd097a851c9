"""Tensor.share_memory_, nn.Module.share_memory and torch.multiprocessing's sharing: a shared
tensor stays shared through in-place ops and optimizer steps, processes forked or spawned after
the move write into the parent's memory (Hogwild training), a shared tensor sent through a Queue
arrives by reference, everything else is copied, and segments are freed with their tensors."""
import gc
import pickle
from multiprocessing import shared_memory
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest

import pyautograd as torch
import pyautograd.multiprocessing as mp
import pyautograd.nn as nn
from pyautograd.multiprocessing import reductions, shared


def _hogwild_worker(model, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        model(torch.ones(4, 3)).sum().backward()
        opt.step()


def _fill_from_queue(q, value):
    t = q.get()
    t.fill_(value)


def test_share_memory_moves_the_elements_and_keeps_them_there():
    x = torch.arange(6.0).reshape(2, 3)
    assert not x.is_shared()
    assert x.share_memory_() is x and x.is_shared()
    assert x.share_memory_() is x  # already there: no second move
    x.add_(1).mul_(2)
    x[0, 0] = -1.0
    assert x.is_shared() and x.tolist() == [[-1.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    assert not x.clone().is_shared() and not (x + 1).is_shared()
    assert x[1].is_shared()  # a view of shared memory is shared


@pytest.mark.parametrize("make_opt", [lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                                      lambda p: torch.optim.Adam(p, lr=0.1),
                                      lambda p: torch.optim.AdamW(p, lr=0.1), lambda p: torch.optim.RMSprop(p)])
def test_optimizer_steps_update_shared_parameters_in_place(make_opt):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    model(torch.ones(2, 3)).sum().backward()
    assert model.share_memory() is model
    tensors = list(model.parameters()) + [p.grad for p in model.parameters()] + list(model.buffers())
    assert all(t.is_shared() for t in tensors)
    before = [p.detach().clone() for p in model.parameters()]
    opt = make_opt(model.parameters())
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 3)).sum().backward()
        opt.step()
    assert all(p.is_shared() for p in model.parameters()) and all(b.is_shared() for b in model.buffers())
    assert any(not torch.equal(p, b) for p, b in zip(model.parameters(), before))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_hogwild_children_train_the_parents_model(method):
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    model.share_memory()
    start = model.weight.detach().clone()
    ctx = mp.get_context(method)
    procs = [ctx.Process(target=_hogwild_worker, args=(model, 3)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    # d(sum of outputs)/dW is 4 per element: 2 processes x 3 steps x lr 0.1 x 4
    np.testing.assert_allclose((start - model.weight.detach()).numpy(), np.full((2, 3), 2.4), rtol=1e-5)


def test_a_shared_tensor_goes_through_a_queue_by_reference():
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    x = torch.zeros(2, 3).share_memory_()
    p = ctx.Process(target=_fill_from_queue, args=(q, 5.0))
    p.start()
    q.put(x[1])  # a view: its offset in the segment travels with it
    p.join(60)
    assert p.exitcode == 0
    assert x.tolist() == [[0.0] * 3, [5.0] * 3]


def test_other_tensors_and_plain_pickling_copy():
    x = torch.ones(3)
    y = pickle.loads(ForkingPickler.dumps(x))
    y.fill_(2)
    assert x.tolist() == [1.0, 1.0, 1.0] and not y.is_shared()
    s = torch.ones(3).share_memory_()
    for copied in (pickle.loads(pickle.dumps(s)), pickle.loads(pickle.dumps(nn.Parameter(s)))):
        assert not copied.is_shared()
    p = pickle.loads(ForkingPickler.dumps(nn.Parameter(s)))
    assert isinstance(p, nn.Parameter) and p.requires_grad and p.is_shared()
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(nn.Parameter(s) * 2)


def test_a_received_place_is_checked_against_the_segment():
    s = torch.zeros(4).share_memory_()
    name, offset = shared.locate(s._data)
    with pytest.raises(ValueError, match="does not fit in shared-memory segment"):
        reductions.rebuild_shared_tensor(torch.Tensor, name, offset + 8, (4,), (8,), np.float64, False)
    with pytest.raises(ValueError, match="does not fit"):
        reductions.rebuild_shared_tensor(torch.Tensor, name, 0, (2,), (-8,), np.float64, False)
    with pytest.raises(TypeError, match="is not a Tensor class"):
        reductions.rebuild_shared_tensor(dict, name, 0, (4,), (8,), np.float64, False)


def test_the_segment_is_freed_with_its_last_tensor():
    x = torch.zeros(1000).share_memory_()
    name, _ = shared.locate(x._data)
    view = x[10:20]
    del x
    gc.collect()
    other = shared_memory.SharedMemory(name=name)  # the view still maps it: the name is there
    other.close()
    del view
    gc.collect()
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name=name)


def test_sharing_strategies():
    assert mp.get_all_sharing_strategies() == {"file_system"}
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_system")
    with pytest.raises(AssertionError):
        mp.set_sharing_strategy("file_descriptor")


def test_is_shared_as_torch():
    torch_ = pytest.importorskip("torch")
    for lib in (torch, torch_):
        x = lib.ones(3)
        assert x.is_shared() is False
        assert x.share_memory_() is x and x.is_shared() is True
        m = lib.nn.Linear(2, 2)
        assert m.share_memory() is m and m.weight.is_shared()

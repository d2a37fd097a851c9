"""Anomaly mode under real use: several threads training at once, forward passes without a
backward, and use_backend in threads. The read-only locks on saved arrays follow each graph:
taken when a node saves an array, dropped when its backward runs or the node is collected."""
import gc
import sys
import threading

import numpy as np
import pytest

import pyautograd as torch
import pyautograd.kernels as K
from pyautograd import autograd, nn
from pyautograd.autograd import anomaly


def _setup(seed):
    """Model, optimizer and data of one run, made in the calling thread (the global RNG is
    shared: threads drawing from it at once would interleave their draws)."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.standard_normal((32, 8)), dtype=torch.float32)
    y = torch.tensor(rng.standard_normal((32, 1)), dtype=torch.float32)
    return model, torch.optim.SGD(model.parameters(), lr=0.05), x, y


def _train(run, steps, results, key, errors):
    model, opt, x, y = run
    try:
        for _ in range(steps):
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
        results[key] = [p.detach().numpy().copy() for p in model.parameters()]
    except BaseException as exc:  # reported by the main thread
        errors.append(exc)


@pytest.fixture
def frequent_switches():
    """Threads switch every microsecond (default 5 ms), so races show in a short run."""
    saved = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(saved)


def test_threads_training_under_anomaly_mode_match_sequential_runs(frequent_switches):
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        with autograd.detect_anomaly():
            sequential, threaded, errors = {}, {}, []
            for seed in range(4):
                _train(_setup(seed), 30, sequential, seed, errors)
            runs = [_setup(seed) for seed in range(4)]
            threads = [threading.Thread(target=_train, args=(runs[seed], 30, threaded, seed, errors))
                       for seed in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert not errors, errors
    for seed in range(4):
        for a, b in zip(sequential[seed], threaded[seed]):
            np.testing.assert_array_equal(a, b)


def test_one_threads_backward_leaves_another_threads_saved_arrays_locked():
    x = torch.randn(5, requires_grad=True)
    with pytest.warns(UserWarning):
        with autograd.detect_anomaly():
            y = x.exp()
            z = y * y  # y's array is saved (read-only) while z's graph lives
            def other():
                a = torch.randn(5, requires_grad=True)
                (a.exp() * 2).sum().backward()
            t = threading.Thread(target=other)
            t.start()
            t.join()
            assert not y.detach().numpy().flags.writeable
            z.sum().backward()
            assert y.detach().numpy().flags.writeable


def test_forward_passes_without_backward_release_their_locks():
    w = torch.randn(64, 64, requires_grad=True)
    with pytest.warns(UserWarning):
        with autograd.detect_anomaly():
            outputs = []
            for i in range(300):
                h = (torch.randn(16, 64) @ w).tanh()
                metric = h.mean().item()  # a metric: no backward
                if i % 100 == 0:
                    outputs.append(h)  # kept alive: its graph's arrays stay locked
            del h
            gc.collect()
            live = len(anomaly._locked)
            assert live <= 3 * len(outputs) + 2, f"{live} arrays still locked after 300 forward passes"
            assert all(not o.detach().numpy().flags.writeable for o in outputs)
            del outputs
            gc.collect()
            assert len(anomaly._locked) <= 2
    assert metric == metric


def test_use_backend_is_thread_local():
    if not K.c_available():
        pytest.skip("C kernels not built")
    seen = {}
    inside = threading.Event()
    leave = threading.Event()

    def holder():
        with K.use_backend("numpy"):
            inside.set()
            leave.wait(10)
            seen["holder"] = K.backend()

    with K.use_backend("c"):
        t = threading.Thread(target=holder)
        t.start()
        inside.wait(10)
        seen["main while other holds numpy"] = K.backend()
        leave.set()
        t.join()
        seen["main after"] = K.backend()
    assert seen == {"holder": "numpy", "main while other holds numpy": "c", "main after": "c"}


def test_use_backend_nested_out_of_order_in_two_threads_restores_each():
    if not K.c_available():
        pytest.skip("C kernels not built")
    before = K.backend()
    steps = [threading.Event() for _ in range(4)]
    log = []

    def a():
        with K.use_backend("numpy"):
            steps[0].set()
            steps[1].wait(10)
        log.append(("a", K.backend()))
        steps[2].set()

    def b():
        steps[0].wait(10)
        with K.use_backend("c"):
            steps[1].set()
            steps[2].wait(10)  # a leaves its block while b is still in its own
            log.append(("b inside", K.backend()))
        log.append(("b", K.backend()))

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(log) == sorted([("a", before), ("b inside", "c"), ("b", before)])
    assert K.backend() == before


def test_lock_table_survives_many_threads_recording_and_releasing(frequent_switches):
    """Many short graphs built and released at once in several threads: the process-wide
    table used to be iterated by one thread's backward while another inserted into it."""
    errors = []

    def work():
        try:
            for _ in range(150):
                xs = [torch.randn(4, requires_grad=True) for _ in range(8)]
                loss = sum((x.exp() * x).sum() for x in xs)
                loss.backward()
        except BaseException as exc:
            errors.append(exc)

    with pytest.warns(UserWarning):
        with autograd.detect_anomaly():
            threads = [threading.Thread(target=work) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert not errors, errors[:3]

"""torch.multiprocessing: the standard library's names, and spawn with PyTorch's semantics
(fn(i, *args), a child's exception re-raised with its traceback, a non-zero exit reported)."""
import os
import sys

import pytest

import pyautograd as torch
import pyautograd.multiprocessing as mp


def _write_rank(i, directory, scale):
    x = torch.arange(3) * scale + i
    with open(os.path.join(directory, f"{i}.txt"), "w") as f:
        f.write(repr(x.tolist()))


def _fail_on_one(i):
    if i == 1:
        raise ValueError("rank one refuses")


def _exit_three(i):
    sys.exit(3)


def test_reexports_the_standard_library():
    import multiprocessing
    assert mp.Process is multiprocessing.Process
    assert mp.get_context is multiprocessing.get_context
    assert mp.set_start_method is multiprocessing.set_start_method
    assert mp.Queue is multiprocessing.Queue


def test_spawn_runs_fn_with_its_index(tmp_path):
    assert mp.spawn(_write_rank, args=(str(tmp_path), 10), nprocs=2) is None
    assert sorted(os.listdir(tmp_path)) == ["0.txt", "1.txt"]
    assert (tmp_path / "1.txt").read_text() == "[1, 11, 21]"


def test_a_childs_exception_is_raised_with_its_traceback():
    with pytest.raises(mp.ProcessRaisedException, match="rank one refuses") as info:
        mp.spawn(_fail_on_one, nprocs=2, start_method="fork")
    assert info.value.error_index == 1
    assert "Traceback" in str(info.value) and "-- Process 1 terminated with the following error" in str(info.value)


def test_a_non_zero_exit_is_reported_and_join_false_gives_the_context():
    context = mp.spawn(_exit_three, nprocs=1, join=False, start_method="fork")
    assert isinstance(context, mp.ProcessContext) and len(context.pids()) == 1
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3") as info:
        while not context.join():
            pass
    assert info.value.exit_code == 3

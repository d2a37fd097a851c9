"""torch.distributed on MPI: each test launches 2 or 3 ranks of worker.py on this machine."""
import os
import subprocess
import sys
import time

import pytest

pytest.importorskip("mpi4py", reason="pyautograd[distributed] (mpi4py + mpich) is not installed")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


def launch(scenario, nproc=2, env=None, timeout=120):
    cmd = [sys.executable, "-m", "pyautograd.distributed.run", "--nproc-per-node", str(nproc), WORKER, scenario]
    full_env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1", **(env or {}))
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        full_env.pop(name, None)
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - start


@pytest.mark.parametrize("nproc", [2, 3])
def test_collectives_write_in_place_or_through_a_copy(nproc):
    proc, _ = launch("memory", nproc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASSED memory on {nproc} ranks" in proc.stdout


@pytest.mark.parametrize("nproc", [2, 3])
def test_collectives(nproc):
    proc, _ = launch("collectives", nproc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASSED collectives on {nproc} ranks" in proc.stdout


@pytest.mark.parametrize("scenario", ["ddp", "no_sync", "join", "sync_batchnorm", "timeout"])
def test_scenario(scenario):
    proc, _ = launch(scenario, 2)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASSED {scenario} on 2 ranks" in proc.stdout


def test_ddp_on_three_ranks_with_unequal_shards_raises_nothing_and_agrees():
    proc, _ = launch("join", 3)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mismatched_shapes_raise_under_debug_detail():
    proc, _ = launch("mismatch", 2, env={"TORCH_DISTRIBUTED_DEBUG": "DETAIL"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_an_exception_on_one_rank_ends_the_job_with_its_traceback():
    proc, seconds = launch("fail", 2, timeout=60)
    assert proc.returncode != 0
    assert "rank 1 fails on purpose" in proc.stderr and "Traceback" in proc.stderr
    assert seconds < 30


def test_a_killed_rank_ends_the_job():
    proc, seconds = launch("killed", 2, timeout=60)
    assert proc.returncode != 0
    assert seconds < 30


def test_importing_does_not_start_mpi_and_a_plain_script_is_a_world_of_one():
    code = ("import sys, pyautograd.distributed as d; assert 'mpi4py.MPI' not in sys.modules; "
            "d.init_process_group('gloo'); import pyautograd as t; x = t.ones(2); d.all_reduce(x); "
            "assert d.get_world_size() == 1 and x.tolist() == [1.0, 1.0]; d.destroy_process_group(); "
            "d.init_process_group(); print('ok')")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "RANK", "WORLD_SIZE"))}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(env, PYTHONPATH=ROOT),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr


def test_a_process_that_claims_a_world_without_a_launcher_is_told_how_to_launch():
    code = ("import pyautograd.distributed as d\ntry:\n    d.init_process_group('gloo', world_size=2, rank=0)\n"
            "except RuntimeError as e:\n    print('refused:', e)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                          capture_output=True, text=True, timeout=60)
    assert "refused:" in proc.stdout and "pyautograd.distributed.run" in proc.stdout, proc.stdout + proc.stderr


def test_nccl_is_refused_and_apis_answer_like_a_cpu_build():
    import pyautograd.distributed as dist
    with pytest.raises(RuntimeError, match="NCCL"):
        dist.init_process_group("nccl")
    assert dist.is_available() and not dist.is_nccl_available() and not dist.is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.get_rank()


def test_backend_names_as_torch():
    import pyautograd.distributed as dist
    torch = pytest.importorskip("torch")
    import torch.distributed as tdist
    for lib in (dist, tdist):
        assert lib.Backend("GLOO") == "gloo" and lib.Backend.MPI == "mpi" and lib.Backend("Custom") == "custom"
        assert lib.get_default_backend_for_device("cpu") == "gloo"
        assert lib.get_default_backend_for_device("cuda") == "nccl"
        with pytest.raises(ValueError, match="Default backend not registered for device"):
            lib.get_default_backend_for_device("meta")
    assert dist.get_default_backend_for_device(torch.device("cpu")) == "gloo"
    assert dist.Backend.backend_list == tdist.Backend.backend_list
    assert dist.Backend.default_device_backend_map == tdist.Backend.default_device_backend_map


def test_launcher_command_line():
    from pyautograd.distributed import run
    args = run._parser().parse_args(["--nproc_per_node", "3", "--standalone", "train.py", "--lr", "0.1"])
    cmd = run.command(args)
    assert cmd[1:3] == ["-n", "3"] and cmd[-3:] == ["train.py", "--lr", "0.1"]
    args = run._parser().parse_args(["--nnodes", "2", "--nproc-per-node", "2", "train.py"])
    with pytest.raises(SystemExit, match="hostfile"):
        run.command(args)
    args = run._parser().parse_args(["--nnodes", "2", "--nproc-per-node", "2", "--hostfile", "h", "train.py"])
    assert run.command(args)[1:7] == ["-n", "4", "-f", "h", "-ppn", "2"]

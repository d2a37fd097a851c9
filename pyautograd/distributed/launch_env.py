"""Where this process stands in a job, read from its launcher's environment without starting MPI.

torchrun hands every process RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and
MASTER_PORT. MPI launchers name the same facts differently (MPICH's Hydra: PMI_RANK, PMI_SIZE,
MPI_LOCALRANKID, MPI_LOCALNRANKS; Open MPI: OMPI_COMM_WORLD_*; Slurm's srun: SLURM_PROCID...).
``fill_torchrun_variables`` copies them into torchrun's names when those are absent, so a
script that reads ``os.environ["RANK"]`` before ``init_process_group`` (nanoGPT does) runs the
same under ``mpiexec -n N python train.py`` as under torchrun.
"""
import os

# (rank, size, local rank, local size) variable names of each launcher, most specific first.
_LAUNCHERS = (
    ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),                       # MPICH Hydra
    ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
     "OMPI_COMM_WORLD_LOCAL_SIZE"),                                                      # Open MPI
    ("PMIX_RANK", "PMIX_SIZE", None, None),                                                # PMIx
)


def mpi_launch():
    """(rank, size, local_rank, local_size) when an MPI launcher started this process, else None."""
    env = os.environ
    for rank, size, local_rank, local_size in _LAUNCHERS:
        if rank in env and (size is None or size in env):
            r = int(env[rank])
            n = int(env[size]) if size in env else 1
            lr = int(env[local_rank]) if local_rank and local_rank in env else r
            ln = int(env[local_size]) if local_size and local_size in env else n
            return r, n, lr, ln
    if "SLURM_STEP_ID" in env and "SLURM_PROCID" in env and "PMI_FD" in env:
        # srun --mpi=pmi2 (PMI_FD is the wire to Slurm's PMI server)
        n = int(env.get("SLURM_NTASKS", "1"))
        ln = int(env.get("SLURM_NTASKS_PER_NODE", str(n)).split("(")[0])
        return int(env["SLURM_PROCID"]), n, int(env.get("SLURM_LOCALID", "0")), ln
    return None


def fill_torchrun_variables():
    """Sets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE (and MASTER_ADDR/PORT defaults) from
    the MPI launcher's variables, leaving any that are already set alone. Returns the launch
    tuple, or None outside an MPI launch."""
    launch = mpi_launch()
    if launch is None:
        return None
    rank, size, local_rank, local_size = launch
    for name, value in (("RANK", rank), ("WORLD_SIZE", size), ("LOCAL_RANK", local_rank),
                        ("LOCAL_WORLD_SIZE", local_size), ("MASTER_ADDR", "127.0.0.1"),
                        ("MASTER_PORT", "29500")):
        os.environ.setdefault(name, str(value))
    return launch

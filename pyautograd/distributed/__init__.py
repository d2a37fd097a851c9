"""pyautograd.distributed: torch.distributed's API on MPI (mpi4py and the MPICH wheel).

Launch N processes with ``python -m pyautograd.distributed.run --nproc-per-node N script.py``
(torchrun's spelling) or ``mpiexec -n N python script.py``; in the script, as with PyTorch::

    import pyautograd.distributed as dist
    dist.init_process_group("gloo")        # "gloo" and "mpi" both run on MPI
    dist.all_reduce(t)                      # in place, summed over ranks

Importing this module does not start MPI; it copies an MPI launcher's rank variables into
torchrun's names (RANK, WORLD_SIZE, LOCAL_RANK, ...) when they are unset. See docs/distributed.md.
"""
from .collectives import (ReduceOp, Work, all_gather, all_gather_into_tensor, all_gather_object, all_reduce,
                          all_to_all_single, barrier, broadcast, broadcast_object_list, gather, gather_object,
                          irecv, isend, recv, reduce, reduce_scatter_tensor, scatter, scatter_object_list, send)
from .launch_env import fill_torchrun_variables
from .process_group import (Backend, GroupMember, ProcessGroup, destroy_process_group, get_backend,
                            get_default_backend_for_device, get_global_rank,
                            get_group_rank, get_process_group_ranks, get_rank, get_world_size, init_process_group,
                            is_available, is_gloo_available, is_initialized, is_mpi_available, is_nccl_available,
                            is_torchelastic_launched, new_group)

group = GroupMember  # torch.distributed.group.WORLD

fill_torchrun_variables()

__all__ = ["Backend", "get_default_backend_for_device", "ReduceOp", "Work", "GroupMember", "ProcessGroup", "group", "init_process_group", "destroy_process_group",
           "is_available", "is_initialized", "is_mpi_available", "is_gloo_available", "is_nccl_available",
           "is_torchelastic_launched", "get_rank", "get_world_size", "get_backend", "get_global_rank",
           "get_group_rank", "get_process_group_ranks", "new_group", "all_reduce", "broadcast", "reduce",
           "all_gather", "all_gather_into_tensor", "gather", "scatter", "reduce_scatter_tensor",
           "all_to_all_single", "barrier", "send", "recv", "isend", "irecv", "broadcast_object_list",
           "all_gather_object", "gather_object", "scatter_object_list"]

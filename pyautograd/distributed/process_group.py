"""Process groups on MPI communicators: init_process_group, new_group, ranks and sizes.

The default group is a duplicate of MPI_COMM_WORLD, made by ``init_process_group`` and freed by
``destroy_process_group`` (MPI itself stays initialized, so a later ``init_process_group`` works,
as in PyTorch). mpi4py is imported only there: importing pyautograd never starts MPI.
"""
import datetime
import importlib.util
import os
import sys
import time
import traceback

from .launch_env import mpi_launch

DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # PyTorch's default for CPU backends

_LAUNCH_HELP = ("launch the job with `python -m pyautograd.distributed.run --nproc-per-node N script.py` "
                "or `mpiexec -n N python script.py` (pyautograd's distributed backend is MPI; processes "
                "started another way, e.g. multiprocessing.spawn, cannot join one job)")


class ProcessGroup:
    """A group of ranks that run collectives together: an MPI communicator and its timeout."""

    def __init__(self, comm, timeout, ranks):
        self.comm = comm
        self.timeout = timeout
        self.ranks = tuple(ranks)  # global ranks of the members, in group-rank order

    def rank(self):
        """This process's rank within the group."""
        return self.comm.Get_rank()

    def size(self):
        """The number of processes in the group."""
        return self.comm.Get_size()

    def name(self):
        """The backend's name, as PyTorch's ProcessGroup.name()."""
        return "mpi"

    def __repr__(self):
        return f"<ProcessGroup mpi ranks={list(self.ranks)}>"


class GroupMember:
    """PyTorch's markers: ``GroupMember.WORLD`` (the default group) and ``NON_GROUP_MEMBER``."""

    WORLD = None
    NON_GROUP_MEMBER = object()


class _World:
    """The default group's state (one per process)."""

    group = None
    backend = None
    finalize_hook_installed = False


def is_available():
    """True when the MPI transport (mpi4py) is installed: ``pip install "pyautograd[distributed]"``."""
    return importlib.util.find_spec("mpi4py") is not None


def is_mpi_available():
    """True when mpi4py is installed (the only backend pyautograd has)."""
    return is_available()


def is_gloo_available():
    """False: there is no Gloo here ("gloo" is accepted by init_process_group and runs on MPI)."""
    return False


def is_nccl_available():
    """False: NCCL is a CUDA library and this is a CPU build."""
    return False


def is_torchelastic_launched():
    """True when a launcher (ours, mpiexec or torchrun) set the process's rank variables."""
    return mpi_launch() is not None or "TORCHELASTIC_RUN_ID" in os.environ


def is_initialized():
    """True once init_process_group has run (and destroy_process_group has not)."""
    return _World.group is not None


def mpi():
    """mpi4py's MPI module; importing it starts MPI, so it happens at init_process_group, not at
    import time."""
    try:
        from mpi4py import MPI  # import here: importing mpi4py.MPI initializes MPI
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("pyautograd.distributed needs mpi4py and an MPI library: "
                          "pip install \"pyautograd[distributed]\" (mpi4py and the mpich wheel)") from exc
    return MPI


def _abort_on_uncaught(comm_world):
    """An uncaught exception on one rank ends the whole job: MPI's normal exit would wait in
    MPI_Finalize for ranks that are blocked in a collective with the dead one, forever."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if comm_world.Get_size() <= 1:
            previous(kind, value, tb)
            return
        # The traceback goes out in one write, then a short pause before MPI_Abort: the launcher
        # forwards each rank's stderr asynchronously and drops what it has not forwarded when the
        # abort tears the job down (seen under load: only the traceback's first line arrived).
        if previous is sys.__excepthook__:
            text = "".join(traceback.format_exception(kind, value, tb))
        else:  # the program's own hook reports the error its way
            previous(kind, value, tb)
            text = ""
        text += f"pyautograd.distributed: rank {comm_world.Get_rank()} raised {kind.__name__}; aborting the job\n"
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(2, text.encode("utf-8", "replace"))
        time.sleep(0.2)
        comm_world.Abort(1)
    sys.excepthook = hook


class Backend(str):
    """The backend names, as torch.distributed.Backend: Backend("GLOO") is the string "gloo" (a
    name it does not know comes back lower-cased). pyautograd runs "mpi" and accepts "gloo" on MPI."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    XCCL = "xccl"
    UCC = "ucc"
    MPI = "mpi"
    FAKE = "fake"
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]
    default_device_backend_map = {"cpu": GLOO, "cuda": NCCL, "xpu": XCCL, "mps": GLOO}

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        return name.lower() if value == Backend.UNDEFINED else value


def get_default_backend_for_device(device):
    """The backend PyTorch picks for a device type: "gloo" for the CPU (run on MPI here), "nccl"
    for CUDA (which init_process_group then refuses, as a CPU build of PyTorch does)."""
    kind = device if isinstance(device, str) else getattr(device, "type", None)
    kind = str(kind).split(":")[0]
    if kind not in Backend.default_device_backend_map:
        raise ValueError(f"Default backend not registered for device : {device}")
    return Backend.default_device_backend_map[kind]


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Joins this process to the job's default group (PyTorch's signature).

    backend: None, "mpi" or "gloo" (which runs on MPI here, so CPU scripts written for PyTorch
    run unchanged); "nccl" is refused (a CUDA library). init_method "env://" (or None) reads the
    launcher's environment; world_size and rank, when given, must agree with the launch. A
    process started without a launcher is a world of one.
    """
    if _World.group is not None:
        raise RuntimeError("trying to initialize the default process group twice!")
    name = (backend or "mpi").lower() if isinstance(backend, str) or backend is None else str(backend).lower()
    if "nccl" in name:
        raise RuntimeError("Distributed package doesn't have NCCL built in (pyautograd is a CPU build; "
                           "use backend='gloo' or 'mpi')")
    if name not in ("mpi", "gloo", "cpu:gloo", "cpu:mpi"):
        raise ValueError(f"Invalid backend: '{backend}' (pyautograd runs 'mpi', and accepts 'gloo' on MPI)")
    if init_method is not None and not str(init_method).startswith("env://"):
        raise ValueError(f"init_method {init_method!r}: pyautograd's MPI backend takes its ranks from the "
                         f"launcher, so only 'env://' (or None) is accepted")
    launch = mpi_launch()
    env_size = int(os.environ.get("WORLD_SIZE", "1"))
    asked = world_size if world_size not in (None, -1) else env_size
    if launch is None and asked > 1:
        raise RuntimeError(f"init_process_group: world_size {asked} was asked for, but this process was not "
                           f"started by an MPI launcher: {_LAUNCH_HELP}")
    MPI = mpi()
    world = MPI.COMM_WORLD
    if world_size not in (None, -1) and world_size != world.Get_size():
        raise ValueError(f"init_process_group: world_size={world_size}, but the job has {world.Get_size()} processes")
    if rank not in (None, -1) and rank != world.Get_rank():
        raise ValueError(f"init_process_group: rank={rank}, but MPI gave this process rank {world.Get_rank()}")
    if not _World.finalize_hook_installed:
        _abort_on_uncaught(world)
        _World.finalize_hook_installed = True
    _World.group = ProcessGroup(world.Dup(), timeout or DEFAULT_TIMEOUT, range(world.Get_size()))
    _World.backend = "mpi"


def destroy_process_group(group=None):
    """Frees a group's communicator (the default group's when None). MPI stays initialized."""
    if group is None or group is GroupMember.WORLD or group is _World.group:
        if _World.group is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        _World.group.comm.Free()
        _World.group = None
        _World.backend = None
        return
    if group is not GroupMember.NON_GROUP_MEMBER:
        group.comm.Free()


def default_group():
    """The default ProcessGroup, or PyTorch's error when there is none."""
    if _World.group is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _World.group


def resolve(group):
    """The ProcessGroup a collective runs on (None and GroupMember.WORLD mean the default)."""
    if group is None or group is GroupMember.WORLD:
        return default_group()
    if group is GroupMember.NON_GROUP_MEMBER:
        raise RuntimeError("this rank is not a member of the group it passed to a collective")
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup from new_group (or None), not {type(group).__name__}")
    return group


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of the given global ranks (all of them when None). Every rank of the default
    group must call it, as in PyTorch; a rank outside ``ranks`` gets GroupMember.NON_GROUP_MEMBER."""
    world = default_group()
    size = world.size()
    members = sorted(set(range(size) if ranks is None else (int(r) for r in ranks)))
    bad = [r for r in members if not 0 <= r < size]
    if bad:
        raise ValueError(f"new_group: ranks {bad} are not in the world of size {size}")
    MPI = mpi()
    me = world.rank()
    color = 0 if me in members else MPI.UNDEFINED
    comm = world.comm.Split(color, members.index(me) if me in members else 0)
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    return ProcessGroup(comm, timeout or world.timeout, members)


def get_rank(group=None):
    """This process's rank in `group` (-1 when it is not a member); before init_process_group
    it raises, as PyTorch does."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return resolve(group).rank()


def get_world_size(group=None):
    """The number of processes in `group` (-1 when this rank is not a member)."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return resolve(group).size()


def get_backend(group=None):
    """The backend's name: "mpi" (also when "gloo" was asked for: it runs on MPI)."""
    resolve(group)
    return _World.backend


def get_global_rank(group, group_rank):
    """The global rank of `group_rank` within `group`."""
    return resolve(group).ranks[group_rank]


def get_group_rank(group, global_rank):
    """The rank within `group` of the process with global rank `global_rank`."""
    ranks = resolve(group).ranks
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return ranks.index(global_rank)


def get_process_group_ranks(group):
    """The global ranks of `group`'s members."""
    return list(resolve(group).ranks)


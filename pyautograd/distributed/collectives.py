"""torch.distributed's collectives and point-to-point calls, on MPI's non-blocking operations.

Every call starts MPI's non-blocking form and returns a Work (``async_op=True``) or waits on it.
Waiting polls ``MPI_Testall``: MPI progresses a non-blocking operation only inside MPI calls, and
polling is also how a collective that waits longer than the group's timeout raises instead of
hanging. A C-contiguous, writable tensor is sent from and received into its own memory
(all_reduce with ``MPI_IN_PLACE``), as raw mpi4py would use a NumPy array; other tensors go
through a copy. Either way the version counter is bumped, so autograd notices a saved tensor a
collective overwrote. The tensors' dtypes map to MPI's; float16/bfloat16 have no MPI type and
are refused.

With ``TORCH_DISTRIBUTED_DEBUG=DETAIL`` (PyTorch's switch) every collective first compares the
op, shapes and dtypes of all ranks, so a mismatch is an error naming both sides instead of a
hang or a wrong sum.
"""
import enum
import os
import time

import numpy as np

from .._creation import from_numpy
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .process_group import GroupMember, mpi, resolve


class ReduceOp:
    """The reductions of all_reduce, reduce and reduce_scatter (``ReduceOp.SUM`` ...)."""

    class RedOpType(enum.Enum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


def _mpi_op(op, dtype):
    MPI = mpi()
    if op is ReduceOp.AVG and not np.issubdtype(dtype, np.floating):
        raise ValueError(f"ReduceOp.AVG needs a floating-point tensor, got {dtype} (as PyTorch: use SUM "
                         f"and divide)")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and np.issubdtype(dtype, np.floating):
        raise RuntimeError(f"ReduceOp.{op.name} is only defined for integer and bool tensors, got {dtype}")
    table = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD, ReduceOp.MIN: MPI.MIN,
             ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND, ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}
    if op not in table:
        raise ValueError(f"unknown reduce op {op!r}: use torch.distributed.ReduceOp")
    return table[op]


_MPI_DTYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.int64, np.int32, np.int16, np.int8,
                                               np.uint8, np.bool_))


def _checked(tensor, what):
    """The tensor's own array, after checking that it is a tensor of a dtype MPI has."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{what}: expected a Tensor, got {type(tensor).__name__}")
    data = tensor._data
    if data.dtype not in _MPI_DTYPES:
        raise RuntimeError(f"{what}: tensors of dtype {tensor.dtype} cannot be sent over MPI (supported: "
                           f"float32, float64, int64, int32, int16, int8, uint8, bool)")
    return data


def _array(tensor, what):
    """The tensor's values as a C-contiguous array, for sending (its own memory when it is
    C-contiguous already, else a copy)."""
    return np.ascontiguousarray(_checked(tensor, what))


def _own_buffer(tensor, what):
    """The tensor's own array when MPI can write into it directly (C-contiguous and writable),
    else None; raises as _array for a non-tensor or a dtype MPI lacks.

    Collectives then send from and receive into the tensor's memory: no copy in, no fresh
    receive buffer (whose first touch costs page faults) and no copy out. Those copies, not the
    transfer, were most of the gap to raw mpi4py (0.25 MiB all_reduce: 0.21 ms against 0.05).
    Anything else (a strided view, an expanded tensor, an array anomaly mode locked) takes
    the copying path, whose ``copy_`` raises PyTorch's errors."""
    data = _checked(tensor, what)
    return data if data.flags.c_contiguous and data.flags.writeable else None


def _written(tensor, what):
    """Records that a collective wrote into `tensor`'s memory (a version bump, as the copying
    path's ``copy_`` makes: autograd then notices a saved tensor that was overwritten)."""
    tensor._counter().bump(what, None)


def _store(tensor, array, what):
    """Writes `array` (as many elements as `tensor`) into `tensor` in place, with a version bump."""
    data = tensor._data
    if data.flags.c_contiguous and data.flags.writeable and data.dtype == array.dtype:
        np.copyto(data, array.reshape(data.shape))
        _written(tensor, what)
        return
    with no_grad():
        tensor.copy_(from_numpy(np.ascontiguousarray(array).reshape(tuple(tensor.shape))))


def _debug_level():
    return os.environ.get("TORCH_DISTRIBUTED_DEBUG", "OFF").upper()


def _check_consistent(pg, opname, tensors, **extra):
    """Under TORCH_DISTRIBUTED_DEBUG=DETAIL: every rank must call the same op on the same shapes."""
    if _debug_level() != "DETAIL":
        return
    mine = (opname, [(tuple(t.shape), str(t.dtype)) for t in tensors], sorted(extra.items()))
    everyone = pg.comm.allgather(mine)
    for rank, theirs in enumerate(everyone):
        if theirs != mine:
            raise RuntimeError(f"Detected mismatch between collectives on ranks. Rank {pg.rank()} is running "
                               f"{mine[0]} on {mine[1]} {dict(mine[2]) or ''}, but rank {rank} is running "
                               f"{theirs[0]} on {theirs[1]} {dict(theirs[2]) or ''}")


class Work:
    """A started operation: ``wait()`` blocks until it is done (or the timeout passes and it
    raises), ``is_completed()`` asks without blocking."""

    _pending = set()  # works started and not yet seen complete: progress() polls them

    def __init__(self, requests, finish, timeout, what, result=(), statuses=None):
        self._requests = list(requests)
        self._statuses = statuses
        self._finish = finish
        self._timeout = timeout
        self._what = what
        self._result = list(result)
        self._done = False
        self._value = None
        Work._pending.add(self)

    def _complete(self):
        self._done = True
        Work._pending.discard(self)
        if self._finish is not None:
            self._value = self._finish()
            self._finish = None

    def is_completed(self):
        """True when the operation has finished (its outputs are written)."""
        if not self._done and mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def wait(self, timeout=None):
        """Blocks until done; RuntimeError after ``timeout`` (the group's when None). Returns True."""
        if not self._done:
            wait_requests(self._requests, None, self._what, timeout if timeout is not None else self._timeout,
                          self._statuses)
            self._complete()
        return True

    def synchronize(self):
        """The same as wait() on the CPU."""
        self.wait()

    def is_success(self):
        """True once completed (a failed operation raises instead)."""
        return self._done

    def exception(self):
        """None: failures raise from wait()."""
        return None

    def result(self):
        """The output tensors of the operation."""
        self.wait()
        return self._result

    def source_rank(self):
        """For a receive: the rank the message came from."""
        self.wait()
        return self._value


# How wait_requests waits. A blocking MPI_Wait (or MPI_Allreduce) cannot honour the group's
# timeout, and MPI matches a non-blocking collective only with non-blocking ones (DDP's buckets
# are non-blocking), so every collective starts the non-blocking form and polls it. Measured on
# 2 ranks, 2 cores shared with other jobs: spinning on Testall is as fast as MPI_Wait while
# both ranks have a core (0.25 MiB all-reduce 0.05 ms, raw mpi4py's time); but a rank that
# gets ahead and spins takes the core its late peer needs (1 MiB back-to-back: median 19 ms
# against 3.5 ms for MPI_Wait; 16 MiB in bench ddp: 28-33 ms). So: spin for the first
# millisecond (an undelayed collective finishes in it), then poll between naps of the shortest
# sleep (~0.05 ms: the core goes to the peer; 1 MiB median 2.1 ms, 16 MiB 20-28 ms), and after
# 50 ms between pauses of 0.1 ms, to stop burning a core for a slow rank. Longer pauses
# (exponential backoff to 0.5-1 ms) measured worse: a collective advances only while both
# sides poll, so a late rank's all-reduce waited 2-4x longer on the early rank's pauses.
_SPIN_SECONDS = 1e-3
_NAP_SECONDS = 1e-6     # time.sleep rounds this up to the timer slack, ~50 us on Linux
_NAP_UNTIL_SECONDS = 0.05
_PAUSE_SECONDS = 1e-4


def wait_requests(requests, group, what, timeout=None, statuses=None):
    """Waits for MPI requests by polling (MPI progresses them only inside MPI calls), raising
    RuntimeError when `timeout` (a timedelta or seconds; the group's when None) passes first."""
    test_all = mpi().Request.Testall
    if test_all(requests, statuses):
        return
    limit = timeout if timeout is not None else group.timeout
    seconds = limit.total_seconds() if hasattr(limit, "total_seconds") else float(limit)
    start = time.monotonic()
    deadline, spin_until, nap_until = start + seconds, start + _SPIN_SECONDS, start + _NAP_UNTIL_SECONDS
    while not test_all(requests, statuses):
        now = time.monotonic()
        if now > spin_until:
            if now > deadline:
                raise RuntimeError(f"{what} timed out after {seconds:g} s waiting for the other ranks (the "
                                   f"group's timeout; a rank may have died or called another collective)")
            time.sleep(_NAP_SECONDS if now < nap_until else _PAUSE_SECONDS)


def progress_requests(requests):
    """One poll of MPI's progress engine over `requests` (started, possibly complete)."""
    live = [r for r in requests if r is not None]
    if live:
        mpi().Request.Testall(live)


def progress():
    """Lets MPI advance every started operation (a cheap poll); returns how many are pending."""
    for work in list(Work._pending):
        work.is_completed()
    return len(Work._pending)


def _run(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces `tensor` over all ranks of the group, in place on every rank."""
    pg = resolve(group)
    own = _own_buffer(tensor, "all_reduce")
    send = own if own is not None else _array(tensor, "all_reduce")
    mpi_op = _mpi_op(op, send.dtype)
    _check_consistent(pg, "all_reduce", [tensor], op=op.name)
    if own is not None:  # reduced in the tensor's memory (MPI_IN_PLACE): no copies
        req = pg.comm.Iallreduce(mpi().IN_PLACE, own, op=mpi_op)

        def finish():
            if op is ReduceOp.AVG:
                np.divide(own, pg.size(), out=own)
            _written(tensor, "all_reduce")
    else:
        recv = np.empty_like(send)
        req = pg.comm.Iallreduce(send, recv, op=mpi_op)

        def finish():
            _store(tensor, recv / pg.size() if op is ReduceOp.AVG else recv, "all_reduce")
    return _run(Work([req], finish, pg.timeout, "all_reduce", [tensor]), async_op)


def broadcast(tensor, src, group=None, async_op=False, group_src=None):
    """Copies `tensor` from rank `src` (a global rank) to every rank of the group."""
    pg = resolve(group)
    root = _group_rank(pg, src, group_src)
    own = _own_buffer(tensor, "broadcast")
    buf = own if own is not None else _array(tensor, "broadcast")
    _check_consistent(pg, "broadcast", [tensor], src=root)
    req = pg.comm.Ibcast(buf, root=root)
    if pg.rank() == root:
        finish = None
    elif own is not None:  # received into the tensor's memory
        finish = lambda: _written(tensor, "broadcast")  # noqa: E731
    else:
        finish = lambda: _store(tensor, buf, "broadcast")  # noqa: E731
    return _run(Work([req], finish, pg.timeout, "broadcast", [tensor]), async_op)


def reduce(tensor, dst, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduces `tensor` over the group into rank `dst`'s tensor (others keep theirs)."""
    pg = resolve(group)
    root = _group_rank(pg, dst, group_dst)
    own = _own_buffer(tensor, "reduce") if pg.rank() == root else None
    send = own if own is not None else _array(tensor, "reduce")
    mpi_op = _mpi_op(op, send.dtype)
    _check_consistent(pg, "reduce", [tensor], dst=root, op=op.name)
    if own is not None:  # the root reduces in the tensor's memory (MPI_IN_PLACE)
        req = pg.comm.Ireduce(mpi().IN_PLACE, own, op=mpi_op, root=root)

        def finish():
            if op is ReduceOp.AVG:
                np.divide(own, pg.size(), out=own)
            _written(tensor, "reduce")
        return _run(Work([req], finish, pg.timeout, "reduce", [tensor]), async_op)
    recv = np.empty_like(send) if pg.rank() == root else None
    req = pg.comm.Ireduce(send, recv, op=mpi_op, root=root)

    def finish():
        if recv is not None:
            _store(tensor, recv / pg.size() if op is ReduceOp.AVG else recv, "reduce")
    return _run(Work([req], finish, pg.timeout, "reduce", [tensor]), async_op)


def _same_shape(tensors, like, what):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor) or tuple(t.shape) != tuple(like.shape) or t.dtype != like.dtype:
            got = (tuple(t.shape), t.dtype) if isinstance(t, Tensor) else type(t).__name__
            raise RuntimeError(f"{what}: tensor {i} of the list is {got}, but the input is "
                               f"{(tuple(like.shape), like.dtype)}; every tensor must match it")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fills ``tensor_list[r]`` with rank r's `tensor` on every rank."""
    pg = resolve(group)
    if len(tensor_list) != pg.size():
        raise RuntimeError(f"all_gather: tensor_list has {len(tensor_list)} tensors, the group has "
                           f"{pg.size()} ranks")
    _same_shape(tensor_list, tensor, "all_gather")
    send = _array(tensor, "all_gather")
    _check_consistent(pg, "all_gather", [tensor])
    recv = np.empty((pg.size(),) + send.shape, send.dtype)
    req = pg.comm.Iallgather(send, recv)

    def finish():
        for out, part in zip(tensor_list, recv):
            _store(out, part, "all_gather")
    return _run(Work([req], finish, pg.timeout, "all_gather", tensor_list), async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Gathers every rank's `input_tensor` into `output_tensor` (concatenated along dim 0, or
    stacked: any output of world_size times the input's elements)."""
    pg = resolve(group)
    send = _array(input_tensor, "all_gather_into_tensor")
    if output_tensor.numel() != send.size * pg.size() or output_tensor.dtype != input_tensor.dtype:
        raise RuntimeError(f"all_gather_into_tensor: output {tuple(output_tensor.shape)} {output_tensor.dtype} "
                           f"must hold {pg.size()} x input {tuple(input_tensor.shape)} {input_tensor.dtype}")
    _check_consistent(pg, "all_gather_into_tensor", [input_tensor])
    own = _own_buffer(output_tensor, "all_gather_into_tensor")
    if own is not None and not np.shares_memory(own, send):  # gathered straight into the output's memory
        req = pg.comm.Iallgather(send, own.reshape(-1))
        finish = lambda: _written(output_tensor, "all_gather_into_tensor")  # noqa: E731
    else:
        recv = np.empty(send.size * pg.size(), send.dtype)
        req = pg.comm.Iallgather(send, recv)
        finish = lambda: _store(output_tensor, recv, "all_gather_into_tensor")  # noqa: E731
    return _run(Work([req], finish, pg.timeout, "all_gather_into_tensor", [output_tensor]), async_op)


def gather(tensor, gather_list=None, dst=0, group=None, async_op=False, group_dst=None):
    """Collects every rank's `tensor` into ``gather_list`` on rank `dst` (None elsewhere)."""
    pg = resolve(group)
    root = _group_rank(pg, dst, group_dst)
    send = _array(tensor, "gather")
    recv = None
    if pg.rank() == root:
        if gather_list is None or len(gather_list) != pg.size():
            raise ValueError(f"gather: rank {dst} needs a gather_list of {pg.size()} tensors")
        _same_shape(gather_list, tensor, "gather")
        recv = np.empty((pg.size(),) + send.shape, send.dtype)
    elif gather_list:
        raise ValueError("gather: gather_list is only given on the destination rank")
    _check_consistent(pg, "gather", [tensor], dst=root)
    req = pg.comm.Igather(send, recv, root=root)

    def finish():
        if recv is not None:
            for out, part in zip(gather_list, recv):
                _store(out, part, "gather")
    return _run(Work([req], finish, pg.timeout, "gather", gather_list or []), async_op)


def scatter(tensor, scatter_list=None, src=0, group=None, async_op=False, group_src=None):
    """Rank `src` sends ``scatter_list[r]`` to rank r, which receives it into `tensor`."""
    pg = resolve(group)
    root = _group_rank(pg, src, group_src)
    own = _own_buffer(tensor, "scatter")
    recv = own if own is not None else np.empty_like(_array(tensor, "scatter"))
    send = None
    if pg.rank() == root:
        if scatter_list is None or len(scatter_list) != pg.size():
            raise ValueError(f"scatter: rank {src} needs a scatter_list of {pg.size()} tensors")
        _same_shape(scatter_list, tensor, "scatter")
        send = np.stack([_array(t, "scatter") for t in scatter_list])
    elif scatter_list:
        raise ValueError("scatter: scatter_list is only given on the source rank")
    _check_consistent(pg, "scatter", [tensor], src=root)
    req = pg.comm.Iscatter(send, recv, root=root)
    if own is not None:  # received into the tensor's memory
        finish = lambda: _written(tensor, "scatter")  # noqa: E731
    else:
        finish = lambda: _store(tensor, recv, "scatter")  # noqa: E731
    return _run(Work([req], finish, pg.timeout, "scatter", [tensor]), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces `input` (world_size x output's elements) over ranks; rank r gets block r."""
    pg = resolve(group)
    send = _array(input, "reduce_scatter_tensor")
    if send.size != output.numel() * pg.size() or output.dtype != input.dtype:
        raise RuntimeError(f"reduce_scatter_tensor: input {tuple(input.shape)} {input.dtype} must hold "
                           f"{pg.size()} x output {tuple(output.shape)} {output.dtype}")
    mpi_op = _mpi_op(op, send.dtype)
    _check_consistent(pg, "reduce_scatter_tensor", [input], op=op.name)
    own = _own_buffer(output, "reduce_scatter_tensor")
    if own is not None and np.shares_memory(own, send):
        own = None  # MPI forbids overlapping send and receive buffers
    recv = own.reshape(-1) if own is not None else np.empty(output.numel(), send.dtype)
    req = pg.comm.Ireduce_scatter_block(send.reshape(-1), recv, op=mpi_op)

    def finish():
        if own is None:
            _store(output, recv / pg.size() if op is ReduceOp.AVG else recv, "reduce_scatter_tensor")
            return
        if op is ReduceOp.AVG:
            np.divide(recv, pg.size(), out=recv)
        _written(output, "reduce_scatter_tensor")
    return _run(Work([req], finish, pg.timeout, "reduce_scatter_tensor", [output]), async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Splits `input` along dim 0 into world_size parts (even, or by ``input_split_sizes``), sends
    part r to rank r, and concatenates what arrives into `output`."""
    pg = resolve(group)
    n = pg.size()
    send = _array(input, "all_to_all_single")
    row = int(np.prod(send.shape[1:])) if send.ndim > 1 else 1
    rows_in = send.shape[0] if send.ndim else 1
    rows_out = output.shape[0] if output.ndim else 1

    def splits(sizes, rows, name):
        if sizes is None or len(sizes) == 0:
            if rows % n:
                raise RuntimeError(f"all_to_all_single: dim 0 of {name} ({rows}) does not split evenly over "
                                   f"{n} ranks; pass {name}_split_sizes")
            return [rows // n] * n
        sizes = [int(s) for s in sizes]
        if len(sizes) != n or sum(sizes) != rows:
            raise RuntimeError(f"all_to_all_single: {name}_split_sizes {sizes} must have {n} entries summing "
                               f"to dim 0 of {name} ({rows})")
        return sizes
    send_counts = [s * row for s in splits(input_split_sizes, rows_in, "input")]
    recv_counts = [s * row for s in splits(output_split_sizes, rows_out, "output")]
    if output.dtype != input.dtype:
        raise RuntimeError(f"all_to_all_single: output dtype {output.dtype} differs from input dtype {input.dtype}")
    _check_consistent(pg, "all_to_all_single", [])
    own = _own_buffer(output, "all_to_all_single") if output.numel() == sum(recv_counts) else None
    if own is not None and not np.shares_memory(own, send):  # received into the output's memory
        recv = own.reshape(-1)
        finish = lambda: _written(output, "all_to_all_single")  # noqa: E731
    else:
        recv = np.empty(sum(recv_counts), send.dtype)
        finish = lambda: _store(output, recv, "all_to_all_single")  # noqa: E731
    req = pg.comm.Ialltoallv([send.reshape(-1), (send_counts, None)], [recv, (recv_counts, None)])
    return _run(Work([req], finish, pg.timeout, "all_to_all_single", [output]), async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Waits until every rank of the group has reached it."""
    pg = resolve(group)
    req = pg.comm.Ibarrier()
    return _run(Work([req], None, pg.timeout, "barrier"), async_op)


def _group_rank(pg, global_rank, group_rank=None):
    if group_rank is not None:
        return int(group_rank)
    if global_rank not in pg.ranks:
        raise ValueError(f"rank {global_rank} is not a member of the group (its ranks: {list(pg.ranks)})")
    return pg.ranks.index(global_rank)


def isend(tensor, dst, group=None, tag=0, group_dst=None):
    """Starts sending `tensor` to rank `dst`; returns a Work."""
    pg = resolve(group)
    buf = _array(tensor, "send")
    req = pg.comm.Isend(buf, dest=_group_rank(pg, dst, group_dst), tag=tag)
    return Work([req], None, pg.timeout, f"send to rank {dst}", [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Starts receiving into `tensor` from rank `src` (any rank when None); returns a Work whose
    wait() finishes the write (``work.source_rank()`` gives the sender)."""
    pg = resolve(group)
    MPI = mpi()
    own = _own_buffer(tensor, "recv")
    buf = own if own is not None else np.empty_like(_array(tensor, "recv"))
    source = MPI.ANY_SOURCE if src is None and group_src is None else _group_rank(pg, src, group_src)
    statuses = [MPI.Status()]
    req = pg.comm.Irecv(buf, source=source, tag=tag)

    def finish():
        if own is None:
            _store(tensor, buf, "recv")
        else:  # received into the tensor's memory
            _written(tensor, "recv")
        return pg.ranks[statuses[0].Get_source()]
    return Work([req], finish, pg.timeout, f"recv from rank {'any' if src is None else src}", [tensor], statuses)


def send(tensor, dst, group=None, tag=0, group_dst=None):
    """Sends `tensor` to rank `dst` and waits until it is sent."""
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into `tensor` from rank `src` (any rank when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    work.wait()
    return work.source_rank()


def broadcast_object_list(object_list, src=0, group=None, device=None, group_src=None):
    """Replaces `object_list`'s items on every rank with rank `src`'s (pickled: for the job's own
    trusted objects, as in PyTorch)."""
    pg = resolve(group)
    root = _group_rank(pg, src, group_src)
    received = pg.comm.bcast(list(object_list) if pg.rank() == root else None, root=root)
    if pg.rank() != root:
        object_list[:] = received


def all_gather_object(object_list, obj, group=None):
    """Fills ``object_list[r]`` with rank r's `obj` on every rank."""
    pg = resolve(group)
    if len(object_list) != pg.size():
        raise RuntimeError(f"all_gather_object: object_list has {len(object_list)} entries, the group has "
                           f"{pg.size()} ranks")
    object_list[:] = pg.comm.allgather(obj)


def gather_object(obj, object_gather_list=None, dst=0, group=None, group_dst=None):
    """Collects every rank's `obj` into ``object_gather_list`` on rank `dst`."""
    pg = resolve(group)
    root = _group_rank(pg, dst, group_dst)
    gathered = pg.comm.gather(obj, root=root)
    if pg.rank() == root:
        if object_gather_list is None or len(object_gather_list) != pg.size():
            raise ValueError(f"gather_object: rank {dst} needs an object_gather_list of {pg.size()} entries")
        object_gather_list[:] = gathered


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=0, group=None,
                        group_src=None):
    """Rank `src` sends ``scatter_object_input_list[r]`` to rank r, stored as output list[0]."""
    pg = resolve(group)
    root = _group_rank(pg, src, group_src)
    items = list(scatter_object_input_list) if pg.rank() == root else None
    scatter_object_output_list[0] = pg.comm.scatter(items, root=root)


__all__ = ["ReduceOp", "Work", "GroupMember", "all_reduce", "broadcast", "reduce", "all_gather",
           "all_gather_into_tensor", "gather", "scatter", "reduce_scatter_tensor", "all_to_all_single", "barrier",
           "isend", "irecv", "send", "recv", "broadcast_object_list", "all_gather_object", "gather_object",
           "scatter_object_list", "progress"]

"""DistributedDataParallel: the same model on every rank, gradients averaged during backward.

At construction rank 0's parameters and buffers are broadcast, so every rank starts equal.
Parameters are grouped in buckets of about ``bucket_cap_mb`` (25 MiB; the first bucket 1 MiB so
communication starts early), in reverse registration order, which is roughly the order backward
produces their gradients. A post-accumulate-grad hook on each parameter counts it ready; a
bucket whose parameters are all ready is copied into one flat buffer and its all-reduce started
without blocking (buckets start in index order, the same on every rank, as MPI requires). Each
hook also polls the started all-reduces, because MPI advances a non-blocking operation only
inside MPI calls: that is what lets communication overlap the rest of the backward. When the
last bucket has started, the hook waits for all of them and writes the averages into ``.grad``.
"""
import contextlib
import time

import numpy as np

from ... import distributed as dist
from ..._creation import from_numpy
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ..module import Module

_FIRST_BUCKET_BYTES = 1 << 20


class _Bucket:
    """Parameters whose gradients travel in one all-reduce."""

    __slots__ = ("index", "params", "offsets", "buffer", "ready", "work", "started")

    def __init__(self, index, params):
        self.index = index
        self.params = params
        sizes = [p.numel() for p in params]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.buffer = np.zeros(int(self.offsets[-1]), dtype=params[0].detach().numpy().dtype)
        self.ready = 0
        self.work = None
        self.started = 0.0


def _buckets(params, cap_bytes):
    """Groups parameters (given in backward order) by dtype into buckets of at most cap_bytes
    (the first bucket at most 1 MiB); a parameter larger than the cap gets a bucket of its own."""
    groups, open_by_dtype = [], {}  # groups: [params, bytes]; open_by_dtype: dtype -> group index
    for p in params:
        nbytes = p.numel() * p.element_size()
        i = open_by_dtype.get(p.dtype)
        limit = _FIRST_BUCKET_BYTES if i == 0 else cap_bytes
        if i is None or groups[i][1] + nbytes > limit:
            groups.append([[], 0])
            i = open_by_dtype[p.dtype] = len(groups) - 1
        groups[i][0].append(p)
        groups[i][1] += nbytes
    return [_Bucket(i, plist) for i, (plist, _) in enumerate(groups)]


class DistributedDataParallel(Module):
    """Wraps `module` for data-parallel training over the default (or given) process group.

    As PyTorch's: ``model = DDP(model)`` then train as usual; gradients are averaged over the
    ranks during ``backward``. ``no_sync()`` accumulates locally; ``join()`` lets ranks with
    fewer batches finish early; ``require_backward_grad_sync`` (nanoGPT sets it) switches the
    averaging of the next backward. device_ids/output_device are for GPU modules and refused
    here as PyTorch refuses them for CPU modules. gradient_as_bucket_view and static_graph are
    accepted; gradients are copied back from the buckets either way.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        if device_ids or output_device is not None:
            raise ValueError(f"DistributedDataParallel device_ids and output_device arguments only work with "
                             f"single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                             f"{device_ids}, output_device {output_device}, and module parameters "
                             f"{{device(type='cpu')}}.")
        self.module = module
        self.process_group = dist.process_group.resolve(process_group)
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.dim = dim
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * (1 << 20))
        self._params = [p for p in module.parameters() if p.requires_grad]
        self._buckets = _buckets(list(reversed(self._params)), self.bucket_bytes_cap)
        self._bucket_of = {}
        for b in self._buckets:
            for i, p in enumerate(b.params):
                self._bucket_of[id(p)] = (b, i)
        self._expecting = False     # the current backward averages gradients
        self._next_bucket = 0       # the next bucket to start (index order on every rank)
        self._join_active = None    # ranks still training, when join() is in force
        self._unused = ()
        self.comm_stats = {"allreduce_seconds_waited": 0.0, "allreduce_seconds_total": 0.0, "steps": 0}
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in self._params]
        if init_sync and self._world() > 1:
            self._broadcast(self._params + list(module.buffers()))

    # -- communication helpers -------------------------------------------------------------

    def _world(self):
        return self.process_group.size()

    def _broadcast(self, tensors, src=0):
        """Broadcasts tensors from group rank `src`, one flat message per dtype."""
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t.dtype, []).append(t)
        comm = self.process_group.comm
        for group in by_dtype.values():
            flat = np.concatenate([t.detach().numpy().ravel() for t in group])
            comm.Bcast(flat, root=src)
            if self.process_group.rank() != src:
                offset = 0
                with no_grad():
                    for t in group:
                        n = t.numel()
                        t.copy_(from_numpy(flat[offset:offset + n].reshape(tuple(t.shape))))
                        offset += n

    def _start(self, bucket):
        for p, lo, hi in zip(bucket.params, bucket.offsets[:-1], bucket.offsets[1:]):
            if p.grad is None:
                bucket.buffer[lo:hi] = 0
            else:
                bucket.buffer[lo:hi] = p.grad.detach().numpy().ravel()
        bucket.started = time.perf_counter()
        bucket.work = self.process_group.comm.Iallreduce(dist.process_group.mpi().IN_PLACE, bucket.buffer)

    def _start_ready_buckets(self):
        while self._next_bucket < len(self._buckets):
            bucket = self._buckets[self._next_bucket]
            if bucket.ready < len(bucket.params):
                break
            self._start(bucket)
            self._next_bucket += 1

    def _finish(self):
        """Waits for every bucket's all-reduce and writes the averaged gradients."""
        MPI = dist.process_group.mpi()
        t0 = time.perf_counter()
        works = [b.work for b in self._buckets]
        dist.collectives.wait_requests(works, self.process_group, "DistributedDataParallel gradient all-reduce")
        waited = time.perf_counter() - t0
        divisor = self._world() if self._join_active is None or self._divide_by_initial else self._join_active
        used = self._globally_used(MPI) if self.find_unused_parameters else None
        with no_grad():
            for b in self._buckets:
                b.buffer /= divisor
                for p, lo, hi in zip(b.params, b.offsets[:-1], b.offsets[1:]):
                    if used is not None and not used[id(p)]:
                        continue
                    _write_grad(p, b.buffer[lo:hi].reshape(tuple(p.shape)))
                b.work = None
                b.ready = 0
        stats = self.comm_stats
        stats["allreduce_seconds_waited"] += waited
        stats["allreduce_seconds_total"] += time.perf_counter() - min(b.started for b in self._buckets)
        stats["steps"] += 1
        self._expecting = False
        self._next_bucket = 0

    def _globally_used(self, MPI):
        local = np.array([0 if id(p) in self._unused else 1 for p in self._params], dtype=np.int32)
        self.process_group.comm.Allreduce(MPI.IN_PLACE, local, op=MPI.MAX)
        return {id(p): bool(flag) for p, flag in zip(self._params, local)}

    # -- autograd hook -----------------------------------------------------------------------

    def _grad_ready(self, param):
        if not self._expecting:
            return
        bucket, _ = self._bucket_of[id(param)]
        bucket.ready += 1
        self._start_ready_buckets()
        dist.collectives.progress_requests([b.work for b in self._buckets[:self._next_bucket]])
        if self._next_bucket == len(self._buckets):
            self._finish()

    def _mark_unused(self, outputs):
        """find_unused_parameters: parameters the outputs do not depend on count as ready now."""
        reached, stack, seen = set(), [], set()
        for out in _tensors_in(outputs):
            if out.grad_fn is not None:
                stack.append(out.grad_fn)
            elif out.requires_grad:
                reached.add(id(out))
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            variable = getattr(node, "variable", None)
            if variable is not None:
                reached.add(id(variable))
            stack.extend(n for n, _ in node.next_functions if n is not None)
        self._unused = {id(p) for p in self._params if id(p) not in reached}
        for p in self._params:
            if id(p) in self._unused:
                self._bucket_of[id(p)][0].ready += 1

    # -- forward -------------------------------------------------------------------------------

    def forward(self, *inputs, **kwargs):
        """Runs the wrapped module (after syncing buffers from rank 0) and arms gradient averaging."""
        if self._expecting and any(b.ready for b in self._buckets):
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This "
                "error indicates that your module has parameters that were not used in producing loss. You can "
                "enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` "
                "to `torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function "
                "outputs participate in calculating loss.")
        for b in self._buckets:
            b.ready = 0
        self._next_bucket = 0
        if self._join_active is not None:
            self._join_round(active=True)
        if self.broadcast_buffers and self._world() > 1:
            buffers = list(self.module.buffers())
            if buffers:
                self._broadcast(buffers, src=self._authoritative)
        out = self.module(*inputs, **kwargs)
        self._expecting = (is_grad_enabled() and self.require_backward_grad_sync and self._world() > 1
                           and bool(self._params))
        if self._expecting and self.find_unused_parameters:
            self._mark_unused(out)
            self._start_ready_buckets()
        return out

    # -- no_sync and join ----------------------------------------------------------------------

    @contextlib.contextmanager
    def no_sync(self):
        """Within this context gradients only accumulate locally; the first backward after it
        averages the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    _authoritative = 0
    _divide_by_initial = True

    def _join_round(self, active):
        """One agreement of a join(): how many ranks still train, and which one owns the buffers."""
        MPI = dist.process_group.mpi()
        comm = self.process_group.comm
        flags = np.array([1 if active else 0], dtype=np.int64)
        comm.Allreduce(MPI.IN_PLACE, flags, op=MPI.SUM)
        owner = np.array([self.process_group.rank() if active else self._world()], dtype=np.int64)
        comm.Allreduce(MPI.IN_PLACE, owner, op=MPI.MIN)
        self._join_active = int(flags[0])
        if flags[0]:
            self._authoritative = int(owner[0])  # after the last round: one of the last joiners
        if active and self._throw_on_early and self._join_active < self._world():
            raise RuntimeError(f"Rank {self.process_group.rank()} detected that another rank ran out of inputs "
                               f"(join(throw_on_early_termination=True)); {self._join_active} of "
                               f"{self._world()} ranks are still training")
        return self._join_active

    _throw_on_early = False

    @contextlib.contextmanager
    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        """Training with uneven inputs: a rank that runs out of batches leaves the loop and, here,
        keeps answering the other ranks' collectives (buffer broadcasts and gradient all-reduces,
        with zeros) until every rank has finished; then, as PyTorch's, every rank takes the
        parameters and buffers of a rank that joined last."""
        if not enable or self._world() == 1:
            yield
            return
        self._divide_by_initial = divide_by_initial_world_size
        self._throw_on_early = throw_on_early_termination
        self._join_active = self._world()
        try:
            yield
        finally:
            self._shadow_until_all_joined()
            self._broadcast(self._params + list(self.module.buffers()), src=self._authoritative)
            self._join_active = None
            self._authoritative = 0

    def _shadow_until_all_joined(self):
        MPI = dist.process_group.mpi()
        while self._join_round(active=False) > 0:
            if self._throw_on_early:
                raise RuntimeError(f"Rank {self.process_group.rank()} ran out of inputs while others still train "
                                   f"(join(throw_on_early_termination=True))")
            if self.broadcast_buffers:
                buffers = list(self.module.buffers())
                if buffers:
                    self._broadcast(buffers, src=self._authoritative)
            # The training ranks start their all-reduces non-blocking, and MPI matches a
            # non-blocking collective only with non-blocking ones.
            for b in self._buckets:
                b.buffer[:] = 0
                request = self.process_group.comm.Iallreduce(MPI.IN_PLACE, b.buffer, op=MPI.SUM)
                dist.collectives.wait_requests([request], self.process_group, "DistributedDataParallel join")
            if self.find_unused_parameters:
                zeros = np.zeros(len(self._params), dtype=np.int32)
                self.process_group.comm.Allreduce(MPI.IN_PLACE, zeros, op=MPI.MAX)


DDP = DistributedDataParallel


def _write_grad(param, values):
    """Writes averaged gradient values into ``param.grad``: straight into its array when it is
    contiguous and writable (with the version bump copy_ makes), else through copy_, which first
    builds the result in a fresh array and copies it again (MLP 784-512-512-10: 1.1 ms of copies
    per step that way, 0.5 ms directly)."""
    grad = param.grad
    if grad is None:
        param.grad = from_numpy(values.copy())
        return
    data = grad._data
    if data.flags.c_contiguous and data.flags.writeable and data.dtype == values.dtype:
        np.copyto(data, values)
        grad._counter().bump("copy_", None)
    else:
        grad.copy_(from_numpy(values))


def _tensors_in(obj):
    """The tensors in a forward's output (a tensor, or nested tuples/lists/dicts of them)."""
    if hasattr(obj, "grad_fn"):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _tensors_in(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _tensors_in(v)

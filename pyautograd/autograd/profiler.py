"""torch.autograd.profiler: records every op the forward runs and every node the backward runs,
with its CPU (wall) time, input shapes, the memory of what it returned and the user's stack.

While a profile is recording, each op is reported as an event named PyTorch's way
(``aten::add``, ``aten::addmm``; see ops/profiling.py for how pyautograd's op names map), each
backward node as ``autograd::engine::evaluate_function: MulBackward0``, and each
``record_function`` block under its own name. Events nest: an op called inside another event
(an op inside a record_function block, a backward formula's ops inside its node) is its child,
and an event's self time is its time minus its children's.

With no profile recording nothing is checked on the op path: ops/profiling.py swaps the ops'
entry point in while recording and back out after.

Memory (``profile_memory=True``): an event's "Self CPU Mem" is the bytes of the tensors it
returned (views count 0) less what its children returned, its "CPU Mem" that plus its
children's; frees are not tracked (PyTorch counts them negatively).
``with_flops`` and ``with_modules`` are accepted and record nothing.
"""
import collections
import gzip
import json
import os
import sys
import threading
import time
import warnings

import numpy as np

from .._tensor import Tensor
from ..graph import profiling as _slot
from ..ops import profiling as _ops_profiling

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _nbytes(out):
    if isinstance(out, Tensor):
        return out._data.nbytes
    if isinstance(out, np.ndarray):
        return out.nbytes
    if isinstance(out, (tuple, list)):
        return sum(_nbytes(o) for o in out)
    return 0


def _shapes(inputs):
    if inputs is None:
        return []
    return [list(x.shape) if isinstance(x, (Tensor, np.ndarray)) else [] for x in inputs]


def _user_stack():
    """'file(line): function' of the caller's frames outside pyautograd, innermost first."""
    frames = []
    f = sys._getframe(2)
    while f is not None:
        filename = f.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            frames.append(f"{filename}({f.f_lineno}): {f.f_code.co_name}")
        f = f.f_back
    return frames


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_memory(nbytes):
    kb, mb, gb = 1024, 1024 ** 2, 1024 ** 3
    if abs(nbytes) >= gb:
        return f"{nbytes / gb:.2f} GB"
    if abs(nbytes) >= mb:
        return f"{nbytes / mb:.2f} MB"
    if abs(nbytes) >= kb:
        return f"{nbytes / kb:.2f} KB"
    return f"{nbytes} B"


class FunctionEvent:
    """One recorded op, backward node or record_function block. Times are in microseconds."""

    __slots__ = ("id", "name", "thread", "start_ns", "end_ns", "input_shapes", "stack", "own_memory",
                 "cpu_children", "cpu_parent", "is_user_annotation", "_origin_ns")

    def __init__(self, id, name, thread, start_ns, origin_ns, input_shapes, stack, parent, is_user_annotation):
        self.id, self.name, self.thread = id, name, thread
        self.start_ns, self.end_ns, self._origin_ns = start_ns, start_ns, origin_ns
        self.input_shapes, self.stack = input_shapes, stack
        self.own_memory = 0
        self.cpu_children = []
        self.cpu_parent = parent
        self.is_user_annotation = is_user_annotation

    key = property(lambda self: self.name, doc="The name events are grouped by.")
    count = property(lambda self: 1)
    device_type = property(lambda self: "CPU")

    @property
    def time_range(self):
        """(start, end) in microseconds from the start of the profile."""
        return ((self.start_ns - self._origin_ns) / 1e3, (self.end_ns - self._origin_ns) / 1e3)

    @property
    def cpu_time_total(self):
        return (self.end_ns - self.start_ns) / 1e3

    cpu_time = cpu_time_total

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_memory_usage(self):
        return self.own_memory + sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        return self.own_memory

    device_time_total = self_device_time_total = cuda_time_total = self_cuda_time_total = property(lambda self: 0.0)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"start_us={self.time_range[0]:.3f} end_us={self.time_range[1]:.3f} "
                f"cpu_children={[c.id for c in self.cpu_children]} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage}>")


class FunctionEventAvg:
    """The events of one key (name, and input shapes / stack when grouped by them), summed."""

    def __init__(self, key, input_shapes=None, stack=None, is_user_annotation=False):
        self.key, self.input_shapes, self.stack = key, input_shapes, stack
        self.is_user_annotation = is_user_annotation
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_time_total = self.self_device_time_total = 0.0
        self.cuda_time_total = self.self_cuda_time_total = 0.0
        self.cpu_parent = None
        self.device_type = "CPU"

    def add(self, other):
        """Adds an event (or another average) into this one; returns self."""
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        return self

    @property
    def cpu_time(self):
        """The average time per call (us)."""
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage}>")


class EventList(list):
    """A list of events (FunctionEvent or FunctionEventAvg) with PyTorch's table and export."""

    def __init__(self, *args, profile_memory=False, with_shapes=False, base_time_ns=0, **kwargs):
        super().__init__(*args, **kwargs)
        self._profile_memory = profile_memory
        self._with_shapes = with_shapes
        self._base_time_ns = base_time_ns  # the wall-clock time the profile started

    @property
    def self_cpu_time_total(self):
        """The sum of every event's self CPU time (us)."""
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The events grouped by name (and input shapes, and the top `group_by_stack_n` frames
        of their stack), each group summed into a FunctionEventAvg, in first-seen order."""
        groups = collections.OrderedDict()
        for e in self:
            key = [e.key]
            if group_by_input_shape:
                key.append(str(e.input_shapes))
            if group_by_stack_n > 0:
                key.append(tuple((e.stack or [])[:group_by_stack_n]))
            key = tuple(key)
            avg = groups.get(key)
            if avg is None:
                avg = groups[key] = FunctionEventAvg(
                    e.key, e.input_shapes if group_by_input_shape else None,
                    (e.stack or [])[:group_by_stack_n] if group_by_stack_n > 0 else None, e.is_user_annotation)
            avg.add(e)
        return EventList(groups.values(), profile_memory=self._profile_memory,
                         with_shapes=group_by_input_shape, base_time_ns=self._base_time_ns)

    def total_average(self):
        """Every event summed into one FunctionEventAvg (key "Total")."""
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        """PyTorch's table: one row per event (or group), sorted by the attribute `sort_by`
        (descending; e.g. "cpu_time_total", "self_cpu_time_total", "cpu_memory_usage", "count"),
        at most `row_limit` rows, and the total self CPU time."""
        events = list(self)
        if top_level_events_only:
            events = [e for e in events if e.cpu_parent is None]
        if sort_by is not None:
            attr = sort_by.replace("cuda", "device")
            events.sort(key=lambda e: getattr(e, attr), reverse=True)
        if row_limit is not None and row_limit > 0:
            events = events[:row_limit]
        total_self = self.self_cpu_time_total
        # the Source Location column: for groups made by key_averages(group_by_stack_n=N)
        with_stack = any(isinstance(e, FunctionEventAvg) and e.stack for e in events)
        name_width = min(max((len(e.key) for e in events), default=4) + 4, max_name_column_width)
        heads = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
        if self._profile_memory:
            heads += ["CPU Mem", "Self CPU Mem"]
        heads.append("# of Calls")
        widths = [name_width] + [12] * len(heads)
        heads = ["Name"] + heads
        shapes_width = 0
        if self._with_shapes:
            shapes_width = min(max((len(str(e.input_shapes)) for e in events), default=12) + 4,
                               max_shapes_column_width)
            heads.append("Input Shapes")
            widths.append(shapes_width)
        if with_stack:
            heads.append("Source Location")
            widths.append(max_src_column_width)

        def line(cells):
            return "".join(f"{c:>{w}}  " for c, w in zip(cells, widths)) + "\n"

        def clip(text, width):
            return text if len(text) <= width else text[:width - 3] + "..."

        rule = "".join("-" * w + "  " for w in widths) + "\n"
        out = []
        if header is not None:
            out += ["=" * (len(rule) - 1) + "\n", header + "\n"]
        out += [rule, line(heads), rule]

        def percent(x):
            return f"{100 * x / total_self:.2f}%" if total_self else "0.00%"
        for e in events:
            stack = (e.stack or [""]) if with_stack else []
            cells = [clip(e.key, name_width), percent(e.self_cpu_time_total), _format_time(e.self_cpu_time_total),
                     percent(e.cpu_time_total), _format_time(e.cpu_time_total), _format_time(e.cpu_time)]
            if self._profile_memory:
                cells += [_format_memory(e.cpu_memory_usage), _format_memory(e.self_cpu_memory_usage)]
            cells.append(str(e.count))
            if self._with_shapes:
                cells.append(clip(str(e.input_shapes), shapes_width))
            if with_stack:
                cells.append(clip(stack[0], max_src_column_width))
            out.append(line(cells))
            for frame in stack[1:]:  # further frames on lines of their own, as PyTorch prints them
                out.append(line([""] * (len(cells) - 1) + [clip(frame, max_src_column_width)]))
        out.append(rule)
        out.append(f"Self CPU time total: {_format_time(total_self)}\n")
        return "".join(out)

    def export_chrome_trace(self, path):
        """Writes the events as a Chrome trace (chrome://tracing, Perfetto, TensorBoard's
        profiler plugin): one complete ("X") event per op, node and record_function block;
        gzip-compressed when `path` ends in .gz."""
        data = json.dumps(_trace_json(self, self._base_time_ns)).encode()
        path = os.fspath(path)
        if path.endswith(".gz"):
            data = gzip.compress(data)
        with open(path, "wb") as f:
            f.write(data)

    def __str__(self):
        return self.table()


def _trace_json(events, base_time_ns):
    pid = os.getpid()
    trace = []
    for e in events:
        start, end = e.time_range
        entry = {"ph": "X", "cat": "user_annotation" if e.is_user_annotation else "cpu_op", "name": e.name,
                 "pid": pid, "tid": e.thread, "ts": round(start, 3), "dur": round(end - start, 3),
                 "args": {"External id": e.id}}
        if e.input_shapes:
            entry["args"]["Input Dims"] = e.input_shapes
        if e.stack:
            entry["args"]["Call stack"] = ";".join(e.stack)
        trace.append(entry)
    # ts is in microseconds from the start of the profile, which began at baseTimeNanoseconds.
    return {"schemaVersion": 1, "traceEvents": trace, "displayTimeUnit": "ms", "baseTimeNanoseconds": base_time_ns}


class _Recorder:
    """What the ops, the engine and record_function report to while a profile records."""

    def __init__(self, record_shapes, profile_memory, with_stack):
        self.record_shapes, self.profile_memory, self.with_stack = record_shapes, profile_memory, with_stack
        self.events = []
        self.origin_ns = time.perf_counter_ns()
        self.origin_epoch_ns = time.time_ns()
        self._local = threading.local()
        self._lock = threading.Lock()

    def begin(self, name, inputs, user_annotation=False):
        local = self._local
        stack = getattr(local, "stack", None)
        if stack is None:
            stack = local.stack = []
        parent = stack[-1] if stack else None
        event = FunctionEvent(0, name, threading.get_ident(), 0, self.origin_ns,
                              _shapes(inputs) if self.record_shapes else [],
                              _user_stack() if self.with_stack else [], parent, user_annotation)
        with self._lock:
            event.id = len(self.events)
            self.events.append(event)
        if parent is not None:
            parent.cpu_children.append(event)
        stack.append(event)
        event.start_ns = time.perf_counter_ns()  # last: the bookkeeping above is not the op's time
        return event

    def end(self, event, outputs):
        event.end_ns = time.perf_counter_ns()
        stack = self._local.stack
        if stack and stack[-1] is event:
            stack.pop()
        elif event in stack:  # an event left open inside this one (an exception): close it too
            del stack[stack.index(event):]
        if self.profile_memory and outputs is not None:
            # What the children returned is theirs: a node's gradients are mostly made by its ops.
            event.own_memory = max(0, _nbytes(outputs) - sum(c.cpu_memory_usage for c in event.cpu_children))

    def finish(self):
        """The recorded events (those that ended), in start order."""
        events = [e for e in self.events if e.end_ns >= e.start_ns]
        for e in events:
            e._origin_ns = self.origin_ns
        return events


def start_recording(record_shapes, profile_memory, with_stack):
    """Starts recording every op, backward node and record_function block; returns the recorder
    to hand to stop_recording. (Used by the profile classes here and in pyautograd.profiler.)"""
    if _slot.active.recorder is not None:
        raise RuntimeError("Profiler is already enabled: profilers do not nest")
    recorder = _Recorder(record_shapes, profile_memory, with_stack)
    _ops_profiling.attach(recorder)
    return recorder


def stop_recording(recorder):
    """Stops `recorder` (from start_recording) and returns its events as an EventList."""
    if _slot.active.recorder is recorder:
        _ops_profiling.detach()
    return EventList(recorder.finish(), profile_memory=recorder.profile_memory,
                     base_time_ns=recorder.origin_epoch_ns)


class profile:
    """Records the ops, backward nodes and record_function blocks run inside ``with``.

    Afterwards ``function_events`` holds the events; ``key_averages()`` groups them by name (and
    input shapes with ``group_by_input_shape=True``, which needs ``record_shapes=True``);
    ``table()`` / ``print(prof)`` shows them; ``export_chrome_trace(path)`` writes a Chrome trace.

    Args:
        enabled: False makes the context manager do nothing.
        record_shapes: record the shapes of each op's inputs.
        profile_memory: record the bytes of the tensors each op returns.
        with_stack: record each event's Python stack (the frames outside pyautograd).
        use_cuda, use_device: there is no device here: a warning, and CPU events only.
        with_flops, with_modules, use_kineto, use_cpu, experimental_config, acc_events,
        custom_trace_id_callback: accepted for PyTorch compatibility; they record nothing more.
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes, self.profile_memory, self.with_stack = record_shapes, profile_memory, with_stack
        self.with_flops, self.with_modules = with_flops, with_modules
        if use_cuda or (use_device not in (None, "cpu")):
            warnings.warn(f"the profiler records CPU events only: there is no {use_device or 'cuda'} device here",
                          stacklevel=2)
        self.function_events = None
        self._recorder = None
        self.entered = False

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._recorder = start_recording(self.record_shapes, self.profile_memory, self.with_stack)
        return self

    def __exit__(self, *exc):
        if not self.enabled:
            return False
        self.function_events = stop_recording(self._recorder)
        self._recorder = None
        return False

    def _check_finish(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The events grouped by name (see EventList.key_averages)."""
        self._check_finish()
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        """The events' table (see EventList.table)."""
        self._check_finish()
        return self.function_events.table(sort_by, row_limit, max_src_column_width, max_name_column_width,
                                          max_shapes_column_width, header, top_level_events_only)

    def export_chrome_trace(self, path):
        """Writes the events as a Chrome trace JSON file."""
        self._check_finish()
        self.function_events.export_chrome_trace(path)

    def total_average(self):
        self._check_finish()
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self):
        """The total self CPU time of every event (us)."""
        self._check_finish()
        return self.function_events.self_cpu_time_total

    def __str__(self):
        self._check_finish()
        return str(self.function_events)


class record_function:
    """Labels a block (``with record_function("name"):``) or a function (as a decorator) so
    the profiler shows it as one event, its ops nested inside. Without a profile recording it
    does nothing."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args
        self._event = None

    def __enter__(self):
        recorder = _slot.active.recorder
        if recorder is not None:
            self._recorder = recorder
            self._event = recorder.begin(self.name, None, user_annotation=True)
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            self._recorder.end(self._event, None)
            self._event = None
        return False

    def __call__(self, fn):
        name = self.name

        def wrapper(*args, **kwargs):
            with record_function(name):
                return fn(*args, **kwargs)
        wrapper.__name__, wrapper.__qualname__ = fn.__name__, fn.__qualname__
        wrapper.__doc__, wrapper.__wrapped__ = fn.__doc__, fn
        return wrapper

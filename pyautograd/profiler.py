"""torch.profiler: ``profile`` with activities, a step ``schedule`` and ``on_trace_ready``
handlers (``tensorboard_trace_handler`` writes Chrome trace files TensorBoard's profiler plugin
reads), ``record_function``, ``ProfilerActivity`` and ``ProfilerAction``.

The events are pyautograd.autograd.profiler's: every op (``aten::<name>``), backward node and
record_function block, with its CPU time. Only CPU activity exists here: asking for CUDA warns
and records the CPU events.
"""
import enum
import os
import socket
import time
import warnings

from .autograd.profiler import EventList, record_function, start_recording, stop_recording

__all__ = ["EventList", "ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule",
           "tensorboard_trace_handler", "supported_activities"]


class ProfilerActivity(enum.Enum):
    """The activities a profile can record (PyTorch's members; only CPU is recorded here)."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


def supported_activities():
    """The activities this build can record: the CPU's."""
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    """What the profiler does at a step, as a schedule returns it."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """A schedule for ``profile(schedule=...)``: skip `skip_first` steps, then cycle through
    `wait` idle steps, `warmup` steps and `active` recorded steps (the last of which saves the
    trace, calling on_trace_ready), `repeat` times (0: until the profile ends).
    `skip_first_wait` non-zero skips the first cycle's wait."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)

    def schedule_fn(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod_step < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _default_schedule_fn(_):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An on_trace_ready handler writing each saved trace to
    ``<dir_name>/<worker_name>.<time in ns>.pt.trace.json[.gz]`` (worker_name defaults to
    ``<host name>_<pid>``), the files TensorBoard's profiler plugin reads."""
    def handler_fn(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{name}.{time.time_ns()}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, file_name))
    return handler_fn


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile:
    """Records ops, backward nodes and record_function blocks (see pyautograd.autograd.profiler).

    Without `schedule` it records from start() (or ``with``) to stop() and then calls
    `on_trace_ready(prof)`. With one, ``prof.step()`` marks each step's end: the schedule says
    per step whether to record, and after each cycle's RECORD_AND_SAVE step on_trace_ready is
    called with that cycle's events; each step is also an event ``ProfilerStep#<n>``.

    Args:
        activities: ProfilerActivity members (default: CPU); only CPU is recorded here.
        schedule: a callable step -> ProfilerAction (see ``schedule``).
        on_trace_ready: called with this profile when a trace is saved.
        record_shapes, profile_memory, with_stack: as autograd.profiler.profile.
        with_flops, with_modules, experimental_config, execution_trace_observer, acc_events,
        use_cuda, custom_trace_id_callback: accepted for PyTorch compatibility; nothing more
        is recorded.
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        self.activities = set(activities) if activities else supported_activities()
        if use_cuda:
            self.activities.add(ProfilerActivity.CUDA)
        unsupported = self.activities - supported_activities()
        if unsupported:
            warnings.warn(f"the profiler records CPU activity only here; ignoring "
                          f"{sorted(a.name for a in unsupported)}", stacklevel=2)
        self.record_steps = schedule is not None
        self.schedule = schedule if schedule is not None else _default_schedule_fn
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.profile_memory, self.with_stack = record_shapes, profile_memory, with_stack
        self.with_flops, self.with_modules = with_flops, with_modules
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._recorder = None
        self._events = None
        self._step_rec = None

    # -- recording --------------------------------------------------------------------------
    def _start_trace(self):
        if self._recorder is None:
            self._recorder = start_recording(self.record_shapes, self.profile_memory, self.with_stack)

    def _stop_trace(self):
        if self._recorder is not None:
            self._close_step()
            self._events = stop_recording(self._recorder)
            self._recorder = None

    def _trace_ready(self):
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _close_step(self):
        if self._step_rec is not None:
            self._step_rec.__exit__(None, None, None)
            self._step_rec = None

    def _open_step(self):
        if self.record_steps and self._recorder is not None:
            self._step_rec = record_function(f"ProfilerStep#{self.step_num}")
            self._step_rec.__enter__()

    def _transit(self, prev, current):
        """Applies the change of action from `prev` to `current` (None: the profile stops)."""
        if prev in _RECORDING:
            if prev == ProfilerAction.RECORD_AND_SAVE or current not in _RECORDING:
                if prev == ProfilerAction.RECORD and current == ProfilerAction.NONE:
                    warnings.warn("Incorrect schedule: RECORD followed by NONE", stacklevel=3)
                self._stop_trace()
                self._trace_ready()
        if current in _RECORDING:
            self._start_trace()

    def start(self):
        """Starts profiling at step 0 (what ``with`` does)."""
        self._transit(ProfilerAction.NONE, self.current_action)
        self._open_step()

    def stop(self):
        """Stops profiling; a recording cycle still open is saved (on_trace_ready is called)."""
        self._close_step()
        self._transit(self.current_action, None)

    def step(self):
        """Marks the end of a step (a training iteration): the schedule decides the next one."""
        self._close_step()
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(prev, self.current_action)
        self._open_step()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- results ----------------------------------------------------------------------------
    def events(self):
        """The events of the last saved trace (an EventList)."""
        if self._events is None:
            raise RuntimeError("the profiler has no saved trace yet (it records until stop() "
                               "or the schedule's RECORD_AND_SAVE step)")
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The saved events grouped by name (and input shapes / stack frames): an EventList of
        FunctionEventAvg with ``.table(sort_by=..., row_limit=...)``."""
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Writes the saved events as a Chrome trace JSON file (gzip if `path` ends in .gz)."""
        self.events().export_chrome_trace(path)


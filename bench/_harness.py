"""Timing candidates side by side, and printing what was measured.

Candidates of one case (the C wrapper, the dispatcher, the NumPy reference,
PyTorch) are timed in the same process, interleaved: after a warm-up and a
calibration of how many calls make one sample, every round times each
candidate once, in an order rotated round by round, so a burst of load from
another process hits all of them rather than one. The median of the rounds is
the figure to compare; the minimum is the best the machine gave.
"""
import dataclasses
import gc
import json
import math
import statistics
import time

import pyautograd.kernels as K
from tests.dispatch_probe import dispatcher_choice  # noqa: F401  (bench.kernels uses it; test tooling)

from .machine import load_average


@dataclasses.dataclass
class Settings:
    """How hard to measure: rounds per case, seconds per sample, warm-up calls."""

    repeats: int = 7
    sample_seconds: float = 0.02
    warmup: int = 2
    max_number: int = 100_000
    settle_seconds: float = 0.01
    cpu_time: bool = False  # time.process_time (this process's CPU time) instead of wall time


QUICK = Settings(repeats=3, sample_seconds=0.002, warmup=1, max_number=2_000, settle_seconds=0.002)


@dataclasses.dataclass
class Timing:
    """Seconds per call of one candidate: one entry per round."""

    samples: list
    number: int

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def min(self):
        return min(self.samples)

    def as_dict(self):
        return {"median_s": self.median, "min_s": self.min, "samples_s": self.samples, "calls_per_sample": self.number}


def clock(settings):
    """The timer of settings: wall time, or (cpu_time) the CPU time of this process's threads.

    CPU time leaves out the time other processes hold the cores, so on a shared
    machine it shows the work a candidate does; with more than one thread it
    adds the threads' times up (spinning workers included), so it is the
    figure to read with --threads 1.
    """
    return time.process_time if settings.cpu_time else time.perf_counter


def clock_note(settings):
    """One line for a report saying which clock its times are on."""
    return ("Times are CPU seconds of this process (--cpu-time), not wall time." if settings.cpu_time
            else "Times are wall time.")


def _time_calls(fn, number, timer=time.perf_counter):
    start = timer()
    for _ in range(number):
        fn()
    return timer() - start


def calls_per_sample(fn, settings):
    """How many back-to-back calls of fn last about settings.sample_seconds (at least 1)."""
    number = 1
    while True:
        elapsed = _time_calls(fn, number, clock(settings))
        if elapsed >= settings.sample_seconds / 5 or number >= settings.max_number:
            break
        number *= 10
    wanted = math.ceil(number * settings.sample_seconds / max(elapsed, 1e-9))
    return max(1, min(settings.max_number, wanted))


def timings_from_json(entry):
    """{candidate: Timing} from a child's {candidate: {"samples", "number"}} (see machine.torch_timings);
    nothing for a case the child could not run ({"error": text})."""
    if "error" in entry:
        return {}
    return {name: Timing(t["samples"], t["number"]) for name, t in entry.items()}


def measure(candidates, settings):
    """Times each candidate (name -> zero-argument callable); returns name -> Timing.

    Warm-up and calibration first, then settings.repeats interleaved rounds with
    the garbage collector paused (after one collection), so a collection
    triggered by one candidate's allocations is not billed to another. Before each sample the harness
    sleeps settings.settle_seconds: OpenMP runtimes (ours, PyTorch's, the
    BLAS's) keep their worker threads spinning for a few milliseconds after a
    parallel region, and on a small machine those spinning threads would
    otherwise steal the cores the next candidate needs.
    """
    names = list(candidates)
    numbers = {}
    for name in names:
        for _ in range(settings.warmup):
            candidates[name]()
        numbers[name] = calls_per_sample(candidates[name], settings)
    samples = {name: [] for name in names}
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for r in range(settings.repeats):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                time.sleep(settings.settle_seconds)
                samples[name].append(_time_calls(candidates[name], numbers[name], clock(settings)) / numbers[name])
    finally:
        if was_enabled:
            gc.enable()
    return {name: Timing(samples[name], numbers[name]) for name in names}


# ---- results ---------------------------------------------------------------------------

@dataclasses.dataclass
class Row:
    """One measured (or skipped) case.

    work: (unit, amount per call), e.g. ("GB/s", bytes moved) or ("GFLOP/s",
    flops), from which throughput is computed; None for a time-only case.
    picked: the backend the dispatcher chose ('C' or 'NumPy'), when measured.
    note: why the case was skipped, or a remark.
    """

    section: str
    case: str
    size: str
    timings: dict = dataclasses.field(default_factory=dict)
    work: tuple = None
    picked: str = None
    note: str = ""

    def ratio(self, slower, faster="C"):
        """median(slower) / median(faster), or None when either is missing."""
        a, b = self.timings.get(slower), self.timings.get(faster)
        return a.median / b.median if a and b else None

    def throughput(self, name):
        """The candidate's throughput in work units per second (from its median), or None."""
        t = self.timings.get(name)
        if not t or not self.work:
            return None
        unit, amount = self.work
        return amount / t.median / 1e9

    def as_dict(self):
        return {"section": self.section, "case": self.case, "size": self.size, "picked": self.picked,
                "note": self.note, "work": ({"unit": self.work[0], "per_call": self.work[1]} if self.work else None),
                "timings": {name: t.as_dict() for name, t in self.timings.items()}}


def format_seconds(s):
    """A duration with a unit that keeps three significant digits: '812 ns', '12.3 us', '4.56 ms'."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return _three(s / scale) + " " + unit
    return _three(s / 1e-9) + " ns"


def _three(x):
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _time_cell(t):
    return format_seconds(t.median) if t else "—"  # the min and every sample are in --json


def _ratio_cell(r):
    return f"{r:.2f}x" if r is not None else "—"


def _pick_cell(row):
    """The dispatcher's choice, marked when the other backend was clearly (>10%) faster."""
    if row.picked is None:
        return "—"
    other = "NumPy" if row.picked == "C" else "C"
    mine, theirs = row.timings.get(row.picked), row.timings.get(other)
    if mine and theirs and theirs.median * 1.1 < mine.median:
        return f"{row.picked}, {other} {mine.median / theirs.median:.1f}x faster"
    return row.picked


def slower_picks(rows):
    """The rows where the dispatcher picked the backend that was clearly (>10%) slower."""
    return [r for r in rows if "faster" in _pick_cell(r)]


COLUMNS = ("C", "dispatch", "NumPy", "PyTorch")


def markdown_table(rows):
    """One markdown table for rows of one section: times as 'median (min)', throughput, ratios, the pick."""
    any_work = any(r.work for r in rows)
    head = ["case", "size"] + list(COLUMNS)
    if any_work:
        head.append("C / NumPy rate")
    head += ["NumPy/C", "PyTorch/C", "picked"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        if row.note and not row.timings:
            cells = [row.case, row.size, row.note] + [""] * (len(head) - 3)
        else:
            cells = [row.case, row.size] + [_time_cell(row.timings.get(c)) for c in COLUMNS]
            if any_work:
                c_tp, np_tp = row.throughput("C"), row.throughput("NumPy")
                cells.append(f"{_num(c_tp)} / {_num(np_tp)} {row.work[0]}" if row.work else "—")
            cells += [_ratio_cell(row.ratio("NumPy")), _ratio_cell(row.ratio("PyTorch")), _pick_cell(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _num(x):
    return "—" if x is None else f"{x:.3g}" if x < 100 else f"{x:.0f}"


def settings_from(args, **defaults):
    """A suite's Settings from the command line (--quick, --repeats, --threads, --cpu-time);
    `defaults` replace Settings() fields for full runs. --threads also sets the kernels' threads."""
    settings = QUICK if args.quick else Settings(**defaults)
    if args.repeats:
        settings = dataclasses.replace(settings, repeats=args.repeats)
    if args.threads:
        K.set_num_threads(args.threads)
    if args.cpu_time:
        settings = dataclasses.replace(settings, cpu_time=True)
    return settings


def write_json(path, machine, settings, rows):
    """Writes the machine header (plus the load average now, at the end of the run), the settings
    and every row (with all samples) as JSON."""
    doc = {"machine": dict(machine, load_average_at_end=load_average()),
           "settings": dataclasses.asdict(settings), "rows": [r.as_dict() for r in rows]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)

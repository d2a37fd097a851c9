"""torch.utils.benchmark: Timer (timeit, blocked_autorange, adaptive_autorange; driven by a fake
clock where the figures must be exact), Measurement's statistics and text, and Compare's
tables, against PyTorch's where it is installed."""
import re

import numpy as np
import pytest

import pyautograd as torch
from pyautograd.utils import benchmark
from pyautograd.utils.benchmark import Compare, Measurement, TaskSpec, Timer


class Clock:
    """A clock that only the timed statement advances: each run costs `cost` seconds."""

    def __init__(self, cost=1e-6):
        self.now, self.cost, self.runs = 0.0, cost, 0

    def __call__(self):
        return self.now

    def tick(self):
        self.now += self.cost
        self.runs += 1


def test_timeit_runs_the_statement_number_times_after_a_warmup():
    clock = Clock()
    m = Timer("clock.tick()", globals={"clock": clock}, timer=clock).timeit(500)
    assert clock.runs == 500 + 5  # the warm-up runs number // 100 (at least 2)
    assert m.number_per_run == 500 and m.raw_times == [pytest.approx(500e-6)]
    assert m.times == [pytest.approx(1e-6)] and m.median == pytest.approx(1e-6) == m.mean


def test_setup_globals_and_torch_is_pyautograd():
    seen = []
    Timer("seen.append((torch, y))", setup="y = x * 2", globals={"x": 21, "seen": seen}).timeit(3)
    assert seen[-1] == (torch, 42)


def test_num_threads_applies_while_timing_only():
    before = torch.get_num_threads()
    seen = []
    Timer("seen.append(torch.get_num_threads())", globals={"seen": seen}, num_threads=1).timeit(2)
    assert set(seen) == {1} and torch.get_num_threads() == before


def test_blocked_autorange_sizes_blocks_and_spends_min_run_time():
    clock = Clock()
    calls = []
    m = Timer("clock.tick()", globals={"clock": clock}, timer=clock).blocked_autorange(
        callback=lambda number, t: calls.append(number), min_run_time=0.01)
    # blocks grow tenfold until the timer overhead (1e-9 here) is <= 1e-4 of a block and a
    # block is >= min_run_time / 1000: 10 runs of 1 us
    assert m.number_per_run == 10 and set(calls) == {10} and len(calls) == len(m.raw_times)
    assert sum(m.raw_times) >= 0.01 and len(m.raw_times) in (1000, 1001)
    assert m.median == pytest.approx(1e-6) and m.iqr == pytest.approx(0.0, abs=1e-15)


def test_adaptive_autorange_stops_when_confident():
    clock = Clock()
    m = Timer("clock.tick()", globals={"clock": clock}, timer=clock).adaptive_autorange(min_run_time=0.001)
    assert m.number_per_run == 100 and len(m.raw_times) >= 10 and m.meets_confidence(0.1)


def test_autoranges_match_pytorch_on_the_same_clock(torch):
    import torch.utils.benchmark as tb
    for method, kw in (("blocked_autorange", {"min_run_time": 0.01}), ("adaptive_autorange", {"min_run_time": 0.002}),
                       ("timeit", {"number": 300})):
        ours_clock, their_clock = Clock(), Clock()
        ours = getattr(Timer("clock.tick()", globals={"clock": ours_clock}, timer=ours_clock), method)(**kw)
        theirs = getattr(tb.Timer("clock.tick()", globals={"clock": their_clock}, timer=their_clock), method)(**kw)
        assert ours.number_per_run == theirs.number_per_run and len(ours.raw_times) == len(theirs.raw_times)
        assert ours_clock.runs == their_clock.runs
        np.testing.assert_allclose(ours.raw_times, theirs.raw_times)


SPEC = TaskSpec(stmt="x + 1", setup="x = torch.ones(3)", label="add", sub_label="n=3", description="ones")
TIMES = [2.1e-3, 2.3e-3, 2.0e-3, 5.9e-3, 2.2e-3, 2.4e-3, 2.05e-3]  # one outlier


def _without_address(text):
    return re.sub(r"^<.*Measurement object at 0x[0-9a-f]+>", "<Measurement>", text)


def test_measurement_statistics_and_text():
    m = Measurement(1000, TIMES, SPEC)
    per_run = np.array(TIMES) / 1000
    assert m.median == pytest.approx(np.median(per_run)) and m.mean == pytest.approx(per_run.mean())
    assert m.iqr == pytest.approx(np.quantile(per_run, 0.75) - np.quantile(per_run, 0.25))
    assert m.label == "add" and m.num_threads == 1 and m.title == "add: n=3"
    assert _without_address(repr(m)) == (
        "<Measurement>\nadd: n=3\nones\nsetup: x = torch.ones(3)\n  Median: 2.20 us\n"
        "  IQR:    0.27 us (2.08 to 2.35)\n  7 measurements, 1000 runs per measurement, 1 thread\n"
        "  WARNING: Interquartile range is 12.5% of the median measurement.\n"
        "           This could indicate system fluctuation.")
    one = Measurement(10, [5e-6], TaskSpec("x + 1\ny = 2", "pass"))
    assert _without_address(repr(one)) == "<Measurement>\nstmt:\n  x + 1\n  y = 2\n\n  500.00 ns\n" \
                                         "  1 measurement, 10 runs , 1 thread"
    merged = Measurement.merge([Measurement(10, [1e-5], SPEC), Measurement(100, [3e-4], SPEC)])
    assert len(merged) == 1 and merged[0].number_per_run == 1 and merged[0].times == pytest.approx([1e-6, 3e-6])


def test_measurement_matches_pytorch(torch):
    import torch.utils.benchmark as tb
    their_spec = tb.utils.common.TaskSpec(stmt="x + 1", setup="x = torch.ones(3)", label="add", sub_label="n=3",
                                          description="ones")
    for times, number in ((TIMES, 1000), ([1e-3] * 3, 10), ([1.0, 1.5, 1.1, 1.2, 0.9], 1), ([4e-7, 5e-7], 1)):
        ours, theirs = Measurement(number, list(times), SPEC), tb.Measurement(number, list(times), their_spec)
        assert _without_address(repr(ours)) == _without_address(repr(theirs))
        assert ours.significant_figures == theirs.significant_figures
        assert (ours.median, ours.mean, ours.iqr) == pytest.approx((theirs.median, theirs.mean, theirs.iqr))
        assert ours.has_warnings == theirs.has_warnings
    for x, n in ((3.14159, 2), (0.0123456, 3), (98765.0, 1)):
        assert benchmark.trim_sigfig(x, n) == pytest.approx(tb.trim_sigfig(x, n))
    for t in (3e-10, 2e-8, 5e-6, 1e-3, 0.5, 20.0):
        assert benchmark.select_unit(t) == tb.select_unit(t)


def _grid(module, spec_cls, measurement_cls):
    rng = np.random.default_rng(0)
    out = []
    for threads in (1, 4):
        for n in (1, 64, 4096):
            for d in ("add", "mul"):
                spec = spec_cls(stmt=f"x.{d}(1)", setup=f"x = torch.ones({n})", label="elementwise",
                                sub_label=f"n={n}", description=d, num_threads=threads)
                base = 1e-6 * (1 + n / 1000) * (1.3 if d == "mul" else 1.0) / threads
                times = list(base * 100 * (1 + 0.05 * rng.standard_normal(8)))
                if n == 64 and d == "mul":
                    times[0] *= 3  # a noisy cell
                out.append(measurement_cls(100, times, spec))
    spec = spec_cls(stmt="y = x @ x", setup="", label="matmul", sub_label="64", description="mm")
    out.append(measurement_cls(10, [1.5e-2, 1.6e-2, 1.55e-2, 1.52e-2], spec))
    return out


def test_compare_lays_out_tables():
    text = str(Compare(_grid(benchmark, TaskSpec, Measurement)))
    lines = text.splitlines()
    assert lines[0].startswith("[") and " elementwise " in lines[0]
    assert [c.strip() for c in lines[1].split("|")] == ["", "add", "mul"]
    assert lines[2].startswith("1 threads: ") and any(line.startswith("4 threads: ") for line in lines)
    assert "Times are in nanoseconds (ns)." in text and "Times are in milliseconds (ms)." in text
    assert [line.split("|")[0].strip() for line in lines[3:6]] == ["n=1", "n=64", "n=4096"]


def test_compare_matches_pytorch(torch):
    import torch.utils.benchmark as tb
    ours = Compare(_grid(benchmark, TaskSpec, Measurement))
    theirs = tb.Compare(_grid(tb, tb.utils.common.TaskSpec, tb.Measurement))
    assert str(ours) == str(theirs)
    for c in (ours, theirs):
        c.trim_significant_figures()
        c.highlight_warnings()
    assert str(ours) == str(theirs)
    for c in (ours, theirs):
        c.colorize(rowwise=True)
    assert str(ours) == str(theirs)
    ours, theirs = Compare(_grid(benchmark, TaskSpec, Measurement)), tb.Compare(
        _grid(tb, tb.utils.common.TaskSpec, tb.Measurement))
    ours.colorize()
    theirs.colorize()
    assert str(ours) == str(theirs)


def test_errors():
    with pytest.raises(ValueError, match="only a `str` stmt"):
        Timer(lambda: None)
    with pytest.raises(ValueError, match="no C\\+\\+ API"):
        Timer("x", language="c++")
    with pytest.raises(ValueError, match="global_setup is C\\+\\+ only"):
        Timer("x", global_setup="int y;")
    with pytest.raises(ValueError, match="Expected an instance of `Measurement`"):
        Compare([1.0])

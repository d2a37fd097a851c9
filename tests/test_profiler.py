"""torch.profiler and torch.autograd.profiler: every op and backward node is recorded (names,
nesting, times, shapes, memory), the table, Chrome traces, schedules and step(), and nothing is
left hooked on the op path afterwards."""
import gzip
import json
import threading
import warnings

import numpy as np
import pytest

import pyautograd as torch
from pyautograd.ops import _apply, _opdef, linalg
from pyautograd.ops.profiling import aten_name
from pyautograd.profiler import ProfilerAction, ProfilerActivity, profile, record_function, schedule


def _names(events):
    return [e.name for e in events]


def _run(x):
    return (x * 2 + 1).sum()


def test_ops_and_backward_nodes_are_recorded_nested():
    x = torch.ones(4, 3, requires_grad=True)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        with record_function("forward"):
            y = _run(x)
        y.backward()
    events = prof.events()
    names = _names(events)
    assert names[:4] == ["forward", "aten::mul", "aten::add", "aten::sum"]
    fwd = events[0]
    assert fwd.is_user_annotation and _names(fwd.cpu_children) == ["aten::mul", "aten::add", "aten::sum"]
    assert all(c.cpu_parent is fwd for c in fwd.cpu_children)
    backward = [e for e in events if e.name.startswith("autograd::engine::evaluate_function: ")]
    assert [e.name.split(": ")[1] for e in backward] == ["SumBackward0", "AddBackward0", "MulBackward0"]
    for e in events:
        assert e.cpu_time_total >= e.self_cpu_time_total >= -1e-6
        start, end = e.time_range
        assert end >= start >= 0
    # a parent spans its children
    for c in fwd.cpu_children:
        assert fwd.time_range[0] <= c.time_range[0] and c.time_range[1] <= fwd.time_range[1]
    assert prof.events().self_cpu_time_total == pytest.approx(sum(e.self_cpu_time_total for e in events))


def test_names_match_pytorch(torch):
    import pyautograd as pa

    def program(lib, x, w):
        return lib.nn.functional.relu(lib.mm(x, w)).mean(dim=0).sum()
    x, w = np.ones((3, 4), np.float32), np.ones((4, 2), np.float32)
    with profile() as ours:
        program(pa, pa.tensor(x), pa.tensor(w))
    with torch.profiler.profile() as theirs:
        program(torch, torch.tensor(x), torch.tensor(w))
    our_names = [e.key for e in ours.key_averages()]
    assert our_names == ["aten::mm", "aten::relu", "aten::mean", "aten::sum"]
    assert set(our_names) <= {e.key for e in theirs.key_averages()}


def test_fused_linear_is_one_event_with_its_transpose_inside():
    lin = torch.nn.Linear(3, 2)
    with profile() as prof:
        lin(torch.ones(5, 3))
    linear = [e for e in prof.events() if e.name == "aten::linear"]
    assert len(linear) == 1 and "aten::t" in _names(linear[0].cpu_children)


def test_record_shapes_and_memory():
    x = torch.ones(4, 3)
    with profile(record_shapes=True, profile_memory=True) as prof:
        y = x * 2.0          # 48 bytes of float32
        y.view(12)           # a view allocates nothing
        y.sum()
    by_name = {e.name: e for e in prof.events()}
    assert by_name["aten::mul"].input_shapes == [[4, 3], []]
    assert by_name["aten::mul"].cpu_memory_usage == 48 == by_name["aten::mul"].self_cpu_memory_usage
    assert by_name["aten::view"].cpu_memory_usage == 0
    grouped = prof.key_averages(group_by_input_shape=True)
    assert [(e.key, e.input_shapes) for e in grouped][:2] == [("aten::mul", [[4, 3], []]), ("aten::view", [[4, 3]])]
    table = grouped.table(sort_by="cpu_memory_usage", row_limit=2)
    assert "Input Shapes" in table and "CPU Mem" in table and "48 B" in table
    with profile() as plain:
        x * 2.0
    assert plain.events()[0].input_shapes == []  # shapes only with record_shapes


def test_key_averages_table_sorts_and_limits():
    x = torch.ones(8, 8)
    with profile() as prof:
        for _ in range(3):
            x = torch.tanh(x) + 1.0
        x.exp()
    avgs = prof.key_averages()
    counts = {e.key: e.count for e in avgs}
    assert counts == {"aten::tanh": 3, "aten::add": 3, "aten::exp": 1}
    tanh = next(e for e in avgs if e.key == "aten::tanh")
    assert tanh.cpu_time == pytest.approx(tanh.cpu_time_total / 3)
    table = avgs.table(sort_by="count", row_limit=2)
    rows = [line.split()[0] for line in table.splitlines() if line.strip().startswith("aten::")]
    assert len(rows) == 2 and set(rows) == {"aten::tanh", "aten::add"}
    assert "Self CPU %" in table and "# of Calls" in table and "CPU Mem" not in table
    assert table.rstrip().splitlines()[-1].startswith("Self CPU time total: ")
    by_time = avgs.table(sort_by="self_cpu_time_total")
    order = [line.split()[0] for line in by_time.splitlines() if line.strip().startswith("aten::")]
    expected = sorted(avgs, key=lambda e: e.self_cpu_time_total, reverse=True)
    assert order == [e.key for e in expected]


def test_export_chrome_trace(tmp_path):
    x = torch.ones(2, 2, requires_grad=True)
    with profile(record_shapes=True, with_stack=True) as prof:
        with record_function("block"):
            (x * x).sum().backward()
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    events = trace["traceEvents"]
    assert {e["ph"] for e in events} == {"X"}
    block = next(e for e in events if e["name"] == "block")
    assert block["cat"] == "user_annotation"
    mul = next(e for e in events if e["name"] == "aten::mul")
    assert mul["cat"] == "cpu_op" and mul["args"]["Input Dims"] == [[2, 2], [2, 2]]
    assert block["ts"] <= mul["ts"] and mul["ts"] + mul["dur"] <= block["ts"] + block["dur"] + 1e-3
    assert "test_profiler.py" in mul["args"]["Call stack"]  # with_stack: the user's frames
    gz = tmp_path / "trace.json.gz"
    prof.export_chrome_trace(str(gz))
    assert json.loads(gzip.decompress(gz.read_bytes()))["traceEvents"] == events


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2), dict(wait=0, warmup=0, active=1, repeat=2),
                                dict(wait=2, warmup=1, active=2, repeat=1, skip_first=3),
                                dict(wait=5, warmup=1, active=1, skip_first=2, skip_first_wait=1)])
def test_schedule_actions(kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = schedule(**kw)
    if kw == dict(wait=1, warmup=1, active=2):
        A = ProfilerAction
        assert [fn(i) for i in range(6)] == [A.NONE, A.WARMUP, A.RECORD, A.RECORD_AND_SAVE, A.NONE, A.WARMUP]
    actions = [fn(i).name for i in range(20)]
    torch_ = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = torch_.profiler.schedule(**kw)
    assert actions == [ref(i).name for i in range(20)]


def test_schedule_validates_and_warns_without_warmup():
    with pytest.raises(AssertionError, match="active=0"):
        schedule(wait=1, warmup=1, active=0)
    with pytest.warns(UserWarning, match="warmup"):
        schedule(wait=1, warmup=0, active=1)


def test_step_records_the_active_steps_and_calls_on_trace_ready(tmp_path):
    saved = []

    def ready(prof):
        saved.append([(e.key, e.count) for e in prof.key_averages()])
    x = torch.ones(3)
    sched = schedule(wait=1, warmup=1, active=2, repeat=2)
    with profile(schedule=sched, on_trace_ready=ready) as prof:
        for step in range(10):
            for _ in range(step + 1):  # step n runs n + 1 exps: which steps were recorded shows
                x.exp()
            prof.step()
    # cycles: steps 2-3 and 6-7 recorded (3 + 4 and 7 + 8 exps)
    assert saved == [[("ProfilerStep#2", 1), ("aten::exp", 7), ("ProfilerStep#3", 1)],
                     [("ProfilerStep#6", 1), ("aten::exp", 15), ("ProfilerStep#7", 1)]]
    step2 = next(e for e in prof.events() if e.name == "ProfilerStep#6")
    assert _names(step2.cpu_children) == ["aten::exp"] * 7


def test_no_schedule_records_until_stop_and_tensorboard_handler_writes_traces(tmp_path):
    handler = torch.profiler.tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w0")
    prof = profile(on_trace_ready=handler)
    prof.start()
    torch.ones(2).exp()
    prof.step()  # without a schedule: one recording, no step events
    torch.ones(2).log()
    prof.stop()
    files = list((tmp_path / "tb").iterdir())
    assert len(files) == 1 and files[0].name.startswith("w0.") and files[0].name.endswith(".pt.trace.json")
    names = [e["name"] for e in json.loads(files[0].read_text())["traceEvents"]]
    assert names == ["aten::exp", "aten::log"]


def _entry_points():
    return {op.function.__globals__["_call"] for op in _opdef.REGISTRY.values()}


def test_nothing_stays_hooked_and_profilers_do_not_nest():
    fused = linalg.linear_bias
    assert _entry_points() == {_apply.call}
    with pytest.raises(ZeroDivisionError):
        with profile():
            assert _apply.call not in _entry_points() and linalg.linear_bias is not fused
            with pytest.raises(RuntimeError, match="already"):
                with profile():
                    pass
            raise ZeroDivisionError("the block fails")
    assert _entry_points() == {_apply.call} and linalg.linear_bias is fused
    with record_function("nobody listens"):  # no profile: nothing happens, nothing fails
        torch.ones(1) + 1


def test_an_op_that_raises_is_recorded_and_closed():
    with profile() as prof:
        with pytest.raises(RuntimeError):
            torch.ones(2, 3) @ torch.ones(2, 3)
        torch.ones(1).exp()
    names = _names(prof.events())
    assert names[-1] == "aten::exp" and prof.events()[-1].cpu_parent is None


def test_record_function_decorator_and_threads():
    @record_function("helper")
    def helper(t):
        return t.sin()

    out = []
    with profile() as prof:
        helper(torch.ones(2))
        thread = threading.Thread(target=lambda: out.append(torch.ones(2).cos()))
        thread.start()
        thread.join()
    events = prof.events()
    helper_event = next(e for e in events if e.name == "helper")
    assert _names(helper_event.cpu_children) == ["aten::sin"]
    cos = next(e for e in events if e.name == "aten::cos")
    assert cos.thread != helper_event.thread and cos.cpu_parent is None
    assert helper.__name__ == "helper"


def test_autograd_profiler_profile():
    x = torch.ones(3, requires_grad=True)
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        with torch.autograd.profiler.record_function("loss"):
            loss = (x ** 2).sum()
        loss.backward()
    assert "aten::pow" in str(prof) and "loss" in prof.table(sort_by="cpu_time_total")
    assert prof.function_events[0].name == "loss"
    assert prof.self_cpu_time_total > 0
    assert {e.key for e in prof.key_averages()} >= {"loss", "aten::pow", "aten::sum",
                                                      "autograd::engine::evaluate_function: PowBackward0"}
    with torch.autograd.profiler.profile(enabled=False) as off:
        torch.ones(1).exp()
    with pytest.raises(RuntimeError, match="didn't finish"):
        off.key_averages()


def test_cuda_activity_warns():
    with pytest.warns(UserWarning, match="CPU activity only"):
        profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])


def test_event_names_follow_pytorch():
    assert [aten_name(n) for n in ("add", "sum_dim", "sum_all", "pow_scalar", "linear_addmm", "_select_view",
                                   "_fill", "squeeze_dim_", "clamp_min", "_index_view")] == [
        "aten::add", "aten::sum", "aten::sum", "aten::pow", "aten::addmm", "aten::select", "aten::fill_",
        "aten::squeeze_", "aten::clamp_min", "aten::_index_view"]
    x = torch.ones(3)
    with profile() as prof:
        x.add_(1)
        x[0] = 5.0
        torch.cat([x, x])
    assert _names(prof.events()) == ["aten::add", "aten::select", "aten::fill_", "aten::cat"]

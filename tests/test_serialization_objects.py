"""Whole-object checkpoints: save of any picklable object, load's weights_only=True default that
refuses unknown globals without running them, add_safe_globals/safe_globals, weights_only=False,
mmap=True, file objects, and hostile pickles."""
import collections
import io
import pickle
import zipfile

import numpy as np
import pytest

import pyautograd as pg
import pyautograd.nn as nn
from pyautograd import _pickle_io, serialization


class Net(nn.Module):
    """A model class defined by the user: a global the loader must be told about."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.tied = self.body[0].weight

    def forward(self, x):
        return self.body(x)


class Marker:
    """A custom class stored inside a checkpoint dict."""

    def __init__(self, tag):
        self.tag = tag


def _bytes(obj):
    buf = io.BytesIO()
    pg.save(obj, buf)
    buf.seek(0)
    return buf


def test_whole_module_round_trips_with_weights_only_false():
    net = Net()
    loaded = pg.load(_bytes(net), weights_only=False)
    assert type(loaded) is Net and loaded.tied is loaded.body[0].weight  # shared tensors stay shared
    assert isinstance(loaded.body[0].weight, nn.Parameter) and loaded.body[0].weight.requires_grad
    x = pg.randn(5, 3)
    np.testing.assert_array_equal(loaded(x).detach().numpy(), net(x).detach().numpy())


def test_weights_only_is_the_default_and_refuses_unknown_classes_with_a_clear_error():
    buf = _bytes(Net())
    with pytest.raises(pickle.UnpicklingError) as info:
        pg.load(buf)
    msg = str(info.value)
    assert "test_serialization_objects.Net" in msg and "add_safe_globals" in msg and "weights_only=False" in msg
    buf.seek(0)
    with serialization.safe_globals([Net, nn.Sequential, nn.Linear, nn.ReLU]):
        assert type(pg.load(buf)) is Net
    assert serialization.get_safe_globals() == []


def test_add_safe_globals_allows_a_class_in_a_checkpoint_dict():
    ckpt = {"epoch": 3, "meta": Marker("best"), "w": pg.ones(2), "counts": collections.Counter("aab"),
            "shape": pg.Size([2, 3]), "dtype": pg.float64, "tags": {1, 2}, "c": 1 + 2j}
    buf = _bytes(ckpt)
    with pytest.raises(pickle.UnpicklingError, match="Marker"):
        pg.load(buf)
    serialization.add_safe_globals([Marker])
    try:
        buf.seek(0)
        loaded = pg.load(buf)
    finally:
        serialization.clear_safe_globals()
    assert loaded["meta"].tag == "best" and loaded["epoch"] == 3 and loaded["w"].tolist() == [1.0, 1.0]
    assert loaded["counts"] == collections.Counter("aab") and loaded["shape"] == (2, 3)
    assert loaded["dtype"] is pg.float64 and loaded["tags"] == {1, 2} and loaded["c"] == 1 + 2j


def test_state_dicts_still_use_the_pickle_free_format_and_old_files_load(tmp_path):
    model = Net()
    pg.save(model.state_dict(), tmp_path / "sd.pt")
    with zipfile.ZipFile(tmp_path / "sd.pt") as zf:
        assert "data.pkl" not in zf.namelist()
    loaded = pg.load(tmp_path / "sd.pt", map_location="cpu")
    assert list(loaded) == list(model.state_dict())


def test_optimizer_and_object_arrays_are_pickled(tmp_path):
    net = Net()
    opt = pg.optim.Adam(net.parameters(), lr=0.1)
    net(pg.randn(2, 3)).sum().backward()
    opt.step()
    pg.save({"opt": opt, "objs": np.array([Marker("x")], dtype=object)}, tmp_path / "o.pt")
    loaded = pg.load(tmp_path / "o.pt", weights_only=False)
    assert isinstance(loaded["opt"], pg.optim.Adam) and loaded["objs"][0].tag == "x"
    state = list(loaded["opt"].state.values())[0]
    assert int(state["step"]) == 1


@pytest.mark.parametrize("whole", [False, True])
def test_mmap_maps_arrays_copy_on_write(tmp_path, whole):
    w = pg.arange(12, dtype=pg.float32).reshape(3, 4)
    obj = Net() if whole else {"w": w}
    if whole:
        with pg.no_grad():
            obj.body[0].weight.copy_(pg.arange(12, dtype=pg.float32).reshape(4, 3))
    pg.save(obj, tmp_path / "m.pt")
    before = (tmp_path / "m.pt").read_bytes()
    loaded = pg.load(tmp_path / "m.pt", mmap=True, weights_only=False)
    t = loaded.body[0].weight if whole else loaded["w"]
    assert isinstance(t.detach().numpy(), np.memmap)
    assert t.detach().numpy().ravel().tolist() == list(range(12))
    with pg.no_grad():
        t.add_(1)  # copy-on-write: the tensor changes, the file does not
    assert (tmp_path / "m.pt").read_bytes() == before
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        pg.load(io.BytesIO(before), mmap=True)


class Payload:
    """What an attacker pickles: unpickling it calls os.system."""

    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /dev/null",))


def _archive(pkl, arrays=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", '{"format": "pyautograd.pickle", "version": 1}')
        zf.writestr("data.pkl", pkl)
        for i, a in enumerate(arrays):
            zf.writestr(f"arrays/{i}.npy", a)
    buf.seek(0)
    return buf


HOSTILE = {
    "os.system via reduce": lambda: pickle.dumps(Payload()),
    "builtins.eval": lambda: b"cbuiltins\neval\n(S'1+1'\ntR.",
    "posix.system": lambda: b"cposix\nsystem\n(S'true'\ntR.",
    "getattr gadget": lambda: b"cbuiltins\ngetattr\n(cbuiltins\nobject\nS'__subclasses__'\ntR.",
    "importlib": lambda: b"cimportlib\nimport_module\n(S'os'\ntR.",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_pickles_are_refused_without_running(case, monkeypatch):
    import os
    archive = _archive(HOSTILE[case]())  # built before os.system is replaced by the tripwire
    monkeypatch.setattr(os, "system", lambda *a: pytest.fail("os.system ran"))
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        pg.load(archive)


def test_forged_tensor_references_and_oversized_pickles_are_refused(monkeypatch):
    class Ref:
        def __init__(self, pid):
            self.pid = pid

    class Forger(pickle.Pickler):
        def persistent_id(self, obj):
            return obj.pid if isinstance(obj, Ref) else None

    for pid in (("tensor", "Module", 0, False), ("tensor", "Tensor", "0", False), "x"):
        buf = io.BytesIO()
        Forger(buf).dump([Ref(pid)])
        with pytest.raises(pickle.UnpicklingError, match="invalid tensor reference"):
            pg.load(_archive(buf.getvalue()))
    buf = io.BytesIO()
    Forger(buf).dump([Ref(("tensor", "Tensor", 5, False))])
    with pytest.raises(RuntimeError, match="missing arrays/5.npy"):
        pg.load(_archive(buf.getvalue()))
    monkeypatch.setattr(_pickle_io, "MAX_PICKLE_BYTES", 64)
    with pytest.raises(RuntimeError, match="declares a data.pkl of"):
        pg.load(_archive(pickle.dumps(list(range(100)))))

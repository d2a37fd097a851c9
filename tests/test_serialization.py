"""save / load: round trips, atomic writes, and a clear RuntimeError for every bad file."""
import collections
import io
import os
import zipfile

import numpy as np
import pytest

import pyautograd as pg
import pyautograd.nn as nn
import pyautograd.optim as optim
from pyautograd import serialization


def _roundtrip(obj, tmp_path):
    path = tmp_path / "obj.pt"
    pg.save(obj, path)
    return pg.load(path)


@pytest.mark.parametrize("dtype", [pg.float32, pg.float64, pg.float16, pg.int64, pg.int32, pg.int8, pg.uint8,
                                   pg.bool])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4)])
def test_tensor_roundtrip_keeps_dtype_and_shape(tmp_path, dtype, shape):
    t = (pg.rand(*shape) * 10).to(dtype)
    back = _roundtrip(t, tmp_path)
    assert back.dtype == dtype and back.shape == t.shape
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_requires_grad_and_noncontiguous(tmp_path):
    a = pg.randn(3, 4, requires_grad=True)
    b = pg.randn(4, 3).t()
    back_a, back_b = _roundtrip([a, b], tmp_path)
    assert back_a.requires_grad and back_a.is_leaf and not back_b.requires_grad
    np.testing.assert_array_equal(back_b.numpy(), b.numpy())


def test_plain_values_containers_and_key_order(tmp_path):
    obj = collections.OrderedDict([
        ("z", 1), ("a", 2.5), ("s", "text"), ("t", True), ("f", False), ("n", None),
        ("nested", {"list": [1, (2, "x"), []], 3: "int key", None: 0, "nan": float("inf")}),
        ("tuple", (pg.ones(2), {"k": pg.zeros(1)})), ("arr", np.arange(4, dtype=np.int16)),
    ])
    back = _roundtrip(obj, tmp_path)
    assert type(back) is collections.OrderedDict and list(back) == list(obj)
    assert back["nested"] == obj["nested"] and type(back["nested"]["list"][1]) is tuple
    for key in ("z", "a", "s", "t", "f", "n"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key])
    assert isinstance(back["tuple"], tuple) and back["tuple"][1]["k"].tolist() == [0.0]
    assert back["arr"].dtype == np.int16 and back["arr"].tolist() == [0, 1, 2, 3]


def test_model_state_dict_roundtrip(tmp_path):
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    state = model.state_dict()
    back = _roundtrip(state, tmp_path)
    assert type(back) is collections.OrderedDict and list(back) == list(state)
    for key, value in state.items():
        assert type(back[key]) is pg.Tensor  # Parameters come back as tensors, as with torch.load
        np.testing.assert_array_equal(back[key].numpy(), value.numpy())
    fresh = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    fresh.load_state_dict(back)
    x = pg.randn(5, 4)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


@pytest.mark.parametrize("make", [lambda p: optim.Adam(p, lr=0.01), lambda p: optim.SGD(p, lr=0.1, momentum=0.9)])
def test_optimizer_state_dict_roundtrip(tmp_path, make):
    pg.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = make(model.parameters())
    x = pg.randn(8, 3)
    for _ in range(2):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    pg.save({"model": model.state_dict(), "optim": opt.state_dict()}, tmp_path / "ckpt.pt")
    ckpt = pg.load(tmp_path / "ckpt.pt")

    model2 = nn.Linear(3, 2)
    model2.load_state_dict(ckpt["model"])
    opt2 = make(model2.parameters())
    opt2.load_state_dict(ckpt["optim"])
    assert opt2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    for opt_, model_ in ((opt, model), (opt2, model2)):
        opt_.zero_grad()
        model_(x).pow(2).sum().backward()
        opt_.step()
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    pg.save({"w": pg.arange(3)}, buf)
    buf.seek(0)
    assert pg.load(buf, map_location="cpu", weights_only=True)["w"].tolist() == [0, 1, 2]
    with open(tmp_path / "f.pt", "wb") as f:
        pg.save([1, 2], f)
    with open(tmp_path / "f.pt", "rb") as f:
        assert pg.load(f) == [1, 2]


def test_unsaveable_objects_raise_typeerror(tmp_path):
    # not a state dict, so save pickles it (tests/test_serialization_objects.py); a lambda cannot be
    with pytest.raises(TypeError, match=r"cannot save an object of type dict: it is not picklable"):
        pg.save({"fn": lambda: 0}, tmp_path / "x.pt")
    assert os.listdir(tmp_path) == []


def test_archive_never_pickles(tmp_path):
    pg.save({"w": pg.ones(2)}, tmp_path / "a.pt")
    with zipfile.ZipFile(tmp_path / "a.pt") as zf:
        assert sorted(zf.namelist()) == ["arrays/0.npy", "manifest.json"]


def test_crash_mid_write_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    pg.save({"epoch": 1, "w": pg.ones(3)}, path)

    def crash(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(serialization.np, "save", crash)
    with pytest.raises(OSError, match="simulated"):
        pg.save({"epoch": 2, "w": pg.zeros(3)}, path)
    monkeypatch.undo()
    assert pg.load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # no temp file left behind


def test_crash_before_rename_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    pg.save("old", path)
    monkeypatch.setattr(serialization.os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        pg.save("new", path)
    monkeypatch.undo()
    assert pg.load(path) == "old" and os.listdir(tmp_path) == ["ckpt.pt"]


def test_write_is_fsynced_then_renamed(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(serialization.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(serialization.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b)))
    pg.save(1, tmp_path / "x.pt")
    assert calls == ["fsync", "replace", "fsync"]  # the file, then its directory after the rename


def _good_bytes():
    buf = io.BytesIO()
    pg.save({"w": pg.arange(100, dtype=pg.float32), "s": "hello"}, buf)
    return buf.getvalue()


def _zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _manifest(root, version=1, fmt="pyautograd.save"):
    import json
    return json.dumps({"format": fmt, "version": version, "root": root})


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


CORRUPT = {
    "empty file": (lambda: b"", "not a zip file"),
    "text file": (lambda: b"hello, I am a text file\n", "not a zip file"),
    "truncated": (lambda: _good_bytes()[: len(_good_bytes()) // 2], "truncated or corrupt"),
    "flipped byte": (lambda: (lambda b: b[:200] + bytes([b[200] ^ 0xFF]) + b[201:])(_good_bytes()), "corrupt"),
    "random zip": (lambda: _zip({"readme.txt": "hi"}), "not a pyautograd.save file"),
    "bad json": (lambda: _zip({"manifest.json": "{not json"}), "corrupt manifest.json"),
    "foreign json": (lambda: _zip({"manifest.json": '{"hello": 1}'}), "lacks format"),
    "future version": (lambda: _zip({"manifest.json": _manifest({"type": "none"}, version=99)}), "version 99"),
    "unknown node": (lambda: _zip({"manifest.json": _manifest({"type": "pickle"})}), "unknown type 'pickle'"),
    "malformed node": (lambda: _zip({"manifest.json": _manifest({"items": 3})}), "corrupt"),
    "wrong scalar": (lambda: _zip({"manifest.json": _manifest({"type": "int", "value": "x"})}), "int entry"),
    "missing array": (lambda: _zip({"manifest.json": _manifest({"type": "tensor", "array": 0,
                                                                "requires_grad": False})}), "missing arrays/0.npy"),
    "pickled array": (lambda: _zip({"manifest.json": _manifest({"type": "ndarray", "array": 0}),
                                    "arrays/0.npy": _npy(np.array([object()]))}), "unsafe array"),
    "garbage array": (lambda: _zip({"manifest.json": _manifest({"type": "ndarray", "array": 0}),
                                    "arrays/0.npy": b"\x93NUMPY garbage"}), "corrupt"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_bad_files_raise_clear_runtimeerror(tmp_path, case):
    make, message = CORRUPT[case]
    path = tmp_path / "bad.pt"
    path.write_bytes(make())
    with pytest.raises(RuntimeError, match=message) as info:
        pg.load(path)
    assert "bad.pt" in str(info.value)


def test_torch_save_file_loads_through_the_restricted_unpickler_only(tmp_path, torch, monkeypatch):
    # The interop issue: torch.save files load, but never through pickle.load/loads (which would
    # resolve any global); tests/interop/test_torch_format.py covers the hostile cases.
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    import pickle
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("unpickled"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("unpickled"))
    assert pg.load(path)["w"].tolist() == [1.0, 1.0]
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy.pt.*legacy"):
        pg.load(legacy)


def test_missing_file_is_filenotfounderror(tmp_path):
    with pytest.raises(FileNotFoundError):
        pg.load(tmp_path / "nope.pt")

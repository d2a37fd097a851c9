"""PyTorch checkpoints: torch.save files load without trusting their pickle; ours load in torch."""
import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import pyautograd as pt
from pyautograd import torch_format

torch = pytest.importorskip("torch")


def _saved(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    buf.seek(0)
    return buf


def test_a_module_state_dict_from_torch_gives_torch_outputs():
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    ref.train()
    ref(torch.randn(16, 5))  # moves the running statistics
    ref.eval()
    ours = pt.nn.Sequential(pt.nn.Linear(5, 7), pt.nn.BatchNorm1d(7), pt.nn.ReLU(), pt.nn.Linear(7, 3))
    ours.load_state_dict(pt.load(_saved(ref.state_dict())))
    ours.eval()
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(pt.tensor(x)).detach().numpy(), ref(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)
    assert ours[1].num_batches_tracked.dtype == pt.int64 and ours[1].num_batches_tracked.item() == 1


def test_an_optimizer_state_dict_and_nested_containers_load():
    p = torch.nn.Parameter(torch.randn(3))
    opt = torch.optim.Adam([p], lr=0.01)
    p.sum().backward()
    opt.step()
    got = pt.load(_saved({"opt": opt.state_dict(), "epoch": 3, "names": ("a", "b"), "b": b"\x00\xff",
                          "s": {1, 2}}))
    assert got["epoch"] == 3 and got["names"] == ("a", "b") and got["b"] == b"\x00\xff" and got["s"] == {1, 2}
    state = got["opt"]["state"][0]
    np.testing.assert_array_equal(state["exp_avg"].numpy(), opt.state_dict()["state"][0]["exp_avg"].numpy())
    assert got["opt"]["param_groups"][0]["lr"] == 0.01


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                                   "bool"])
def test_every_dtype_round_trips_both_ways(dtype):
    values = torch.tensor([[0, 1, 1], [1, 0, 1]]).to(getattr(torch, dtype))
    got = pt.load(_saved({"t": values}))["t"]
    assert str(got.dtype).split(".")[-1] == dtype
    np.testing.assert_array_equal(got.numpy(), values.numpy())
    buf = io.BytesIO()
    pt.save({"t": got}, buf, _use_torch_format=True)
    buf.seek(0)
    back = torch.load(buf, weights_only=True)["t"]
    assert back.dtype == values.dtype and torch.equal(back, values)


def test_bfloat16_loads_or_is_refused_clearly():
    buf = _saved({"t": torch.ones(3, dtype=torch.bfloat16)})
    if hasattr(pt, "bfloat16"):
        assert pt.load(buf)["t"].dtype == pt.bfloat16
    else:
        with pytest.raises(RuntimeError, match="bfloat16"):
            pt.load(buf)


def test_shared_storages_and_views_load_with_their_values():
    base = torch.arange(12.0).reshape(3, 4)
    got = pt.load(_saved({"base": base, "tied": base, "row": base[1], "col": base[:, 2], "t": base.t()}))
    np.testing.assert_array_equal(got["row"].numpy(), base[1].numpy())
    np.testing.assert_array_equal(got["col"].numpy(), base[:, 2].numpy())
    np.testing.assert_array_equal(got["t"].numpy(), base.t().numpy())
    np.testing.assert_array_equal(got["tied"].numpy(), base.numpy())


def test_parameters_and_requires_grad_survive():
    got = pt.load(_saved({"p": torch.nn.Parameter(torch.ones(2)), "r": torch.ones(2, requires_grad=True)}))
    assert got["p"].requires_grad and got["r"].requires_grad


def test_our_state_dict_in_torch_format_loads_in_torch_with_equal_outputs(tmp_path):
    ours = pt.nn.Sequential(pt.nn.Linear(4, 6), pt.nn.Tanh(), pt.nn.Linear(6, 2))
    path = tmp_path / "ours.pt"
    pt.save(ours.state_dict(), path, _use_torch_format=True)
    ref = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    ref.load_state_dict(torch.load(path, weights_only=True))
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(ref(torch.tensor(x)).detach().numpy(), ours(pt.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)
    assert isinstance(torch.load(path, weights_only=True), collections.OrderedDict)


class _Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/pyautograd-pwned",))


def _torch_zip_with_pickle(data_pkl, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", data_pkl)
        zf.writestr("archive/byteorder", "little")
        for name, data, kind in extra:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    buf.seek(0)
    return buf


def test_a_pickle_naming_any_other_global_is_refused_without_running_it():
    marker = "/tmp/pyautograd-pwned"
    if os.path.exists(marker):
        os.unlink(marker)
    with pytest.raises(RuntimeError, match="posix.system|os.system"):
        pt.load(_torch_zip_with_pickle(pickle.dumps({"x": _Payload()}, protocol=2)))
    assert not os.path.exists(marker)


def _storage_pickle(numel, offset=0, size=(4,), stride=(1,)):
    w = torch_format._Writer()
    w.op(pickle.PROTO, b"\x02")
    w.global_("torch._utils", "_rebuild_tensor_v2")
    w.op(pickle.MARK)
    w.op(pickle.MARK)
    for v in ("storage",):
        w.emit(v)
    w.global_("torch", "FloatStorage")
    for v in ("0", "cpu", numel):
        w.emit(v)
    w.op(pickle.TUPLE)
    w.op(pickle.BINPERSID)
    for v in (offset, size, stride, False):
        w.emit(v)
    w.op(pickle.NONE)
    w.op(pickle.TUPLE)
    w.op(pickle.REDUCE)
    w.op(pickle.STOP)
    return w.out.getvalue()


def test_well_formed_handmade_file_loads():
    got = pt.load(_torch_zip_with_pickle(_storage_pickle(4), [("archive/data/0", np.arange(4, dtype="<f4").tobytes(),
                                                               zipfile.ZIP_STORED)]))
    np.testing.assert_array_equal(got.numpy(), np.arange(4))


@pytest.mark.parametrize("numel,offset,size,stride,data,kind,match", [
    (1 << 40, 0, (4,), (1,), np.zeros(4, "<f4").tobytes(), zipfile.ZIP_STORED, "declares"),
    (4, 2, (4,), (1,), np.zeros(4, "<f4").tobytes(), zipfile.ZIP_STORED, "reaches element"),
    (4, 0, (2, 2), (3, 1), np.zeros(4, "<f4").tobytes(), zipfile.ZIP_STORED, "reaches element"),
    (4, 0, (4,), (-1,), np.zeros(4, "<f4").tobytes(), zipfile.ZIP_STORED, "invalid layout"),
    (1 << 24, 0, (4,), (1,), bytes(1 << 26), zipfile.ZIP_DEFLATED, "compressed"),
])
def test_hostile_storages_are_refused_before_any_large_read(numel, offset, size, stride, data, kind, match):
    buf = _torch_zip_with_pickle(_storage_pickle(numel, offset, size, stride), [("archive/data/0", data, kind)])
    with pytest.raises(RuntimeError, match=match):
        pt.load(buf)


def test_a_legacy_torch_file_is_refused_with_how_to_convert():
    with pytest.raises(RuntimeError, match="legacy"):
        pt.load(_saved({"t": torch.ones(2)}, _use_new_zipfile_serialization=False))

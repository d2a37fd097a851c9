"""safetensors round trips with safetensors.torch, and zero-copy DLPack with PyTorch and NumPy."""
import numpy as np
import pytest

import pyautograd as pt
from pyautograd.utils import dlpack

torch = pytest.importorskip("torch")
st = pytest.importorskip("pyautograd.utils.safetensors")
stt = pytest.importorskip("safetensors.torch")


def test_a_file_written_by_safetensors_torch_loads_with_equal_values(tmp_path):
    path = tmp_path / "a.safetensors"
    want = {"w": torch.randn(3, 2), "i": torch.arange(4), "h": torch.ones(2, dtype=torch.float16),
            "b": torch.tensor([True, False])}
    stt.save_file(want, path, metadata={"step": "10"})
    got = st.load_file(path)
    for k, v in want.items():
        assert str(got[k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1]
        np.testing.assert_array_equal(got[k].numpy(), v.numpy())
    with st.safe_open(path, framework="pt") as f:
        assert sorted(f.keys()) == sorted(want) and f.metadata() == {"step": "10"}
        np.testing.assert_array_equal(f.get_slice("w")[1:3].numpy(), want["w"][1:3].numpy())
        np.testing.assert_array_equal(f.get_tensor("i").numpy(), want["i"].numpy())


def test_ours_loads_in_torch_and_bytes_round_trip(tmp_path):
    ours = {"w": pt.randn(2, 3), "n": pt.tensor([1, 2, 3])}
    st.save_file(ours, tmp_path / "o.safetensors", metadata={"k": "v"})
    got = stt.load_file(tmp_path / "o.safetensors")
    for k in ours:
        np.testing.assert_array_equal(got[k].numpy(), ours[k].numpy())
    back = st.load(st.save(ours))
    np.testing.assert_array_equal(back["w"].numpy(), ours["w"].numpy())


def test_load_state_dict_straight_from_a_file_and_tied_weights(tmp_path):
    model = pt.nn.Sequential(pt.nn.Linear(3, 3), pt.nn.Linear(3, 3))
    model[1].weight = model[0].weight  # tied
    with pytest.raises(RuntimeError, match="shares memory"):
        st.save_file(model.state_dict(), tmp_path / "m.safetensors")
    dropped = st.save_model(model, tmp_path / "m.safetensors")
    assert dropped == ["1.weight"]
    fresh = pt.nn.Sequential(pt.nn.Linear(3, 3), pt.nn.Linear(3, 3))
    fresh[1].weight = fresh[0].weight
    assert st.load_model(fresh, tmp_path / "m.safetensors") == ([], [])
    np.testing.assert_array_equal(fresh[1].weight.detach().numpy(), model[0].weight.detach().numpy())
    plain = pt.nn.Linear(3, 3)
    plain.load_state_dict(st.load_file(_single(tmp_path)))


def _single(tmp_path):
    lin = pt.nn.Linear(3, 3)
    st.save_file(lin.state_dict(), tmp_path / "l.safetensors")
    return tmp_path / "l.safetensors"


def test_dlpack_shares_memory_both_ways():
    t = pt.arange(6.0).reshape(2, 3)
    theirs = torch.from_dlpack(t)
    theirs[1, 1] = 7
    assert t[1, 1].item() == 7.0
    arr = np.from_dlpack(t)
    arr[0, 0] = 42
    assert t[0, 0].item() == 42.0
    x = torch.ones(3)
    ours = pt.from_dlpack(x)
    x[0] = 5
    assert ours[0].item() == 5.0
    assert pt.from_dlpack(np.arange(3.0)).tolist() == [0.0, 1.0, 2.0]


def test_dlpack_capsules_views_and_refusals():
    t = pt.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(dlpack.from_dlpack(dlpack.to_dlpack(t)).numpy(), t.numpy())
    # a legacy (unversioned) capsule carries no read-only flag, so NumPy (and we) make it read-only
    x = torch.ones(2)
    assert dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(x)).tolist() == [1.0, 1.0]
    assert torch.from_dlpack(t.t()).stride() == (1, 3)  # a transposed view, not a copy
    with pytest.raises(RuntimeError, match="require gradient"):
        np.from_dlpack(pt.ones(2, requires_grad=True))
    assert t.__dlpack_device__() == (1, 0)

"""SummaryWriter's event files, read back by TensorBoard's own EventAccumulator."""
import os

import numpy as np
import pytest

import pyautograd as pt

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from pyautograd.utils.tensorboard import SummaryWriter  # noqa: E402


def _read(path):
    acc = EventAccumulator(str(path), size_guidance={"tensors": 0, "scalars": 0, "images": 0})
    acc.Reload()
    return acc


def test_scalars_histograms_images_text_and_graph_read_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(4):
            w.add_scalar("train/loss", 1.0 / (step + 1), step)
        w.add_scalar("tensor_scalar", pt.tensor(2.5), 0)
        values = np.random.default_rng(0).standard_normal(500)
        w.add_histogram("weights", pt.tensor(values), 3)
        w.add_image("chw", np.random.default_rng(1).random((3, 6, 5)), 0)
        w.add_image("hwc", np.zeros((4, 7, 3), dtype=np.uint8), 0, dataformats="HWC")
        w.add_text("notes", "**hello**", 1)
        w.add_graph(pt.nn.Sequential(pt.nn.Linear(3, 4), pt.nn.Tanh(), pt.nn.Linear(4, 2)), pt.randn(2, 3))
    acc = _read(tmp_path)
    assert [(e.step, round(e.value, 6)) for e in acc.Scalars("train/loss")] == [(0, 1.0), (1, 0.5), (2, 0.333333),
                                                                                 (3, 0.25)]
    assert acc.Scalars("tensor_scalar")[0].value == 2.5
    hist = acc.Histograms("weights")[0]
    assert hist.step == 3 and hist.histogram_value.num == 500
    assert hist.histogram_value.min == pytest.approx(values.min()) and sum(hist.histogram_value.bucket) == 500
    chw = acc.Images("chw")[0]
    assert (chw.width, chw.height) == (5, 6) and chw.encoded_image_string.startswith(b"\x89PNG")
    assert (acc.Images("hwc")[0].width, acc.Images("hwc")[0].height) == (7, 4)
    assert acc.Tensors("notes/text_summary")[0].tensor_proto.string_val == [b"**hello**"]
    ops = {n.name: n.op for n in acc.Graph().node}
    assert ops["0.weight"] == "Parameter" and ops["input/0"] == "Input" and "output/0" in ops
    assert any(op.startswith("Tanh") for op in ops.values())


def test_add_scalars_writes_one_run_per_tag_and_hparams_a_sub_run(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("loss", {"train": 1.0, "val": 2.0}, 0)
        w.add_hparams({"lr": 0.1, "optimizer": "adam", "nesterov": True}, {"hparam/accuracy": 0.9}, run_name="run1")
    assert _read(tmp_path / "loss_train").Scalars("loss")[0].value == 1.0
    assert _read(tmp_path / "loss_val").Scalars("loss")[0].value == 2.0
    run = _read(tmp_path / "run1")
    assert run.Scalars("hparam/accuracy")[0].value == pytest.approx(0.9)
    assert "_hparams_/session_start_info" in run.Tags()["tensors"] + list(run.summary_metadata)


def test_bad_input_is_refused_clearly(tmp_path):
    w = SummaryWriter(tmp_path)
    with pytest.raises(ValueError, match="single value"):
        w.add_scalar("x", pt.ones(3))
    with pytest.raises(ValueError, match="dataformats"):
        w.add_image("x", np.zeros((3, 4)), dataformats="CHW")
    with pytest.raises(TypeError, match="dictionary"):
        w.add_hparams([1], {})
    w.close()
    assert os.listdir(tmp_path)

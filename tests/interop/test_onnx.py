"""onnx.export: the exported file, run by onnxruntime, gives the model's outputs (1e-5, float32),
at the traced batch size and another one with dynamic_axes; onnx.checker accepts it."""
import io

import numpy as np
import pytest

import pyautograd as pt
import pyautograd.nn as nn
import pyautograd.onnx

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _run(model, x, **kwargs):
    buf = io.BytesIO()
    proto = pyautograd.onnx.export(model, (x,), buf, input_names=["x"], output_names=["y"], **kwargs)
    onnx.checker.check_model(onnx.load_from_string(buf.getvalue()))
    return proto, ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.norm = nn.LayerNorm(6)
        self.fc = nn.Linear(6, 4)
        self.bn = nn.BatchNorm1d(4)

    def forward(self, idx):
        h = self.norm(self.emb(idx)).mean(1)
        h = self.bn(nn.functional.silu(self.fc(h)))
        return nn.functional.log_softmax(h * 2 - 1, dim=-1)


@pytest.mark.parametrize("builder", [
    lambda: nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3)),
    lambda: nn.Sequential(nn.Linear(5, 8), nn.GELU(), nn.LayerNorm(8), nn.Linear(8, 4), nn.Softmax(dim=1)),
    lambda: nn.Sequential(nn.Flatten(), nn.Linear(5, 6), nn.LeakyReLU(0.2), nn.Linear(6, 2), nn.Sigmoid()),
])
def test_mlps_match_onnxruntime_at_two_batch_sizes(builder):
    torch_like = builder()
    x = pt.randn(3, 5)
    _, session = _run(torch_like, x, dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    for batch in (3, 7):
        xb = np.random.default_rng(batch).standard_normal((batch, 5)).astype(np.float32)
        got = session.run(None, {"x": xb})[0]
        np.testing.assert_allclose(got, torch_like(pt.tensor(xb)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_embedding_norms_and_reductions_in_eval_mode():
    model = Net()
    model.train()
    model(pt.randint(0, 10, (8, 3)))  # moves the running statistics
    model.eval()
    idx = pt.randint(0, 10, (4, 3))
    _, session = _run(model, idx)
    np.testing.assert_allclose(session.run(None, {"x": idx.numpy()})[0], model(idx).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_an_op_without_a_translation_is_a_clear_error():
    class Odd(nn.Module):
        def forward(self, x):
            return pt.cumsum(x, 0)
    with pytest.raises(RuntimeError, match="'cumsum' has no ONNX translation"):
        pyautograd.onnx.export(Odd(), (pt.randn(3),), io.BytesIO())


def test_batch_norm_in_training_mode_is_refused():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    with pytest.raises(RuntimeError, match="model.eval"):
        pyautograd.onnx.export(model, (pt.randn(5, 3),), io.BytesIO())


def test_file_paths_and_opset_checks(tmp_path):
    model = nn.Linear(3, 2)
    proto = pyautograd.onnx.export(model, pt.randn(1, 3), str(tmp_path / "m.onnx"))
    assert onnx.load(str(tmp_path / "m.onnx")).graph.node[0].op_type == "Gemm"
    assert proto.opset_import[0].version == 17
    with pytest.raises(ValueError, match="opset"):
        pyautograd.onnx.export(model, pt.randn(1, 3), io.BytesIO(), opset_version=11)

"""Small names of issue 12 checked against PyTorch: backends.cuda.SDPBackend, optim.optimizer.ParamsT,
onnx.operators, erfc/i0 under torch.special."""
import pytest

import pyautograd as P

torch = pytest.importorskip("torch")


def test_sdp_backend_is_one_enum_with_pytorchs_members():
    from pyautograd.nn.attention import SDPBackend
    assert P.backends.cuda.SDPBackend is SDPBackend
    theirs = torch.backends.cuda.SDPBackend.__members__.values()  # a pybind enum: not iterable itself
    assert {m.name: int(m) for m in SDPBackend} == {m.name: int(m) for m in theirs}


def test_params_t_alias():
    from pyautograd.optim.optimizer import ParamsT
    assert len(ParamsT.__args__) == 3
    assert ParamsT.__args__[0].__args__ == (P.Tensor,)


def test_onnx_operators():
    from pyautograd.onnx import operators
    import torch.onnx.operators as theirs
    x = P.zeros(2, 3)
    ours = operators.shape_as_tensor(x)
    assert ours.dtype == P.int64 and ours.tolist() == theirs.shape_as_tensor(torch.zeros(2, 3)).tolist()
    assert operators.reshape_from_tensor_shape(x, P.tensor([3, 2])).shape == (3, 2)


def test_special_names():
    x = P.tensor([0.5, 1.5], requires_grad=True)
    for name in ("erfc", "i0"):
        assert getattr(P.special, name)(x).tolist() == getattr(P, name)(x).tolist()
    assert P.special.i1e(x).grad_fn.name() == torch.special.i1e(torch.tensor([0.5], requires_grad=True)).grad_fn.name()
    assert P.erfc(x).grad_fn.name() == "ErfcBackward0"

"""nn.init (distributions, errors as PyTorch's) and nn.utils (clipping and vectors, against PyTorch)."""
import math

import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
from pyautograd.nn import init
from pyautograd.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters

# ---- nn.init ---------------------------------------------------------------------------------

GAINS = [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("selu",), ("leaky_relu",),
         ("leaky_relu", 0.2), ("leaky_relu", 3)]


@pytest.mark.parametrize("args", GAINS, ids=str)
def test_calculate_gain_equals_pytorch(args, torch):
    assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


# (name, args, shape, expected std): the std of each random fill, from its formula
FILLS = [
    ("uniform_", (-2.0, 4.0), (200, 300), 6 / math.sqrt(12)),
    ("normal_", (1.0, 0.5), (200, 300), 0.5),
    ("xavier_uniform_", (2.0,), (300, 200), 2.0 * math.sqrt(2.0 / 500)),
    ("xavier_normal_", (), (100, 20, 3), math.sqrt(2.0 / (60 + 300))),
    ("kaiming_uniform_", (), (300, 200), math.sqrt(2.0 / (1 + 0.01 ** 2)) / math.sqrt(200)),
    ("kaiming_uniform_", (0, "fan_out", "relu"), (300, 200), math.sqrt(2.0) / math.sqrt(300)),
    ("kaiming_normal_", (0.2, "fan_in", "leaky_relu"), (300, 50, 2), math.sqrt(2.0 / 1.04) / 10),
    ("kaiming_normal_", (0, "fan_out", "selu"), (300, 200), 0.75 / math.sqrt(300)),
    ("trunc_normal_", (0.0, 1.0, -1.0, 1.0), (200, 300), 0.5377),  # the std of N(0, 1) cut to [-1, 1]
]


@pytest.mark.parametrize("name,args,shape,std", FILLS, ids=lambda v: str(v))
def test_random_fills_have_the_formula_std(name, args, shape, std):
    pag.manual_seed(0)
    w = pag.empty(*shape, dtype=pag.float64)
    assert getattr(init, name)(w, *args) is w
    assert abs(w.std().item() - std) < 0.02 * std
    pag.manual_seed(0)
    again = getattr(init, name)(pag.empty(*shape, dtype=pag.float64), *args)
    assert pag.equal(w, again)  # reproducible under manual_seed


def test_fills_of_parameters_stay_leaves_without_history():
    lin = nn.Linear(4, 3)
    for fn in (init.zeros_, init.ones_, lambda t: init.constant_(t, 0.3), init.xavier_uniform_, init.eye_,
               init.orthogonal_, init.kaiming_normal_, init.trunc_normal_):
        out = fn(lin.weight)
        assert out is lin.weight and lin.weight.is_leaf and lin.weight.grad_fn is None
    assert lin.weight.requires_grad


def test_trunc_normal_stays_within_bounds_even_far_in_the_tail():
    x = init.trunc_normal_(pag.empty(20000, dtype=pag.float64), mean=0.5, std=2.0, a=-1.0, b=3.0)
    assert -1.0 <= x.min().item() and x.max().item() <= 3.0
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        y = init.trunc_normal_(pag.empty(5000, dtype=pag.float64), a=4.0, b=4.5)
    assert 4.0 <= y.min().item() and y.max().item() <= 4.5 and y.mean().item() < 4.25  # denser near 4


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 3)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    w = init.orthogonal_(pag.empty(*shape, dtype=pag.float64), gain=1.5)
    m = w.reshape(shape[0], -1).numpy()
    small = min(m.shape)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 2.25 * np.eye(small), atol=1e-12)


def test_orthogonal_is_haar_distributed():
    # the sign correction makes Q uniform: without it the diagonal of Q is biased positive
    pag.manual_seed(1)
    diag = np.array([np.diagonal(init.orthogonal_(pag.empty(3, 3, dtype=pag.float64)).numpy()) for _ in range(600)])
    assert abs(diag.mean()) < 0.06


def test_eye_fills_the_identity_and_deterministic_fills():
    np.testing.assert_array_equal(init.eye_(pag.empty(2, 3)).numpy(), np.eye(2, 3))
    assert init.constant_(pag.empty(2), 0.25).tolist() == [0.25, 0.25]
    assert init.zeros_(pag.empty(2)).tolist() == [0.0, 0.0] and init.ones_(pag.empty(1)).tolist() == [1.0]


@pytest.mark.parametrize("call", [
    lambda I, lib: I.eye_(lib.empty(3)),
    lambda I, lib: I.eye_(lib.empty(2, 2, 2)),
    lambda I, lib: I.orthogonal_(lib.empty(3)),
    lambda I, lib: I.xavier_uniform_(lib.empty(3)),
    lambda I, lib: I.kaiming_normal_(lib.empty(4)),
    lambda I, lib: I.kaiming_uniform_(lib.empty(3, 4), mode="fan_avg"),
    lambda I, lib: I.kaiming_uniform_(lib.empty(3, 4), nonlinearity="swish"),
    lambda I, lib: I.calculate_gain("leaky_relu", True),
    lambda I, lib: I.calculate_gain("leaky_relu", "0.1"),
])
def test_errors_equal_pytorch(call, torch):
    with pytest.raises(ValueError) as theirs:
        call(torch.nn.init, torch)
    with pytest.raises(ValueError) as ours:
        call(init, pag)
    assert str(ours.value) == str(theirs.value)


def test_zero_element_tensors_warn_and_stay():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(pag.empty(0, 3))
    assert init.orthogonal_(pag.empty(0, 3)).shape == (0, 3)


# ---- nn.utils -------------------------------------------------------------------------------

def _params(lib, grads):
    Param = (nn if lib is pag else lib.nn).Parameter
    params = []
    for g in grads:
        p = Param(lib.zeros(() if g is None else g.shape, dtype=lib.float64))
        p.grad = None if g is None else lib.tensor(g)
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_equals_pytorch(norm_type, max_norm, torch, rng):
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal(())]
    norm_type = float(norm_type)
    ours, theirs = _params(pag, grads), _params(torch, grads)
    total = clip_grad_norm_(ours + [nn.Parameter(pag.zeros(2))], max_norm, norm_type, foreach=None)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.dtype == pag.float64 and total.shape == ()
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_clip_grad_norm_non_finite_and_empty(torch):
    p = _params(pag, [np.array([np.inf, 1.0])])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert math.isinf(clip_grad_norm_(p, 1.0).item())  # scaled anyway, as PyTorch
    assert clip_grad_norm_([nn.Parameter(pag.ones(2))], 1.0).item() == 0.0
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((p for p in []), 1.0)
    single = _params(pag, [np.array([3.0, 4.0])])[0]
    assert clip_grad_norm_(single, 1.0).item() == 5.0
    np.testing.assert_allclose(single.grad.numpy(), [0.6, 0.8], rtol=1e-6)


def test_clip_grad_value_equals_pytorch(torch, rng):
    grads = [rng.standard_normal((3, 4)) * 3, None, rng.standard_normal(7)]
    ours, theirs = _params(pag, grads), _params(torch, grads)
    clip_grad_value_(iter(ours), 1.5)
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, t in zip(ours, theirs):
        assert (p.grad is None) == (t.grad is None)
        if p.grad is not None:
            np.testing.assert_array_equal(p.grad.numpy(), t.grad.numpy())


def test_parameters_to_vector_and_back(torch):
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    tmodel = torch.nn.Linear(3, 2)
    with torch.no_grad():
        tmodel.weight.copy_(torch.tensor(model.weight.detach().numpy()))
        tmodel.bias.copy_(torch.tensor(model.bias.detach().numpy()))
    np.testing.assert_array_equal(vec.detach().numpy(), torch.nn.utils.parameters_to_vector(tmodel.parameters())
                                  .detach().numpy())
    vec.sum().backward()  # differentiable, like PyTorch's
    assert model.weight.grad.tolist() == [[1.0] * 3] * 2
    new = pag.arange(8, dtype=pag.float32)
    vector_to_parameters(new, model.parameters())
    assert model.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and model.bias.tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list$"):
        vector_to_parameters([1.0], model.parameters())


def test_nn_utils_is_reachable_as_in_pytorch():
    import pyautograd.nn.utils as utils
    assert nn.utils is utils and nn.utils.clip_grad_norm_ is clip_grad_norm_

"""softshrink, hardshrink, threshold, rrelu, dist, pdist beyond the op database (issue 12):
rrelu's training draws, the error kinds and messages, integer threshold, the nn modules."""
import numpy as np
import pytest

import pyautograd as P
import pyautograd.nn as nn
import pyautograd.nn.functional as F


def test_rrelu_training_draws_slopes_in_range_and_backpropagates_them():
    P.manual_seed(0)
    x = P.tensor(np.linspace(-3, 3, 401), requires_grad=True)
    y = F.rrelu(x, 0.1, 0.4, training=True)
    y.sum().backward()
    xs, ys, g = x.detach().numpy(), y.detach().numpy(), x.grad.numpy()
    neg = xs < 0
    slopes = ys[neg] / xs[neg]
    assert slopes.min() >= 0.1 and slopes.max() <= 0.4
    assert slopes.std() > 0.05  # drawn per element, not one slope
    np.testing.assert_allclose(g[neg], slopes)
    np.testing.assert_array_equal(ys[~neg], xs[~neg])
    np.testing.assert_array_equal(g[~neg & (xs > 0)], 1.0)


def test_rrelu_eval_and_module_modes():
    x = P.tensor([-2.0, 0.0, 3.0])
    m = nn.RReLU(0.2, 0.4)
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), [-0.6, 0.0, 3.0])
    m.train()
    out = m(x).numpy()
    assert -0.8 <= out[0] <= -0.4 and out[2] == 3.0
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal to the upper bound"):
        F.rrelu(x, 0.5, 0.1)


def test_inplace_forms_write_into_the_input():
    x = P.tensor([-1.0, 0.5, 2.0])
    F.threshold_(x, 0.5, 9.0)
    np.testing.assert_array_equal(x.numpy(), [9.0, 9.0, 2.0])
    y = P.tensor([-1.0, 2.0])
    assert F.threshold(y, 0.0, 1.0, inplace=True) is y
    F.rrelu_(y, 0.25, 0.25)
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])
    z = P.tensor([-4.0, 2.0])
    P.rrelu_(z, 0.25, 0.25)
    np.testing.assert_array_equal(z.numpy(), [-1.0, 2.0])


def test_threshold_on_integers_converts_its_scalars_to_the_input_type():
    # as PyTorch: the threshold -0.5 becomes 0 for an integer input, so 0 is replaced
    out = F.threshold(P.tensor([0, 1, 2]), -0.5, 9)
    assert out.dtype == P.int64
    np.testing.assert_array_equal(out.numpy(), [9, 1, 2])
    with pytest.raises(NotImplementedError, match="threshold_cpu"):
        F.threshold(P.tensor([True, False]), 0.5, 0)


def test_error_kinds_and_messages():
    with pytest.raises(RuntimeError, match=r"lambda must be in range \[0, 3.40282e\+38\] for input dtype Float, "
                                           r"but found -1"):
        F.softshrink(P.tensor([1.0]), -1.0)
    with pytest.raises(NotImplementedError, match="\"softshrink_check\" not implemented for 'Long'"):
        F.softshrink(P.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="\"hardshrink_cpu\" not implemented for 'Long'"):
        F.hardshrink(P.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 3D"):
        P.pdist(P.zeros(2, 2, 2))
    with pytest.raises(RuntimeError, match="pdist only supports floating-point dtypes"):
        P.pdist(P.tensor([[1, 2]]))
    with pytest.raises(RuntimeError, match="pdist only supports non-negative p values"):
        P.pdist(P.zeros(2, 2), -1)
    with pytest.raises(RuntimeError, match="norm\\(\\): input dtype should be either floating point or complex. "
                                           "Got Long instead."):
        P.dist(P.tensor([1, 2]), P.tensor([1, 3]))


def test_hardshrink_negative_lambda_passes_everything():
    x = P.tensor([-1.0, 0.0, 0.5])
    np.testing.assert_array_equal(P.hardshrink(x, -1.0).numpy(), x.numpy())
    np.testing.assert_array_equal(x.hardshrink(0.7).numpy(), [-1.0, 0.0, 0.0])


def test_dist_promotes_and_broadcasts():
    a = P.tensor([1.0, 2.0], dtype=P.float32)
    assert P.dist(a, P.tensor([1.0, 2.0], dtype=P.float64)).dtype == P.float64
    assert P.dist(P.tensor([1, 2]), P.tensor([1.0, 4.0])).item() == 2.0
    np.testing.assert_allclose(P.dist(a, P.tensor([[3.0], [1.0]])).item(), np.sqrt(6.0))


def test_pdist_gradient_of_zero_distance_is_zero():
    x = P.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]], requires_grad=True)
    P.pdist(x).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_module_reprs():
    reprs = [repr(m) for m in (nn.Softshrink(), nn.Hardshrink(0.3), nn.Threshold(0.1, 20.0),
                               nn.Threshold(0.1, 20, True), nn.RReLU(), nn.RReLU(0.1, 0.3, True))]
    assert reprs == ["Softshrink(0.5)", "Hardshrink(0.3)", "Threshold(threshold=0.1, value=20.0)",
                     "Threshold(threshold=0.1, value=20, inplace=True)",
                     "RReLU(lower=0.125, upper=0.3333333333333333)", "RReLU(lower=0.1, upper=0.3, inplace=True)"]


def test_pdist_zero_distance_gradient_matches_torch(torch):
    data = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 0.5], [2.0, 3.0]])  # a zero distance and tied maxima
    for p in (0.5, 1, 1.5, 2, 3, float("inf")):
        x, t = P.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        P.pdist(x, p).sum().backward()
        torch.pdist(t, p).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), err_msg=f"p={p}")

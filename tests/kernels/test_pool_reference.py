"""The NumPy reference of average pooling against PyTorch at the edges (issue 18): an inf input
stays inf in its windows (a window-matrix contraction gave inf * 0 = NaN), and a window sum
that overflows is inf as in PyTorch (dividing first hid the overflow)."""
import numpy as np
import pytest

from pyautograd.kernels._numpy import pooling as ref

INF = float("inf")

CASES = {  # name -> (input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    "inf input": (np.array([INF, 1.0, 2.0, 3.0, -INF, 5.0]).reshape(1, 1, 6), (2,), (2,), (0,), False, True, None),
    "inf input, padding": (np.array([[1.0, INF, 2.0], [3.0, 4.0, -INF]]).reshape(1, 1, 2, 3), (2, 2), (1, 1), (1, 1),
                           False, False, None),
    "inf input, ceil mode": (np.array([1.0, 2.0, INF, 4.0, 5.0]).reshape(1, 1, 5), (2,), (2,), (0,), True, True, None),
    "float32 sum overflows": (np.array([3e38, 3e38, 1.0, 2.0], np.float32).reshape(1, 1, 4), (2,), (2,), (0,),
                              False, True, None),
    "float64 sum overflows": (np.array([1.7e308, 1.7e308, 1.0, 1.0]).reshape(1, 1, 4), (2,), (2,), (0,), False, True,
                              None),
    "3-d with divisor override": (np.full((1, 1, 2, 2, 2), 3e38, np.float32), (2, 2, 2), (1, 1, 1), (0, 0, 0), False,
                                  True, 3),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_avg_pool_reference_matches_pytorch_on_inf_and_overflow(case, torch):
    x, kernel, stride, padding, ceil_mode, cip, div = CASES[case]
    fn = getattr(torch.nn.functional, f"avg_pool{len(kernel)}d")
    tx = torch.from_numpy(x.copy()).requires_grad_(True)
    want = fn(tx, kernel, stride, padding, ceil_mode, cip, **({"divisor_override": div} if div else {}))
    g = np.linspace(1.0, 2.0, want.numel()).reshape(tuple(want.shape)).astype(x.dtype)
    want.backward(torch.from_numpy(g))
    with np.errstate(all="ignore"):
        got = ref.avg_pool(x, kernel, stride, padding, ceil_mode, cip, div)
        dx = ref.avg_pool_backward(g, x.shape[-len(kernel):], kernel, stride, padding, ceil_mode, cip, div)
    assert got.dtype == x.dtype and dx.dtype == x.dtype
    np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-6)

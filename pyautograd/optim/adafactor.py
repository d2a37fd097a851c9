"""Adafactor (torch.optim.Adafactor's single-tensor update)."""
import numpy as np

from .._tensor import Tensor
from .per_tensor import PerTensorOptimizer, lerp_, scalar_state


class Adafactor(PerTensorOptimizer):
    """Adafactor: second moments kept factored (a row and a column vector per matrix), a relative
    step size and update clipping.

    Args:
        params: parameters or parameter groups.
        lr: the step's upper bound (1e-2). beta2_decay: the second-moment decay exponent (-0.8).
        eps: (eps1, eps2): eps1 floors the variance (None: the dtype's machine epsilon); eps2
            floors the parameter scale (1e-3).
        d: the clipping threshold (1.0). weight_decay: decoupled decay of the parameter.
        foreach: accepted; one NumPy update per tensor on CPU. maximize: ascend the objective.

    State per parameter: "step", and "row_var"/"col_var" (2-d and up) or "variance" (0-d and 1-d).
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _init_state(self, p, group):
        state = {"step": scalar_state(0.0)}
        if p.ndim > 1:
            data = p._data
            state["row_var"] = Tensor._wrap(np.zeros(data.shape[:-1] + (1,), data.dtype))
            state["col_var"] = Tensor._wrap(np.zeros(data.shape[:-2] + (1, data.shape[-1]), data.dtype))
        else:
            state["variance"] = self._zeros(p)
        return state

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        lr = group["lr"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(param.dtype).eps)
        step = float(state["step"]._data)
        one_minus_beta2 = step ** group["beta2_decay"]
        rho = min(lr, 1 / (step ** 0.5))
        alpha = max(eps2, float(np.sqrt(np.sum(param * param))) / (param.size ** 0.5)) * rho
        if group["weight_decay"] != 0:
            param *= t(1 - lr * group["weight_decay"])
        if grad.ndim > 1:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            lerp_(row_var, np.sum(grad * grad, axis=-1, keepdims=True) / t(grad.shape[-1]), one_minus_beta2)
            lerp_(col_var, np.sum(grad * grad, axis=-2, keepdims=True) / t(grad.shape[-2]), one_minus_beta2)
            estimate = (row_var @ col_var) / np.maximum(row_var.mean(axis=-2, keepdims=True), t(eps1))
        else:
            variance = state["variance"]._data
            lerp_(variance, grad * grad, one_minus_beta2)
            estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(estimate, t(eps1 * eps1))) * grad
        denom = max(1.0, float(np.sqrt(np.sum(update * update))) / ((update.size ** 0.5) * group["d"]))
        param += t(-alpha / denom) * update

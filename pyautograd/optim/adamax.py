"""Adamax (torch.optim.Adamax's single-tensor update)."""
import numpy as np

from .optimizer import check_betas, check_positive
from .per_tensor import PerTensorOptimizer, lerp_, scalar_state


class Adamax(PerTensorOptimizer):
    """Adamax: Adam with the infinity norm of past gradients in the denominator.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (2e-3). betas: decays of the first moment and of the infinity norm.
        eps: added to |grad| (1e-8). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
        maximize: ascend the objective.

    State per parameter: "step", "exp_avg", "exp_inf".
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        check_betas(betas)
        check_positive("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "exp_avg": self._zeros(p), "exp_inf": self._zeros(p)}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        beta1, beta2 = group["betas"]
        if group["weight_decay"] != 0:
            grad = grad + t(group["weight_decay"]) * param
        exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= t(beta2)
        np.maximum(exp_inf, np.abs(grad) + t(group["eps"]), out=exp_inf)
        clr = group["lr"] / (1 - beta1 ** float(state["step"]._data))
        param += t(-clr) * exp_avg / exp_inf

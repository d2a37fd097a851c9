"""RAdam (torch.optim.RAdam's single-tensor update)."""
import numpy as np

from .optimizer import check_betas, check_positive
from .per_tensor import PerTensorOptimizer, lerp_, scalar_state


class RAdam(PerTensorOptimizer):
    """RAdam: Adam whose adaptive step is switched on (and rectified) once the variance estimate is tractable.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (1e-3). betas, eps: as Adam's.
        weight_decay: L2 penalty added to the gradient, or AdamW-style decay with
            ``decoupled_weight_decay=True``.
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
        maximize: ascend the objective.

    State per parameter: "step", "exp_avg", "exp_avg_sq".
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        check_betas(betas)
        check_positive("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "exp_avg": self._zeros(p), "exp_avg_sq": self._zeros(p)}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        step = float(state["step"]._data)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param *= t(1 - lr * wd)
            else:
                grad = grad + t(wd) * param
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= t(beta2)
        exp_avg_sq += t(1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        corrected = exp_avg / t(bias_correction1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = t(bias_correction2 ** 0.5) / (np.sqrt(exp_avg_sq) + t(group["eps"]))
            param -= corrected * t(lr) * adaptive * t(rect)
        else:
            param -= corrected * t(lr)

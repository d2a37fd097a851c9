"""NAdam (torch.optim.NAdam's single-tensor update)."""
import numpy as np

from .optimizer import check_betas, check_positive
from .per_tensor import PerTensorOptimizer, lerp_, scalar_state


class NAdam(PerTensorOptimizer):
    """NAdam: Adam with Nesterov momentum and a momentum schedule.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (2e-3). betas, eps: as Adam's.
        weight_decay: L2 penalty added to the gradient, or with ``decoupled_weight_decay=True``
            AdamW-style decay of the parameter (NAdamW).
        momentum_decay: the schedule's decay (4e-3): mu_t = beta1 (1 - 0.5 * 0.96 ** (t * momentum_decay)).
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
        maximize: ascend the objective.

    State per parameter: "step", "mu_product" (float32, as PyTorch's), "exp_avg", "exp_avg_sq".
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        check_betas(betas)
        check_positive("weight_decay value", weight_decay)
        check_positive("momentum_decay value", momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "mu_product": scalar_state(1.0), "exp_avg": self._zeros(p),
                "exp_avg_sq": self._zeros(p)}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        beta1, beta2 = group["betas"]
        lr, wd, decay = group["lr"], group["weight_decay"], group["momentum_decay"]
        step = float(state["step"]._data)
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param *= t(1 - lr * wd)
            else:
                grad = grad + t(wd) * param
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        mu_product = state["mu_product"]._data
        # a tensor times a Python scalar computes in the tensor's dtype: float32 until a load casts it
        mu_product *= mu_product.dtype.type(mu)
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= t(beta2)
        exp_avg_sq += t(1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / t(bias_correction2)) + t(group["eps"])
        mp = float(mu_product)
        param += t(-lr * (1.0 - mu) / (1.0 - mp)) * grad / denom
        param += t((-lr * mu_next) / (1.0 - mp * mu_next)) * exp_avg / denom

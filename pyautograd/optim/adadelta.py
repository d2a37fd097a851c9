"""Adadelta (torch.optim.Adadelta's single-tensor update)."""
import numpy as np

from .optimizer import check_positive
from .per_tensor import PerTensorOptimizer, scalar_state


class Adadelta(PerTensorOptimizer):
    """Adadelta: steps scaled by the ratio of running RMS of updates and of gradients.

    Args:
        params: parameters or parameter groups.
        lr: scales the update (default 1.0). rho: the running averages' decay (0.9).
        eps: added inside the square roots (1e-6). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
        maximize: ascend the objective.

    State per parameter: "step", "square_avg", "acc_delta".
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_positive("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_positive("epsilon value", eps)
        check_positive("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "square_avg": self._zeros(p), "acc_delta": self._zeros(p)}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        rho, eps = t(group["rho"]), t(group["eps"])
        if group["weight_decay"] != 0:
            grad = grad + t(group["weight_decay"]) * param
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        square_avg *= rho
        square_avg += t(1 - group["rho"]) * grad * grad
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps) / std * grad
        acc_delta *= rho
        acc_delta += t(1 - group["rho"]) * delta * delta
        param += t(-group["lr"]) * delta

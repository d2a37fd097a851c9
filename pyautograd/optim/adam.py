"""Adam and AdamW (fused kernel per group, PyTorch's single-tensor update order)."""
import numpy as np

from .. import kernels
from .._tensor import Tensor
from .optimizer import Optimizer, check_positive


def _check(lr, betas, eps, weight_decay):
    check_positive("learning rate", lr)
    check_positive("epsilon value", eps)
    check_positive("weight_decay value", weight_decay)
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


class Adam(Optimizer):
    """Adam (with L2 weight decay added to the gradient), exactly torch.optim.Adam's update."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        by_step = {}
        for p, g in zip(params, grads):
            state = self.state[p]
            if "step" not in state:
                state["step"] = Tensor._wrap(np.array(0.0, np.float32))
                state["exp_avg"] = Tensor._wrap(np.zeros_like(p._data))
                state["exp_avg_sq"] = Tensor._wrap(np.zeros_like(p._data))
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = Tensor._wrap(np.zeros_like(p._data))
            state["step"]._data += 1
            by_step.setdefault(int(state["step"]._data), []).append((p, g))
        beta1, beta2 = group["betas"]
        for step, members in by_step.items():
            states = [self.state[p] for p, _ in members]
            kernels.adam_step_many(
                [p._data for p, _ in members], [g for _, g in members],
                [s["exp_avg"]._data for s in states], [s["exp_avg_sq"]._data for s in states],
                [s["max_exp_avg_sq"]._data for s in states] if group["amsgrad"] else None,
                step=step, lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                weight_decay=group["weight_decay"], amsgrad=group["amsgrad"],
                decoupled_weight_decay=self._decoupled, maximize=group["maximize"])
        self._bump(params, f"optimizer.step ({type(self).__name__})")


class AdamW(Adam):
    """Adam with decoupled weight decay (param *= 1 - lr * weight_decay), as torch.optim.AdamW."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)

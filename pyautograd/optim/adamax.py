"""Adamax (torch.optim.Adamax's single-tensor update, one fused kernel call per group, dtype and step)."""
from .. import kernels
from .optimizer import Optimizer, check_betas, check_positive


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm of past gradients in the denominator.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (2e-3). betas: decays of the first moment and of the infinity norm.
        eps: added to |grad| (1e-8). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call
            per parameter group (and dtype and step count).
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

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        for p in params:  # PyTorch's state, in its key order
            self._init_step(p)
            self._buffer(p, "exp_avg")
            self._buffer(p, "exp_inf")
        beta1, beta2 = group["betas"]
        for step, ps, gs in self._batches(params, grads, self._advance_steps(params)):
            kernels.adamax_step_many([p._data for p in ps], gs, [self.state[p]["exp_avg"]._data for p in ps],
                                     [self.state[p]["exp_inf"]._data for p in ps], step=step, lr=group["lr"],
                                     beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                                     maximize=group["maximize"])
        if params:
            self._bump(params, "optimizer.step (Adamax)")

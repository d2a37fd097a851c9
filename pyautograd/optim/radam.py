"""RAdam (torch.optim.RAdam's single-tensor update, one fused kernel call per group, dtype and step)."""
from .. import kernels
from .optimizer import Optimizer, check_betas, check_positive


class RAdam(Optimizer):
    """RAdam: Adam whose adaptive step is switched on (and rectified) once the variance estimate is tractable.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (1e-3). betas, eps: as Adam's.
        weight_decay: L2 penalty added to the gradient, or AdamW-style decay with
            ``decoupled_weight_decay=True``.
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call
            per parameter group (and dtype and step count).
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

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        for p in params:  # PyTorch's state, in its key order
            self._init_step(p)
            self._buffer(p, "exp_avg")
            self._buffer(p, "exp_avg_sq")
        beta1, beta2 = group["betas"]
        for step, ps, gs in self._batches(params, grads, self._advance_steps(params)):
            kernels.radam_step_many([p._data for p in ps], gs, [self.state[p]["exp_avg"]._data for p in ps],
                                    [self.state[p]["exp_avg_sq"]._data for p in ps], step=step, lr=group["lr"],
                                    beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                                    decoupled_weight_decay=group["decoupled_weight_decay"],
                                    maximize=group["maximize"])
        if params:
            self._bump(params, "optimizer.step (RAdam)")

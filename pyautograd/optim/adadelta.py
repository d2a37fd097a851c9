"""Adadelta (torch.optim.Adadelta's single-tensor update, one fused kernel call per group and dtype)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of updates and of gradients.

    Args:
        params: parameters or parameter groups.
        lr: scales the update (default 1.0). rho: the running averages' decay (0.9).
        eps: added inside the square roots (1e-6). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call
            per parameter group (and dtype).
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

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        for p in params:  # PyTorch's state, in its key order
            self._init_step(p)
            self._buffer(p, "square_avg")
            self._buffer(p, "acc_delta")
        for _, ps, gs in self._batches(params, grads, self._advance_steps(params)):
            kernels.adadelta_step_many([p._data for p in ps], gs, [self.state[p]["square_avg"]._data for p in ps],
                                       [self.state[p]["acc_delta"]._data for p in ps], lr=group["lr"],
                                       rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"],
                                       maximize=group["maximize"])
        if params:
            self._bump(params, "optimizer.step (Adadelta)")

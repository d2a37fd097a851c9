"""Adagrad (one fused kernel call per group and step count, PyTorch's single-tensor update order)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class Adagrad(Optimizer):
    """Adagrad, exactly torch.optim.Adagrad's update.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        lr_decay: the step's learning rate is ``lr / (1 + (step - 1) * lr_decay)``.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: the starting value of the sum of squared gradients.
        eps: added to the root of the sum (default 1e-10).
        foreach, differentiable, fused: accepted for compatibility.
        maximize: ascend the objective instead.

    State per parameter, created with the optimizer as in PyTorch: "step" and "sum".
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_positive("learning rate", lr)
        check_positive("lr_decay value", lr_decay)
        check_positive("weight_decay value", weight_decay)
        check_positive("initial_accumulator_value value", initial_accumulator_value)
        check_positive("epsilon value", eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self._init_group_state(p, group)

    def _init_group_state(self, p, group):
        self._init_step(p)
        self._buffer(p, "sum", group["initial_accumulator_value"])

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        for p in params:  # a group added after construction starts here
            self._init_group_state(p, group)
        steps = self._advance_steps(params)  # state["step"] += 1 before the update, as in PyTorch
        for step, ps, gs in self._batches(params, grads, steps):
            kernels.adagrad_step_many(
                [p._data for p in ps], gs, [self._buffer(p, "sum") for p in ps], step=step, lr=group["lr"],
                lr_decay=group["lr_decay"], eps=group["eps"], weight_decay=group["weight_decay"],
                maximize=group["maximize"])
        self._bump(params, "optimizer.step (Adagrad)")

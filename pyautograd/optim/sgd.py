"""SGD with momentum, dampening, Nesterov, weight decay and maximize (fused kernel per group)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class SGD(Optimizer):
    """Stochastic gradient descent, exactly torch.optim.SGD's update.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-3).
        momentum: momentum factor; the buffer starts as a copy of the first gradient.
        dampening: dampening of the momentum's new term.
        weight_decay: L2 penalty added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and no dampening).
        maximize: ascend the objective instead.
        foreach, differentiable, fused: accepted for compatibility.

    State per parameter (with momentum): "momentum_buffer".
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_positive("learning rate", lr)
        check_positive("momentum value", momentum)
        check_positive("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _start_group(self, group):
        # PyTorch lists the momentum buffers before updating: a parameter listed twice whose
        # buffer did not exist at the start of the step starts it afresh at each occurrence.
        # (Only parameters with a gradient are looked at: self.state would gain an empty entry.)
        self._fresh = {id(p) for p in group["params"] if p._grad is not None and "momentum_buffer" not in self.state[p]}

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        options = dict(lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                       nesterov=group["nesterov"], weight_decay=group["weight_decay"], maximize=group["maximize"])
        for _, ps, gs in self._batches(params, grads):
            arrays = [p._data for p in ps]
            if group["momentum"] == 0:
                kernels.sgd_step_many(arrays, gs, None, **options)
                continue
            # PyTorch starts a momentum buffer as a copy of the first gradient (first_step).
            fresh = [i for i, p in enumerate(ps) if id(p) in self._fresh]
            started = [i for i, p in enumerate(ps) if id(p) not in self._fresh]
            for idx, first in ((fresh, True), (started, False)):
                if idx:
                    bufs = [self._buffer(ps[i], "momentum_buffer") for i in idx]
                    kernels.sgd_step_many([arrays[i] for i in idx], [gs[i] for i in idx], bufs,
                                          first_step=first, **options)
        self._bump(params, "optimizer.step (SGD)")

"""RMSprop (one fused kernel call per group, PyTorch's single-tensor update order)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class RMSprop(Optimizer):
    """RMSprop, exactly torch.optim.RMSprop's update.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant of the squared-gradient average (default 0.99).
        eps: added to the root of the average (default 1e-8).
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor (the buffer starts at zeros).
        centered: normalize by the estimated variance (average of the square minus
            the square of the average) instead of the raw second moment.
        maximize: ascend the objective instead.
        capturable, foreach, differentiable: accepted for compatibility.

    State per parameter: "step", "square_avg", and "momentum_buffer" (momentum > 0),
    "grad_avg" (centered).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        check_positive("momentum value", momentum)
        check_positive("weight_decay value", weight_decay)
        check_positive("alpha value", alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        centered, momentum = group["centered"], group["momentum"]
        for p in params:
            self._init_step(p)["step"]._data += 1  # counted, as in PyTorch; the update does not use it
        for _, ps, gs in self._batches(params, grads):
            # created in PyTorch's order, so the state dicts list their keys as PyTorch's do
            square_avgs = [self._buffer(p, "square_avg") for p in ps]
            bufs = [self._buffer(p, "momentum_buffer") for p in ps] if momentum > 0 else None
            grad_avgs = [self._buffer(p, "grad_avg") for p in ps] if centered else None
            kernels.rmsprop_step_many(
                [p._data for p in ps], gs, square_avgs, grad_avgs, bufs, lr=group["lr"], alpha=group["alpha"],
                eps=group["eps"], weight_decay=group["weight_decay"], momentum=momentum, centered=centered,
                maximize=group["maximize"])
        self._bump(params, "optimizer.step (RMSprop)")

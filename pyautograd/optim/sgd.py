"""SGD with momentum, dampening, Nesterov, weight decay and maximize (fused kernel per group)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class SGD(Optimizer):
    """Stochastic gradient descent, exactly torch.optim.SGD's update."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_positive("learning rate", lr)
        check_positive("momentum value", momentum)
        check_positive("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        options = dict(lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                       nesterov=group["nesterov"], weight_decay=group["weight_decay"], maximize=group["maximize"])
        arrays = [p._data for p in params]
        if group["momentum"] == 0:
            kernels.sgd_step_many(arrays, grads, None, **options)
        else:
            # PyTorch starts a momentum buffer as a copy of the first gradient (first_step).
            fresh = [i for i, p in enumerate(params) if "momentum_buffer" not in self.state[p]]
            started = [i for i, p in enumerate(params) if "momentum_buffer" in self.state[p]]
            for idx, first in ((fresh, True), (started, False)):
                if idx:
                    bufs = [self._buffer(params[i], "momentum_buffer") for i in idx]
                    kernels.sgd_step_many([arrays[i] for i in idx], [grads[i] for i in idx], bufs,
                                          first_step=first, **options)
        self._bump(params, "optimizer.step (SGD)")

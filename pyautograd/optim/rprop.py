"""Rprop, resilient backpropagation (torch.optim.Rprop's single-tensor update, one fused kernel call per
group and dtype)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class Rprop(Optimizer):
    """Rprop: per-element step sizes that grow while the gradient keeps its sign and shrink when it flips;
    only the gradient's sign moves the parameter.

    Args:
        params: parameters or parameter groups.
        lr: the initial step size (1e-2). etas: (shrink, grow) factors, 0 < etaminus < 1 < etaplus.
        step_sizes: (min, max) step sizes.
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call
            per parameter group (and dtype).
        maximize: ascend the objective.

    State per parameter: "step", "prev" (the last gradient used), "step_size".
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_positive("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        for p in params:  # PyTorch's state, in its key order
            self._init_step(p)
            self._buffer(p, "prev")
            self._buffer(p, "step_size", group["lr"])
        etaminus, etaplus = group["etas"]
        low, high = group["step_sizes"]
        for _, ps, gs in self._batches(params, grads, self._advance_steps(params)):
            kernels.rprop_step_many([p._data for p in ps], gs, [self.state[p]["prev"]._data for p in ps],
                                    [self.state[p]["step_size"]._data for p in ps], etaminus=etaminus,
                                    etaplus=etaplus, step_size_min=low, step_size_max=high,
                                    maximize=group["maximize"])
        if params:
            self._bump(params, "optimizer.step (Rprop)")

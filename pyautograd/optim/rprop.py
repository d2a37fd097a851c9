"""Rprop, resilient backpropagation (torch.optim.Rprop's single-tensor update)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import check_positive
from .per_tensor import PerTensorOptimizer, scalar_state


class Rprop(PerTensorOptimizer):
    """Rprop: per-element step sizes that grow while the gradient keeps its sign and shrink when it flips;
    only the gradient's sign moves the parameter.

    Args:
        params: parameters or parameter groups.
        lr: the initial step size (1e-2). etas: (shrink, grow) factors, 0 < etaminus < 1 < etaplus.
        step_sizes: (min, max) step sizes.
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
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

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "prev": self._zeros(p),
                "step_size": Tensor._wrap(np.full_like(p._data, group["lr"]))}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        prev, step_size = state["prev"]._data, state["step_size"]._data
        sign = np.sign(grad * prev)
        factor = np.where(sign > 0, t(etaplus), np.where(sign < 0, t(etaminus), t(1)))
        step_size *= factor
        np.clip(step_size, t(lo), t(hi), out=step_size)
        grad = np.where(factor == t(etaminus), t(0), grad)
        param -= np.sign(grad) * step_size
        prev[...] = grad

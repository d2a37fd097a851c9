"""ASGD, averaged SGD (torch.optim.ASGD's single-tensor update)."""
import numpy as np

from .optimizer import check_positive
from .per_tensor import PerTensorOptimizer, scalar_state


class ASGD(PerTensorOptimizer):
    """Averaged stochastic gradient descent: SGD with a decaying step eta, and a running average
    "ax" of the iterates that starts after t0 steps.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (1e-2). lambd: decay term (1e-4). alpha: power of the eta update (0.75).
        t0: the step where averaging starts (1e6). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; one NumPy update per tensor on CPU.
        maximize: ascend the objective.

    State per parameter: "step", "eta", "mu" (float32 scalars, as PyTorch's), "ax".
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_positive("learning rate", lr)
        check_positive("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, p, group):
        return {"step": scalar_state(0.0), "eta": scalar_state(group["lr"]), "mu": scalar_state(1.0),
                "ax": self._zeros(p)}

    def _update(self, param, grad, state, group):
        t = param.dtype.type
        lr, lambd = group["lr"], group["lambd"]
        if group["weight_decay"] != 0:
            grad = grad + t(group["weight_decay"]) * param
        eta = float(state["eta"]._data)
        param *= t(1 - lambd * eta)
        param += t(-eta) * grad
        ax, mu = state["ax"]._data, state["mu"]._data
        if float(mu) != 1:
            ax += (param - ax) * t(mu)
        else:
            ax[...] = param
        step = float(state["step"]._data)
        state["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"]._data[...] = np.float32(1 / max(1, step - group["t0"]))

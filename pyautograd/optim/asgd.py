"""ASGD, averaged SGD (torch.optim.ASGD's single-tensor update, one fused kernel call per group, dtype
and (eta, mu))."""
import numpy as np

from .. import kernels
from .optimizer import Optimizer, check_positive
from .per_tensor import scalar_state


class ASGD(Optimizer):
    """Averaged stochastic gradient descent: SGD with a decaying step eta, and a running average
    "ax" of the iterates that starts after t0 steps.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (1e-2). lambd: decay term (1e-4). alpha: power of the eta update (0.75).
        t0: the step where averaging starts (1e6). weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call per
            parameter group (and dtype and current eta, mu).
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

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        batches = {}
        for p, g in zip(params, grads):
            state = self.state[p]
            if not state:  # PyTorch's state, in its key order
                state.update(step=scalar_state(0.0), eta=scalar_state(group["lr"]), mu=scalar_state(1.0))
                self._buffer(p, "ax")
            state["step"]._data += 1
            key = (p._data.dtype, float(state["eta"]._data), float(state["mu"]._data))
            batches.setdefault(key, ([], []))[0].append(p)
            batches[key][1].append(g)
        for (_, eta, mu), (ps, gs) in batches.items():
            kernels.asgd_step_many([p._data for p in ps], gs, [self.state[p]["ax"]._data for p in ps], eta=eta, mu=mu,
                                   lambd=group["lambd"], weight_decay=group["weight_decay"], maximize=group["maximize"])
        lr, lambd = group["lr"], group["lambd"]
        for p in params:
            # the next step's eta and mu: PyTorch builds them with torch.as_tensor(a Python float), a
            # float32 tensor, so they are float32 values even once a load has made the state float64
            state = self.state[p]
            step = float(state["step"]._data)
            state["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * step) ** group["alpha"]))
            state["mu"]._data[...] = np.float32(1 / max(1, step - group["t0"]))
        if params:
            self._bump(params, "optimizer.step (ASGD)")

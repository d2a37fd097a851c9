"""NAdam (torch.optim.NAdam's single-tensor update, one fused kernel call per group, dtype, step and
momentum product)."""
from .. import kernels
from .optimizer import Optimizer, check_betas, check_positive
from .per_tensor import scalar_state


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum and a momentum schedule.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (2e-3). betas, eps: as Adam's.
        weight_decay: L2 penalty added to the gradient, or with ``decoupled_weight_decay=True``
            AdamW-style decay of the parameter (NAdamW).
        momentum_decay: the schedule's decay (4e-3): mu_t = beta1 (1 - 0.5 * 0.96 ** (t * momentum_decay)).
        foreach, capturable, differentiable: accepted; the update runs as one fused kernel call per
            parameter group (and dtype, step count and momentum product).
        maximize: ascend the objective.

    State per parameter: "step", "mu_product" (float32, as PyTorch's), "exp_avg", "exp_avg_sq".
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        check_betas(betas)
        check_positive("weight_decay value", weight_decay)
        check_positive("momentum_decay value", momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        beta1, beta2 = group["betas"]
        batches = {}
        for p, g in zip(params, grads):
            state = self.state[p]
            if not state:  # PyTorch's state, in its key order
                state.update(step=scalar_state(0.0), mu_product=scalar_state(1.0))
                self._buffer(p, "exp_avg")
                self._buffer(p, "exp_avg_sq")
            state["step"]._data += 1
            step = int(state["step"]._data)
            product = state["mu_product"]._data
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * group["momentum_decay"])))
            # a tensor times a Python scalar computes in the tensor's dtype: float32 until a load casts it
            product *= product.dtype.type(mu)
            key = (p._data.dtype, step, float(product))
            batches.setdefault(key, ([], []))[0].append(p)
            batches[key][1].append(g)
        for (_, step, product), (ps, gs) in batches.items():
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * group["momentum_decay"])))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
            kernels.nadam_step_many([p._data for p in ps], gs, [self.state[p]["exp_avg"]._data for p in ps],
                                    [self.state[p]["exp_avg_sq"]._data for p in ps], step=step, lr=group["lr"],
                                    beta1=beta1, beta2=beta2, eps=group["eps"], mu=mu, mu_next=mu_next,
                                    mu_product=product, weight_decay=group["weight_decay"],
                                    decoupled_weight_decay=group["decoupled_weight_decay"],
                                    maximize=group["maximize"])
        if params:
            self._bump(params, "optimizer.step (NAdam)")

"""Adam and AdamW (one fused kernel call per group, PyTorch's single-tensor update order)."""
from .. import kernels
from .optimizer import Optimizer, check_positive


class Adam(Optimizer):
    """Adam, exactly torch.optim.Adam's update (L2 weight decay added to the gradient, or
    AdamW's decoupled decay with ``decoupled_weight_decay=True``).

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-3).
        betas: coefficients of the running averages of the gradient and its square.
        eps: added to the denominator.
        weight_decay: L2 penalty (or decoupled decay).
        amsgrad: divide by the running maximum of the second moment.
        maximize: ascend the objective instead.
        foreach, capturable, differentiable, fused: accepted for compatibility; the
            update always runs as one fused C kernel call per parameter group.
        decoupled_weight_decay: AdamW's decay ``param *= 1 - lr * weight_decay``.

    State per parameter: "step" (float32 scalar tensor), "exp_avg", "exp_avg_sq"
    and, with amsgrad, "max_exp_avg_sq".
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_positive("learning rate", lr)
        check_positive("epsilon value", eps)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        check_positive("weight_decay value", weight_decay)
        if not all(isinstance(b, float) for b in betas):
            raise ValueError("betas must be either both floats or both Tensors")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        if not params:
            return
        amsgrad = group["amsgrad"]
        for p in params:
            self._init_step(p)
        beta1, beta2 = group["betas"]
        steps = self._advance_steps(params)  # state["step"] += 1 before the update, as in PyTorch
        for step, ps, gs in self._batches(params, grads, steps):
            kernels.adam_step_many(
                [p._data for p in ps], gs, [self._buffer(p, "exp_avg") for p in ps],
                [self._buffer(p, "exp_avg_sq") for p in ps],
                [self._buffer(p, "max_exp_avg_sq") for p in ps] if amsgrad else None,
                step=step, lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                weight_decay=group["weight_decay"], amsgrad=amsgrad,
                decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
        self._bump(params, f"optimizer.step ({type(self).__name__})")


class AdamW(Adam):
    """Adam with decoupled weight decay (param *= 1 - lr * weight_decay), as torch.optim.AdamW.

    Arguments as Adam's, with weight_decay defaulting to 1e-2.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

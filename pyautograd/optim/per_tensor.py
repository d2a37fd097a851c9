"""PerTensorOptimizer: the base of optimizers whose update runs tensor by tensor in NumPy (Adafactor,
whose factored moments need row and column reductions), in PyTorch's single-tensor operation
order, so float64 trajectories agree with torch.optim to rounding; and the helpers the optimizers
share: lerp_ (PyTorch's two lerp forms) and scalar_state (PyTorch's float32 scalar state).

Hyperparameters enter each expression as the parameter's dtype (as PyTorch casts a Python scalar
to a float32 tensor's dtype).
"""
import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer

__all__ = ["PerTensorOptimizer", "lerp_", "scalar_state"]


def lerp_(start, end, weight):
    """start <- lerp(start, end, weight) in place, in PyTorch's two forms (exact `end` at weight 1)."""
    w = start.dtype.type(weight)
    if abs(w) < 0.5:
        start += w * (end - start)
    else:
        start[...] = end - (end - start) * (start.dtype.type(1) - w)


def scalar_state(value):
    """A float32 0-d tensor, as PyTorch's scalar optimizer state (``_get_scalar_dtype()``)."""
    return Tensor._wrap(np.array(value, np.float32))


class PerTensorOptimizer(Optimizer):
    """Subclasses define ``_init_state(p, group)`` (returns the new state dict, "step" included)
    and ``_update(param, grad, state, group)`` on NumPy arrays; "step" is incremented first."""

    def _step_group(self, group):
        params, grads = self._with_grads(group)
        for p, g in zip(params, grads):
            state = self.state[p]
            if not state:
                state.update(self._init_state(p, group))
            state["step"]._data += np.float32(1)
            self._update(p._data, -g if group["maximize"] else g, state, group)
        if params:
            self._bump(params, f"optimizer.step ({type(self).__name__})")

    @staticmethod
    def _zeros(p):
        return Tensor._wrap(np.zeros_like(p._data))

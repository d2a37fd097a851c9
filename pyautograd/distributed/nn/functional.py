"""Differentiable collectives (torch.distributed.nn.functional).

``all_reduce(x)`` returns the sum over ranks of x; its gradient on each rank is the sum over
ranks of the incoming gradients, since every rank's loss may depend on every rank's x.
"""
from ...autograd.function import Function
from .. import collectives
from ..collectives import ReduceOp


class _AllReduceSum(Function):
    @staticmethod
    def forward(ctx, tensor, group):
        ctx.group = group
        out = tensor.clone()
        collectives.all_reduce(out, ReduceOp.SUM, group)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        collectives.all_reduce(grad, ReduceOp.SUM, ctx.group)
        return grad, None


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """The sum over the group's ranks of `tensor`, as a new tensor with a gradient (SUM only)."""
    if op is not ReduceOp.SUM:
        raise RuntimeError(f"torch.distributed.nn.functional.all_reduce: only ReduceOp.SUM is differentiable "
                           f"here, got {op}")
    return _AllReduceSum.apply(tensor, group)

"""A leaf's .grad: filled by backward (AccumulateGrad), cleared by zero_grad.

Backward stores the first gradient (copied when someone else may hold it) and adds later
ones in place, or out of place when create_graph (the old .grad may be part of a graph).
``Module.zero_grad`` and ``Optimizer.zero_grad`` clear it through ``zero_grads``.
"""
from .. import kernels


def accumulate_into_leaf(leaf, grad, state=None):
    """Adds `grad` into leaf.grad (see module notes), then runs post-accumulate hooks.

    Without a pass state nothing is known about who else holds `grad`, so it is copied.
    """
    create_graph = state.create_graph if state is not None else False
    old = leaf._grad
    if old is None:
        fresh = state.claim(grad._data) if state is not None else False
        if create_graph:
            leaf._grad = grad
        else:
            leaf._grad = grad.detach() if fresh else grad.detach().clone()
    elif create_graph or old._rg:
        leaf._grad = old + grad
    elif old._data.flags.writeable and old._data.shape == grad._data.shape:
        kernels.add(old._data, grad._data, out=old._data)
    else:
        leaf._grad = old.detach() + grad.detach()
    hooks = leaf._post_acc_hooks
    if hooks:
        for hook in list(hooks.values()):
            hook(leaf)


def zero_grads(params, set_to_none=True):
    """Clears each parameter's .grad: to None, or to zeros in place (detached from any graph)."""
    for p in params:
        if p._grad is not None:
            if set_to_none:
                p._grad = None
            else:
                p._grad = p._grad.detach()
                p._grad.zero_()

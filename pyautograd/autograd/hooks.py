"""Tensor hooks: register_hook, retain_grad and post-accumulate hooks.

A non-leaf tensor's hooks live on its grad_fn node, keyed by the tensor's
output number, because that is where its gradient is complete; the node
holds the retained tensor only weakly, so a hook never keeps a graph (or
the tensor) alive. A leaf's hooks live on the leaf.
"""
import weakref

from ..utils.hooks import HookTable, RemovableHandle, add_hook


def register_tensor_hook(tensor, hook):
    """Adds hook(grad) -> new grad or None to `tensor`; returns a RemovableHandle."""
    node = tensor.grad_fn
    if node is None:
        return add_hook(tensor, "_hooks", hook)
    extras = node._extras()
    if extras.tensor_hooks is None:
        extras.tensor_hooks = {}
    table = extras.tensor_hooks.setdefault(tensor._output_nr, HookTable())
    handle = RemovableHandle(table)
    table[handle.id] = hook
    return handle


def retain_grad_hook(tensor):
    """Makes backward store `tensor`'s gradient in its .grad (after its other hooks)."""
    extras = tensor.grad_fn._extras()
    if extras.retained is None:
        extras.retained = {}
    extras.retained[tensor._output_nr] = weakref.ref(tensor)


def register_post_accumulate_hook(tensor, hook):
    """Adds hook(tensor), run after a leaf's .grad was accumulated."""
    return add_hook(tensor, "_post_acc_hooks", hook)

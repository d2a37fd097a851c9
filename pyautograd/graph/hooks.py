"""Hooks: the handle every register_*hook returns, and the tensor hooks (register_hook,
retain_grad, post-accumulate hooks).

A non-leaf tensor's hooks live on its grad_fn node, keyed by the tensor's
output number, because that is where its gradient is complete; the node
holds the retained tensor only weakly, so a hook never keeps a graph (or
the tensor) alive. A leaf's hooks live on the leaf.
"""
import itertools
import weakref

_ids = itertools.count()


class HookTable(dict):
    """An ordered table of hooks keyed by handle id (a dict that can be weakly referenced)."""

    __slots__ = ("__weakref__",)


class RemovableHandle:
    """Removes a hook from its table when ``remove()`` is called (or at the end of a ``with``).

    The handle keeps only a weak reference to the table, so holding a handle never keeps
    a graph or a module alive.
    """

    __slots__ = ("id", "_table")

    def __init__(self, table):
        self.id = next(_ids)
        self._table = weakref.ref(table)

    def remove(self):
        """Unregisters the hook (a no-op if it is already gone)."""
        table = self._table()
        if table is not None:
            table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


def add_hook(owner, attr, hook):
    """Stores `hook` in the HookTable at owner.<attr> (created on first use); returns its handle."""
    table = getattr(owner, attr)
    if table is None:
        table = HookTable()
        setattr(owner, attr, table)
    handle = RemovableHandle(table)
    table[handle.id] = hook
    return handle


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

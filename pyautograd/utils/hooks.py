"""RemovableHandle: what register_*hook returns."""
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


def zero_grads(params, set_to_none=True):
    """Clears each parameter's .grad: to None, or to zeros in place (detached from any graph)."""
    for p in params:
        if p._grad is not None:
            if set_to_none:
                p._grad = None
            else:
                p._grad = p._grad.detach()
                p._grad.zero_()

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


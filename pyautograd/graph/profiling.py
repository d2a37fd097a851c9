"""The profiler's slot in the graph core: the recorder the backward engine reports each node
to while a profiler (pyautograd.autograd.profiler) records, None otherwise.

The engine reads ``active.recorder`` once per backward pass; with None it runs its usual loop.
The forward ops are hooked without any check at all (ops/profiling.py swaps their entry point).
A recorder has ``begin(name, inputs) -> event`` and ``end(event, outputs)``.
"""


class _Active:
    __slots__ = ("recorder",)

    def __init__(self):
        self.recorder = None


active = _Active()

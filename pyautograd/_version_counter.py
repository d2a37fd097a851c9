"""The version counter shared by a tensor's storage and all its views.

Every in-place operation bumps the counter and records which op did it and
where (a code object and an instruction offset, formatted only if an error
needs it). A SavedTensor remembers the version when it was saved; a mismatch at
backward time means the saved value was overwritten, and the error names
both the saving op and the mutating op.

It sits at the bottom with Tensor (which creates the counters), below the graph core that
reads them.
"""


class VersionCounter:
    """A mutable version number plus the last mutation's op name and user site."""

    __slots__ = ("value", "op", "site", "rebases")

    def __init__(self):
        self.value = 0
        self.op = None
        self.site = None
        # How many times an in-place op rewrote the history of this storage; a view whose
        # grad_fn predates the last rewrite regenerates it from its base before use.
        self.rebases = 0

    def bump(self, op, site):
        """Records an in-place mutation by `op` at `site`."""
        self.value += 1
        self.op = op
        self.site = site

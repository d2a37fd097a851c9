"""The observer interface of the apply path and the engine: how a debugging tool (anomaly
mode, autograd/anomaly.py) watches ops and nodes without either knowing of it.

One observer at a time is attached. The apply path (ops) and the engine call it at these
points, and only when one is attached (the hot paths read one slot of ``active`` and go on):

- ``node_recorded(node)``: a forward op (or a custom Function) built its node;
- ``forward_computed(op, arrays, params, out)``: an op's kernel returned; called only when the
  observer's ``watches_forward`` is true;
- ``backward_computed(node, grad_inputs, grad_outputs, parents)``: a node's backward returned
  (before its saved tensors are released); ``parents`` maps each node to the first node that
  sent it a gradient;
- ``backward_finished()``: a backward pass ended (normally or not);
- ``unlock_for_write(array)`` / ``relock(array)``: pyautograd's own in-place op is about to
  write into / has written into `array` (an observer may have made saved arrays read-only).
"""


class GraphObserver:
    """The interface, with methods that do nothing: subclass it and override what you need."""

    watches_forward = False

    def node_recorded(self, node):
        """A new node was built in the forward pass."""

    def forward_computed(self, op, arrays, params, out):
        """op's kernel returned `out` for `arrays` and `params` (if watches_forward)."""

    def backward_computed(self, node, grad_inputs, grad_outputs, parents):
        """`node` computed `grad_inputs` from `grad_outputs` in a backward pass."""

    def backward_finished(self):
        """A backward pass ended."""

    def unlock_for_write(self, array):
        """Returns True if `array` was read-only because of this observer and may now be written."""
        return False

    def relock(self, array):
        """Undoes unlock_for_write after the write (if it had unlocked `array`)."""


class _Active:
    """The attached observer and its bound methods, None when nothing is attached: the hot paths
    test one slot instead of calling a method that does nothing."""

    __slots__ = ("observer", "node_recorded", "forward_computed", "backward_computed")

    def __init__(self):
        self.observer = self.node_recorded = self.forward_computed = self.backward_computed = None


active = _Active()


def attach(observer):
    """Makes `observer` (a GraphObserver) the one the apply path and the engine call; returns the
    previously attached one (or None)."""
    previous = active.observer
    active.observer = observer
    active.node_recorded = observer.node_recorded
    active.forward_computed = observer.forward_computed if observer.watches_forward else None
    active.backward_computed = observer.backward_computed
    return previous


def detach():
    """Detaches the observer; returns it (or None)."""
    previous = active.observer
    active.observer = active.node_recorded = active.forward_computed = active.backward_computed = None
    return previous

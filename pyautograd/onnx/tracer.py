"""Records one forward pass: every op's name, parameters, input arrays and output arrays.

The tracer is an observer of the apply path (pyautograd.graph.observers): each primitive op
reports the arrays it computed on, so the exporter can connect outputs to the inputs of later
ops by identity. The arrays are kept alive until the export ends, so no id is reused.
"""
from ..graph import observers


class Tracer(observers.GraphObserver):
    """Collects (op, arrays, params, out) of every op run while attached."""

    watches_forward = True

    def __init__(self):
        self.calls = []

    def forward_computed(self, op, arrays, params, out):
        self.calls.append((op, tuple(arrays), tuple(params), out))


def trace(fn, *args):
    """Runs fn(*args) with a Tracer attached; returns (result, calls)."""
    tracer = Tracer()
    previous = observers.attach(tracer)
    try:
        result = fn(*args)
    finally:
        observers.detach()
        if previous is not None:
            observers.attach(previous)
    return result, tracer.calls

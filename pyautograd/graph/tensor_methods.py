"""Tensor's graph methods: backward, the hooks, retain_grad, a leaf's AccumulateGrad node.

Tensor (pyautograd/_tensor.py) sits below the graph core and cannot import it; the graph
core installs these on the class when it is imported (graph/__init__.py).
"""
import weakref

from .backward import backward as _backward
from .hooks import register_post_accumulate_hook, register_tensor_hook, retain_grad_hook
from .node import AccumulateGrad


def _accumulator(self):
    """The AccumulateGrad node of this leaf (weakly cached: the graph owns it)."""
    acc = self._acc() if self._acc is not None else None
    if acc is None:
        acc = AccumulateGrad(self)
        self._acc = weakref.ref(acc)
    return acc


def retain_grad(self):
    """Makes backward fill .grad for this non-leaf tensor too."""
    if not self._rg:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None or self._retains_grad:
        return
    self._retains_grad = True
    retain_grad_hook(self)


def register_hook(self, hook):
    """hook(grad) runs when this tensor's gradient is computed; it may return a new gradient.

    Returns a handle whose remove() unregisters the hook.
    """
    if not self._rg:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    return register_tensor_hook(self, hook)


def register_post_accumulate_grad_hook(self, hook):
    """hook(tensor) runs after this leaf's .grad was accumulated."""
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    return register_post_accumulate_hook(self, hook)


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor w.r.t. the graph leaves (accumulated into .grad)."""
    _backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
              inputs=inputs)


METHODS = {"_accumulator": _accumulator, "retain_grad": retain_grad, "register_hook": register_hook,
           "register_post_accumulate_grad_hook": register_post_accumulate_grad_hook, "backward": backward}


def install(tensor_cls):
    """Binds the methods above on the Tensor class."""
    for name, fn in METHODS.items():
        setattr(tensor_cls, name, fn)

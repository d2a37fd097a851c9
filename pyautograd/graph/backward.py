"""autograd.backward and autograd.grad (and Tensor.backward): argument checking, root gradients,
results. The engine (engine.py) runs the pass."""
import warnings

from .. import _creation, _errors
from .._tensor import Tensor
from . import engine
from .leaf_grads import accumulate_into_leaf


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _roots(outputs, grad_outputs, what):
    """Root edges and gradients: checks each output requires grad; implicit ones for scalars."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{what} got {len(grad_outputs)} gradients for {len(outputs)} outputs")
    edges, grads = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"{what}: outputs must be Tensors, got {type(out).__name__} at index {i}")
        if not out._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs (this output has shape "
                    f"{list(out._data.shape)}: pass gradient=, e.g. y.backward(torch.ones_like(y)), or "
                    "reduce it first, e.g. y.sum().backward())")
            g = _creation.ones_like(out)
        elif not isinstance(g, Tensor):
            g = _creation.tensor(g, dtype=out.dtype)
        elif g._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {out.shape}.")
        if g.dtype is not out.dtype:
            g = g.to(out.dtype)
        edges.append((out.grad_fn, out._output_nr) if out.grad_fn is not None else (out._accumulator(), 0))
        grads.append(g)
    return edges, grads


def _capture_map(inputs):
    capture = {}
    for i, t in enumerate(inputs):
        if not t._rg:
            raise RuntimeError(f"One of the differentiated Tensors (index {i}) does not require grad")
        key = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
        capture.setdefault(key, i)
    return capture


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Computes the gradients of `tensors` w.r.t. graph leaves and accumulates them into .grad.

    With `inputs`, only those tensors (leaves or not) accumulate gradients.
    """
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors if grad_tensors is not None else grad_variables)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between "
                      "the parameter and its gradient which can cause a memory leak. We recommend using "
                      "autograd.grad when creating the graph to avoid this.", UserWarning, stacklevel=3)
    edges, grads = _roots(tensors, grad_tensors, "backward()")
    if inputs is None:
        engine.execute(edges, grads, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    captured = engine.execute(edges, grads, retain_graph, create_graph, capture=_capture_map(inputs))
    state = engine._Pass(create_graph)
    for t, g in zip(inputs, _spread(inputs, captured)):
        if g is None:
            continue
        if t.grad_fn is None:
            accumulate_into_leaf(t, g, state)
        else:
            engine._retain(t, g, state)


def _spread(inputs, captured):
    """Captured gradients in `inputs` order (an input listed twice gets the same gradient)."""
    capture = _capture_map(inputs)
    out = []
    for t in inputs:
        key = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
        out.append(captured[capture[key]])
    return out


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` w.r.t. `inputs`, returned (not accumulated into .grad)."""
    if is_grads_batched:
        raise RuntimeError("is_grads_batched=True is not supported by pyautograd")
    outputs = _as_tuple(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if retain_graph is None:
        retain_graph = create_graph
    edges, grads = _roots(outputs, _as_tuple(grad_outputs), "grad()")
    captured = engine.execute(edges, grads, retain_graph, create_graph, capture=_capture_map(inputs))
    result = []
    for i, (t, g) in enumerate(zip(inputs, _spread(inputs, captured))):
        if g is None:
            if materialize_grads:
                g = _creation.zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(_unused_message(i, t))
        elif not create_graph:
            g = g.detach()
        result.append(g)
    del single
    return tuple(result)


def _unused_message(i, t):
    """PyTorch's unused-input error, then which tensor it is and what to check."""
    return (f"The differentiated Tensor at index {i} appears to not have been used in the graph. Set "
            f"allow_unused=True if this is the desired behavior.\n"
            f"Input {i} is {_errors.role(t)} ({_errors.describe(t)}); no path through the graph leads from the "
            f"outputs back to it. If it should be used, look between it and the outputs for a .detach(), a "
            f".data, an .item() or a trip through NumPy, or a tensor replaced after the graph was built.\n"
            f"Fix: if it is expected, pass allow_unused=True (its gradient is then None; add "
            f"materialize_grads=True for zeros).")

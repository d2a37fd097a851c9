"""The functional autograd API: jacobian, hessian, vjp, jvp, hvp and vhp of a function.

Each takes a function of tensors and the point (a tensor or a tuple of
tensors), as ``torch.autograd.functional`` does, with the same conventions:
results come back as a tensor or a tuple in the shape the inputs (and outputs)
were given; inputs are detached copies inside, so the caller's graph is only
touched when ``create_graph=True``; an input the outputs do not depend on gets
zeros, or an error with ``strict=True``. Everything is built on
``autograd.grad`` (reverse mode): ``jvp`` and ``hvp`` use the double-vjp trick
(the vjp is linear in its vector, so differentiating it with respect to that
vector gives the jvp), and ``vectorize=True`` runs the same row-by-row loop.

Example::

    >>> from pyautograd.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
"""
from .. import _creation
from .._tensor import Tensor
from ..graph import grad_mode
from ..graph.backward import grad as _grad
from ..ops.shape import stack

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# -- argument and result conventions --------------------------------------------------


def _as_tuple(value, what, fn_name):
    """(was it a tuple, the value as a tuple of Tensors), checking every element is a Tensor."""
    was_tuple = isinstance(value, tuple)
    values = value if was_tuple else (value,)
    for i, v in enumerate(values):
        if not isinstance(v, Tensor):
            where = f"the value at index {i}" if was_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but {where} has type {type(v)}.")
    return was_tuple, values


def _unpack(values, was_tuple):
    return values if was_tuple else values[0]


def _unpack2(values, outer_tuple, inner_tuple):
    """A tuple of tuples back to what was given: [output][input] -> tensor or tuple(s)."""
    if not inner_tuple:
        values = tuple(row[0] for row in values)
    return values if outer_tuple else values[0]


def _differentiable_copies(tensors, create_graph):
    """New tensor objects requiring grad, so what func computes from them can be told apart
    from tensors func captured; connected to the caller's graph only with create_graph."""
    out = []
    for t in tensors:
        if create_graph and t._rg:
            out.append(t.view(t.shape))
        else:
            out.append(t.detach().requires_grad_(True))
    return tuple(out)


def _constant_copies(tensors, create_graph):
    """The vector v: kept differentiable only when a graph is requested."""
    return tuple(t if create_graph and t._rg else t.detach() for t in tensors)


def _check_v(v, refs, refs_tuple):
    if len(v) != len(refs):
        if refs_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, refs)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if refs_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


def _detached(values, create_graph):
    """Results without history unless a graph was requested (nested tuples allowed)."""
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, Tensor) else _detached(v, False) for v in values)


# -- strict mode ----------------------------------------------------------------------

_STRICT_NOT_DIFFERENTIABLE = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The outputs must "
                "be computed in a differentiable manner from the input when running in strict mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the "
                    "user-provided function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided function with "
                 "respect to input {i} is independent of the input. This is not allowed in strict mode. "
                 "You should ensure that your function is twice differentiable and that the jacobian "
                 "depends on the inputs (this would be violated by a linear function for example)."),
    "hessian": ("The hessian of the user-provided function with respect to input {i} is independent of "
                "the input. This is not allowed in strict mode. You should ensure that your function is "
                "thrice differentiable and that the hessian depends on the inputs."),
}

_STRICT_UNUSED = {
    "back": ("The output of the user-provided function is independent of input {i}. This is not allowed "
             "in strict mode."),
    "back_trick": ("The gradient with respect to the input is independent of entry {i} in the "
                   "grad_outputs when using the double backward trick to compute forward mode "
                   "gradients. This is not allowed in strict mode."),
    "double_back": ("The jacobian of the user-provided function is independent of input {i}. This is not "
                    "allowed in strict mode."),
    "double_back_trick": ("The hessian of the user-provided function is independent of entry {i} in the "
                          "grad_jacobian. This is not allowed in strict mode as it prevents from using "
                          "the double backward trick to replace forward mode AD."),
}


def _require_grad(tensors, kind, strict):
    """In strict mode, raises if one of `tensors` is None or does not require grad."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(_STRICT_UNUSED["back"].format(i=i))
        if not t._rg:
            raise RuntimeError(_STRICT_NOT_DIFFERENTIABLE[kind].format(i=i))


def _zeros_for_missing(grads, refs, strict, create_graph, stage):
    """Replaces None gradients by zeros shaped like `refs` (or raises in strict mode)."""
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_UNUSED[stage].format(i=i))
            g = _creation.zeros_like(ref)
        elif strict and create_graph and not g._rg:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode when create_graph=True.")
        out.append(g)
    return tuple(out)


# -- the one primitive: autograd.grad over the outputs that have a graph ----------------


def _vjp(outputs, inputs, vectors=None, create_graph=False, retain_graph=None):
    """autograd.grad(outputs, inputs, vectors), skipping outputs that do not require grad;
    None for every input the remaining outputs do not reach."""
    if vectors is None:
        vectors = (None,) * len(outputs)
    pairs = [(o, v) for o, v in zip(outputs, vectors) if o is not None and o._rg]
    if not pairs:
        return (None,) * len(inputs)
    return _grad(tuple(o for o, _ in pairs), inputs, tuple(v for _, v in pairs),
                 retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _call(func, inputs, fn_name, strict):
    """(was the output a tuple, func's outputs as a tuple), checked per strict."""
    was_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _require_grad(outputs, "outputs", strict)
    return was_tuple, outputs


def _single_element(outputs, was_tuple, fn_name):
    if was_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a "
                           "single element")


# -- public API -----------------------------------------------------------------------------


def _second_stage(outs, wrt, vectors, refs, stage, outputs, outputs_tuple, refs_tuple, create_graph, strict):
    """The last vjp of vjp/jvp/vhp/hvp and the (func_output, result) pair they return.

    Runs with grad enabled only when the caller wants a differentiable result (or had grad on), fills
    zeros for the `refs` the result does not reach (or raises in strict mode, naming `stage`).
    """
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grads = _vjp(outs, wrt, vectors, create_graph=create_graph)
        result = _zeros_for_missing(grads, refs, strict, create_graph, stage)
    return (_unpack(_detached(outputs, create_graph), outputs_tuple),
            _unpack(_detached(result, create_graph), refs_tuple))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Jacobian product vᵀJ of `func` at `inputs`.

    Args:
        func: takes the input tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: shaped like func's output(s); may be omitted when the output has one element.
        create_graph: make the results differentiable.
        strict: raise instead of returning zeros for an input the output does not depend on.

    Returns:
        (func_output, vjp): vjp shaped like `inputs`.
    """
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _differentiable_copies(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        if v is not None:
            v = _constant_copies(_as_tuple(v, "v", "vjp")[1], create_graph)
            _check_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                               "single Tensor with a single element.")
    return _second_stage(outputs, inputs, v, inputs, "back", outputs, outputs_tuple, inputs_tuple,
                         create_graph, strict)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Jacobian-vector product Jv of `func` at `inputs` (by the double-vjp trick).

    Args:
        func: takes the input tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: shaped like `inputs`; may be omitted when the input is a single one-element tensor.
        create_graph, strict: as in vjp.

    Returns:
        (func_output, jvp): jvp shaped like func's output(s).
    """
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _differentiable_copies(inputs, create_graph)
        if v is not None:
            v = _constant_copies(_as_tuple(v, "v", "jvp")[1], create_graph)
            _check_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function "
                               "is a single Tensor with a single element.")
        outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # uᵀJ is linear in u, so its value at u = 0 is irrelevant: only its graph is used.
        dummies = tuple(_creation.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _vjp(outputs, inputs, dummies, create_graph=True)
        _require_grad(grad_inputs, "grad_inputs", strict)
    return _second_stage(grad_inputs, dummies, v, outputs, "back_trick", outputs, outputs_tuple, outputs_tuple,
                         create_graph, strict)


def _one_hot(index, ref):
    e = _creation.zeros(ref.numel(), dtype=ref.dtype)
    e._data[index] = 1
    return e.reshape(ref.shape)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of `func` at `inputs`, one reverse pass per output element (or one
    Jacobian-vector product per input element with strategy="forward-mode").

    Args:
        func: takes the input tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: make the Jacobian differentiable (hessian builds on this).
        strict: raise instead of returning zeros for an input an output does not depend on.
        vectorize: the reverse-mode strategy runs the same loop either way; "forward-mode"
            needs it, as in PyTorch.
        strategy: "reverse-mode" (one backward pass per output element) or "forward-mode" (one
            Jacobian-vector product per input element, by the double-vjp trick).

    Returns:
        A tensor of shape output.shape + input.shape for one input and one output;
        a tuple over the inputs (or outputs) when that side was a tuple; a tuple of
        tuples ``jac[i][j]`` (output i, input j) when both were.
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                         'function has more outputs than inputs, "forward-mode" tends to be more '
                         'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        # PyTorch's own limits of its forward-mode jacobian, with its errors.
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either '
                                      'set `create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
                               'are not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
        return _jacobian_forward(func, inputs)
    if vectorize and strict:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                           "not supported together. Please either set `strict=False` or `vectorize=False`.")
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _differentiable_copies(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        jac = tuple(_jacobian_rows(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
    return _unpack2(_detached(jac, create_graph), outputs_tuple, inputs_tuple)


def _jacobian_forward(func, inputs):
    """The Jacobian column by column: one Jacobian-vector product per input element, each by the
    double-vjp trick over one recorded graph (d(uᵀJ)/du along e_k is J e_k, exactly)."""
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _differentiable_copies(inputs, False)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", False)
        dummies = tuple(_creation.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _vjp(outputs, inputs, dummies, create_graph=True)
        columns = [[[] for _ in inputs] for _ in outputs]  # [output][input] -> one column per input element
        for j, (g, inp) in enumerate(zip(grad_inputs, inputs)):
            for k in range(inp.numel()):
                jv = (_vjp((g,), dummies, (_one_hot(k, inp),), retain_graph=True) if g is not None
                      else (None,) * len(outputs))
                for i, (out, col) in enumerate(zip(outputs, jv)):
                    columns[i][j].append((col if col is not None else _creation.zeros_like(out)).reshape(-1))
        jac = tuple(tuple(stack(columns[i][j], -1).reshape(tuple(out.shape) + tuple(inp.shape)) if columns[i][j]
                          else _creation.zeros(tuple(out.shape) + tuple(inp.shape), dtype=inp.dtype)
                          for j, inp in enumerate(inputs))
                    for i, out in enumerate(outputs))
    return _unpack2(_detached(jac, False), outputs_tuple, inputs_tuple)


def _jacobian_rows(i, out, inputs, create_graph, strict):
    """Jacobian blocks of output `out` (number i) w.r.t. each input: out.shape + input.shape."""
    rows = [[] for _ in inputs]
    for k in range(out.numel()):
        grads = _vjp((out,), inputs, (_one_hot(k, out),), create_graph=create_graph, retain_graph=True)
        for j, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                       f"{j}. This is not allowed in strict mode.")
                g = _creation.zeros_like(inp)
            elif strict and create_graph and not g._rg:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                   "This is not allowed in strict mode when create_graph=True.")
            rows[j].append(g)
    blocks = []
    for row, inp in zip(rows, inputs):
        shape = tuple(out.shape) + tuple(inp.shape)
        blocks.append(stack(row).view(shape) if row else _creation.zeros(shape, dtype=inp.dtype))
    return tuple(blocks)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function at `inputs`: the Jacobian of its gradient.

    Args:
        func: takes the input tensors, returns a tensor with a single element.
        inputs: a tensor or a tuple of tensors.
        create_graph, strict, vectorize: as in jacobian.
        outer_jacobian_strategy: "reverse-mode".

    Returns:
        A tensor of shape input.shape + input.shape for one input; for a tuple of
        inputs, a tuple of tuples ``hess[i][j]`` of shape inputs[i].shape + inputs[j].shape.
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*args):
        outputs_tuple, outputs = _call(func, args, "hessian", strict)
        _single_element(outputs, outputs_tuple, "hessian")
        return outputs[0].reshape(())

    def gradient(*args):
        jac = jacobian(scalar_func, args, create_graph=True)
        _require_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return result if inputs_tuple else result[0][0]


def _scalar_gradient(func, inputs, v, fn_name, create_graph, strict):
    """Shared first half of vhp and hvp: (outputs tuple flag, outputs, inputs tuple flag,
    inputs, v, gradient with a graph)."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _differentiable_copies(inputs, create_graph)
    if v is not None:
        v = _constant_copies(_as_tuple(v, "v", fn_name)[1], create_graph)
        _check_v(v, inputs, inputs_tuple)
    elif len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                           "single Tensor with a single element.")
    outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
    _single_element(outputs, outputs_tuple, fn_name)
    jac = _vjp(outputs, inputs, create_graph=True)
    _require_grad(jac, "jacobian", strict)
    return outputs_tuple, outputs, inputs_tuple, inputs, v, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Hessian product vᵀH of a scalar function at `inputs`.

    Args:
        func: takes the input tensors, returns a tensor with a single element.
        inputs: a tensor or a tuple of tensors.
        v: shaped like `inputs`; may be omitted for a single one-element input.
        create_graph, strict: as in vjp.

    Returns:
        (func_output, vhp): vhp shaped like `inputs`.
    """
    with grad_mode.enable_grad():
        outputs_tuple, outputs, inputs_tuple, inputs, v, jac = _scalar_gradient(
            func, inputs, v, "vhp", create_graph, strict)
    return _second_stage(jac, inputs, v, inputs, "double_back", outputs, outputs_tuple, inputs_tuple,
                         create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Hessian-vector product Hv of a scalar function at `inputs` (double-vjp trick;
    equal to vhp for twice continuously differentiable functions, and slower).

    Args and returns: as vhp.
    """
    with grad_mode.enable_grad():
        outputs_tuple, outputs, inputs_tuple, inputs, v, jac = _scalar_gradient(
            func, inputs, v, "hvp", create_graph, strict)
        dummies = tuple(_creation.zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _vjp(jac, inputs, dummies, create_graph=True)
        _require_grad(jac, "hessian", strict)
    return _second_stage(double_back, dummies, v, inputs, "double_back_trick", outputs, outputs_tuple, inputs_tuple,
                         create_graph, strict)

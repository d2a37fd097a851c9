"""torch.func, on the reverse-mode engine: functional_call, grad, grad_and_value, vjp, jacrev,
hessian and vmap.

These are the function transforms' semantics built from autograd.grad (with create_graph, so
they nest: grad(grad(f)) works): grad(f)(x) is the gradient of the scalar f(x) with respect
to the argnums arguments; vjp returns f's output and a function mapping a cotangent to the
vector-Jacobian products; jacrev stacks those rows. vmap maps f over a batch dimension by
calling it once per slice and stacking the results -- PyTorch's semantics, without its
batching rules, so it costs one call per example.
"""
import functools

from . import _creation
from ._tensor import Tensor
from .autograd import functional as _functional
from .autograd import grad_mode
from .autograd import grad as _autograd_grad
from .ops import indexing, shape


def _get_path(module, name):
    *path, leaf = name.split(".")
    for part in path:
        module = getattr(module, part)
    return module, leaf


def functional_call(module, parameter_and_buffer_dicts, args=(), kwargs=None, *, tie_weights=True, strict=False):
    """Calls `module` with some of its parameters and buffers replaced by the given tensors (by
    dotted name), restoring them afterwards; gradients flow to the given tensors."""
    if isinstance(parameter_and_buffer_dicts, (list, tuple)):
        merged = {}
        for d in parameter_and_buffer_dicts:
            overlap = set(merged) & set(d)
            if overlap:
                raise ValueError(f"{sorted(overlap)} appeared in multiple dictionaries; behavior of "
                                 f"functional call is ambiguous")
            merged.update(d)
        parameter_and_buffer_dicts = merged
    if strict:
        expected = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
        missing, unexpected = sorted(expected - set(parameter_and_buffer_dicts)), \
            sorted(set(parameter_and_buffer_dicts) - expected)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: missing keys {missing}, "
                               f"unexpected keys {unexpected}")
    saved = []
    try:
        for name, value in parameter_and_buffer_dicts.items():
            owner, leaf = _get_path(module, name)
            table = owner._parameters if leaf in owner._parameters else (
                owner._buffers if leaf in owner._buffers else None)
            if table is None:
                raise AttributeError(f"{type(owner).__name__} has no parameter or buffer named '{leaf}' ({name})")
            saved.append((table, leaf, table[leaf]))
            table[leaf] = value
        args = args if isinstance(args, tuple) else (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for table, leaf, original in reversed(saved):
            table[leaf] = original


def _argnums_tuple(argnums, n):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={argnums}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _prepared(args, nums):
    """args with the differentiated ones replaced by differentiable aliases (leaves of a new
    graph, or tracked copies when already in one)."""
    out = list(args)
    for a in nums:
        x = out[a]
        if not isinstance(x, Tensor):
            raise RuntimeError(f"grad: argument {a} must be a Tensor, got {type(x).__name__}")
        out[a] = x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)
    return out


def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning (gradient of the scalar func(*args) w.r.t. args[argnums], value)
    (with has_aux, func returns (value, aux) and the result is (grad, (value, aux)))."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums_tuple(argnums, len(args))
        # Keep the graph only when an outer computation can differentiate the result (nested
        # transforms, or inputs that require grad); else the gradient is a plain tensor, as PyTorch's.
        keep = grad_mode.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.enable_grad():
            prepared = _prepared(args, nums)
            out = func(*prepared, **kwargs)
            value, aux = out if has_aux else (out, None)
            if not isinstance(value, Tensor) or value.numel() != 1:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"{type(value).__name__ if not isinstance(value, Tensor) else list(value.shape)}")
            grads = _autograd_grad(value, [prepared[a] for a in nums], create_graph=keep, allow_unused=True)
        if not keep:
            value = value.detach()
        grads = tuple(g if g is not None else _creation.zeros_like(prepared[a]) for g, a in zip(grads, nums))
        g = grads[0] if isinstance(argnums, int) else grads
        return (g, (value, aux)) if has_aux else (g, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function returning the gradient of the scalar func(*args) w.r.t. args[argnums] (a tuple
    for a tuple of argnums; (grad, aux) with has_aux). Nests: grad(grad(f))."""
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, rest = inner(*args, **kwargs)
        return (g, rest[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn[, aux]): vjp_fn(cotangent) returns one vector-Jacobian product per primal."""
    keep = grad_mode.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in primals)
    with grad_mode.enable_grad():
        prepared = _prepared(primals, range(len(primals)))
        out = func(*prepared)
        value, aux = out if has_aux else (out, None)

    def vjp_fn(cotangents):
        outs = value if isinstance(value, tuple) else (value,)
        cots = cotangents if isinstance(cotangents, tuple) else (cotangents,)
        grads = _autograd_grad(outs, prepared, cots, retain_graph=True, create_graph=keep, allow_unused=True)
        return tuple(g if g is not None else _creation.zeros_like(p) for g, p in zip(grads, prepared))
    shown = value if keep else (tuple(v.detach() for v in value) if isinstance(value, tuple) else value.detach())
    return (shown, vjp_fn, aux) if has_aux else (shown, vjp_fn)


def jacrev(func, argnums=0, has_aux=False):
    """A function returning the Jacobian of func w.r.t. args[argnums] (of shape output.shape +
    input.shape), computed by reverse mode one output element at a time."""
    if has_aux:
        raise RuntimeError("jacrev(has_aux=True) is not supported by pyautograd's torch.func")

    @functools.wraps(func)
    def wrapper(*args):
        nums = _argnums_tuple(argnums, len(args))

        def restricted(*chosen):
            full = list(args)
            for a, x in zip(nums, chosen):
                full[a] = x
            return func(*full)
        keep = grad_mode.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args)
        jac = _functional.jacobian(restricted, tuple(args[a] for a in nums), create_graph=keep)
        jac = tuple(j[0] if isinstance(j, tuple) else j for j in jac) if isinstance(jac[0], tuple) else jac
        return jac[0] if isinstance(argnums, int) else tuple(jac)
    return wrapper


def hessian(func, argnums=0):
    """The Hessian of the scalar func w.r.t. args[argnums]: jacrev(jacrev(func))."""
    return jacrev(jacrev(func, argnums), argnums)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """func mapped over the `in_dims` dimension of its tensor arguments (None: not mapped), the
    results stacked along `out_dims`: one call per slice (no batching rules)."""
    @functools.wraps(func)
    def wrapper(*args):
        dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap: in_dims has {len(dims)} entries but the function got {len(args)} arguments")
        sizes = {a.shape[d] for a, d in zip(args, dims) if d is not None and isinstance(a, Tensor)}
        if len(sizes) != 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sorted(sizes)}" if sizes else "vmap: no tensor argument is mapped (all in_dims None)")
        (n,) = sizes
        results = []
        for i in range(n):
            sliced = [indexing.select(a, d, i) if d is not None and isinstance(a, Tensor) else a
                      for a, d in zip(args, dims)]
            results.append(func(*sliced))
        if isinstance(results[0], tuple):
            outs = out_dims if isinstance(out_dims, (tuple, list)) else (out_dims,) * len(results[0])
            return tuple(shape.stack([r[k] for r in results], od) for k, od in enumerate(outs))
        return shape.stack(results, out_dims)
    return wrapper


def _stacked_leaf(tensors, name):
    """The tensors stacked along a new dim 0: a fresh leaf that requires grad when all of them
    do (gradients then land on the stack, not on the models), a plain stack when none does."""
    wants = {t.requires_grad for t in tensors}
    if len(wants) > 1:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    stacked = shape.stack(list(tensors))
    return stacked.detach().requires_grad_() if wants == {True} else stacked


def stack_module_state(models):
    """(params, buffers) of a list of models of one class and mode: dicts from each parameter's
    and buffer's name to the models' tensors stacked along a new leading dim -- the state
    vmap(functional_call) over an ensemble takes. The stacked parameters are new leaves."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if len({type(m) for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    per_model = [dict(m.named_parameters()) for m in models]
    params = {k: _stacked_leaf([p[k] for p in per_model], k) for k in per_model[0]}
    per_model = [dict(m.named_buffers()) for m in models]
    buffers = {k: _stacked_leaf([b[k] for b in per_model], k) for k in per_model[0]}
    return params, buffers

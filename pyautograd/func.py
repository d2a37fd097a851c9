"""torch.func, on the reverse-mode engine: functional_call, grad, grad_and_value, vjp, jacrev,
hessian, jvp, jacfwd and vmap.

These are the function transforms' semantics built from autograd.grad (with create_graph, so
they nest: grad(grad(f)) works): grad(f)(x) is the gradient of the scalar f(x) with respect
to the argnums arguments; vjp returns f's output and a function mapping a cotangent to the
vector-Jacobian products; jacrev stacks those rows. vmap maps f over a batch dimension by
calling it once per slice and stacking the results -- PyTorch's semantics, without its
batching rules, so it costs one call per example.

jvp and jacfwd are forward mode computed on the reverse-mode graph by the double-vjp trick:
the vjp g(u) = J^T u is linear in the cotangent u, so differentiating g with respect to u
along a tangent t gives J t exactly (two backward passes; no finite differences). What func
computes with grad switched off (no_grad, inference_mode) records no graph, so a JVP cannot see
it: PyTorch's forward AD propagates tangents there. jvp and jacfwd warn when func switched grad
off, since the result then misses any path through that code.
"""
import functools
import warnings

from . import _creation
from ._tensor import Tensor
from .autograd import functional as _functional
from .autograd import grad_mode
from .autograd import grad as _autograd_grad
from .graph import grad_mode as _graph_grad_mode
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


# -- forward mode, by the double-vjp trick ---------------------------------------------------------

_JVP = "jvp(f, primals, tangents)"


def _flatten(tree):
    """(leaves, rebuild): the tensors of nested tuples/lists/dicts, and a function that puts
    new leaves back in the same structure."""
    if isinstance(tree, (tuple, list)):
        parts = [_flatten(x) for x in tree]
        leaves = [leaf for p in parts for leaf in p[0]]
        kind = type(tree)

        def rebuild(new):
            out, i = [], 0
            for leaves_i, rebuild_i in parts:
                out.append(rebuild_i(new[i:i + len(leaves_i)]))
                i += len(leaves_i)
            return kind(out) if kind in (tuple, list) else kind(*out)  # namedtuples
        return leaves, rebuild
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, rebuild_values = _flatten([tree[k] for k in keys])
        return leaves, lambda new: dict(zip(keys, rebuild_values(new)))
    return [tree], lambda new: new[0]


def _structure(tree):
    if isinstance(tree, (tuple, list)):
        return (type(tree).__name__, tuple(_structure(x) for x in tree))
    if isinstance(tree, dict):
        return ("dict", tuple((k, _structure(v)) for k, v in tree.items()))
    return "*"


def _differentiable_inputs(tensors):
    """(z, d) per tensor: z, a tensor requiring grad that the JVP is taken with respect to (a new
    leaf, or an alias in the caller's graph when the tensor requires grad), and d = a clone of z
    for func, so func may write into its inputs in place without touching z (the writes are
    copied back into a primal that does not require grad afterwards, as PyTorch's view would)."""
    pairs = []
    for x in tensors:
        if not x.is_floating_point():
            raise RuntimeError(f"{_JVP}: Expected primals to be floating point tensors (tangents are "
                               f"defined for them only), got {x.dtype}")
        z = x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)
        pairs.append((z, z.clone()))
    return pairs


class _Linearized:
    """func run once at the primals with its vjp g(u) = J^T u built as a differentiable graph:
    jvp(tangents) = d<g(u), tangents>/du, exactly J t."""

    def __init__(self, func, args, nums, has_aux, strict, name):
        self.strict, self.name = strict, name
        self.keep = grad_mode.is_grad_enabled() and any(
            isinstance(a, Tensor) and a.requires_grad for a in _flatten(list(args))[0])
        before = _graph_grad_mode.grad_switched_off_count()
        with grad_mode.enable_grad():
            pairs = _differentiable_inputs([args[a] for a in nums])
            call = list(args)
            for a, (_, d) in zip(nums, pairs):
                call[a] = d
            versions = [d._version for _, d in pairs]
            out = func(*call)
        if _graph_grad_mode.grad_switched_off_count() != before:
            warnings.warn(f"{name}: the function switched grad off (torch.no_grad, set_grad_enabled(False) or "
                          "inference_mode) while it ran. pyautograd computes forward-mode derivatives on the "
                          "reverse-mode graph, which records nothing there, so any path from the inputs to the "
                          "output through that code is missing from the result (PyTorch's forward AD follows it).",
                          UserWarning, stacklevel=3)
        for a, (_, d), version in zip(nums, pairs, versions):
            x = args[a]
            if d._version != version and not x.requires_grad:
                # PyTorch hands func a view of the primal, so func's in-place writes reach it.
                with grad_mode.no_grad():
                    x.copy_(d.detach())
        self.aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{name}: output of function f should be a tuple: (output, aux) if has_aux "
                                   "is True")
            out, self.aux = out
            if not self.keep:  # as PyTorch's: aux tensors come back without the transform's graph
                leaves, rebuild = _flatten(self.aux)
                self.aux = rebuild([x.detach() if isinstance(x, Tensor) else x for x in leaves])
        self.outs, self.rebuild = _flatten(out)
        if not self.outs or not all(isinstance(o, Tensor) for o in self.outs):
            raise RuntimeError(f"{name}: Expected f(*primals) to return only tensors, got unsupported type "
                               f"{next((type(o).__name__ for o in self.outs if not isinstance(o, Tensor)), 'None')}")
        self.inputs = [z for z, _ in pairs]
        self.diff = [i for i, o in enumerate(self.outs) if o.requires_grad]
        with grad_mode.enable_grad():
            self.us = [_creation.ones_like(self.outs[i]).requires_grad_(True) for i in self.diff]
            grads = _autograd_grad([self.outs[i] for i in self.diff], self.inputs, self.us, create_graph=True,
                                   allow_unused=True) if self.diff else [None] * len(self.inputs)
        # g_j = J_j^T u for each input j; None (or a constant) when the outputs do not depend on it.
        self.vjps = [g if g is not None and g.requires_grad else None for g in grads]

    def jvp(self, tangents, retain_graph):
        """J t for one tangent per input: one tensor per output (zeros where it does not depend)."""
        pairs = [(g, t) for g, t in zip(self.vjps, tangents) if g is not None and t is not None]
        found = [None] * len(self.us)
        if pairs:
            with grad_mode.enable_grad():
                found = _autograd_grad([g for g, _ in pairs], self.us, [t for _, t in pairs],
                                       retain_graph=retain_graph or self.keep, create_graph=self.keep,
                                       allow_unused=True)
        result = [None] * len(self.outs)
        for k, i in enumerate(self.diff):
            result[i] = found[k]
        out = []
        for o, r in zip(self.outs, result):
            if r is None:
                if self.strict:
                    raise RuntimeError(f"{self.name}, strict=True: The output of f is independent of the inputs. "
                                       "This is not allowed with strict=True.")
                r = _creation.zeros_like(o)
            out.append(r)
        return out

    def primals_out(self):
        return self.rebuild([o if self.keep else o.detach() for o in self.outs])


def _check_tangents(primals, tangents):
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if not isinstance(p, Tensor) or not isinstance(t, Tensor):
            bad = p if not isinstance(p, Tensor) else t
            raise RuntimeError(f"{_JVP}: Expected primals and tangents to be only Tensors, got {type(bad).__name__} "
                               f"at position {i}")
        if t.shape != p.shape:
            raise RuntimeError(f"{_JVP}: Trying to set a forward gradient that has a different size than that of "
                               f"the original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                               f"while the given forward gradient is of size {list(t.shape)}.")


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(func(*primals), the Jacobian of func at primals times tangents[, aux]): forward-mode
    derivatives, computed exactly by the double-vjp trick on the reverse-mode graph (see the
    module notes; code func runs under no_grad is not seen, with a warning). `primals` is a tuple
    of the arguments; `tangents` has the same structure, one tensor per primal tensor."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    flat_p, _ = _flatten(primals)
    flat_t, _ = _flatten(tangents)
    if _structure(primals) != _structure(tangents if isinstance(tangents, tuple) else (tangents,)) or \
            not isinstance(tangents, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals and tangents to have the same python structure. For "
                           f"example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with "
                           f"structure {_structure(primals)} and tangents with structure {_structure(tangents)}")
    if not flat_p:
        raise RuntimeError(f"{_JVP}: Expected primals to be a non-empty list of Tensors")
    _check_tangents(flat_p, flat_t)
    # The tensors of primals, wherever they sit in the arguments, are what func is differentiated by.
    positions = list(range(len(flat_p)))
    _, rebuild = _flatten(primals)

    def flat_func(*leaves):
        return func(*rebuild(list(leaves)))
    lin = _Linearized(flat_func, flat_p, positions, has_aux, strict, _JVP)
    tangents_out = lin.rebuild(lin.jvp([t.to(p.dtype) for p, t in zip(flat_p, flat_t)], retain_graph=False))
    return (lin.primals_out(), tangents_out, lin.aux) if has_aux else (lin.primals_out(), tangents_out)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error", chunk_size=None):
    """A function returning the Jacobian of func w.r.t. args[argnums] (of shape output.shape +
    input.shape; tuples for tuple argnums or outputs), computed in forward mode: one exact JVP
    (double-vjp trick) per input element, over one recorded graph."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args):
        nums = _argnums_tuple(argnums, len(args))
        for a in nums:
            if not isinstance(args[a], Tensor):
                raise RuntimeError(f"jacfwd: argument {a} must be a Tensor, got {type(args[a]).__name__}")
        lin = _Linearized(func, args, nums, has_aux, False, "jacfwd(f)")
        per_input = []
        for j, z in enumerate(lin.inputs):
            columns = []
            for k in range(z.numel()):
                basis = _creation.zeros(z.numel(), dtype=z.dtype)
                basis[k] = 1
                tangents = [None] * len(lin.inputs)
                tangents[j] = basis.reshape(z.shape)
                columns.append(lin.jvp(tangents, retain_graph=True))
            jacs = []
            for i, o in enumerate(lin.outs):
                if columns:
                    jac = shape.stack([c[i].reshape(-1) for c in columns], -1)
                else:
                    jac = _creation.zeros(o.numel(), 0, dtype=o.dtype)
                jacs.append(jac.reshape(tuple(o.shape) + tuple(z.shape)))
            per_input.append(jacs)
        # [input][output] -> per output: a tensor (int argnums) or a tuple over argnums
        per_output = [per_input[0][i] if isinstance(argnums, int) else tuple(p[i] for p in per_input)
                      for i in range(len(lin.outs))]
        jac = lin.rebuild(per_output)
        return (jac, lin.aux) if has_aux else jac
    return wrapper

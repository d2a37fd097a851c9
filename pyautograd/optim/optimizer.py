"""Optimizer: parameter groups, per-parameter state, zero_grad, state_dict (PyTorch's layout).

Subclasses implement ``_step_group(group)``; updates write into the parameters'
storage through the fused kernels under no_grad and bump each parameter's version
counter, so a graph that saved a parameter before the step raises if it is
back-propagated afterwards (as in PyTorch).

The layout of ``param_groups``, ``state`` and ``state_dict()`` is PyTorch's, key
for key: a checkpoint holds the state keyed by integer parameter indices and the
groups with ``"params"`` as index lists, so it round-trips through
``pyautograd.save``/``load`` (no pickle) and restores an optimizer built over the
same parameters in the same order.
"""
import copy
import functools
import warnings
import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np

from .. import _dtype
from .._sites import user_site
from .._tensor import Tensor
from ..graph.grad_mode import enable_grad, no_grad
from ..graph.hooks import HookTable, RemovableHandle
from ..graph.leaf_grads import zero_grads

# hooks every optimizer runs around step() (register_optimizer_step_pre_hook/post_hook)
_global_step_pre_hooks = HookTable()
_global_step_post_hooks = HookTable()

# What an optimizer's `params` argument may be (PyTorch's alias): tensors, parameter-group dicts,
# or (name, tensor) pairs.
ParamsT: TypeAlias = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class of the optimizers: holds ``param_groups``, ``defaults`` and ``state``.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts each
            holding "params" and any per-group options (missing options come from defaults).
        defaults: the default option values, e.g. ``{"lr": 0.1, "momentum": 0}``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "_runs_step_hooks", False):
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self._optimizer_step_pre_hooks = HookTable()
        self._optimizer_step_post_hooks = HookTable()
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Adds a group of parameters with its own options (missing ones from ``defaults``).

        The dict itself becomes the group, as in PyTorch. Raises ValueError if a
        parameter is already in another group (or twice in this one), if a
        required option is missing, or for a non-leaf tensor; TypeError for a
        set (its order is not reproducible) or a non-Tensor.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or p._retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
            if p._data.dtype.kind == "c":
                # PyTorch steps a complex parameter as its view_as_real pairs; the update rules
                # here are written for real numbers (|g|^2 is not g*g), so it is refused, never
                # stepped wrongly.
                raise RuntimeError(f"{type(self).__name__}: complex parameters ({p.dtype}, shape {list(p.shape)}) "
                                   f"are not supported by pyautograd's optimizers; keep the parameter real, of "
                                   f"last dim 2, and use torch.view_as_complex(param) in the forward")
        param_group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        seen = {id(p) for p in params}
        if len(seen) != len(params):
            # PyTorch warns and keeps the duplicates: each step updates the tensor once per
            # occurrence, in order (step() runs them in parts without repeats, see _parts).
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          UserWarning, stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. cannot add param group "
                                 f"{which} to the optimizer")
            if any(id(p) in seen for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Clears every parameter's .grad: to None (the default), or to zeros in place."""
        zero_grads((p for g in self.param_groups for p in g["params"]), set_to_none)

    def step(self, closure=None):
        """One update of every parameter that has a gradient.

        Args:
            closure: optional callable that re-evaluates the model and returns the
                loss; it runs with gradients enabled before the update.

        Returns:
            closure()'s loss, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._start_group(group)
                for part in _parts(group):
                    swapped = _contiguous_params(part["params"])
                    try:
                        self._step_group(part)
                    finally:
                        _restore_params(swapped)
        return loss

    def register_step_pre_hook(self, hook):
        """Runs ``hook(optimizer, args, kwargs)`` before each step; it may return (new_args, new_kwargs).

        Returns a RemovableHandle.
        """
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """Runs ``hook(optimizer, args, kwargs)`` after each step. Returns a RemovableHandle."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    # -- helpers for the subclasses -----------------------------------------------------------

    def _start_group(self, group):
        """Called before each group's update (which may come in parts, see _parts): a subclass
        notes here what PyTorch reads once per step for the whole group."""

    @staticmethod
    def _with_grads(group):
        """(params, grad arrays) of the group's parameters that have a gradient."""
        params, grads = [], []
        for p in group["params"]:
            if p._grad is None:
                continue
            g = p._grad._data
            if g.dtype != p._data.dtype:
                g = g.astype(p._data.dtype)
            params.append(p)
            # (np.ascontiguousarray would turn a 0-d gradient into shape (1,))
            grads.append(g if g.flags.c_contiguous else g.copy(order="C"))
        return params, grads

    def _advance_steps(self, params):
        """Increments each parameter's state["step"] (PyTorch counts before the update) and
        returns the new counts, in `params` order."""
        steps = []
        for p in params:
            count = self.state[p]["step"]
            count._data += 1
            steps.append(int(count._data))
        return steps

    @staticmethod
    def _batches(params, grads, steps=None):
        """Splits a group's (param, grad) pairs into lists for one fused kernel call each.

        A kernel call takes one dtype (and, for the optimizers whose update uses the step
        count, one step): pairs are batched by dtype and, given `steps` (one count per
        param, from _advance_steps), by step too. Yields (step or None, params, grad arrays).
        """
        batches = {}
        for i, (p, g) in enumerate(zip(params, grads)):
            key = steps[i] if steps is not None else None
            ps, gs = batches.setdefault((p._data.dtype, key), ([], []))
            ps.append(p)
            gs.append(g)
        for (_, key), (ps, gs) in batches.items():
            yield key, ps, gs

    def _buffer(self, p, key, fill=0.0):
        """The array of state[key] of p, created filled with `fill` (p's shape and dtype) if absent."""
        state = self.state[p]
        if key not in state:
            # C order whatever p's layout: the fused kernels walk state and param as flat buffers
            state[key] = Tensor._wrap(np.full(p._data.shape, fill, p._data.dtype))
        return state[key]._data

    def _init_step(self, p):
        """state["step"] of p, created as PyTorch's float32 scalar tensor(0.) if absent."""
        state = self.state[p]
        if "step" not in state:
            state["step"] = Tensor._wrap(np.array(0.0, np.float32))
        return state

    @staticmethod
    def _bump(params, name):
        site = user_site(3)
        for p in params:
            p._counter().bump(name, site)

    # -- state_dict ---------------------------------------------------------------------------

    def state_dict(self):
        """The optimizer's state as a dict, in PyTorch's layout.

        Returns:
            ``{"state": {index: {name: value}}, "param_groups": [{option: value,
            "params": [index, ...]}]}``: parameters are numbered in group order;
            the state's tensors are the optimizer's own (not copies), as in PyTorch.
        """
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restores the state and the group options saved by state_dict.

        The optimizer must have the same number of groups, each with the same
        number of parameters, in the same order; the saved options replace the
        groups' options. Floating-point state tensors are copied and cast to
        their parameter's dtype ("step" keeps its own), as PyTorch does.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        by_index = {}
        for mine, saved in zip(self.param_groups, saved_groups):
            by_index.update(zip(saved["params"], mine["params"]))
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in by_index:
                p = by_index[key]
                state[p] = {k: _cast(p, v, k) for k, v in value.items()}
            else:
                state[key] = value
        self.state = state
        for mine, saved in zip(self.param_groups, saved_groups):
            saved["params"] = mine["params"]
            if "param_names" in mine and "param_names" not in saved:
                saved["param_names"] = mine["param_names"]
            for name, default in self.defaults.items():
                saved.setdefault(name, default)  # a checkpoint from before an option existed
            mine.clear()
            mine.update(saved)

    def __repr__(self):
        # PyTorch's layout: each group's block starts on a new line, so blocks are blank-line separated
        blocks = "".join(f"\nParameter Group {i}\n" + "".join(f"    {k}: {group[k]}\n" for k in sorted(group)
                                                             if k != "params")
                         for i, group in enumerate(self.param_groups))
        return f"{type(self).__name__} ({blocks})"


def _cast(param, value, key):
    """A copy of a saved state value for `param`: tensors cast to its dtype, except "step"."""
    if isinstance(value, Tensor):
        data = value._data
        if key != "step" and _dtype.is_floating(data.dtype) and _dtype.is_floating(param._data.dtype):
            data = data.astype(param._data.dtype)
        return Tensor._wrap(np.array(data, copy=True))
    return copy.deepcopy(value)


def check_positive(name, value):
    """Raises ValueError with PyTorch's text ("Invalid learning rate: -0.1") unless value >= 0."""
    if not value >= 0:
        raise ValueError(f"Invalid {name}: {value}")


def _parts(group):
    """The group, or, when a parameter appears in it more than once (PyTorch warns and steps it
    once per occurrence), copies of it over consecutive runs of its parameters without a repeat:
    [p, q, p] steps [p, q] then [p]. The fused kernels refuse aliased arrays in one call, and
    updates of distinct tensors are independent, so this is PyTorch's loop order."""
    params = group["params"]
    if len({id(p) for p in params}) == len(params):
        return [group]
    parts, run, ids = [], [], set()
    for p in params:
        if id(p) in ids:
            parts.append(run)
            run, ids = [], set()
        run.append(p)
        ids.add(id(p))
    parts.append(run)
    return [dict(group, params=run) for run in parts]


def _contiguous_params(params):
    """Gives each non-contiguous parameter (nn.Parameter(w.t()), which PyTorch steps) a
    contiguous array for the fused kernels, which update flat buffers in place. Returns the
    [(param, original array)] for _restore_params."""
    swapped = []
    for p in params:
        a = p._data
        if not a.flags.c_contiguous:
            p._data = np.ascontiguousarray(a)
            swapped.append((p, a))
    return swapped


def _restore_params(swapped):
    """Writes each stepped copy back into the parameter's own array (so views of it see the
    update) and puts that array back."""
    for p, a in swapped:
        a[...] = p._data
        p._data = a


def check_betas(betas):
    """Raises ValueError with PyTorch's text ("Invalid beta parameter at index 1: 1.0") unless 0 <= beta < 1."""
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _with_step_hooks(step):
    """`step` running the global then the optimizer's pre-hooks, and its then the global post-hooks."""
    @functools.wraps(step)
    def hooked(self, *args, **kwargs):
        for hook in itertools.chain(list(_global_step_pre_hooks.values()), list(self._optimizer_step_pre_hooks.values())):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        out = step(self, *args, **kwargs)
        for hook in itertools.chain(list(self._optimizer_step_post_hooks.values()), list(_global_step_post_hooks.values())):
            hook(self, args, kwargs)
        return out
    hooked._runs_step_hooks = True
    return hooked


Optimizer.step = _with_step_hooks(Optimizer.step)


def register_optimizer_step_pre_hook(hook):
    """Runs ``hook(optimizer, args, kwargs)`` before every optimizer's step. Returns a RemovableHandle."""
    handle = RemovableHandle(_global_step_pre_hooks)
    _global_step_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """Runs ``hook(optimizer, args, kwargs)`` after every optimizer's step. Returns a RemovableHandle."""
    handle = RemovableHandle(_global_step_post_hooks)
    _global_step_post_hooks[handle.id] = hook
    return handle

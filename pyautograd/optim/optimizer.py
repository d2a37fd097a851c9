"""Optimizer: parameter groups, per-parameter state, zero_grad, state_dict (PyTorch's layout).

Subclasses implement ``_step_group(group)``; updates write into the parameters'
storage through the fused kernels under no_grad and bump each parameter's version
counter, so a graph that saved a parameter before the step raises if it is
back-propagated afterwards (as in PyTorch).
"""
import copy
from collections import defaultdict

import numpy as np

from .._sites import user_site
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..utils.hooks import zero_grads


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class: holds ``param_groups`` (dicts of options plus "params") and ``state``."""

    def __init__(self, params, defaults):
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
        """Adds a group of parameters with its own options (missing ones from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params) or len({id(p) for p in params}) != len(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clears every parameter's .grad (to None, or to zeros in place)."""
        zero_grads((p for g in self.param_groups for p in g["params"]), set_to_none)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns closure()'s loss if given."""
        loss = None
        if closure is not None:
            from ..autograd.grad_mode import enable_grad
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

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

    @staticmethod
    def _bump(params, name):
        site = user_site(3)
        for p in params:
            p._counter().bump(name, site)

    def _buffer(self, p, key):
        state = self.state[p]
        if key not in state:
            state[key] = Tensor._wrap(np.zeros_like(p._data))
        return state[key]._data

    # -- state_dict ---------------------------------------------------------------------------

    def state_dict(self):
        """{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]} as PyTorch's."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restores state and group options saved by state_dict (same parameter layout)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        by_index = {}
        for mine, saved in zip(self.param_groups, groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
            by_index.update(zip(saved["params"], mine["params"]))
        self.state = defaultdict(dict)
        for idx, s in state_dict["state"].items():
            p = by_index[int(idx)]
            self.state[p] = {k: (Tensor._wrap(np.array(v._data, dtype=p._data.dtype if k != "step" else v._data.dtype))
                                 if isinstance(v, Tensor) else copy.deepcopy(v)) for k, v in s.items()}
        for mine, saved in zip(self.param_groups, groups):
            for k, v in saved.items():
                if k != "params":
                    mine[k] = v

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(group):
                if k != "params":
                    lines.append(f"    {k}: {group[k]}")
        lines.append(")")
        return "\n".join(lines)


def check_positive(name, value, allow_zero=True):
    """Raises ValueError with PyTorch's text for an invalid hyper-parameter."""
    if not (value >= 0 if allow_zero else value > 0):
        raise ValueError(f"Invalid {name}: {value}")

"""nn.Module: registration of parameters, buffers and submodules, and everything built on it.

Assigning a Parameter, a Module, or (through register_buffer) a Tensor to an
attribute registers it in ``_parameters``, ``_modules`` or ``_buffers``, in
assignment order; names in ``named_parameters()`` and ``state_dict()`` are
PyTorch's ("fc1.weight", "0.bias"), and a parameter shared by two modules is
listed once.
"""
from collections import OrderedDict, namedtuple

from .. import _creation, _dtype
from .._device import check_available
from .._tensor import Tensor
from ..graph.grad_mode import no_grad
from ..graph.hooks import HookTable, RemovableHandle
from ..graph.leaf_grads import zero_grads
from .compile_args import check_compile_args
from .parameter import Parameter, is_lazy

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _IncompatibleKeysResult(_IncompatibleKeys):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


# Hooks every module runs (torch.nn.modules.module.register_module_*_hook): the forward ones
# before each module's own, the registration ones when a buffer, parameter or submodule is
# registered on any module.
_global_forward_pre_hooks = HookTable()
_global_forward_hooks = HookTable()
_global_buffer_registration_hooks = HookTable()
_global_parameter_registration_hooks = HookTable()
_global_module_registration_hooks = HookTable()


def register_module_forward_pre_hook(hook):
    """hook(module, args) runs before every module's forward (and before its own pre-hooks); it
    may return replacement args. Returns a handle whose remove() unregisters it."""
    return _add_hook(_global_forward_pre_hooks, (hook, False), False)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """hook(module, args, output) (with_kwargs: hook(module, args, kwargs, output)) runs after
    every module's forward, before its own forward hooks; it may return a replacement output."""
    return _add_hook(_global_forward_hooks, (hook, with_kwargs), False)


def register_module_buffer_registration_hook(hook):
    """hook(module, name, buffer) runs whenever any module registers a buffer; it may return a
    replacement buffer."""
    return _add_hook(_global_buffer_registration_hooks, hook, False)


def register_module_parameter_registration_hook(hook):
    """hook(module, name, param) runs whenever any module registers a parameter; it may return
    a replacement parameter."""
    return _add_hook(_global_parameter_registration_hooks, hook, False)


def register_module_module_registration_hook(hook):
    """hook(module, name, submodule) runs whenever any module registers a submodule; it may
    return a replacement submodule."""
    return _add_hook(_global_module_registration_hooks, hook, False)


def _registration_hooks(table, module, name, value):
    for hook in list(table.values()):
        out = hook(module, name, value)
        if out is not None:
            value = out
    return value


def _add_hook(table, entry, prepend):
    handle = RemovableHandle(table)
    if prepend:
        items = list(table.items())
        table.clear()
        table[handle.id] = entry
        table.update(items)
    else:
        table[handle.id] = entry
    return handle


def _refuse_property(module, name):
    # a property of the class (a parametrized tensor, see nn.utils.parametrize) would hide the
    # registered tensor: PyTorch refuses, as it does for any existing attribute
    if isinstance(getattr(type(module), name, None), property):
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """Base class for all neural network modules; subclass it and define ``forward``."""

    training = True

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", HookTable())
        object.__setattr__(self, "_forward_pre_hooks", HookTable())

    # -- registration -------------------------------------------------------------------

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _refuse_property(self, name)
            if name not in params:  # re-assigning keeps the parameter's place (state_dict order)
                self._remove_from(name)
            if _global_parameter_registration_hooks:
                value = _registration_hooks(_global_parameter_registration_hooks, self, name, value)
            params[name] = value
        elif params is not None and name in params:
            if value is not None and not isinstance(value, Parameter):
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                f"(torch.nn.Parameter or None expected)")
            params[name] = value
        elif isinstance(value, Module):
            modules = self.__dict__.get("_modules")
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._remove_from(name)
            if _global_module_registration_hooks:
                value = _registration_hooks(_global_module_registration_hooks, self, name, value)
            modules[name] = value
        elif self.__dict__.get("_modules") is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                f"(torch.nn.Module or None expected)")
            self._modules[name] = value
        elif self.__dict__.get("_buffers") is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                f"(torch.Tensor or None expected)")
            if _global_buffer_registration_hooks:
                value = _registration_hooks(_global_buffer_registration_hooks, self, name, value)
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _remove_from(self, name):
        for table in ("_parameters", "_modules", "_buffers"):
            d = self.__dict__.get(table)
            if d is not None and name in d:
                del d[name]
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in ("_parameters", "_buffers", "_modules"):
            d = self.__dict__.get(table)
            if d is not None and name in d:
                del d[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name, param):
        """Registers `param` (a Parameter or None) under `name`."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if "." in name or name == "":
            raise KeyError(f'parameter name can\'t contain "." and can\'t be empty, got "{name}"')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            f"(torch.nn.Parameter or None required)")
        _refuse_property(self, name)
        if name not in self._parameters:  # re-registering keeps the place (state_dict order)
            self._remove_from(name)
        if _global_parameter_registration_hooks:
            param = _registration_hooks(_global_parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Registers a tensor that is state but not a parameter (e.g. running statistics)."""
        if "." in name or name == "":
            raise KeyError(f'buffer name can\'t contain "." and can\'t be empty, got "{name}"')
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(torch Tensor or None required)")
        _refuse_property(self, name)
        if name not in self._buffers:  # re-registering keeps the place (state_dict order)
            self._remove_from(name)
        if _global_buffer_registration_hooks:
            tensor = _registration_hooks(_global_buffer_registration_hooks, self, name, tensor)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Registers a child module under `name`."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._remove_from(name)
        if _global_module_registration_hooks:
            module = _registration_hooks(_global_module_registration_hooks, self, name, module)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """The submodule at dotted path `target` ("" is self)."""
        mod = self
        for part in target.split(".") if target else ():
            if part not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{part}`")
            mod = mod._modules[part]
        return mod

    def get_parameter(self, target):
        """The parameter at dotted path `target`."""
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter `{name}`")
        return mod._parameters[name]

    # -- iteration ------------------------------------------------------------------------

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(name, module) for self and every descendant, depth first, each module once."""
        if memo is None:
            memo = set()
        stack = [(prefix, self)]
        while stack:
            name, mod = stack.pop()
            if remove_duplicate:
                if mod in memo:
                    continue
                memo.add(mod)
            yield name, mod
            children = [(f"{name}.{n}" if name else n, m) for n, m in mod._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self):
        """Self and every descendant module."""
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """(name, module) for each direct child."""
        seen = set()
        for name, m in self._modules.items():
            if m is not None and m not in seen:
                seen.add(m)
                yield name, m

    def children(self):
        """Each direct child module."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, table, prefix, recurse, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_name, mod in mods:
            for name, value in getattr(mod, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{mod_name}.{name}" if mod_name else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) pairs, e.g. ('fc1.weight', Parameter); shared parameters once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every parameter (each shared one once)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, buffer) pairs."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # -- modes and transforms ------------------------------------------------------------------

    def compile(self, *args, **kwargs):
        """Compiles this module's calls as torch.compile would: the arguments are checked as
        torch.compile checks them, and the module keeps running eagerly (pyautograd has no graph
        compiler yet), so results, graph and state_dict keys are unchanged. Returns None."""
        if args:
            raise TypeError(f"compile() takes from 0 to 1 positional arguments but {len(args) + 1} were given")
        check_compile_args(self, kwargs.get("mode"), kwargs.get("options"), kwargs.get("backend", "inductor"))

    def train(self, mode=True):
        """Sets training mode (dropout active, batch norm updating statistics) recursively."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        """Sets evaluation mode recursively (train(False))."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Sets requires_grad on every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clears every parameter's .grad (to None, or zeros in place)."""
        zero_grads(self.parameters(), set_to_none)

    def apply(self, fn):
        """Calls fn(module) on every descendant, children first, then self; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def _apply_to_tensors(self, convert):
        with no_grad():
            for mod in self.modules():
                for name, p in mod._parameters.items():
                    if p is not None:
                        new = convert(p)
                        if new is not p:
                            param = Parameter(new.detach(), p._rg)
                            if p._grad is not None:
                                param._grad = convert(p._grad)
                            mod._parameters[name] = param
                for name, b in mod._buffers.items():
                    if b is not None:
                        mod._buffers[name] = convert(b)
        return self

    def to(self, *args, **kwargs):
        """Converts floating parameters and buffers to a dtype (devices other than cpu refused)."""
        dtype = kwargs.get("dtype")
        if kwargs.get("device") is not None:
            check_available(kwargs["device"])
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                check_available(a)  # the CPU; CUDA refused as PyTorch's CPU build does
        if dtype is None:
            return self
        dtype = _dtype.to_dtype(dtype)
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
        return self._apply_to_tensors(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def double(self):
        """Floating parameters and buffers to float64."""
        return self._apply_to_tensors(lambda t: t.double() if t.is_floating_point() else t)

    def float(self):
        """Floating parameters and buffers to float32."""
        return self._apply_to_tensors(lambda t: t.float() if t.is_floating_point() else t)

    def half(self):
        """Floating parameters and buffers to float16."""
        return self._apply_to_tensors(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self):
        """Floating parameters and buffers to bfloat16."""
        return self._apply_to_tensors(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def share_memory(self):
        """Moves every parameter, its gradient and every buffer into shared memory
        (Tensor.share_memory_), as for Hogwild training with torch.multiprocessing; returns self."""
        for p in self.parameters():
            p.share_memory_()
            if p.grad is not None:
                p.grad.share_memory_()
        for b in self.buffers():
            b.share_memory_()
        return self

    def cpu(self):
        """Returns self (pyautograd runs on the CPU)."""
        return self

    def cuda(self, device=None):
        """Raises as PyTorch's CPU build does: AssertionError "Torch not compiled with CUDA enabled"."""
        check_available("cuda")  # always raises: there is no CUDA device

    def type(self, dst_type):
        """Converts parameters and buffers to dst_type."""
        return self.to(dst_type)

    # -- state ------------------------------------------------------------------------------

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """An ordered dict of every parameter and persistent buffer, keyed by dotted name."""
        out = OrderedDict() if destination is None else destination
        for mod_name, mod in self.named_modules(prefix=prefix.rstrip(".")):
            pre = f"{mod_name}." if mod_name else ""
            for name, p in mod._parameters.items():
                if p is not None:
                    out[pre + name] = p if keep_vars or is_lazy(p) else p.detach()
            for name, b in mod._buffers.items():
                if b is not None and name not in mod._non_persistent_buffers:
                    out[pre + name] = b if keep_vars or is_lazy(b) else b.detach()
        return out

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copies parameters and buffers from `state_dict`; returns (missing_keys, unexpected_keys).

        With strict=True a missing or unexpected key, or a shape mismatch, raises RuntimeError
        naming every offending key.
        """
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                value = _creation.tensor(value)
            if is_lazy(target):
                # a lazy module's parameter takes the checkpoint's shape (PyTorch's lazy load hook)
                if is_lazy(value):
                    continue
                target.materialize(value.shape)
            if value.shape != target.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from "
                              f"checkpoint, the shape in current model is {target.shape}.")
                continue
            with no_grad():
                target.copy_(value)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        return _IncompatibleKeysResult(missing, unexpected)

    # -- calling and hooks -------------------------------------------------------------------

    def register_forward_pre_hook(self, hook, *, with_kwargs=False, prepend=False):
        """hook(module, args) runs before forward; it may return replacement args."""
        return _add_hook(self._forward_pre_hooks, (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook, *, with_kwargs=False, always_call=False, prepend=False):
        """hook(module, args, output) runs after forward; it may return a replacement output."""
        return _add_hook(self._forward_hooks, (hook, with_kwargs), prepend)

    def __call__(self, *args, **kwargs):
        pre_hooks = self._forward_pre_hooks.values()
        if _global_forward_pre_hooks:  # the global ones first, as PyTorch
            pre_hooks = (*_global_forward_pre_hooks.values(), *pre_hooks)
        for hook, with_kwargs in list(pre_hooks):
            if with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        forward = getattr(self, "forward", None)
        if forward is None:
            raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')
        out = forward(*args, **kwargs)
        hooks = self._forward_hooks.values()
        if _global_forward_hooks:
            hooks = (*_global_forward_hooks.values(), *hooks)
        for hook, with_kwargs in list(hooks):
            res = hook(self, args, kwargs, out) if with_kwargs else hook(self, args, out)
            if res is not None:
                out = res
        return out

    # -- printing -------------------------------------------------------------------------------

    def extra_repr(self):
        """Extra text inside this module's repr (override in subclasses)."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        children = []
        for name, mod in self._modules.items():
            text = repr(mod).replace("\n", "\n  ")
            children.append(f"({name}): {text}")
        body = lines + children
        if not body:
            return f"{self._get_name()}()"
        if len(lines) == 1 and not children:
            return f"{self._get_name()}({lines[0]})"
        return f"{self._get_name()}(\n  " + "\n  ".join(body) + "\n)"

    def __setstate__(self, state):
        self.__dict__.update(state)

"""Containers: Sequential, ModuleList, ModuleDict (and the deprecated Container)."""
import warnings
from collections import OrderedDict

from ..._tensor import Tensor
from ...ops import linalg
from ..module import Module
from .activation import ReLU
from .linear import Linear


class Container(Module):
    """The deprecated holder of named child modules (Module does all it did); constructing it
    warns, as PyTorch's."""

    def __init__(self, **kwargs):
        warnings.warn("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                      "Subclass that instead.", FutureWarning, stacklevel=2)
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)


class Sequential(Module):
    """Runs its modules in order, each on the previous one's output.

    A Linear followed by a ReLU (exactly those classes, with their own forward
    and __call__, no hooks, 2-D input, with bias) runs as one fused GEMM + bias
    + relu call (ops.linalg.linear_relu), which records the graph the two calls
    would: nothing but the speed differs (docs/performance.md).
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, mod in args[0].items():
                self.add_module(name, mod)
        else:
            for i, mod in enumerate(args):
                self.add_module(str(i), mod)

    def forward(self, input):
        mods = list(self._modules.values())
        i = 0
        while i < len(mods):
            mod = mods[i]
            if i + 1 < len(mods) and _fusable_linear_relu(mod, mods[i + 1], input):
                # Linear then ReLU as one GEMM with a bias + relu epilogue; the
                # graph is the two calls' (linear_relu records it node for node)
                input = linalg.linear_relu(input, mod.weight, mod.bias)
                i += 2
                continue
            input = mod(input)
            i += 1
        return input

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        keys = list(self._modules)
        if not -len(keys) <= idx < len(keys):
            raise IndexError(f"index {idx} is out of range")
        return self._modules[keys[idx]]

    def append(self, module):
        """Adds `module` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules, registered as children."""

    def __init__(self, modules=None):
        super().__init__()
        for m in modules or ():
            self.append(m)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, idx):
        values = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(values[idx])
        return values[idx]

    def append(self, module):
        """Adds `module` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Appends every module of `modules`; returns self."""
        for m in modules:
            self.append(m)
        return self


class ModuleDict(Module):
    """An ordered dict of modules, registered as children."""

    def __init__(self, modules=None):
        super().__init__()
        for name, m in (modules.items() if isinstance(modules, dict) else modules or ()):
            self.add_module(name, m)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def pop(self, key):
        """Removes the module under `key` and returns it."""
        module = self._modules[key]
        del self._modules[key]
        return module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        """The names."""
        return self._modules.keys()

    def values(self):
        """The modules."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs."""
        return self._modules.items()


# The methods fusion stands in for, as the classes define them: a class-level patch (a profiler,
# a test double, a monkey-patched forward) turns fusion off, so the patched code runs.
_ORIGINAL = {Linear: Linear.forward, ReLU: ReLU.forward}
_MODULE_CALL = Module.__call__


def _plain(mod):
    """Whether calling mod is exactly its class's original forward: no hooks, no forward set on the
    instance or patched on the class, no __call__ other than Module's."""
    cls = type(mod)
    return (not mod._forward_hooks and not mod._forward_pre_hooks and "forward" not in mod.__dict__
            and cls.forward is _ORIGINAL[cls] and cls.__call__ is _MODULE_CALL)


def _fusable_linear_relu(linear, relu, input):
    """Whether linear(input) then relu may run as one fused call (exact classes, 2-D input, a bias)."""
    return (type(linear) is Linear and type(relu) is ReLU and linear.bias is not None
            and isinstance(input, Tensor) and input.ndim == 2 and _plain(linear) and _plain(relu))

# torch.nn.modules.container also holds ParameterList / ParameterDict
from .parameter_containers import ParameterDict, ParameterList  # noqa: E402,F401

"""ParameterList and ParameterDict: modules that hold parameters by position or by key (each
registered, so parameters(), state_dict() and optimizers see them; tensors given are wrapped
as Parameters, as PyTorch does)."""
from ..module import Module
from ..parameter import Parameter
from ..._tensor import Tensor


def _as_parameter(value):
    return value if isinstance(value, Parameter) or not isinstance(value, Tensor) else Parameter(value)


def _describe(p, legacy_type=False):
    """One line per entry, as PyTorch prints them (ParameterDict names the legacy type)."""
    if not isinstance(p, Tensor):
        return f"Object of type: {type(p).__name__}"
    kind = "Parameter containing" if isinstance(p, Parameter) else "Tensor"
    return f"{kind}: [{p.type() if legacy_type else p.dtype} of size {'x'.join(str(n) for n in p.shape)}]"


class ParameterList(Module):
    """A list of parameters, registered under "0", "1", ..."""

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __len__(self):
        return self._size

    def _index(self, idx):
        if not -self._size <= idx < self._size:
            raise IndexError(f"index {idx} is out of range")
        return str(idx % self._size)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, self._index(idx))

    def __setitem__(self, idx, value):
        setattr(self, self._index(idx), _as_parameter(value))

    def __iter__(self):
        return iter(self[i] for i in range(self._size))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        """Adds one parameter (a tensor is wrapped as a Parameter) at the end."""
        setattr(self, str(self._size), _as_parameter(value))
        self._size += 1
        return self

    def extend(self, values):
        """Appends every parameter of `values`."""
        for v in values:
            self.append(v)
        return self

    def extra_repr(self):
        return "\n".join(f"({i}): {_describe(p)}" for i, p in enumerate(self))

    def __repr__(self):
        body = self.extra_repr()
        return "ParameterList(\n" + "\n".join("    " + line for line in body.splitlines()) + "\n)" if body \
            else "ParameterList()"


class ParameterDict(Module):
    """A dict of parameters, registered under their keys (in insertion order)."""

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key, value):
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        """The keys, in insertion order."""
        return self._keys.keys()

    def values(self):
        """The parameters, in insertion order."""
        return [self[k] for k in self._keys]

    def items(self):
        """(key, parameter) pairs, in insertion order."""
        return [(k, self[k]) for k in self._keys]

    def update(self, parameters):
        """Adds (or replaces) the pairs of a mapping or an iterable of pairs."""
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for k, v in pairs:
            self[k] = v

    def pop(self, key):
        """Removes `key` and returns its parameter."""
        value = self[key]
        del self[key]
        return value

    def __repr__(self):
        return "ParameterDict(" + "\n".join(f"  ({k}): {_describe(v, legacy_type=True)}" for k, v in self.items()) + ")"

"""nn.Parameter: a leaf tensor that a Module registers as one of its parameters."""
from .. import _creation
from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter (requires grad by default).

    Assigning a Parameter to a Module attribute registers it, so it appears in
    ``parameters()`` and ``state_dict()``.
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _creation.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter expects a Tensor, got {type(data).__name__}")
        p = Tensor._make.__func__(cls, data._data, False)
        p._vc = data._counter()
        if requires_grad:
            p.requires_grad = True
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__  # print(param) shows the prefix too, as PyTorch's

    def __deepcopy__(self, memo):
        p = Parameter(Tensor._wrap(self._data.copy()), self._rg)
        memo[id(self)] = p
        return p

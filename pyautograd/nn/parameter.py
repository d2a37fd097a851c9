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


# UninitializedParameter: the parameters of lazy modules (nn.LazyLinear, the Lazy conv/batchnorm
# layers) before their first forward gives them a shape.
_UNINITIALIZED = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
                  "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
                  "`forward` to initialize the parameters before accessing their attributes.")


class _UninitializedMixin:
    """Shape queries raise until materialize() gives the tensor its shape (see the module notes)."""

    __slots__ = ()
    _becomes = Tensor

    @property
    def shape(self):
        raise RuntimeError(_UNINITIALIZED)

    def size(self, dim=None):
        raise RuntimeError(_UNINITIALIZED)

    def materialize(self, shape):
        """Gives the tensor its shape (uninitialized values) and makes it an ordinary one."""
        self._data = _creation.empty(tuple(shape), dtype=self.dtype)._data
        self.__class__ = self._becomes

    def __repr__(self):
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A parameter whose shape is not known yet (see the module notes); materialize() makes it
    a Parameter."""

    __slots__ = ()
    _becomes = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        p = Parameter.__new__(cls, _creation.empty(0, dtype=dtype, device=device), requires_grad)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet (lazy modules' running statistics before their
    first forward); materialize() makes it a plain Tensor."""

    __slots__ = ()

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        b = Tensor._make.__func__(cls, _creation.empty(0, dtype=dtype, device=device)._data, False)
        if requires_grad:
            b.requires_grad = True
        return b

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        # persistent is read by the module registering the buffer (as PyTorch's)
        self.persistent = persistent


def is_lazy(param):
    """torch.nn.parameter.is_lazy: whether `param` is an UninitializedParameter or
    UninitializedBuffer still waiting for its shape."""
    return isinstance(param, _UninitializedMixin)

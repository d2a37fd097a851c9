"""Lazy modules: LazyLinear infers in_features from its first input.

Until then its weight and bias are UninitializedParameters: real Parameter objects (so an
optimizer built before the first forward holds them) whose shape and data cannot be read.
The first forward materializes them in place -- same objects, now Parameters of the right
shape, drawn by Linear's reset_parameters -- and the module becomes a Linear, as PyTorch's
does (``type(m)`` is Linear afterwards).
"""
from ... import _creation
from ...autograd import grad_mode
from ..parameter import Parameter
from .linear import Linear

_UNINITIALIZED = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
                  "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
                  "`forward` to initialize the parameters before accessing their attributes.")


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (see the module notes)."""

    __slots__ = ()

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        p = Parameter.__new__(cls, _creation.empty(0, dtype=dtype, device=device), requires_grad)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    @property
    def shape(self):
        raise RuntimeError(_UNINITIALIZED)

    def size(self, dim=None):
        raise RuntimeError(_UNINITIALIZED)

    def materialize(self, shape):
        """Gives the parameter its shape (uninitialized values) and makes it a plain Parameter."""
        self._data = _creation.empty(tuple(shape), dtype=self.dtype)._data
        self.__class__ = Parameter

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__


class LazyLinear(Linear):
    """A Linear whose in_features is taken from the first input's last dim."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Linear.__init__(self, 0, out_features, False, device, dtype)
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self):
        """Draws weight and bias as Linear's, once they have a shape."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            Linear.reset_parameters(self)

    def has_uninitialized_params(self):
        """Whether the parameters still wait for the first input."""
        return any(isinstance(p, UninitializedParameter) for p in (self.weight, self.bias) if p is not None)

    def initialize_parameters(self, input):
        """Materializes weight (out_features, input.shape[-1]) and bias, then draws them."""
        if not self.has_uninitialized_params():
            return
        with grad_mode.no_grad():
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        self.__class__ = self.cls_to_become

    def forward(self, input):
        self.initialize_parameters(input)
        return Linear.forward(self, input)

    def __call__(self, *args, **kwargs):
        if self.has_uninitialized_params():
            self.initialize_parameters(args[0])
        return Linear.__call__(self, *args, **kwargs)

"""Distribution: the base of torch.distributions' classes (batch and event shapes, sampling
shapes, argument checks as PyTorch's validate_args, the repr)."""
import numpy as np

from .. import _creation
from .._size import Size
from .._tensor import Tensor
from ..autograd import grad_mode


def broadcast_all(*values):
    """The arguments as tensors of one broadcast shape (numbers take the tensors' dtype, or the
    default dtype)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else None
    as_tensors = [v if isinstance(v, Tensor) else _creation.tensor(float(v), dtype=dtype) for v in values]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in as_tensors])
    return tuple(t.expand(*shape) if tuple(t.shape) != shape else t for t in as_tensors)


class Distribution:
    """A probability distribution with a batch shape and an event shape (as torch.distributions).
    Subclasses define _draw(shape) (a sample without gradient) and, when reparameterizable,
    rsample."""

    has_rsample = False
    arg_names = ()

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        self._validate = True if validate_args is None else bool(validate_args)

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return Size(self._batch_shape)

    @property
    def event_shape(self):
        """The shape of one sample."""
        return Size(self._event_shape)

    def _extended_shape(self, sample_shape=()):
        return tuple(sample_shape) + self._batch_shape + self._event_shape

    def _check(self, name, value, ok, constraint):
        if self._validate and not bool(ok.all()):
            raise ValueError(f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of distribution "
                             f"{self!r} to satisfy the constraint {constraint}, but found invalid values:\n{value}")

    def sample(self, sample_shape=()):
        """A sample of shape sample_shape + batch_shape + event_shape (no gradient)."""
        with grad_mode.no_grad():
            return self._draw(self._extended_shape(sample_shape))

    @property
    def stddev(self):
        """The standard deviation."""
        return self.variance.sqrt()

    def __repr__(self):
        def show(t):
            return t.item() if t.numel() == 1 else t.shape
        return f"{type(self).__name__}({', '.join(f'{k}: {show(getattr(self, k))}' for k in self.arg_names)})"

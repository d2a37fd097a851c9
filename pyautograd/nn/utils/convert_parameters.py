"""All parameters as one flat vector, and back."""
from ..._tensor import Tensor
from ...ops.shape import cat


def parameters_to_vector(parameters):
    """The parameters flattened and concatenated into one 1-D tensor (differentiable, a copy).

    Example::

        vec = parameters_to_vector(model.parameters())   # shape (number of weights,)
    """
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Makes each parameter's data the matching slice of `vec` (in the order of parameters_to_vector).

    The parameters then share vec's storage, as in PyTorch.

    Args:
        vec: a 1-D tensor with as many elements as the parameters together.
        parameters: an iterable of Tensors.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view(param.shape).data
        pointer += n

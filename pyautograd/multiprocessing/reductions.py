"""How multiprocessing pickles tensors (a spawn Process's arguments, Queue, Pipe): a tensor in
shared memory (share_memory_) travels as its segment's name and place, so the receiver maps the
same memory; any other tensor is copied, as plain pickling does. Registered on multiprocessing's
ForkingPickler when pyautograd is imported; torch.save and pickle.dumps are not affected (they
always copy)."""
from multiprocessing.reduction import ForkingPickler

from .._tensor import Tensor
from ..nn.parameter import Parameter
from . import shared


def rebuild_shared_tensor(cls, name, offset, shape, strides, dtype, requires_grad):
    """The tensor (or Parameter: `cls`) of a shared array another process sent."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"rebuild_shared_tensor: {cls!r} is not a Tensor class")
    return Tensor._make.__func__(cls, shared.attach(name, offset, shape, strides, dtype), bool(requires_grad))


def reduce_tensor(t):
    """Shared tensors by reference to their memory; the others by value (Tensor.__reduce_ex__)."""
    place = shared.locate(t._data)
    if place is None:
        return t.__reduce_ex__(2)
    if t.grad_fn is not None and t.requires_grad:
        t.__reduce_ex__(2)  # raises PyTorch's "Cowardly refusing to serialize non-leaf tensor" error
    name, offset = place
    return rebuild_shared_tensor, (type(t), name, offset, t._data.shape, t._data.strides, t._data.dtype,
                                   t.requires_grad)


def init_reductions():
    """Registers reduce_tensor for the tensor classes on ForkingPickler (done at import)."""
    for cls in (Tensor, Parameter):
        ForkingPickler.register(cls, reduce_tensor)

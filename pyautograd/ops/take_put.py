"""take, put and fill: the flattened-tensor reads and writes (TakeBackward0, PutBackward0) and the
out-of-place fill (FillBackward0 with a number, FillBackward1 with a 0-d tensor), primitives with
PyTorch's nodes. take's gradient is put with accumulation, and put's is take again, so double
backward runs through the same two ops."""
import numbers

from .. import _creation, kernels
from . import _apply
from ._inplace import _SCALAR_NAMES
from ._opdef import defop
from ._surface import declare


def _zeros(shape, like):
    return _creation.zeros(shape, dtype=like.dtype)


_take = defop("take", "input, index", kernels.take, promote=None, complex=True,
              grads={"input": lambda grad, index, input_shapes: _put(_zeros(input_shapes[0], grad), index, grad,
                                                                     True)})

_put = defop("put", "input, index, source, accumulate", kernels.put, promote=None, complex=True,
             grads={"input": lambda grad, index, accumulate:
                    grad if accumulate else _put(grad, index, _zeros(index.shape, grad), False),
                    "source": lambda grad, index, input_shapes: _take(grad, index).reshape(input_shapes[1])})

_fill_scalar = defop("fill_scalar", "input, value", kernels.fill, promote=None, node_name="FillBackward0",
                     grads={"input": lambda grad: grad * 0}, array_backward=True)
_fill_tensor = defop("fill_tensor", "input, value", kernels.fill, promote=None, node_name="FillBackward1",
                     grads={"input": lambda grad: grad * 0, "value": lambda grad: grad.sum()})


def _flat_index(op, input, index):
    """index's int64 array with negatives wrapped, checked against input's element count."""
    if not isinstance(index, _apply.Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    arr = index._data
    if arr.dtype.name != "int64":
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {_scalar(index)}")
    n = input._data.size
    if arr.size and n == 0:
        raise IndexError("take(): tried to take from an empty tensor" if op == "take"
                         else "put_(): Tried to put elements into an empty tensor")
    if arr.size:
        bad = (arr < -n) | (arr >= n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {arr[bad].flat[0]} on a tensor of {n} elements.")
    return arr % n if n else arr


def take(input, index):
    """The elements of `input`, read as if flattened to 1-D, at the positions in `index` (an int64
    tensor; negatives count from the end), shaped like `index`."""
    return _take(input, _flat_index("take", input, index))


def put(input, index, source, accumulate=False):
    """A copy of `input` with `source`'s elements written, in order, at the positions `index` of
    `input` read as if flattened (added instead, repeats adding up, with `accumulate`). With
    repeated indices and no accumulation, which write lands is unspecified, as in PyTorch."""
    idx = _flat_index("put_", input, index)
    if source.dtype != input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_scalar(input)} and source.dtype = {_scalar(source)}")
    if source._data.size != idx.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source._data.size}, index.numel() = {idx.size}")
    return _put(input, idx, source, bool(accumulate))


def _scalar(t):
    return _SCALAR_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def fill(input, value):
    """A new tensor of `input`'s shape and dtype filled with `value` (a number, or a 0-d tensor,
    which then receives the sum of the gradient)."""
    if isinstance(value, _apply.Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        return _fill_tensor(input, value)
    if not isinstance(value, numbers.Number):
        raise TypeError(f"fill(): argument 'value' must be Number or Tensor, not {type(value).__name__}")
    return _fill_scalar(input, value)


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it). Tensor.fill_ (the in-place fill) is _methods.py's.
declare("take", take, method=True, out="exact")
declare("put", put, method=True, inplace=True)
declare("fill", fill)

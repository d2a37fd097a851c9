"""default_collate and default_convert, as ``torch.utils.data`` (``_utils.collate``) defines them."""
import collections.abc
import copy

import numpy as np

from ..._creation import as_tensor
from ..._tensor import Tensor
from ...ops.shape import stack

__all__ = ["default_collate", "default_convert"]

_COLLATE_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numeric(array):
    """True for arrays PyTorch turns into tensors (not strings or objects)."""
    return array.dtype.kind not in "SaUO"


def default_convert(data):
    """Converts NumPy arrays (and NumPy scalars) inside `data` to tensors, keeping the structure.

    Used by the DataLoader when batching is off (``batch_size=None``). Mappings, namedtuples and
    sequences are converted element by element (a tuple becomes a list, as in PyTorch); anything
    else is returned unchanged.
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (np.str_, np.bytes_)):
        return as_tensor(data) if _numeric(np.asarray(data)) else data
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def _rebuild_mapping(elem, values):
    # PyTorch: a mutable mapping is copied and updated (keeping its type and extra attributes);
    # another mapping is rebuilt from a dict, or falls back to a plain dict
    if isinstance(elem, collections.abc.MutableMapping):
        clone = copy.copy(elem)
        clone.update(values)
        return clone
    try:
        return type(elem)(values)
    except TypeError:
        return values


def _rebuild_sequence(elem, values):
    if isinstance(elem, collections.abc.MutableSequence):
        clone = copy.copy(elem)
        for i, v in enumerate(values):
            clone[i] = v
        return clone
    try:
        return type(elem)(values)
    except TypeError:
        return values


def default_collate(batch):
    """Merges a list of samples into a batch, as ``torch.utils.data.default_collate`` does.

    Tensors and numeric ndarrays are stacked along a new first dimension; Python floats become a
    float64 tensor, ints an int64 tensor, bools a bool tensor, NumPy scalars a tensor of their dtype;
    strings are returned as given; mappings, namedtuples and sequences are collated field by field
    (tuples come back as lists, namedtuples and lists keep their type).

    Raises:
        RuntimeError: sequences of different lengths. TypeError: any other element type.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        if not _numeric(elem):
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return as_tensor(np.stack(batch))
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return as_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return as_tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, bool):
        return as_tensor(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return as_tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size "
                               f"(got lengths {[len(s) for s in batch]})")
        fields = [default_collate(field) for field in zip(*batch)]
        return fields if isinstance(elem, tuple) else _rebuild_sequence(elem, fields)
    raise TypeError(_COLLATE_ERROR.format(type(elem)))

"""torch.nn.modules.utils: the argument-normalising helpers module code imports from this path
(``_single``, ``_pair``, ``_triple``, ``_quadruple``, ``_ntuple``, ``_reverse_repeat_tuple``,
``_list_with_default``) and ``consume_prefix_in_state_dict_if_present``, with PyTorch's behaviour:
an iterable becomes a tuple of its items, anything else is repeated n times.
"""
import collections.abc
import numbers

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _ntuple(n, name="parse"):
    """A function turning one value into an n-tuple (an iterable is kept as the tuple of its items)."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return (x,) * n

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """`t` reversed with each item repeated `n` times: a conv padding turned into F.pad's order."""
    return tuple(item for item in reversed(t) for _ in range(n))


def _list_with_default(out_size, defaults):
    """An adaptive pool's output size with its None entries taken from the trailing `defaults`."""
    if isinstance(out_size, numbers.Integral):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    tail = defaults[-len(out_size):]
    return [d if v is None else v for v, d in zip(out_size, tail)]


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strips `prefix` from the keys of `state_dict` (and of its ``_metadata``) in place, e.g. the
    ``"module."`` a DataParallel/DDP model's state dict carries."""
    for key in list(state_dict.keys()):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        for key in list(metadata.keys()):
            # The root entry "" stays; the prefix's own entry ("module") becomes the root.
            if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
                metadata[key[len(prefix):]] = metadata.pop(key)

"""The memory formats by name: which rank each needs and the order of its dims in memory.

memory_format objects live above the ops (``pyautograd.memory_format``); the ops read their
names. pyautograd's ops produce row-major tensors whatever format is asked for (the values are
the same); ``resize_`` is the one op that lays storage out channels-last, and ``contiguous``
checks a format as PyTorch does before returning a row-major tensor.
"""

# name -> (the rank it needs, the dims in memory order: N, H, W, C)
CHANNELS_LAST = {"channels_last": (4, (0, 2, 3, 1)), "channels_last_3d": (5, (0, 2, 3, 4, 1))}


def format_name(fn, memory_format):
    """The name of a memory_format argument of `fn` (None stands for contiguous_format);
    TypeError for anything but a memory format, as PyTorch's argument parser."""
    if memory_format is None:
        return "contiguous_format"
    name = getattr(memory_format, "name", None)
    if type(memory_format).__name__ != "memory_format" or name not in (
            "contiguous_format", "preserve_format", *CHANNELS_LAST):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(memory_format).__name__}")
    return name


def channels_last_order(fn, shape, name):
    """The dims of a `name` (channels_last or channels_last_3d) layout in memory order, after
    checking the tensor's rank (RuntimeError, as PyTorch)."""
    rank, perm = CHANNELS_LAST[name]
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {name} format (got sizes {list(shape)} in {fn})")
    return perm

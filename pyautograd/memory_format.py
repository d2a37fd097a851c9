"""torch.memory_format values: contiguous_format, channels_last, channels_last_3d, preserve_format.

pyautograd's tensors are laid out row-major by their operations; the values are accepted
where PyTorch takes ``memory_format=`` (clone, the *_like factories, contiguous) and name the
layout PyTorch would use, which does not change any result.
"""


class memory_format:
    """A memory layout name (printed as PyTorch prints it, e.g. torch.channels_last)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


def _by_name(name):
    return FORMATS[name]


FORMATS = {name: memory_format(name) for name in ("contiguous_format", "channels_last", "channels_last_3d",
                                                    "preserve_format")}
contiguous_format = FORMATS["contiguous_format"]
channels_last = FORMATS["channels_last"]
channels_last_3d = FORMATS["channels_last_3d"]
preserve_format = FORMATS["preserve_format"]

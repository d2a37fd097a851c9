"""The only device: the CPU (``tensor.device``, ``torch.device("cpu")``)."""


class device:
    """A device descriptor; pyautograd runs on the CPU only."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if type != "cpu":
            raise RuntimeError(f"pyautograd runs on the CPU only; device {type!r} is not available")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type

    def __hash__(self):
        return hash(self.type)


cpu = device("cpu")

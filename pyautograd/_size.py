"""torch.Size: the tuple returned by ``Tensor.shape`` and ``Tensor.size()``."""


class Size(tuple):
    """A tuple of dimension sizes that prints as PyTorch's ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        """The number of elements a tensor of this size holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        value = tuple.__getitem__(self, item)
        return Size(value) if isinstance(item, slice) else value

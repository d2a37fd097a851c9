"""Matrix-structure ops on the last two dims: tril, triu (and their in-place forms, bound
in ops/_methods.py). Zeroing a triangle is linear, so its gradient zeroes the same triangle."""
from .. import kernels
from ._opdef import defop
from ._surface import declare


def _require_matrix(op, input):
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions (got shape {list(input.shape)})")


_tril = defop("tril", "input, diagonal", kernels.tril, promote=None, complex=True,
              grads={"input": lambda grad, diagonal: _tril(grad, diagonal)})
_triu = defop("triu", "input, diagonal", kernels.triu, promote=None, complex=True,
              grads={"input": lambda grad, diagonal: _triu(grad, diagonal)})


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (elements with column - row <= diagonal); the rest zeros.

    Example: ``torch.tril(torch.ones(3, 3))`` is the causal mask of a 3-token sequence.
    """
    _require_matrix("tril", input)
    return _tril(input, int(diagonal))


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (elements with column - row >= diagonal); the rest zeros."""
    _require_matrix("triu", input)
    return _triu(input, int(diagonal))


__all__ = ["tril", "triu"]


# The public surface of these ops (ops/_surface.py derives pyautograd's exports, the Tensor
# methods and the out= forms from it).
for _name, _fn in (("tril", tril), ("triu", triu)):
    declare(_name, _fn, method=True, inplace=True, out="exact")

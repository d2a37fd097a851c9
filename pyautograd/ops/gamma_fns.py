"""The gamma family: lgamma, digamma and polygamma, pointwise primitives with PyTorch's nodes
(LgammaBackward0, DigammaBackward0, PolygammaBackward0). Each one's derivative is the next
(lgamma' = digamma = polygamma(0), polygamma(n)' = polygamma(n + 1)), so gradients of any order
run through the same ops. They give torch.distributions' Beta and Multinomial their log-densities."""
import numbers

from .. import kernels
from ._opdef import defop
from ._surface import declare

digamma = defop("digamma", "input", kernels.digamma, promote="float",
                grads={"input": lambda grad, input: grad * polygamma(1, input)},
                export=True, method=True, inplace=True, out="cast")

lgamma = defop("lgamma", "input", kernels.lgamma, promote="float",
               grads={"input": lambda grad, input: grad * digamma(input)},
               export=True, method=True, inplace=True, out="cast")

_polygamma = defop("polygamma", "n, input", kernels.polygamma, promote="float", node_name="PolygammaBackward0",
                   grads={"input": lambda grad, n, input: grad * _polygamma(n + 1, input)})


def polygamma(n, input):
    """The n-th derivative of digamma, elementwise (n = 0 is digamma itself)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _polygamma(int(n), input)


def _polygamma_method(self, n):
    """Tensor.polygamma(n): polygamma(n, self)."""
    return polygamma(n, self)


# The public surface (ops/_surface.py): the method takes n after self, unlike the function.
declare("polygamma", polygamma, method=_polygamma_method, inplace=True, out="cast")

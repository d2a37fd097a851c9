"""The modified Bessel functions of the first kind, pointwise primitives with PyTorch's nodes:
torch.i0 (I0Backward0; also torch.special.i0) and torch.special's i0e, i1, i1e
(SpecialI0EBackward0, SpecialI1Backward0, SpecialI1EBackward0). Each one's derivative is
written in the others (I0' = I1, I1' = I0 - I1/x), so gradients of any order run through them."""
from .. import kernels
from ._opdef import defop
from .pointwise import sign, where


def _safe_x(input):
    """input with its zeros replaced by 1: the derivative of I1 divides by x, and at x = 0 takes
    the limit 1/2 instead; dividing by the replaced value keeps the unused branch finite, so no
    NaN leaks into higher-order gradients."""
    return where(input == 0, 1.0, input)


def _i1_grad(grad, input, result):
    # d/dx I1(x) = I0(x) - I1(x)/x, 1/2 at x = 0
    return grad * where(input == 0, 0.5, i0(input) - result / _safe_x(input))


def _i1e_grad(grad, input, result):
    # d/dx (I1(x) e^-|x|) = I0e(x) - I1e(x) (sign(x) + 1/x), 1/2 at x = 0
    return grad * where(input == 0, 0.5, special_i0e(input) - result * (sign(input) + 1 / _safe_x(input)))


i0 = defop("i0", "input", kernels.i0, promote="float",
           grads={"input": lambda grad, input: grad * special_i1(input)},
           export=True, method=True, inplace=True, out="cast")

special_i0e = defop("special_i0e", "input", kernels.i0e, promote="float", node_name="SpecialI0EBackward0",
                    grads={"input": lambda grad, input, result:
                           grad * (special_i1e(input) - sign(input) * result)})

special_i1 = defop("special_i1", "input", kernels.i1, promote="float", node_name="SpecialI1Backward0",
                   grads={"input": _i1_grad})

special_i1e = defop("special_i1e", "input", kernels.i1e, promote="float", node_name="SpecialI1EBackward0",
                    grads={"input": _i1e_grad})

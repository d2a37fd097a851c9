"""Matrix products: mm, bmm, mv, dot, matmul's batched case, addmm.

Gradients are products with the other operand transposed; matmul's batch
broadcasting is undone by the generic path (summing over broadcast dims).
"""
from .. import kernels
from ._opdef import defop
from .pointwise import threshold_backward
from .product_checks import check_linear, checked_bmm, checked_dot, checked_mm, checked_mv


def _mT(x):
    return x.transpose(-2, -1)


mm = defop("mm", "input, mat2", checked_mm, promote=None,
           grads={"input": lambda grad, mat2: grad.mm(mat2.t()),
                  "mat2": lambda grad, input: input.t().mm(grad)})

bmm = defop("bmm", "input, mat2", checked_bmm, promote=None,
            grads={"input": lambda grad, mat2: grad.bmm(_mT(mat2)),
                   "mat2": lambda grad, input: _mT(input).bmm(grad)})

mv = defop("mv", "input, vec", checked_mv, promote=None,
           grads={"input": lambda grad, vec: grad.unsqueeze(-1) * vec,
                  "vec": lambda grad, input: input.t().mv(grad)})

dot = defop("dot", "input, other", checked_dot, promote=None,
            grads={"input": lambda grad, other: grad * other,
                   "other": lambda grad, input: grad * input})

matmul_nd = defop("matmul_nd", "input, other", checked_mm, promote=None, node_name="UnsafeViewBackward0",
                  grads={"input": lambda grad, other: grad.matmul(_mT(other)),
                         "other": lambda grad, input: _mT(input).matmul(grad)})

addmm = defop("addmm", "input, mat1, mat2, *, beta=1, alpha=1",
              lambda input, mat1, mat2, beta, alpha: kernels.gemm(mat1, mat2, c=input, alpha=alpha, beta=beta),
              grads={"input": lambda grad, beta: grad if beta == 1 else grad * beta,
                     "mat1": lambda grad, mat2, alpha: grad.mm(mat2.t()) * alpha if alpha != 1 else grad.mm(mat2.t()),
                     "mat2": lambda grad, mat1, alpha: mat1.t().mm(grad) * alpha if alpha != 1 else mat1.t().mm(grad)})


def _linear(input, weight, bias=None, activation=None):
    check_linear(input, weight, bias)
    return kernels.linear(input, weight, bias, activation=activation)


linear_bias = defop("linear_bias", "input, weight, bias", _linear, promote=None,
                    node_name="AddmmBackward0",
                    grads={"input": lambda grad, weight: grad.mm(weight),
                           "weight": lambda grad, input: grad.t().mm(input),
                           "bias": lambda grad: grad.sum(0)})

def _linear_relu_grads(grad, needs_input_grad, input, weight, result):
    # relu's mask is applied once and shared by the three products
    g = threshold_backward(grad, result)
    need_input, need_weight, need_bias = needs_input_grad
    return (g.mm(weight) if need_input else None, g.t().mm(input) if need_weight else None,
            g.sum(0) if need_bias else None)


linear_relu = defop("linear_relu", "input, weight, bias",
                    lambda input, weight, bias: _linear(input, weight, bias, "relu"), promote=None,
                    tensors=("input", "weight", "bias"), node_name="ReluBackward0",
                    grads={"*": _linear_relu_grads},
                    doc="relu(input @ weight.T + bias) for 2-D input, in one kernel call (the GEMM's "
                        "epilogue adds the bias and clamps): what nn.Sequential runs for Linear then ReLU.")

linear_nobias = defop("linear_nobias", "input, weight", _linear, promote=None,
                      node_name="MmBackward0",
                      grads={"input": lambda grad, weight: grad.mm(weight),
                             "weight": lambda grad, input: grad.t().mm(input)})


def _baddbmm_forward(input, batch1, batch2, beta, alpha):
    product = kernels.matmul(batch1, batch2)
    if alpha != 1:
        product = kernels.mul(product, alpha)
    if beta == 0:  # PyTorch: input is ignored, so its nan and inf do not propagate
        return product
    return kernels.add(product, input if beta == 1 else kernels.mul(input, beta))


def _scaled(x, factor):
    return x if factor == 1 else x * factor


baddbmm = defop("baddbmm", "input, batch1, batch2, *, beta=1, alpha=1", _baddbmm_forward,
                grads={"input": lambda grad, beta: _scaled(grad, beta),
                       "batch1": lambda grad, batch2, alpha: _scaled(grad.bmm(_mT(batch2)), alpha),
                       "batch2": lambda grad, batch1, alpha: _scaled(_mT(batch1).bmm(grad), alpha)})

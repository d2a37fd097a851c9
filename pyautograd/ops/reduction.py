"""Reductions: sum, mean (the others arrive with the reduction kernels' ops).

The gradient of a reduction over `dims` is the incoming gradient broadcast back
over those dims (re-inserted when keepdim=False), scaled for mean.
"""
from .. import kernels
from ._opdef import defop


def _expand_back(grad, shape, dims, keepdim):
    if not keepdim and dims:
        kept = [1 if i in dims else s for i, s in enumerate(shape)]
        grad = grad.reshape(kept)
    return grad.expand(shape)


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


sum_all = defop("sum_all", "input", lambda input: kernels.sum(input, None, False), promote=None,
                node_name="SumBackward0",
                grads={"input": lambda grad, input_shapes: grad.expand(input_shapes[0])})

sum_dim = defop("sum_dim", "input, dims, keepdim", kernels.sum, promote=None, node_name="SumBackward1",
                grads={"input": lambda grad, input_shapes, dims, keepdim:
                       _expand_back(grad, input_shapes[0], dims, keepdim)})

mean_all = defop("mean_all", "input", lambda input: kernels.mean(input, None, False), promote=None,
                 node_name="MeanBackward0",
                 grads={"input": lambda grad, input_shapes:
                        grad.expand(input_shapes[0]) / max(_count(input_shapes[0], range(len(input_shapes[0]))), 1)})

mean_dim = defop("mean_dim", "input, dims, keepdim", kernels.mean, promote=None, node_name="MeanBackward1",
                 grads={"input": lambda grad, input_shapes, dims, keepdim:
                        _expand_back(grad, input_shapes[0], dims, keepdim) / max(_count(input_shapes[0], dims), 1)})

"""torch.nn.functional: activations, linear, normalization and the losses (from nn/_losses.py).

The layers' functional forms live in small modules beside this one (nn/_activation.py,
_normalization.py, _dropout.py, _sparse.py, ops/padding.py, _bilinear.py) and are re-exported here.
"""
import math

import numpy as np

from ..ops import linalg
from ..ops.pointwise import clamp  # noqa: F401
from ._activation import (elu, elu_, gelu, hardtanh, leaky_relu, leaky_relu_, log_softmax, logsigmoid,  # noqa: F401
                          relu, relu_, relu6, sigmoid, silu, softmax, softplus, tanh)
from ._bilinear import bilinear  # noqa: F401
from ._dropout import dropout  # noqa: F401
from ._normalization import batch_norm, cosine_similarity, layer_norm, normalize  # noqa: F401
from ..ops.padding import pad  # noqa: F401
from ._sparse import embedding, one_hot  # noqa: F401
from ._losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,  # noqa: F401
                      kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss)


def linear(input, weight, bias=None):
    """input @ weight.T + bias, in one fused kernel call for 2-D input.

    A 1-D weight is accepted as PyTorch accepts it: ``input @ weight`` (a dot, a matrix-vector
    product, or a batched one), then ``+ bias`` for a bias that leaves that shape alone.
    """
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D "
                           f"and {weight.ndim}D")
    if weight.ndim == 1:
        return _linear_vector(input, weight, bias)
    if input.ndim == 2 and bias is not None:
        return linalg.linear_bias(input, weight, bias)
    if bias is not None and _fused_bias(input, bias):
        # PyTorch's flattened path: addmm over the rows, then a view (ViewBackward0)
        lead = tuple(input.shape[:-1])
        out = linalg.linear_bias(input.reshape(math.prod(lead), input.shape[-1]), weight, bias)
        return out.view(lead + (out.shape[-1],))
    # otherwise input @ weight.t() as PyTorch's matmul runs it (MmBackward0 for 2-D input,
    # SqueezeBackward4 for 1-D, UnsafeViewBackward0 for more), the bias added in place (AddBackward0)
    if input.ndim == 2:
        out = linalg.linear_nobias(input, weight)
    elif input.ndim == 1:
        out = linalg.matmul(input, weight.t())
    else:
        out = linalg.linear_folded(input, weight)
    return out if bias is None else out.add_(bias)


def _fused_bias(input, bias):
    """Whether PyTorch's linear takes its fused (flattened addmm) path: a contiguous input with a
    contiguous bias that is a vector once squeezed."""
    vector_bias = sum(n != 1 for n in bias.shape) == 1 or bias.ndim == 1
    return vector_bias and bias.is_contiguous() and input.is_contiguous()


def _linear_vector(input, weight, bias):
    """linear with a 1-D weight, as PyTorch's ATen linear runs it. PyTorch sends a 2-D input
    with a bias, and a contiguous input of another rank with a contiguous bias that is a
    vector once squeezed (its fused paths), to addmm, which refuses the 1-D weight; otherwise
    the product is a matmul and the bias is added in place into it, so it may not grow the
    result's shape."""
    if bias is not None:
        if input.ndim == 2 or _fused_bias(input, bias):
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    out = linalg.matmul(input, weight)
    if bias is None:
        return out
    try:
        shape = np.broadcast_shapes(tuple(out.shape), tuple(bias.shape))
    except ValueError:
        shape = None
    if shape is not None and shape != tuple(out.shape):
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast shape {list(shape)}")
    return out + bias


# -- sequence models (issue 14): attention, RMS norm, multi-head attention ----------------------
from ._attention import scaled_dot_product_attention  # noqa: E402,F401
from ._attention import multi_head_attention_forward, rms_norm  # noqa: E402,F401
from ._embedding_bag import embedding_bag  # noqa: E402,F401

# surface issue 12: activations and losses added for the everyday API
from ._activation_more import (celu, gaussian_nll_loss, glu, gumbel_softmax, hardsigmoid,  # noqa: E402, F401
                               hardswish, mish, prelu, selu, softmin)
# end surface issue 12
from ._activation_more import softsign, tanhshrink  # noqa: E402, F401 -- audit of issue 12
# -- conv (issue 13): convolution, pooling and image-layer functionals ---------------------------
from ._conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: E402,F401
                    conv_transpose3d)
from ._pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,  # noqa: E402,F401
                       adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d, avg_pool1d, avg_pool2d,
                       avg_pool3d, max_pool1d, max_pool2d, max_pool3d)
from ._feature_dropout import (alpha_dropout, dropout1d, dropout2d, dropout3d,  # noqa: E402,F401
                               feature_alpha_dropout)
from ._image_norm import group_norm, instance_norm, local_response_norm  # noqa: E402,F401
from ._image import channel_shuffle, interpolate, pixel_shuffle, pixel_unshuffle  # noqa: E402,F401
from ._image_extra import (fold, lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d, max_unpool3d,  # noqa: E402,F401
                           unfold)
from ._grid import affine_grid, grid_sample  # noqa: E402,F401
# nnutils (issue 12): the loss behind nn.CosineEmbeddingLoss
from ._cosine_embedding import cosine_embedding_loss  # noqa: E402,F401
from ._margin_losses import (hinge_embedding_loss, margin_ranking_loss,  # noqa: E402,F401
                             multilabel_soft_margin_loss, pairwise_distance, poisson_nll_loss,
                             triplet_margin_loss)
from ._margin_losses import (multi_margin_loss, multilabel_margin_loss, soft_margin_loss,  # noqa: E402,F401
                             triplet_margin_with_distance_loss)
from ._ctc import ctc_loss  # noqa: E402,F401
from ._shrink import (hardshrink, pdist, rrelu, rrelu_, softshrink, threshold, threshold_)  # noqa: E402, F401 -- issue 12 ops
from ._pooling import (fractional_max_pool2d, fractional_max_pool2d_with_indices,  # noqa: E402,F401
                       fractional_max_pool3d, fractional_max_pool3d_with_indices)

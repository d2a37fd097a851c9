"""nn.functional's normalizations for image-shaped (N, C, *) input: instance_norm,
group_norm and local_response_norm, as compositions of the existing primitives.

- instance_norm is batch normalization of the input viewed as (1, N * C, *), as PyTorch
  computes it (so its result ends in ViewBackward0 too); running statistics, when given, are
  updated with the mean over the batch of the per-instance statistics.
- group_norm normalizes each (sample, group) slice with native_layer_norm on the input viewed
  as (N, G, C / G * spatial), then applies the per-channel affine map.
- local_response_norm divides by (k + alpha * mean of squares over `size` neighbouring
  channels) ** beta, the channel mean taken by average pooling, as in PyTorch.
"""
from ..autograd.grad_mode import no_grad
from ..ops.nn_layers import native_layer_norm
from ._normalization import batch_norm
from ..ops.padding import pad
from ._pooling import avg_pool2d, avg_pool3d


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    """Normalizes each channel of each sample over its spatial dims ((N, C, *) input)."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *) with at least 3 dims, got "
                         f"{list(input.shape)}")
    if use_input_stats and input.numel() // max(input.shape[0] * input.shape[1], 1) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    n, c = input.shape[0], input.shape[1]
    folded = input.reshape((1, n * c) + tuple(input.shape[2:]))

    def repeated(t):
        return None if t is None else t.repeat(n)

    rm, rv = repeated(running_mean), repeated(running_var)
    out = batch_norm(folded, rm, rv, repeated(weight), repeated(bias), use_input_stats, momentum, eps)
    if use_input_stats:
        with no_grad():
            if running_mean is not None:
                running_mean.copy_(rm.reshape(n, c).mean(0))
            if running_var is not None:
                running_var.copy_(rv.reshape(n, c).mean(0))
    return out.view(input.shape)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalizes each group of C / num_groups channels of each sample (over those channels and
    the spatial dims), then scales by `weight` and shifts by `bias` per channel."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    out = native_layer_norm(input.reshape(n, num_groups, -1), None, None, 1, float(eps)).reshape(input.shape)
    view = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """input / (k + alpha * mean over `size` neighbouring channels of input ** 2) ** beta."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input * input
    if dim == 3:
        div = pad(div.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).reshape(sizes)
    div = (div * alpha + k) ** beta
    return input / div

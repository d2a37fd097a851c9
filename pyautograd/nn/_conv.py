"""Functional convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d, as torch.nn.functional's.

The front ends check arguments with PyTorch's messages, normalize stride/padding/dilation to
one int per spatial dim, add the batch dim of unbatched input, and resolve padding='same'
(an odd total padding is split with the extra element at the end, by padding the input first,
as PyTorch does) before calling the one primitive, ops.conv.convolution.
"""
from ..ops import conv as conv_ops
from ..ops import nn_layers

_PADDING_STRINGS = ("same", "valid")


def expand_param(value, nd, name):
    """`value` (an int or a sequence of nd ints) as a tuple of nd ints."""
    if isinstance(value, int):
        return (value,) * nd
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * nd
    if len(value) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match the "
                           f"convolution dimensions, but got {name}={list(value)}")
    return value


def _fmt(shape):
    return f"[{', '.join(str(s) for s in shape)}]"


def _check_common(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, but got "
                           f"input of size: {_fmt(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError("weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input "
                           f"{_fmt(input.shape)}, but got {weight.ndim}-dimensional weight of size "
                           f"{_fmt(weight.shape)} instead")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(input)} but found {_scalar_name(weight)}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({_ctype(input)}) and bias type ({_ctype(bias)}) should be the same")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{_fmt(weight.shape)}] instead")


def _scalar_name(t):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}.get(t.dtype.name, t.dtype.name)


def _ctype(t):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}.get(t.dtype.name, t.dtype.name)


def _batched(fname, nd, input):
    return (input, False) if input.ndim == nd + 2 else (input.unsqueeze(0), True)


def _same_padding(nd, weight, dilation, stride):
    """PyTorch's 'same': total d * (k - 1) per dim, half on each side; an odd total's extra
    element goes at the end. Returns (symmetric padding, extra end padding for F.pad)."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    sym = tuple(t // 2 for t in totals)
    extra = []
    for t in reversed(totals):
        extra += [0, t % 2]
    return sym, tuple(extra)


def _conv(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    stride = expand_param(stride, nd, "stride")
    dilation = expand_param(dilation, nd, "dilation")
    extra = None
    if isinstance(padding, str):
        if padding not in _PADDING_STRINGS:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same":
            padding, extra = _same_padding(nd, weight, dilation, stride)
        else:
            padding = (0,) * nd
    else:
        padding = expand_param(padding, nd, "padding")
    _check_common(fname, nd, input, weight, bias, stride, padding, dilation, groups)
    x, unbatched = _batched(fname, nd, input)
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_fmt(weight.shape)}, expected input"
                           f"{_fmt(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size {_fmt(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{weight.shape[0]} elements, but got bias of size {_fmt(bias.shape)} instead")
    if extra is not None and any(extra):
        x = nn_layers.constant_pad_nd(x, extra, 0)
    padded = [s + 2 * p for s, p in zip(x.shape[2:], padding)]
    reach = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(r > s for r, s in zip(reach, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, reach))}). Kernel size can't be greater than actual "
                           f"input size")
    out = conv_ops.convolution(x, weight, bias, stride, padding, dilation, False, (0,) * nd, groups)
    return out.squeeze(0) if unbatched else out


def _conv_transpose(fname, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    stride = expand_param(stride, nd, "stride")
    padding = expand_param(padding, nd, "padding")
    dilation = expand_param(dilation, nd, "dilation")
    output_padding = expand_param(output_padding, nd, "output_padding")
    _check_common(fname, nd, input, weight, bias, stride, padding, dilation, groups)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(output_padding)}, stride={list(stride)}, "
                           f"dilation={list(dilation)}")
    if any(op < 0 for op in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    x, unbatched = _batched(fname, nd, input)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {_fmt(weight.shape)}, expected input"
                           f"{_fmt(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
                           f"instead")
    out_channels = weight.shape[1] * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given transposed=1, weight of size {_fmt(weight.shape)}, expected bias to be "
                           f"1-dimensional with {out_channels} elements, but got bias of size "
                           f"{_fmt(bias.shape)} instead")
    size = conv_ops.transposed_size(x.shape, weight.shape, stride, padding, dilation, output_padding)
    if any(s <= 0 for s in size):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, size))}). Output size is too small")
    out = conv_ops.convolution(x, weight, bias, stride, padding, dilation, True, output_padding, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of (N, C_in, L) input with weight (C_out, C_in / groups, K)."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of (N, C_in, H, W) input with weight (C_out, C_in / groups, kH, kW).
    padding: an int, a pair, 'valid' (none) or 'same' (output as large as the input; stride 1)."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of (N, C_in, D, H, W) input with weight (C_out, C_in / groups, kD, kH, kW)."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution of (N, C_in, L) input with weight (C_in, C_out / groups, K)."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution of (N, C_in, H, W) input with weight (C_in, C_out / groups, kH, kW)."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution of (N, C_in, D, H, W) input with weight (C_in, C_out / groups, kD, kH, kW)."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)

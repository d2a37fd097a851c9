"""Functional pooling: max_pool1d/2d/3d, avg_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d and
adaptive_max_pool1d/2d/3d, with PyTorch's argument rules and messages.

Arguments are normalized to one int per spatial dim (stride defaults to kernel_size) and
checked here; the 2-D and 3-D primitives in ops/pooling.py do the work. The 1-D forms run the
2-D op on input unsqueezed at dim -2 and squeeze it back, as PyTorch does (so their grad_fn is
SqueezeBackward1, as there); adaptive average pooling to size 1 is a mean, as in PyTorch.
fractional_max_pool2d/3d draw their window placements from torch.rand (one number per plane
and axis) unless `_random_samples` gives them.
"""
from .. import _creation, kernels
from ..ops import pooling as P
from ..ops import reduction


def _fmt(shape):
    return f"[{', '.join(str(s) for s in shape)}]"


def _ints(value, nd, fname, name, wording=None):
    """One int per spatial dim from an int or a tuple (wording: PyTorch's phrase for the op's
    error, when it is not the pooling ops' "a single int, or a tuple of two ints")."""
    if isinstance(value, int):
        return (value,) * nd
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * nd
    if len(value) != nd:
        words = {2: "two", 3: "three"}[nd]
        raise RuntimeError(f"{fname}: {name} must either be "
                           f"{wording or f'a single int, or a tuple of {words} ints'}")
    return value


def _check_rank(fname, input, nd):
    if input.ndim not in (nd + 1, nd + 2) or input.numel() == 0 and input.shape[-1] == 0:
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")


def _window_args(fname, nd, input, kernel_size, stride, padding, dilation):
    kernel = _ints(kernel_size, nd, fname, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _ints(stride, nd, fname, "stride")
    padding = _ints(padding, nd, fname, "padding")
    dilation = _ints(dilation, nd, fname, "dilation")
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    return kernel, stride, padding, dilation


def _check_output(input, nd, size, out):
    if any(o < 1 for o in out):
        lead = input.shape[input.ndim - nd - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (lead,) + tuple(size)))}). Calculated output "
                           f"size: ({'x'.join(map(str, (lead,) + tuple(out)))}). Output size is too small")


def _output_size(input, nd, kernel, stride, padding, dilation, ceil_mode):
    size = input.shape[input.ndim - nd:]
    out = kernels.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    _check_output(input, nd, size, out)


def _max_pool(fname, nd, op, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    _check_rank(fname, input, nd)
    kernel, stride, padding, dilation = _window_args(fname, nd, input, kernel_size, stride, padding, dilation)
    _output_size(input, nd, kernel, stride, padding, dilation, ceil_mode)
    out, indices = op(input, kernel, stride, padding, dilation, bool(ceil_mode))
    return (out, indices) if return_indices else out


def _unsqueezed_1d(fname, input):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{fname}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{_fmt(input.shape)}")
    return input.unsqueeze(-2)


def _one(v):
    return v if v is None or isinstance(v, int) else (tuple(v)[0] if len(tuple(v)) else v)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling of (N, C, L) or (C, L) input."""
    x = _unsqueezed_1d("max_pool1d", input)
    stride = None if stride is None or (not isinstance(stride, int) and len(stride) == 0) else (1, _one(stride))
    out, idx = _max_pool("max_pool1d", 2, P.max_pool2d_with_indices, x, (1, _one(kernel_size)), stride,
                         (0, _one(padding)), (1, _one(dilation)), ceil_mode, True)
    out = out.squeeze(-2)
    return (out, idx.squeeze(-2)) if return_indices else out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling of (N, C, H, W) or (C, H, W) input; padding counts as -inf."""
    return _max_pool("max_pool2d", 2, P.max_pool2d_with_indices, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W) input."""
    return _max_pool("max_pool3d", 3, P.max_pool3d_with_indices, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def _avg_pool(fname, nd, op, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    _check_rank(fname, input, nd)
    kernel, stride, padding, dilation = _window_args(fname, nd, input, kernel_size, stride, padding, 1)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _output_size(input, nd, kernel, stride, padding, dilation, ceil_mode)
    return op(input, kernel, stride, padding, bool(ceil_mode), bool(count_include_pad), divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L) input."""
    x = _unsqueezed_1d("avg_pool1d", input)
    stride = None if stride is None or (not isinstance(stride, int) and len(stride) == 0) else (1, _one(stride))
    return _avg_pool("avg_pool1d", 2, P.avg_pool2d, x, (1, _one(kernel_size)), stride, (0, _one(padding)),
                     ceil_mode, count_include_pad, None).squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling of (N, C, H, W) or (C, H, W) input."""
    return _avg_pool("avg_pool2d", 2, P.avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W) input."""
    return _avg_pool("avg_pool3d", 3, P.avg_pool3d, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _adaptive_size(fname, nd, input, output_size):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {_fmt(input.shape)}")
    if isinstance(output_size, int):
        size = (output_size,) * nd
    else:
        size = tuple(output_size)
        if len(size) != nd:
            raise RuntimeError(f"{fname}: output_size must be {nd}")
    spatial = input.shape[input.ndim - nd:]
    size = tuple(s if o is None else int(o) for o, s in zip(size, spatial))
    if any(o < 0 for o in size):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to 0 but received "
                           f"{_fmt(size)}")
    return size


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) input to output_size positions (windows that may overlap)."""
    x = _unsqueezed_1d("adaptive_avg_pool1d", input)
    return adaptive_avg_pool2d(x, (1, _one(output_size))).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of (N, C, H, W) input to output_size (an int, a pair, None keeps a size)."""
    size = _adaptive_size("adaptive_avg_pool2d", 2, input, output_size)
    if size == (1, 1):
        return reduction.mean_dim(input, (input.ndim - 2, input.ndim - 1), True)
    return P.adaptive_avg_pool2d(input, size)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, D, H, W) input to output_size."""
    size = _adaptive_size("adaptive_avg_pool3d", 3, input, output_size)
    if size == (1, 1, 1):
        return reduction.mean_dim(input, tuple(range(input.ndim - 3, input.ndim)), True)
    return P.adaptive_avg_pool3d(input, size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) input to output_size positions."""
    x = _unsqueezed_1d("adaptive_max_pool1d", input)
    out, idx = adaptive_max_pool2d(x, (1, _one(output_size)), True)
    out = out.squeeze(-2)
    return (out, idx.squeeze(-2)) if return_indices else out


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling of (N, C, H, W) input to output_size."""
    size = _adaptive_size("adaptive_max_pool2d", 2, input, output_size)
    out, idx = P.adaptive_max_pool2d(input, size)
    return (out, idx) if return_indices else out


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, D, H, W) input to output_size."""
    size = _adaptive_size("adaptive_max_pool3d", 3, input, output_size)
    out, idx = P.adaptive_max_pool3d(input, size)
    return (out, idx) if return_indices else out


_FRACTIONAL_WORDING = "a single Int or tuple of Ints"


def _fractional(fname, nd, input, kernel_size, output_size, output_ratio, random_samples):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fname} requires specifying either an output_size or an output_ratio")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {_fmt(input.shape)}")
    for d in range(input.ndim - nd - 1, input.ndim):  # the planes and the spatial axes
        if input.shape[d] == 0:
            raise RuntimeError(f"{fname}(): Expected input to have non-zero size for non-batch dimensions, but got"
                               f"{_fmt(input.shape)} with dimension {d} being empty.")
    kernel = _ints(kernel_size, nd, fname, "kernel_size", _FRACTIONAL_WORDING)
    spatial = input.shape[input.ndim - nd:]
    if output_size is None:
        ratio = (output_ratio,) * nd if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        if len(ratio) != nd:
            raise RuntimeError(f"{fname}: output_ratio must either be a single number or a tuple of {nd} numbers")
        size = tuple(int(n * r) for n, r in zip(spatial, ratio))
    else:
        size = _ints(output_size, nd, fname, "output_size", _FRACTIONAL_WORDING)
    if any(k <= 0 for k in kernel) or any(o < 0 for o in size):
        raise RuntimeError(f"{fname}(): kernel_size must be positive and output_size non-negative, got kernel_size="
                           f"{list(kernel)} and output_size={list(size)}")
    for name, o, k, n in zip(("time", "height", "width")[3 - nd:], size, kernel, spatial):
        if o + k - 1 > n:
            raise RuntimeError(f"{fname}(): pool {name} {k} too large relative to input {name} {n}")
    planes = input.shape[input.ndim - nd - 1]
    batch = input.shape[0] if input.ndim == nd + 2 else 1
    if random_samples is None:  # an integer input: rand's NotImplementedError, as in PyTorch
        random_samples = _creation.rand(batch, planes, nd, dtype=input.dtype)
    elif random_samples.ndim != 3 or random_samples.shape[2] != nd or random_samples.shape[1] != planes:
        raise RuntimeError(f"{fname}(): expected _random_samples of shape [{batch}, {planes}, {nd}] (batch, "
                           f"planes, {nd}), got {_fmt(random_samples.shape)}")
    elif random_samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    op = P.fractional_max_pool2d if nd == 2 else P.fractional_max_pool3d
    return op(input, kernel, size, random_samples[:batch])


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) input: (values, flat indices)."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling (Graham, 2014) of (N, C, H, W) input: windows of kernel_size at
    pseudo-random positions give output_size (or input size x output_ratio) outputs per plane."""
    out, indices = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, True,
                                                      _random_samples)
    return (out, indices) if return_indices else out


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) input: (values, flat indices)."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of (N, C, T, H, W) input (see fractional_max_pool2d)."""
    out, indices = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, True,
                                                      _random_samples)
    return (out, indices) if return_indices else out

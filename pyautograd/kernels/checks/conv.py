"""Output sizes of convolution and pooling, shared by both kernel backends (and the ops layer
through kernels.conv_output_size / kernels.pool_output_size)."""


def conv_output_size(size, kernel, stride, padding, dilation):
    """A convolution's output spatial sizes for input spatial sizes `size` (tuples, one per dim)."""
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, st, p, d in zip(size, kernel, stride, padding, dilation))


def pool_output_size(size, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output sizes: in ceil mode the last window must start inside the
    input or its left padding."""
    out = []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
    return tuple(out)

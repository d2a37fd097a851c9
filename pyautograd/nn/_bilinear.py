"""nn.functional.bilinear: y[..., k] = input1[..., :] @ weight[k] @ input2[..., :] + bias[k]."""


def bilinear(input1, input2, weight, bias=None):
    """The bilinear form of input1 (*, in1) and input2 (*, in2) with weight (out, in1, in2), plus
    bias (out,): output (*, out). Computed as one matmul then a product summed over in2."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{input1.shape[d]} and {input2.shape[d]}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out_features, in1_features, in2_features), got "
                           f"shape {list(weight.shape)}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {in2}")
    if bias is not None and tuple(bias.shape) != (out_f,):
        got = bias.shape[-1] if bias.ndim else 0
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but expected {out_f}")
    lead = tuple(input1.shape[:-1])
    x1, x2 = input1.reshape(-1, in1), input2.reshape(-1, in2)
    # (B, in1) @ (in1, out * in2): each row holds x1 @ weight[k] for every k.
    mixed = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (mixed * x2.unsqueeze(1)).sum(-1).reshape(*lead, out_f)
    return out if bias is None else out + bias

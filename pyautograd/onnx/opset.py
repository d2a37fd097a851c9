"""How each traced op becomes ONNX nodes (opset 17).

An emitter takes the graph builder, the op's input names (arrays by identity, numbers as
constants), its parameters by name and its input arrays, and returns the name of each output.
An op with no emitter stops the export with an error naming it.
"""
import numpy as np
from onnx import helper


def _perm_of_transpose(ndim, d0, d1):
    perm = list(range(ndim))
    perm[d0 % ndim], perm[d1 % ndim] = perm[d1 % ndim], perm[d0 % ndim]
    return perm


def _unary(onnx_op, **attrs):
    def emit(g, ins, p, arrays):
        return [g.node(onnx_op, [ins[0]], **attrs)]
    return emit


def _binary(onnx_op):
    def emit(g, ins, p, arrays):
        a, b = ins[0], ins[1]
        alpha = p.get("alpha", 1)
        if alpha != 1:
            b = g.node("Mul", [b, g.const(alpha, arrays[0])])
        return [g.node(onnx_op, [a, b])]
    return emit


def _rsub(g, ins, p, arrays):
    scaled = ins[0] if p.get("alpha", 1) == 1 else g.node("Mul", [ins[0], g.const(p["alpha"], arrays[0])])
    return [g.node("Sub", [ins[1], scaled])]


def _addmm(g, ins, p, arrays):
    return [g.node("Gemm", [ins[1], ins[2], ins[0]], alpha=float(p.get("alpha", 1)), beta=float(p.get("beta", 1)))]


def _reshape(g, ins, p, arrays, out):
    shape = list(out.shape)
    if g.batch_dynamic(ins[0]) and shape and arrays[0].ndim and shape[0] == arrays[0].shape[0]:
        shape[0] = 0  # ONNX Reshape: 0 copies the input's dim, so the batch size stays free
    return [g.node("Reshape", [ins[0], g.const_array(np.array(shape, dtype=np.int64))])]


def _expand(g, ins, p, arrays, out):
    return [g.node("Expand", [ins[0], g.const_array(np.array(out.shape, dtype=np.int64))])]


def _permute(g, ins, p, arrays):
    return [g.node("Transpose", [ins[0]], perm=[int(d) % arrays[0].ndim for d in p["dims"]])]


def _transpose(g, ins, p, arrays):
    return [g.node("Transpose", [ins[0]], perm=_perm_of_transpose(arrays[0].ndim, p["dim0"], p["dim1"]))]


def _t(g, ins, p, arrays):
    out = g.node("Transpose", [ins[0]], perm=list(range(arrays[0].ndim))[::-1])
    if arrays[0].ndim == 2:
        g.transposed_of[out] = ins[0]  # a Linear's weight.t(): the Gemm reads the weight with transB
    return [out]


def _linear_addmm(g, ins, p, arrays):
    """F.linear's addmm(bias, x, weight.t()): one Gemm with transB on the weight itself (the
    Transpose, then unused, is dropped by the exporter)."""
    weight = g.transposed_of.get(ins[2])
    if weight is None:
        return _addmm(g, ins, p, arrays)
    return [g.node("Gemm", [ins[1], weight, ins[0]], transB=1)]


def _linear_mm(g, ins, p, arrays):
    weight = g.transposed_of.get(ins[1])
    if weight is None:
        return [g.node("MatMul", list(ins))]
    return [g.node("Gemm", [ins[0], weight], transB=1)]


def _unsqueeze(g, ins, p, arrays):
    return [g.node("Unsqueeze", [ins[0], g.const_array(np.array([p["dim"] % (arrays[0].ndim + 1)], np.int64))])]


def _axes(p, ndim, key="dims"):
    dims = p.get(key)
    if dims is None:
        return list(range(ndim))
    dims = [dims] if isinstance(dims, int) else list(dims)
    return [int(d) % max(ndim, 1) for d in dims] or list(range(ndim))


def _reduce(onnx_op, axes_as_input):
    def emit(g, ins, p, arrays):
        axes = _axes(p, arrays[0].ndim)
        keep = int(bool(p.get("keepdim", False)))
        if axes_as_input:
            return [g.node(onnx_op, [ins[0], g.const_array(np.array(axes, np.int64))], keepdims=keep)]
        return [g.node(onnx_op, [ins[0]], axes=axes, keepdims=keep)]
    return emit


def _softmax(onnx_op):
    def emit(g, ins, p, arrays):
        return [g.node(onnx_op, [ins[0]], axis=int(p["dim"]) % arrays[0].ndim)]
    return emit


def _gelu(g, ins, p, arrays):
    x = ins[0]
    if p.get("approximate", "none") == "tanh":
        cube = g.node("Mul", [g.node("Mul", [x, x]), x])
        inner = g.node("Mul", [g.node("Add", [x, g.node("Mul", [cube, g.const(0.044715, arrays[0])])]),
                               g.const(np.sqrt(2 / np.pi), arrays[0])])
        return [g.node("Mul", [g.node("Mul", [x, g.const(0.5, arrays[0])]),
                               g.node("Add", [g.node("Tanh", [inner]), g.const(1.0, arrays[0])])])]
    erf = g.node("Erf", [g.node("Div", [x, g.const(np.sqrt(2.0), arrays[0])])])
    return [g.node("Mul", [g.node("Mul", [x, g.const(0.5, arrays[0])]), g.node("Add", [erf, g.const(1.0, arrays[0])])])]


def _silu(g, ins, p, arrays):
    return [g.node("Mul", [ins[0], g.node("Sigmoid", [ins[0]])])]


def _logsigmoid(g, ins, p, arrays):
    return [g.node("Neg", [g.node("Softplus", [g.node("Neg", [ins[0]])])])]


def _clip(lo_key, hi_key):
    def emit(g, ins, p, arrays):
        lo, hi = p.get(lo_key), p.get(hi_key)
        args = [ins[0], g.const(lo, arrays[0]) if lo is not None else "",
                g.const(hi, arrays[0]) if hi is not None else ""]
        return [g.node("Clip", args)]
    return emit


def _pow_scalar(g, ins, p, arrays):
    return [g.node("Pow", [ins[0], ins[1]])]


def _layer_norm(g, ins, p, arrays):
    axis = arrays[0].ndim - int(p["normalized_ndim"])
    x, w, b = ins
    if not w:
        w = g.const_array(np.ones(arrays[0].shape[axis:], arrays[0].dtype))
    args = [x, w] + ([b] if b else [])
    return g.node_multi("LayerNormalization", args, 3, axis=axis, epsilon=float(p["eps"]))


def _batch_norm(g, ins, p, arrays):
    x, w, b, mean, var = ins
    channels = arrays[0].shape[1]
    w = w or g.const_array(np.ones(channels, arrays[0].dtype))
    b = b or g.const_array(np.zeros(channels, arrays[0].dtype))
    if not mean:
        raise RuntimeError("onnx.export: batch_norm with batch statistics (training mode) cannot be exported; call model.eval() first")
    y = g.node("BatchNormalization", [x, w, b, mean, var], epsilon=float(p["eps"]))
    return [y, "", ""]


def _embedding(g, ins, p, arrays):
    return [g.node("Gather", [ins[0], ins[1]], axis=0)]


def _cat(g, ins, p, arrays):
    return [g.node("Concat", list(ins), axis=int(p["dim"]) % arrays[0].ndim)]


def _stack(g, ins, p, arrays):
    axis = int(p["dim"]) % (arrays[0].ndim + 1)
    ax = g.const_array(np.array([axis], np.int64))
    return [g.node("Concat", [g.node("Unsqueeze", [i, ax]) for i in ins], axis=axis)]


def _to_copy(g, ins, p, arrays, out):
    return [g.node("Cast", [ins[0]], to=helper.np_dtype_to_tensor_dtype(out.dtype))]


def _identity(g, ins, p, arrays):
    return [g.node("Identity", [ins[0]])]


def _where(g, ins, p, arrays):
    return [g.node("Where", list(ins))]


# op name -> (emitter, whether it takes the output array too)
EMITTERS = {
    "add": _binary("Add"), "sub": _binary("Sub"), "mul": _binary("Mul"), "div": _binary("Div"),
    "div_scalar": _binary("Div"), "maximum": _binary("Max"), "minimum": _binary("Min"), "rsub_scalar": _rsub,
    "rsub_tensor": _rsub, "pow_scalar": _pow_scalar,
    "mm": _binary("MatMul"), "bmm": _binary("MatMul"), "matmul_nd": _binary("MatMul"), "mv": _binary("MatMul"),
    "addmm": _addmm, "linear_addmm": _linear_addmm, "linear_mm": _linear_mm,  # perf: F.linear's ops
    "relu": _unary("Relu"), "sigmoid": _unary("Sigmoid"), "tanh": _unary("Tanh"), "exp": _unary("Exp"),
    "log": _unary("Log"), "sqrt": _unary("Sqrt"), "neg": _unary("Neg"), "abs": _unary("Abs"), "erf": _unary("Erf"),
    "reciprocal": _unary("Reciprocal"), "floor": _unary("Floor"), "ceil": _unary("Ceil"), "sin": _unary("Sin"),
    "cos": _unary("Cos"), "sign": _unary("Sign"), "softplus": _unary("Softplus"),
    "gelu": _gelu, "silu": _silu, "logsigmoid": _logsigmoid,
    "leaky_relu": lambda g, ins, p, arrays: [g.node("LeakyRelu", [ins[0]], alpha=float(p["negative_slope"]))],
    "elu": lambda g, ins, p, arrays: [g.node("Elu", [ins[0]], alpha=float(p["alpha"]))],
    "hardtanh": _clip("min_val", "max_val"), "clamp_scalar": _clip("min", "max"),
    "permute": _permute, "transpose": _transpose, "t": _t, "unsqueeze": _unsqueeze,
    "clone": _identity, "contiguous_copy": _identity,
    "sum_all": _reduce("ReduceSum", True), "sum_dim": _reduce("ReduceSum", True),
    "mean_all": _reduce("ReduceMean", False), "mean_dim": _reduce("ReduceMean", False),
    "amax": _reduce("ReduceMax", False), "amin": _reduce("ReduceMin", False),
    "logsumexp": _reduce("ReduceLogSumExp", False),
    "_softmax": _softmax("Softmax"), "_log_softmax": _softmax("LogSoftmax"),
    "native_layer_norm": _layer_norm, "native_batch_norm": _batch_norm, "embedding": _embedding,
    "_cat": _cat, "_stack": _stack, "where": _where,
}
WITH_OUTPUT = {"view": _reshape, "_reshape_alias": _reshape, "_unsafe_view": _reshape, "expand": _expand,
               "_to_copy": _to_copy}

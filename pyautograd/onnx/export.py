"""torch.onnx.export: one traced forward pass of a model, written as an ONNX graph.

The model runs once, under no_grad and with a Tracer attached, on the given arguments; each
primitive op it runs becomes ONNX nodes (opset.py). Arrays connect ops by identity: the
model's inputs, its parameters and buffers (as initializers), and each op's outputs. An array
none of these produced (a tensor made inside forward) is written as a constant. The written
model is checked with onnx.checker and, when onnxruntime is installed, run on the traced
inputs and compared with the traced outputs, so an export that would compute something else
is an error, not a file.
"""
import os

import numpy as np

from .._tensor import Tensor
from ..graph.grad_mode import no_grad
from . import tracer


def _onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("pyautograd.onnx needs the onnx package: pip install \"pyautograd[interop]\"") from exc
    return onnx


class _Graph:
    """Builds the node list, with fresh names, constants and the identity map of arrays."""

    def __init__(self, onnx, dynamic_inputs):
        self.onnx = onnx
        self.nodes, self.initializers = [], []
        self.names = {}      # id(array) -> value name
        self.alive = []      # keeps traced arrays alive, so their ids stay unique
        self.count = 0
        self.dynamic_batch = set(dynamic_inputs)  # value names whose dim 0 is dynamic
        self.transposed_of = {}  # Transpose output -> its 2-D input (opset: a Gemm may read that with transB)

    def fresh(self, stem):
        self.count += 1
        return f"{stem}_{self.count}"

    def node(self, op_type, inputs, **attrs):
        out = self.fresh(op_type)
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [out], name=out, **attrs))
        if any(i in self.dynamic_batch for i in inputs if i):
            self.dynamic_batch.add(out)
        return out

    def node_multi(self, op_type, inputs, n_out, **attrs):
        outs = [self.fresh(op_type) for _ in range(n_out)]
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), outs, name=outs[0], **attrs))
        if any(i in self.dynamic_batch for i in inputs if i):
            self.dynamic_batch.update(outs)
        return outs

    def const_array(self, array, stem="const"):
        name = self.fresh(stem)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    def const(self, value, like):
        """A scalar constant of `like`'s dtype (ONNX does not promote)."""
        dtype = like.dtype if isinstance(like, np.ndarray) else np.float32
        return self.const_array(np.array(value, dtype=dtype))

    def batch_dynamic(self, name):
        return name in self.dynamic_batch

    def name_of(self, value, like):
        if isinstance(value, np.ndarray):
            key = id(value)
            if key not in self.names:
                self.alive.append(value)
                self.names[key] = self.const_array(value, "tensor_const")
            return self.names[key]
        if value is None:
            return ""
        return self.const(value, like)


def _used_nodes(nodes, output_names):
    """The nodes some graph output depends on, in order (an emitter may leave one unused: the
    Transpose of a weight that a Gemm reads with transB)."""
    needed, kept = set(output_names), []
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(node.input)
    return kept[::-1]


def _flat_tensors(obj, what):
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _flat_tensors(o, what)]
    raise TypeError(f"onnx.export: {what} must be tensors or tuples of tensors, got {type(obj).__name__}")


def export(model, args, f=None, export_params=True, verbose=False, training=None, input_names=None,
           output_names=None, operator_export_type=None, opset_version=None, do_constant_folding=True,
           dynamic_axes=None, keep_initializers_as_inputs=None, custom_opsets=None, dynamo=False, **kwargs):
    """Exports `model` (a Module or function) run on `args` to ONNX at `f` (a path or binary file).

    input_names/output_names name the graph's inputs and outputs; dynamic_axes maps a name to
    the axes ({index: name} or [index]) left free, e.g. {"x": {0: "batch"}}. opset_version
    defaults to 17 (the lowest this exporter writes). Returns the onnx.ModelProto.
    """
    onnx = _onnx()
    from . import opset  # import here: opset imports onnx, which is optional
    opset_version = opset_version or 17
    if opset_version < 17:
        raise ValueError(f"onnx.export: opset_version {opset_version}; this exporter writes opset 17 or later")
    args = args if isinstance(args, tuple) else (args,)
    inputs = _flat_tensors(args, "args")
    input_names = list(input_names or [f"input_{i}" for i in range(len(inputs))])
    if len(input_names) < len(inputs):
        input_names += [f"input_{i}" for i in range(len(input_names), len(inputs))]
    dynamic_axes = dict(dynamic_axes or {})
    dynamic_first = {n for n, axes in dynamic_axes.items() if 0 in (axes if isinstance(axes, (dict, list, tuple))
                                                                   else ())}
    g = _Graph(onnx, dynamic_first & set(input_names))
    for name, t in zip(input_names, inputs):
        g.names[id(t._data)] = name
    named = []
    if hasattr(model, "named_parameters"):
        named = list(model.named_parameters()) + [(n, b) for n, b in model.named_buffers() if b is not None]
    for name, t in named:
        if id(t._data) not in g.names:
            g.names[id(t._data)] = name
            g.initializers.append(onnx.numpy_helper.from_array(np.ascontiguousarray(t.detach().numpy()), name))
    with no_grad():
        result, calls = tracer.trace(model, *args)
    outputs = _flat_tensors(result, "the model's outputs")
    for op, arrays, params, out in calls:
        g.alive.append(out)
        pdict = dict(zip(op.params, params))
        like = next((a for a in arrays if isinstance(a, np.ndarray)), None)
        ins = [g.name_of(a, like) for a in arrays]
        if op.name in opset.EMITTERS:
            outs = opset.EMITTERS[op.name](g, ins, pdict, arrays)
        elif op.name in opset.WITH_OUTPUT:
            outs = opset.WITH_OUTPUT[op.name](g, ins, pdict, arrays, out)
        else:
            raise RuntimeError(f"onnx.export: the op {op.name!r} has no ONNX translation here (exportable ops: "
                               f"{', '.join(sorted(set(opset.EMITTERS) | set(opset.WITH_OUTPUT)))})")
        for o, name in zip(out if isinstance(out, tuple) else (out,), outs):
            if name:
                g.names[id(o)] = name
    output_names = list(output_names or [f"output_{i}" for i in range(len(outputs))])
    for name, t in zip(output_names, outputs):
        source = g.names.get(id(t._data))
        if source is None:
            raise RuntimeError(f"onnx.export: output {name!r} was not computed by a traced op (it is an input or "
                               f"a value made outside pyautograd's ops)")
        g.nodes.append(onnx.helper.make_node("Identity", [source], [name], name=f"{name}_identity"))
    g.nodes = _used_nodes(g.nodes, output_names)

    def value_info(name, t):
        dims = list(t.shape)
        axes = dynamic_axes.get(name, ())
        for axis in axes:
            dims[axis] = axes[axis] if isinstance(axes, dict) else f"{name}_dim{axis}"
        elem = onnx.helper.np_dtype_to_tensor_dtype(t.detach().numpy().dtype)
        return onnx.helper.make_tensor_value_info(name, elem, dims)
    graph = onnx.helper.make_graph(g.nodes, "pyautograd", [value_info(n, t) for n, t in zip(input_names, inputs)],
                                   [value_info(n, t) for n, t in zip(output_names, outputs)],
                                   initializer=g.initializers)
    model_proto = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", opset_version)],
                                         producer_name="pyautograd")
    model_proto.ir_version = min(model_proto.ir_version, 9)  # readable by current onnxruntime
    onnx.checker.check_model(model_proto)
    _verify(model_proto, input_names, inputs, outputs)
    if f is not None:
        data = model_proto.SerializeToString()
        if isinstance(f, (str, bytes, os.PathLike)):
            with open(f, "wb") as out:
                out.write(data)
        else:
            f.write(data)
    if verbose:
        print(onnx.helper.printable_graph(model_proto.graph))
    return model_proto


def _verify(model_proto, input_names, inputs, outputs):
    """Runs the exported model on the traced inputs with onnxruntime (when installed) and
    compares it with the traced outputs."""
    try:
        import onnxruntime  # import here: optional; without it the export is only checked structurally
    except ImportError:
        return
    session = onnxruntime.InferenceSession(model_proto.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {n: t.detach().numpy() for n, t in zip(input_names, inputs)})
    for i, (g, want) in enumerate(zip(got, outputs)):
        want = want.detach().numpy()
        scale = max(1.0, float(np.abs(want).max()) if want.size else 1.0)
        if g.shape != want.shape or not np.allclose(g, want, rtol=1e-4, atol=1e-4 * scale):
            raise RuntimeError(f"onnx.export: the exported graph does not reproduce the traced output {i} "
                               f"(max difference {np.abs(g - want).max() if g.shape == want.shape else 'shape'}); "
                               f"the model computes something outside pyautograd's ops")


__all__ = ["export"]

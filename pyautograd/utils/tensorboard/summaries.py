"""Summary protos for each kind of record SummaryWriter writes (scalars, histograms, images,
text, hparams) and the GraphDef of a traced forward pass, built from tensorboard's protos."""
import struct
import zlib

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import enable_grad


def _protos():
    try:
        from tensorboard.compat.proto import summary_pb2
    except ImportError as exc:
        raise ImportError("pyautograd.utils.tensorboard needs the tensorboard package: "
                          "pip install \"pyautograd[interop]\"") from exc
    return summary_pb2


def to_array(value):
    """A NumPy array of a tensor, array, number or sequence."""
    if isinstance(value, Tensor):
        return value.detach().numpy()
    return np.asarray(value)


def scalar(tag, value):
    """A Summary holding one scalar."""
    pb = _protos()
    v = to_array(value)
    if v.size != 1:
        raise ValueError(f"add_scalar: {tag!r} needs a single value, got shape {v.shape}")
    return pb.Summary(value=[pb.Summary.Value(tag=tag, simple_value=float(v.reshape(())))])


def _tensorflow_bins():
    # TensorFlow's default histogram buckets: +-1e-12 * 1.1**k up to 1e20, and 0.
    positive = [1e-12]
    while positive[-1] < 1e20:
        positive.append(positive[-1] * 1.1)
    return np.array([-b for b in reversed(positive)] + [0.0] + positive)


def histogram(tag, values, bins="tensorflow", max_bins=None):
    """A Summary holding a histogram of `values` (bins: 'tensorflow', a NumPy bins spec, or edges)."""
    pb = _protos()
    v = to_array(values).astype(np.float64).ravel()
    if v.size == 0:
        raise ValueError(f"add_histogram: {tag!r} has no values")
    edges = _tensorflow_bins() if isinstance(bins, str) and bins == "tensorflow" else bins
    counts, limits = np.histogram(v, bins=edges)
    if isinstance(bins, str) and bins == "tensorflow":
        keep = np.nonzero(counts)[0]
        lo, hi = (keep[0], keep[-1] + 1) if keep.size else (0, 1)
        counts, limits = counts[lo:hi], limits[lo:hi + 1]
    hist = pb.HistogramProto(min=float(v.min()), max=float(v.max()), num=int(v.size), sum=float(v.sum()),
                             sum_squares=float(np.dot(v, v)), bucket_limit=[float(x) for x in limits[1:]],
                             bucket=[float(c) for c in counts])
    return pb.Summary(value=[pb.Summary.Value(tag=tag, histo=hist)])


def _png(pixels):
    """PNG bytes of an HxWxC uint8 array (C 1, 3 or 4), written with zlib: no imaging library."""
    h, w, c = pixels.shape
    color = {1: 0, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def image(tag, img, dataformats="CHW"):
    """A Summary holding one image (float values in [0, 1] or uint8), in PyTorch's layouts."""
    pb = _protos()
    a = to_array(img)
    fmt = dataformats.upper()
    if len(fmt) != a.ndim or set(fmt) - set("CHW"):
        raise ValueError(f"add_image: dataformats {dataformats!r} does not match an image of shape {a.shape}")
    if "C" not in fmt:
        a, fmt = a[None], "C" + fmt
    a = np.transpose(a, [fmt.index(d) for d in "HWC"])
    if a.shape[2] not in (1, 3, 4):
        raise ValueError(f"add_image: {a.shape[2]} channels; an image has 1, 3 or 4")
    if a.dtype != np.uint8:
        a = (np.clip(a.astype(np.float64), 0, 1) * 255 + 0.5).astype(np.uint8)
    h, w, c = a.shape
    proto = pb.Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=_png(np.ascontiguousarray(a)))
    return pb.Summary(value=[pb.Summary.Value(tag=tag, image=proto)])


def text(tag, text_string):
    """A Summary holding text, for TensorBoard's text plugin."""
    pb = _protos()
    from tensorboard.compat.proto import tensor_pb2, tensor_shape_pb2, types_pb2
    meta = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(plugin_name="text"))
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[text_string.encode("utf-8")],
                                    tensor_shape=tensor_shape_pb2.TensorShapeProto(
                                        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)]))
    return pb.Summary(value=[pb.Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)])


def hparams(hparam_dict, metric_dict):
    """The experiment, session-start and session-end Summaries of TensorBoard's hparams plugin."""
    pb = _protos()
    from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

    def summary(tag, **content):
        data = plugin_data_pb2.HParamsPluginData(version=0, **content)
        meta = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(
            plugin_name="hparams", content=data.SerializeToString()))
        return pb.Summary(value=[pb.Summary.Value(tag=tag, metadata=meta)])

    start = plugin_data_pb2.SessionStartInfo()
    infos = []
    for key, value in hparam_dict.items():
        if isinstance(value, bool):
            start.hparams[key].bool_value = value
            kind = api_pb2.DATA_TYPE_BOOL
        elif isinstance(value, (int, float)) or (isinstance(value, Tensor) and value.numel() == 1):
            start.hparams[key].number_value = float(to_array(value).reshape(()))
            kind = api_pb2.DATA_TYPE_FLOAT64
        elif isinstance(value, str):
            start.hparams[key].string_value = value
            kind = api_pb2.DATA_TYPE_STRING
        else:
            raise ValueError(f"add_hparams: value of {key!r} must be a bool, number, str or one-element tensor, "
                             f"got {type(value).__name__}")
        infos.append(api_pb2.HParamInfo(name=key, type=kind))
    experiment = api_pb2.Experiment(hparam_infos=infos, metric_infos=[
        api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict])
    end = plugin_data_pb2.SessionEndInfo(status=api_pb2.STATUS_SUCCESS)
    return (summary("_hparams_/experiment", experiment=experiment),
            summary("_hparams_/session_start_info", session_start_info=start),
            summary("_hparams_/session_end_info", session_end_info=end))


def graph(model, inputs):
    """A GraphDef of one forward pass: a node per backward node (named by its op), inputs and
    parameters as placeholders, edges from the recorded graph."""
    from tensorboard.compat.proto import graph_pb2, node_def_pb2
    args = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    names = {}
    for name, p in model.named_parameters():
        names[id(p)] = name
    fed = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.dtype.is_floating_point:
            a = a.detach().requires_grad_(True)
            names[id(a)] = f"input/{i}"
        fed.append(a)
    with enable_grad():
        out = model(*fed)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(o, Tensor)]
    nodes, ids, stack = [], {}, [o.grad_fn for o in outs if o.grad_fn is not None]
    order = []
    while stack:
        fn = stack.pop()
        if id(fn) in ids:
            continue
        variable = getattr(fn, "variable", None)
        label = names.get(id(variable), f"tensor{len(ids)}") if variable is not None else \
            f"{type(fn).__name__.replace('Backward0', '').replace('Backward1', '')}_{len(ids)}"
        ids[id(fn)] = label
        order.append(fn)
        stack.extend(n for n, _ in fn.next_functions if n is not None)
    for fn in reversed(order):
        variable = getattr(fn, "variable", None)
        if variable is not None:
            nodes.append(node_def_pb2.NodeDef(name=ids[id(fn)], op="Parameter" if ids[id(fn)] in names.values()
                                              and not ids[id(fn)].startswith("input/") else "Input"))
        else:
            nodes.append(node_def_pb2.NodeDef(name=ids[id(fn)], op=type(fn).__name__,
                                              input=[ids[id(n)] for n, _ in fn.next_functions if n is not None]))
    for i, o in enumerate(outs):
        if o.grad_fn is not None:
            nodes.append(node_def_pb2.NodeDef(name=f"output/{i}", op="Output", input=[ids[id(o.grad_fn)]]))
    return graph_pb2.GraphDef(node=nodes)

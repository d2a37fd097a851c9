"""The backward graph as a picture: Graphviz DOT text, a rendered file, or a text tree.

Each node shows its op (the backward function's name) and what its forward produced
(shape and dtype); leaves show their parameter names when given ``params``; with
``show_saved`` each node lists what it saved, with the version it was saved at (and the
version now, when an in-place op has changed it since). Nodes that produced a NaN are red:
a leaf whose ``.grad`` holds one, a node whose saved output or root value holds one, and
the node anomaly mode stopped at. Walks ``grad_fn.next_functions`` iteratively, so graphs
of any depth (thousands of nodes) work without recursion limits.

Example::

    dot = torch.autograd.graph.to_dot(loss, params=dict(model.named_parameters()))
    torch.autograd.graph.render(loss, "graph", format="svg")   # needs Graphviz's `dot`
    torch.autograd.graph.print_graph(loss)                      # no dependency

It also has PyTorch's saved-tensor hooks: ``saved_tensors_hooks(pack, unpack)`` and
``save_on_cpu``.
"""
import shutil
import subprocess

import numpy as np

from .. import _dtype
from ..graph.node import AccumulateGrad, SavedTensor, pop_saved_tensors_hooks, push_saved_tensors_hooks
from .anomaly_report import nan_nodes


def _roots(roots):
    """[(node, the root tensor or None)] for tensors or nodes."""
    nodes = []
    for r in roots:
        node = getattr(r, "grad_fn", r)
        if node is None and getattr(r, "_rg", False):
            node = r._accumulator()
        if node is not None:
            nodes.append((node, r if hasattr(r, "_data") else None))
    return nodes


def _input_meta(node):
    """[(shape, dtype) or None] aligned with node.next_functions, when the node kept it."""
    meta = getattr(node, "meta", None)
    if meta is None:
        meta = getattr(node, "_in_meta", None)  # a custom Function's ctx
    return meta or ()


class _Graph:
    """The nodes reachable from the roots (discovery order, iteratively), and what each one's
    forward produced: {(node, output_nr): (shape, dtype)} read off its consumers' input
    records (a node does not keep its own output's shape)."""

    def __init__(self, roots):
        roots = _roots(roots)
        self.roots = [n for n, _ in roots]
        self.outputs = {}
        self.nan_roots = set()
        for node, t in roots:
            if t is not None:
                self.outputs[(node, getattr(t, "_output_nr", 0))] = (t._data.shape, t.dtype)
                if _dtype.is_differentiable(t._data.dtype) and np.isnan(t._data).any():
                    self.nan_roots.add(node)
        seen, self.order, stack = set(), [], list(reversed(self.roots))
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            self.order.append(node)
            meta = _input_meta(node)
            for i, (nxt, nr) in enumerate(node.next_functions):
                if nxt is None:
                    continue
                if i < len(meta) and meta[i] is not None:
                    self.outputs.setdefault((nxt, nr), meta[i])
            for nxt, _ in reversed(node.next_functions):
                if nxt is not None and nxt not in seen:
                    stack.append(nxt)

    def produced(self, node):
        """'[2, 3] torch.float32' (one entry per output) for what node's forward made."""
        if isinstance(node, AccumulateGrad):
            v = node.variable
            return f"{list(v.shape)} {v.dtype}"
        out_meta = getattr(node, "out_meta", None)
        if out_meta:
            return ", ".join(f"{list(s)} {_dtype_name(d)}" for s, d in out_meta)
        found = [self.outputs[(node, nr)] for nr in range(getattr(node, "num_outputs", 1) or 1)
                 if (node, nr) in self.outputs]
        return ", ".join(f"{list(s)} {_dtype_name(d)}" for s, d in found)

    def has_nan(self, node):
        if node in nan_nodes or node in self.nan_roots:
            return True
        if isinstance(node, AccumulateGrad):
            g = node.variable._grad
            return g is not None and _dtype.is_differentiable(g._data.dtype) and bool(np.isnan(g._data).any())
        result = (node.saved or {}).get("result")
        for st in result if isinstance(result, tuple) else (result,):
            data = st.data if isinstance(st, SavedTensor) else None
            if data is not None and _dtype.is_differentiable(data.dtype) and np.isnan(data).any():
                return True
        return False


def _dtype_name(d):
    """'torch.float32' for a pyautograd dtype or a NumPy one."""
    if isinstance(d, np.dtype):
        return str(_dtype.from_numpy(d))
    return str(d)


def _label_lines(graph, node, names):
    if isinstance(node, AccumulateGrad):
        name = names.get(id(node.variable))
        return [name or "leaf", graph.produced(node)]
    produced = graph.produced(node)
    return [node.name()] + ([produced] if produced else [])


def _saved_lines(node, names):
    lines = []
    for name, value in (node.saved or {}).items():
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, SavedTensor):
                if v.counter is None:
                    state = "freed"
                elif v.counter.value != v.version:
                    state = f"saved at v{v.version}, now v{v.counter.value}: modified in place"
                else:
                    state = f"v{v.version}"
                known = names.get(id(v.tensor)) if v.tensor is not None else None
                lines.append(f"{name}: {list(v.shape)} ({state})" + (f" = {known}" if known else ""))
            elif not hasattr(v, "_data"):
                lines.append(f"{name}: {v!r}"[:40])
    return lines


def to_dot(*roots, params=None, show_saved=False):
    """Graphviz DOT text of the graph behind `roots` (tensors or nodes).

    params: {name: tensor} to label leaves (e.g. dict(model.named_parameters())).
    show_saved: list each node's saved tensors with their versions.
    Nodes that produced a NaN are drawn in red (see the module notes).
    """
    names = {id(t): n for n, t in (params or {}).items()}
    graph = _Graph(roots)
    ids = {node: f"n{i}" for i, node in enumerate(graph.order)}
    lines = ["digraph autograd {", '  node [shape=box, fontname="monospace", fontsize=10];',
             "  rankdir=BT;"]
    for node in graph.order:
        label = _label_lines(graph, node, names)
        if show_saved:
            label += _saved_lines(node, names)
        text = "\\n".join(s.replace('"', "'") for s in label)
        style = ', style=filled, fillcolor="#ffb3b3", color=red' if graph.has_nan(node) else (
            ', style=filled, fillcolor="#d9ead3"' if isinstance(node, AccumulateGrad) else "")
        lines.append(f'  {ids[node]} [label="{text}"{style}];')
    for node in graph.order:
        for nxt, _nr in node.next_functions:
            if nxt is not None:
                lines.append(f"  {ids[nxt]} -> {ids[node]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(*roots, path="graph", format="svg", params=None, show_saved=False):
    """Writes the graph to `path`.`format` with Graphviz's `dot`; returns the file name.

    ``render(loss, "graph")`` is accepted too (the last positional string is the path).
    Raises RuntimeError naming the package to install when `dot` is missing.
    """
    if isinstance(roots[-1], str) and path == "graph":
        *roots, path = roots
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("render() needs Graphviz's `dot` program, which is not installed "
                           "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
                           "conda: conda install graphviz). to_dot() and print_graph() work without it.")
    out = f"{path}.{format}"
    subprocess.run([exe, f"-T{format}", "-o", out], input=to_dot(*roots, params=params, show_saved=show_saved),
                   text=True, check=True)
    return out


def print_graph(root, params=None, file=None, show_saved=False):
    """Prints the graph as an indented text tree and returns the text.

    Shared nodes are shown once, then referenced (see #k); NaN producers are marked [nan].
    """
    names = {id(t): n for n, t in (params or {}).items()}
    graph = _Graph([root])
    seen, lines = {}, []
    stack = [(node, 0) for node in reversed(graph.roots)]
    while stack:
        node, depth = stack.pop()
        label = "  ".join(_label_lines(graph, node, names))
        if graph.has_nan(node):
            label += "  [nan]"
        pad = "  " * depth
        if node in seen:
            lines.append(f"{pad}{label}  (see #{seen[node]})")
            continue
        seen[node] = len(seen)
        lines.append(f"{pad}#{seen[node]} {label}")
        if show_saved:
            lines += [f"{pad}     saved {s}" for s in _saved_lines(node, names)]
        for nxt, _ in reversed(node.next_functions):
            if nxt is not None:
                stack.append((nxt, depth + 1))
    text = "\n".join(lines)
    print(text, file=file)
    return text


class saved_tensors_hooks:
    """A context manager: every tensor an op saves for backward while it is open is handed to
    ``pack_hook(tensor)``, and what that returns is kept instead of the tensor; the backward
    calls ``unpack_hook(packed)``, which must return a tensor of the saved value (it is put back
    in the graph where the saved tensor was, so double backward works through it). Contexts
    nest (the innermost applies) and belong to the thread that opened them. As in PyTorch, a
    packed value is not version-checked: modifying the original in place before backward is
    not caught (with hooks that keep the tensor itself, the gradient then reads the new values)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        push_saved_tensors_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *args):
        pop_saved_tensors_hooks()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device for backward. Every
    tensor here is on the CPU, so, as on PyTorch's CPU build, a saved tensor is kept as it is
    (``tensor.cpu()`` is the tensor itself), or, with ``pin_memory=True``, as a copy (there is
    no accelerator to pin memory for, so the copy is not pinned)."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            if not pin_memory:
                return tensor.device, tensor.cpu()
            return tensor.device, tensor.detach().clone()

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack_to_cpu, unpack_from_cpu)

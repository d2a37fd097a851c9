"""The backward graph as a picture: Graphviz DOT text, a rendered file, or a text tree.

Walks ``grad_fn.next_functions`` iteratively, so graphs of any depth (thousands of
nodes) work without recursion limits.

Example::

    dot = torch.autograd.graph.to_dot(loss, params=dict(model.named_parameters()))
    torch.autograd.graph.render(loss, "graph", format="svg")   # needs Graphviz's `dot`
    torch.autograd.graph.print_graph(loss)                      # no dependency
"""
import shutil
import subprocess

import numpy as np

from .node import AccumulateGrad, SavedTensor


def _roots(roots):
    nodes = []
    for r in roots:
        node = getattr(r, "grad_fn", r)
        if node is None and getattr(r, "_rg", False):
            node = r._accumulator()
        if node is not None:
            nodes.append(node)
    return nodes


def _walk(roots):
    """Every node reachable from `roots`, in discovery order (iterative)."""
    seen, order, stack = set(), [], list(reversed(roots))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        for nxt, _ in reversed(node.next_functions):
            if nxt is not None and nxt not in seen:
                stack.append(nxt)
    return order


def _shape_dtype(node):
    meta = getattr(node, "meta", None)
    out_meta = getattr(node, "out_meta", None)
    if out_meta:
        return ", ".join(f"{list(s)} {d}" for s, d in out_meta)
    if isinstance(node, AccumulateGrad):
        v = node.variable
        return f"{list(v.shape)} {v.dtype}"
    if meta:
        shapes = [f"{list(m[0])}" for m in meta if m is not None]
        return "in " + ", ".join(shapes)
    return ""


def _label(node, names):
    if isinstance(node, AccumulateGrad):
        name = names.get(id(node.variable))
        title = f"{name}" if name else "leaf"
        return f"{title}\\n{_shape_dtype(node)}"
    return f"{node.name()}\\n{_shape_dtype(node)}"


def _saved_lines(node):
    lines = []
    for name, value in (node.saved or {}).items():
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, SavedTensor):
                state = "freed" if v.counter is None else f"v{v.version}"
                lines.append(f"{name}: {list(v.shape)} ({state})")
            elif not hasattr(v, "_data"):
                lines.append(f"{name}: {v!r}"[:40])
    return lines


def _has_nan(node):
    if isinstance(node, AccumulateGrad):
        g = node.variable._grad
        return g is not None and g._data.dtype.kind == "f" and bool(np.isnan(g._data).any())
    return False


def to_dot(*roots, params=None, show_saved=False):
    """Graphviz DOT text of the graph behind `roots` (tensors or nodes).

    params: {name: tensor} to label leaves (e.g. dict(model.named_parameters())).
    show_saved: list each node's saved tensors with their versions.
    Leaves whose .grad holds NaN are drawn in red.
    """
    names = {id(t): n for n, t in (params or {}).items()}
    nodes = _walk(_roots(roots))
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    lines = ["digraph autograd {", '  node [shape=box, fontname="monospace", fontsize=10];',
             "  rankdir=BT;"]
    for node in nodes:
        label = _label(node, names)
        if show_saved:
            saved = _saved_lines(node)
            if saved:
                label += "\\n" + "\\n".join(s.replace('"', "'") for s in saved)
        style = ', style=filled, fillcolor="#ffb3b3", color=red' if _has_nan(node) else (
            ', style=filled, fillcolor="#d9ead3"' if isinstance(node, AccumulateGrad) else "")
        lines.append(f'  {ids[node]} [label="{label}"{style}];')
    for node in nodes:
        for nxt, nr in node.next_functions:
            if nxt is not None:
                lines.append(f"  {ids[nxt]} -> {ids[node]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(*roots, path="graph", format="svg", params=None, show_saved=False):
    """Writes the graph to `path`.`format` with Graphviz's `dot`; returns the file name.

    Raises RuntimeError naming the package to install when `dot` is missing.
    """
    if isinstance(roots[-1], str) and path == "graph":
        *roots, path = roots
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("render() needs Graphviz's `dot` program, which is not installed "
                           "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz). "
                           "to_dot() and print_graph() work without it.")
    out = f"{path}.{format}"
    subprocess.run([exe, f"-T{format}", "-o", out], input=to_dot(*roots, params=params, show_saved=show_saved),
                   text=True, check=True)
    return out


def print_graph(root, params=None, file=None):
    """Prints the graph as an indented text tree (shared nodes are shown once, then referenced)."""
    names = {id(t): n for n, t in (params or {}).items()}
    seen, lines = {}, []
    stack = [(node, 0) for node in reversed(_roots([root]))]
    while stack:
        node, depth = stack.pop()
        label = _label(node, names).replace("\\n", "  ")
        if node in seen:
            lines.append("  " * depth + f"{label}  (see #{seen[node]})")
            continue
        seen[node] = len(seen)
        lines.append("  " * depth + f"#{seen[node]} {label}")
        for nxt, _ in reversed(node.next_functions):
            if nxt is not None:
                stack.append((nxt, depth + 1))
    text = "\n".join(lines)
    print(text, file=file)
    return text

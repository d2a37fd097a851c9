"""Measures pyautograd's import structure from its source, with `ast` (nothing is imported).

    python tests/architecture_metrics.py          # the four figures
    python tests/architecture_metrics.py -v       # and every offending import

The figures (issue 11, part 2):
- import cycles: strongly connected components (more than one module) of the graph whose
  edges are the imports inside pyautograd/ (module level and inside functions alike), each
  edge going to the module named (``from .ops import pointwise`` -> pyautograd.ops.pointwise;
  ``from .ops.shape import cat`` -> pyautograd.ops.shape);
- function-level imports: import statements of pyautograd modules inside a function body;
- cross-subpackage private imports: an import of a name that is private (underscore) to a
  package the importing module is not inside. An underscore component of a dotted path is
  private to the package holding it (``pyautograd._dtype`` to ``pyautograd``, so everyone may
  use it; ``pyautograd.ops._apply`` to ``pyautograd.ops``); an underscore name imported from a
  module is private to that module's package;
- lazy helpers: functions whose body is only imports and a return of the imported name (the
  ``_tensor_cls()`` pattern that hides an import circle).

tests/test_architecture.py uses the same functions to enforce the layer contract.
"""
import ast
import os
import sys
from collections import defaultdict
from dataclasses import dataclass

PACKAGE = "pyautograd"
ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), PACKAGE)
EXTENSIONS = {"pyautograd._C"}  # compiled modules: leaves of the graph


@dataclass(frozen=True)
class Import:
    """One imported name: `module` (the importer) at `line` imports `name` from `source`
    (a dotted path; `name` is None for ``import a.b``), which resolves to module `target`."""
    module: str
    line: int
    source: str
    name: str | None
    target: str
    in_function: bool


def modules(root=ROOT):
    """{dotted module name: file path} for every .py file under root."""
    out = {}
    base = os.path.dirname(root)
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(d, f)
                name = os.path.relpath(path, base)[:-3].replace(os.sep, ".")
                out[name.removesuffix(".__init__")] = path
    return out


def _is_package(mods, name):
    return mods[name].endswith("__init__.py")


def _resolve(mods, known, source, name):
    """The module an import reaches: source.name if that is a module, else the longest
    module prefix of source."""
    if name and f"{source}.{name}" in known:
        return f"{source}.{name}"
    while source and source not in known:
        source = source.rpartition(".")[0]
    return source or None


def imports(mods=None):
    """Every import of a pyautograd module, as Import records."""
    mods = mods or modules()
    known = set(mods) | EXTENSIONS
    out = []
    for mod, path in mods.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        stack = [(tree, False)]
        while stack:
            node, in_fn = stack.pop()
            for child in ast.iter_child_nodes(node):
                child_in_fn = in_fn or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                stack.append((child, child_in_fn))
                if isinstance(child, ast.Import):
                    pairs = [(a.name, None) for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    if child.level:
                        base = mod if _is_package(mods, mod) else mod.rpartition(".")[0]
                        for _ in range(child.level - 1):
                            base = base.rpartition(".")[0]
                        source = base + ("." + child.module if child.module else "")
                    else:
                        source = child.module
                    pairs = [(source, a.name) for a in child.names]
                else:
                    continue
                for source, name in pairs:
                    if source != PACKAGE and not source.startswith(PACKAGE + "."):
                        continue
                    target = _resolve(mods, known, source, name)
                    out.append(Import(mod, child.lineno, source, name, target, in_fn))
    return sorted(out, key=lambda i: (i.module, i.line))


def graph(imps):
    """{module: set of modules it imports}."""
    edges = defaultdict(set)
    for i in imps:
        if i.target != i.module:
            edges[i.module].add(i.target)
    return edges


def cycles(edges):
    """The strongly connected components with more than one module (Tarjan's algorithm,
    iterative), each a sorted list."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    nodes = set(edges) | {t for ts in edges.values() for t in ts}
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


def _private(part):
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _inside(module, package):
    return module == package or module.startswith(package + ".")


def private_imports(imps, mods=None):
    """The imports of a name private to a package the importer is not inside."""
    mods = mods or modules()
    bad = []
    for i in imps:
        parts = i.source.split(".")
        importer_pkg = i.module if i.module in mods and _is_package(mods, i.module) else i.module.rpartition(".")[0]
        owners = [".".join(parts[:k]) for k in range(1, len(parts)) if _private(parts[k])]
        if i.name and _private(i.name):
            if f"{i.source}.{i.name}" in mods or i.source in mods and _is_package(mods, i.source):
                owners.append(i.source)  # a private submodule of package `source`
            else:  # a private name of module `source`: private to its package
                owners.append(i.source.rpartition(".")[0])
        if any(not _inside(importer_pkg, owner) for owner in owners):
            bad.append(i)
    return bad


def lazy_helpers(mods=None):
    """(module, line, function) of every function whose body is imports then a return of
    an imported name: a lazy import helper."""
    mods = mods or modules()
    found = []
    for mod, path in mods.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
            if len(body) < 2 or not isinstance(body[-1], ast.Return):
                continue
            if not all(isinstance(b, (ast.Import, ast.ImportFrom)) for b in body[:-1]):
                continue
            bound = {(a.asname or a.name).split(".")[0] for b in body[:-1] for a in b.names}
            value = body[-1].value
            if isinstance(value, ast.Name) and value.id in bound:
                found.append((mod, fn.lineno, fn.name))
    return found


def figures():
    """{figure name: count} for the current source."""
    mods = modules()
    imps = imports(mods)
    return {"import cycles": len(cycles(graph(imps))),
            "modules in cycles": sum(len(c) for c in cycles(graph(imps))),
            "function-level imports": sum(i.in_function for i in
                                          {(i.module, i.line, i.in_function): i for i in imps}.values()),
            "cross-subpackage private imports": len(private_imports(imps, mods)),
            "lazy import helpers": len(lazy_helpers(mods))}


def main(argv):
    for name, value in figures().items():
        print(f"{name}: {value}")
    if "-v" in argv:
        mods = modules()
        imps = imports(mods)
        for c in cycles(graph(imps)):
            print("cycle:", " ".join(c))
        for i in imps:
            if i.in_function:
                print(f"function-level import: {i.module}:{i.line} {i.source} {i.name or ''}")
        for i in private_imports(imps, mods):
            print(f"private import: {i.module}:{i.line} from {i.source} import {i.name}")
        for mod, line, name in lazy_helpers(mods):
            print(f"lazy helper: {mod}:{line} {name}()")


if __name__ == "__main__":
    main(sys.argv[1:])

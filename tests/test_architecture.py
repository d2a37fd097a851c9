"""The layer contract (docs/architecture.md, "Layers"), checked on the source with `ast`.

Every module of pyautograd belongs to one layer of LAYERS (the one place the order is
declared) and imports only from its own layer or the layers below; the import graph has no
cycle (imports inside functions count too); no module imports a name private to a package it
is not inside; no import hides inside a function unless its line says why; the C and NumPy
kernel backends do not import each other. `python tests/architecture_metrics.py -v` prints
the figures and every offender.
"""
import os
import textwrap

import pytest

from architecture_metrics import cycles, graph, imports, lazy_helpers, modules, private_imports

# Bottom to top: a module may import from its own layer and the layers below it. A layer is a
# list of packages and modules (a package stands for everything inside it).
LAYERS = [
    ("kernels", ["pyautograd.kernels", "pyautograd._C"]),
    ("base", ["pyautograd._dtype", "pyautograd._size", "pyautograd._device", "pyautograd._sites",
              "pyautograd._errors", "pyautograd._tensor_str", "pyautograd._version_counter",
              "pyautograd._random", "pyautograd.return_types"]),
    ("tensor", ["pyautograd._tensor", "pyautograd._creation"]),
    ("graph", ["pyautograd.graph"]),
    ("ops", ["pyautograd.ops"]),
    ("autograd tools", ["pyautograd.autograd"]),
    ("library", ["pyautograd.nn", "pyautograd.optim", "pyautograd.utils", "pyautograd.serialization",
                 "pyautograd.linalg", "pyautograd.distributed", "pyautograd.torch_format", "pyautograd.onnx",
                 "pyautograd._pickle_io", "pyautograd._archive_mmap",  # (these two: training tools)
                 # surface issue 12: the platform answers, legacy types, compile/jit, func, distributions
                 "pyautograd.accelerator", "pyautograd.amp", "pyautograd.backends", "pyautograd.compiler",
                 "pyautograd.cuda", "pyautograd.distributions", "pyautograd.func", "pyautograd.jit",
                 "pyautograd.memory_format", "pyautograd.platform_state", "pyautograd.special",
                 "pyautograd.tensor_types", "pyautograd.type_info", "pyautograd.version",
                 "pyautograd._platform_methods",
                 "pyautograd.hub", "pyautograd.profiler",  # tools (issue 12)
                 "pyautograd.testing",  # issue 12 small functions: torch.testing
                 "pyautograd.cpu",  # issue 12, mixed precision: torch.cpu.amp
                 "pyautograd.random", "pyautograd.types", "pyautograd.torch_version",  # issue 12, module paths
                 "pyautograd.mps", "pyautograd.xpu",
                 "pyautograd.multiprocessing",
                 "pyautograd._foreach", "pyautograd._asserts"]),  # torch._foreach_*, torch._assert/_check  # issue 12: torch.multiprocessing  # issue 12: the other accelerators, absent
    ("api", ["pyautograd"]),  # the package's __init__: gathers the names users import
]

# What Tensor may import: it sits at the bottom of everything that knows about Tensors.
TENSOR_IMPORTS = {"pyautograd._dtype", "pyautograd._size", "pyautograd._device", "pyautograd._errors",
                  "pyautograd._tensor_str", "pyautograd._version_counter"}

# A function-level import is allowed only with this marker and a reason on its line.
FUNCTION_IMPORT_MARKER = "# import here:"


def layer_of(module, layers=LAYERS):
    """(index, name) of the layer holding `module`: the longest declared prefix wins."""
    best = None
    for index, (name, members) in enumerate(layers):
        for member in members:
            if module == member or module.startswith(member + "."):
                if best is None or len(member) > best[2]:
                    best = (index, name, len(member))
    return None if best is None else best[:2]


def upward_imports(imps, layers=LAYERS):
    """The imports that reach a layer above the importer's (or a module in no layer)."""
    bad = []
    for i in imps:
        src, dst = layer_of(i.module, layers), layer_of(i.target, layers)
        if src is None or dst is None or dst[0] > src[0]:
            bad.append((i, src, dst))
    return bad


def unexplained_function_imports(imps, mods):
    bad = []
    for i in imps:
        if i.in_function:
            with open(mods[i.module], encoding="utf-8") as f:
                line = f.read().split("\n")[i.line - 1]
            if FUNCTION_IMPORT_MARKER not in line:
                bad.append(i)
    return bad


@pytest.fixture(scope="module")
def source():
    mods = modules()
    return mods, imports(mods)


def _describe(imps):
    return "\n".join(f"  {i.module}:{i.line} imports {i.source}{'.' + i.name if i.name else ''}" for i in imps)


def test_the_parser_sees_the_package(source):
    # Guards the checks below against passing on an empty or misread graph.
    mods, imps = source
    assert len(mods) > 80
    edges = graph(imps)
    assert "pyautograd._tensor" in edges["pyautograd.ops._apply"]
    assert "pyautograd.graph.node" in edges["pyautograd.autograd.function"]
    assert "pyautograd.kernels.checks.optim" in edges["pyautograd.kernels._c.optim"]


def test_every_module_has_a_layer(source):
    mods, _ = source
    missing = sorted(m for m in mods if layer_of(m) is None)
    assert not missing, f"modules in no layer of LAYERS (tests/test_architecture.py): {missing}"


def test_no_import_cycles(source):
    _, imps = source
    found = cycles(graph(imps))
    assert not found, "import cycles:\n" + "\n".join("  " + " -> ".join(c) for c in found)


def test_imports_only_go_down(source):
    _, imps = source
    bad = upward_imports(imps)
    assert not bad, "imports of a higher layer:\n" + "\n".join(
        f"  {i.module}:{i.line} ({s[1] if s else 'no layer'}) imports {i.target} ({d[1] if d else 'no layer'})"
        for i, s, d in bad)


def test_no_private_name_from_another_package(source):
    mods, imps = source
    bad = private_imports(imps, mods)
    assert not bad, ("imports of a name private to another package (give it a public name in its "
                     "owning module):\n" + _describe(bad))


def test_no_import_hidden_in_a_function(source):
    mods, imps = source
    bad = unexplained_function_imports(imps, mods)
    assert not bad, (f"imports inside functions (move them up, or mark the line "
                     f"'{FUNCTION_IMPORT_MARKER} <why>'):\n" + _describe(bad))
    assert not lazy_helpers(mods)


def test_tensor_imports_only_dtypes_sizes_and_versions(source):
    _, imps = source
    reached = {i.target for i in imps if i.module == "pyautograd._tensor"}
    assert reached <= TENSOR_IMPORTS, sorted(reached - TENSOR_IMPORTS)


def test_kernel_backends_do_not_import_each_other(source):
    _, imps = source
    for a, b in (("pyautograd.kernels._c", "pyautograd.kernels._numpy"),
                 ("pyautograd.kernels._numpy", "pyautograd.kernels._c")):
        bad = [i for i in imps if i.module.startswith(a) and (i.target == b or i.target.startswith(b + "."))]
        assert not bad, _describe(bad)


# -- the checks can fail: a small package that breaks every rule -----------------------------

def _write(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))


def test_the_checks_catch_a_broken_package(tmp_path):
    root = tmp_path / "pyautograd"
    _write(str(root), {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/a.py": "from ..high import b\n",                 # upward, and a cycle with high.b
        "low/_private.py": "X = 1\n",
        "high/__init__.py": "",
        "high/b.py": "from ..low import a\nfrom ..low import _private\n"
                     "def f():\n    from ..low import a\n    return a\n",
    })
    mods = modules(str(root))
    imps = imports(mods)
    layers = [("low", ["pyautograd.low"]), ("high", ["pyautograd.high"]), ("api", ["pyautograd"])]
    assert cycles(graph(imps)) == [["pyautograd.high.b", "pyautograd.low.a"]]
    assert [(i.module, i.target) for i, _, _ in upward_imports(imps, layers)] == [
        ("pyautograd.low.a", "pyautograd.high.b")]
    assert [(i.module, i.name) for i in private_imports(imps, mods)] == [("pyautograd.high.b", "_private")]
    assert [(i.module, i.line) for i in unexplained_function_imports(imps, mods)] == [("pyautograd.high.b", 4)]
    assert lazy_helpers(mods) == [("pyautograd.high.b", 3, "f")]

"""The op database is complete: every primitive op (ops._opdef.REGISTRY) is exercised by an
OpInfo, every public op function has an entry, and every entry names a real op."""
import inspect

import pyautograd
from pyautograd.nn import functional
from pyautograd import Tensor
from pyautograd.ops import indexing, linalg, pointwise, reduction, shape
from pyautograd.ops import decompositions, spectral
from pyautograd.ops._opdef import REGISTRY
from pyautograd.ops._surface import SURFACE
from opdb import op_db

FAMILIES = (pointwise, reduction, shape, linalg, indexing, decompositions, spectral)

# Public functions of the ops modules that return plain Python values, not tensors.
NOT_OPS = {"numel": "returns an int", "is_tensor": "returns a bool", "is_floating_point": "returns a bool"}


def resolve(name):
    """The function an OpInfo name stands for: pyautograd.<name>, the Tensor method <name>,
    nn.functional.<name>, a front end of an ops family module (not exported yet), or the primitive
    op <name>; else None."""
    for owner in (pyautograd, Tensor, functional, spectral) + FAMILIES:  # spectral: torch.fft's functions
        fn = getattr(owner, name, None)
        if callable(fn) and not inspect.isclass(fn):
            return fn
    op = REGISTRY.get(name)
    return op.function if op is not None else None


def _is_op_function(fn):
    module = getattr(fn, "__module__", "") or ""
    return inspect.isfunction(fn) and (module == "pyautograd" or module.startswith("pyautograd.ops"))


# Public functions of the family modules that are argument or graph helpers, not ops.
HELPERS = {"viewable", "mark_views", "split_sizes", "setitem", "normalize_key", "parse_key"}


def public_ops():
    """{name: function} of the public op functions: pyautograd's, every declared one (exported
    or not: view, expand, to...), and the other front ends of the ops family modules (relu6,
    vector_norm), but not the primitives they choose among."""
    found = {}
    for name in dir(pyautograd):
        fn = getattr(pyautograd, name)
        if not name.startswith("_") and name not in NOT_OPS and _is_op_function(fn):
            found.setdefault(name, fn)
    for entry in SURFACE.values():
        if entry.name not in NOT_OPS:
            found.setdefault(entry.name, entry.function)
    for module in FAMILIES:
        for name, fn in vars(module).items():
            if (not name.startswith("_") and name not in HELPERS | set(NOT_OPS) and inspect.isfunction(fn)
                    and fn.__module__ == module.__name__ and not hasattr(fn, "op")):
                found.setdefault(name, fn)
    return found


def test_every_opinfo_names_a_real_op():
    unknown = [info.full_name for info in op_db if resolve(info.name) is None]
    assert not unknown, f"OpInfos naming no op: {unknown}"
    bad_covers = sorted({(info.full_name, c) for info in op_db for c in info.covers if c not in REGISTRY})
    assert not bad_covers, f"OpInfo.covers naming no primitive: {bad_covers}"


def test_every_primitive_is_covered():
    entries = {id(resolve(info.name)) for info in op_db}
    covered = {c for info in op_db for c in info.covers} | {info.name for info in op_db}
    missing = sorted(name for name, op in REGISTRY.items()
                     if name not in covered and id(op.function) not in entries)
    assert not missing, (f"primitive ops with no OpInfo (add an entry in tests/opdb/, or name the op in "
                         f"the covers of the entry that exercises it): {missing}")


def test_every_public_op_has_an_entry():
    entries = {id(resolve(info.name)) for info in op_db}
    names = {info.name for info in op_db}
    missing = sorted(name for name, fn in public_ops().items() if name not in names and id(fn) not in entries)
    assert not missing, f"public op functions with no OpInfo (add one in tests/opdb/): {missing}"


def test_the_checks_can_fail():
    """The coverage checks see what they should (guards against an empty or broken scan)."""
    ops = public_ops()
    assert {"add", "sum", "reshape", "clamp", "relu6"} <= set(ops)
    assert "numel" not in ops and "wrap_dim" not in ops
    assert resolve("__getitem__") is Tensor.__getitem__ and resolve("no_such_op") is None
    assert len(REGISTRY) > 50

"""Every public op is reachable everywhere its declaration says, and everywhere PyTorch has it.

The declarations (``defop(..., method=..., out=...)`` and ``@public``, collected in
ops/_surface.py) are the only list of ops; these tests check the places derived from them
(pyautograd's exports and ``__all__``, the Tensor methods, in-place variants and operators,
the out= forms), that nothing public bypasses them, that each has an op-database entry, and,
against PyTorch, that no method, in-place variant or out= form PyTorch has is missing. The
pointwise kernels' dispatch facts are checked the same way: one declaration, derived specs.
"""
import inspect
import re

import numpy as np
import pytest

import pyautograd
from pyautograd import Tensor, kernels
from pyautograd.kernels import _registry
from pyautograd.kernels._numpy import pointwise as np_pointwise
from pyautograd.ops import _methods, _surface
from pyautograd.ops._opdef import REGISTRY
from opdb import op_db

# What PyTorch has and pyautograd does not yet: each is a real gap, listed so that it is
# reported, not hidden (remove an entry when it is declared; the test fails if an entry
# goes stale).
KNOWN_GAPS = {
    "out": {"index_add": "out= form not declared yet", "scatter": "out= form not declared yet",
            "nonzero": "out= form not declared yet (int64 result)",
            **dict.fromkeys(("cummax", "cummin", "median", "std_mean", "var_mean"),
                            "a tuple result: its out= form is not declared yet"),
            **dict.fromkeys(("multinomial", "bernoulli"), "random draws: out= not declared yet"),
            "argsort": "PyTorch's out= exists only for the stable= overload; not declared yet"},
    "inplace": {},
}


def _unwrapped(fn):
    return getattr(fn, "__wrapped__", fn)


# -- the derived places, as functions returning what is missing (so a test can show they fail) ----

def missing_exports(surface, namespace):
    """Exported names of `surface` that `namespace` lacks or binds to another function."""
    return sorted(n for e in surface.values() for n in e.exported_names
                  if _unwrapped(namespace.get(n)) is not e.function)


def missing_methods(surface, cls):
    """Method, in-place and operator names of `surface` that `cls` lacks."""
    wanted = [n for e in surface.values() for n in e.methods + e.inplace + tuple(e.dunders)]
    return sorted(n for n in wanted if not callable(getattr(cls, n, None)))


def missing_out(surface, namespace):
    """Exported names declared with an out= policy whose exported function has no out= form."""
    return sorted(n for e in surface.values() if e.out for n in e.exported_names
                  if getattr(namespace.get(n), "out_policy", None) != e.out)


def test_every_declared_name_is_exported():
    assert not missing_exports(_surface.SURFACE, vars(pyautograd))
    assert set(_surface.exports()) <= set(pyautograd.__all__)


def test_from_import_works_for_every_export():
    namespace = {}
    exec(f"from pyautograd import {', '.join(_surface.exports())}", namespace)  # noqa: S102
    assert all(_unwrapped(namespace[n]) is fn for n, fn in _surface.exports().items())


def test_every_declared_method_is_bound():
    assert not missing_methods(_surface.SURFACE, Tensor)
    for name, fn in _methods.METHODS.items():
        assert getattr(Tensor, name) is fn, name


def test_every_out_policy_is_installed():
    assert not missing_out(_surface.SURFACE, vars(pyautograd))
    declared = {n for e in _surface.SURFACE.values() if e.out for n in e.exported_names}
    installed = {n for n in pyautograd.__all__ if getattr(getattr(pyautograd, n), "out_policy", None)}
    assert installed == declared


def test_nothing_public_bypasses_the_declarations():
    """Every op function exported from pyautograd is a declared one (no hand-written export)."""
    exports = _surface.exports()

    def is_op(fn):
        module = getattr(fn, "__module__", None) or ""
        return inspect.isfunction(fn) and (module == "pyautograd" or module.startswith("pyautograd.ops."))
    undeclared = sorted(n for n in pyautograd.__all__ if is_op(_unwrapped(getattr(pyautograd, n))) and n not in exports)
    assert not undeclared, f"exported op functions not declared with defop/@public: {undeclared}"


# Public functions that return plain Python values, not tensors (as test_opdb_coverage.NOT_OPS).
NOT_OPS = {"numel", "is_tensor", "is_floating_point"}


def test_every_public_op_has_an_opinfo():
    names = {info.name for info in op_db}
    covered = {id(_unwrapped(info.op)) for info in op_db}
    missing = sorted(e.name for e in _surface.SURFACE.values()
                     if e.name not in names and e.name not in NOT_OPS and id(e.function) not in covered
                     and not any(a in names for a in e.aliases + e.methods + tuple(e.dunders)))
    assert not missing, f"public ops with no OpInfo in tests/opdb/: {missing}"


def test_the_checks_can_fail():
    """A declaration that was not installed is reported by each check."""
    def ghost(input):
        return input
    fake = {"ghost": _surface.Surface("ghost", ghost, True, ("ghost_alias",), ("ghost",), None, ("ghost_",),
                                      {"__ghost__": None}, "cast")}
    assert missing_exports(fake, vars(pyautograd)) == ["ghost", "ghost_alias"]
    assert missing_methods(fake, Tensor) == ["__ghost__", "ghost", "ghost_"]
    assert missing_out(fake, {"ghost": ghost, "ghost_alias": ghost}) == ["ghost", "ghost_alias"]


def test_a_second_declaration_of_a_name_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        _surface.declare("add", lambda input: input)
    with pytest.raises(ValueError, match="out= policy"):
        _surface.public(out="sometimes")(lambda input: input)


# -- against PyTorch: no place PyTorch has is missing ------------------------------------------------

def _torch_takes_out(torch, name):
    fn = getattr(torch, name, None)
    if fn is None:
        return False
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        pass
    if re.search(r"\bout(=None|: Optional\[Tensor\]| \(Tensor)", fn.__doc__ or ""):
        return True
    try:
        fn(object(), _no_such_keyword_=1)
    except TypeError as exc:  # the overload list names `Tensor out = None` where there is one
        return "Tensor out" in str(exc)
    return False


def test_out_forms_where_pytorch_has_them(torch):
    missing = sorted(n for e in _surface.SURFACE.values() for n in e.exported_names
                     if e.out is None and _torch_takes_out(torch, n))
    assert missing == sorted(KNOWN_GAPS["out"]), f"declare out= for {sorted(set(missing) - set(KNOWN_GAPS['out']))}"


def test_methods_and_inplace_where_pytorch_has_them(torch):
    missing = set()
    for e in _surface.SURFACE.values():
        for name in set(e.exported_names) | set(e.methods):
            if hasattr(torch.Tensor, name) and not hasattr(Tensor, name):
                missing.add(name)
        for name in e.methods:
            if hasattr(torch.Tensor, f"{name}_") and not hasattr(Tensor, f"{name}_"):
                missing.add(f"{name}_")
    assert missing == set(KNOWN_GAPS["inplace"]), (
        f"not declared: {sorted(missing - set(KNOWN_GAPS['inplace']))}; "
        f"stale gaps: {sorted(set(KNOWN_GAPS['inplace']) - missing)}")


# -- kernel facts: one declaration, the dispatcher derives ---------------------------------------

def test_every_c_pointwise_kernel_has_facts():
    if not kernels.c_available():
        pytest.skip("the C kernels are not built")
    from pyautograd.kernels._c import pointwise as c_pointwise
    names = {name for _, name in c_pointwise.TABLE} | {"where"}
    assert not names - set(np_pointwise.FACTS)
    for kind, name in c_pointwise.TABLE:
        facts = np_pointwise.FACTS[name]
        assert facts.arity == (1 if kind == "UNARY" else 2), name
        assert facts.params == c_pointwise.PARAMS.get(name, 0), name


def test_spec_follows_the_declared_facts():
    for name, facts in np_pointwise.FACTS.items():
        spec = _registry.spec_for(name)
        assert spec.size_args == facts.size_args
        assert spec.threshold == _registry._CLASS_THRESHOLD[facts.cost]


@pytest.mark.parametrize("name", sorted(n for n, f in np_pointwise.FACTS.items() if f.arity == 2))
def test_binary_kernels_take_a_number_first_on_c(name, monkeypatch):
    """The bug a hand-kept binary set allowed: `kernels.<binary>(2.0, array)` once C is chosen."""
    b = np.linspace(0.5, 2.0, 8)
    want = getattr(np_pointwise, name)(2.0, b)
    with kernels.use_backend("c" if kernels.c_available() else "numpy"):
        got = getattr(kernels, name)(2.0, b)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_one_alignment_threshold():
    from pyautograd.kernels import _alloc
    assert _alloc.empty((_alloc.ALIGN_FROM_BYTES // 8,), np.float64).ctypes.data % _alloc.ALIGN == 0
    assert not hasattr(_alloc, "_SMALL")


def test_registry_is_nonempty():
    assert len(_surface.SURFACE) > 100 and len(REGISTRY) > 50

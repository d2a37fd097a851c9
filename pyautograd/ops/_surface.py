"""The public surface of the ops: declared once per op, every table derived from it.

An op's declaration names everything a user reaches it by: the exported function and its
aliases (``torch.clamp``, ``torch.clip``), the Tensor methods (``x.clamp``), the in-place
variants (``x.clamp_``, ``x += y``), the operators (``x + y``, ``2 - x``) and the ``out=``
policy of the exported function. A primitive says it in ``defop(..., method=True, out="cast")``;
a front end (an overload chooser or a composition) says it with ``@public(...)`` on its
definition. Nothing else lists ops: the Tensor method table (``_methods``), the out= forms
(``_out``) and ``pyautograd``'s exports are all read from ``SURFACE`` at import time, so a new
op cannot be declared and forgotten in one of them (tests/test_surface.py checks the result).

The keywords, in both forms:
    export   the function is exported from ``pyautograd`` under its name (default: True for
             ``@public``, False for a ``defop`` with no surface keyword);
    aliases  further exported names for the same function (``clip`` for ``clamp``);
    method   True (a Tensor method of the same name), a name, a tuple of names (``("clamp",
             "clip")``), or a function(self, ...) that implements the method differently
             (``where``'s method takes ``self`` second);
    inplace  True (``<method>_``) or a tuple of in-place method names; each applies the
             function and writes the result back into ``self`` (``_inplace.make_inplace``);
    dunders  operator names bound to the function (a tuple), or a dict {name: None (the
             function itself) or make(function) -> method (``reflected``, an adapter)};
             augmented ones (``__iadd__``) are in-place and bump like ``add_``;
    out      the ``out=`` policy where PyTorch's function has one: "cast", "exact",
             "dtype" or "cat" (see ``_out``).
"""
from dataclasses import dataclass, field

OUT_POLICIES = ("cast", "exact", "dtype", "cat")

SURFACE = {}  # public name -> Surface, in declaration order


@dataclass(frozen=True)
class Surface:
    """Where one public op is reachable (see the module notes)."""

    name: str
    function: object
    export: bool = True
    aliases: tuple = ()
    methods: tuple = ()
    method_impl: object = None  # what the methods bind (None: the function)
    inplace: tuple = ()
    dunders: dict = field(default_factory=dict)
    out: "str | None" = None

    @property
    def exported_names(self):
        return ((self.name,) + self.aliases) if self.export else ()


def declare(name, function, *, export=True, aliases=(), method=None, inplace=None, dunders=(), out=None):
    """Records the public surface of `function` under `name` (see the module notes)."""
    if name in SURFACE:
        raise ValueError(f"the public op {name!r} is declared twice")
    if out is not None and out not in OUT_POLICIES:
        raise ValueError(f"{name}: out= policy must be one of {OUT_POLICIES}, got {out!r}")
    if out is not None and not export:
        raise ValueError(f"{name}: an out= form needs an exported function")
    impl = None
    if callable(method):
        impl, methods = method, (name,)
    elif method is True:
        methods = (name,)
    elif isinstance(method, str):
        methods = (method,)
    else:
        methods = tuple(method or ())
    if inplace is True:
        if not methods:
            raise ValueError(f"{name}: inplace=True needs a method name")
        inplace = (f"{methods[0]}_",)
    dunders = dict.fromkeys(dunders) if isinstance(dunders, (tuple, list)) else dict(dunders)
    entry = Surface(name, function, bool(export), tuple(aliases), methods, impl, tuple(inplace or ()),
                    dunders, out)
    SURFACE[name] = entry
    return entry


def public(name=None, **surface):
    """Decorator form of ``declare`` for front ends: ``@public(method=True, out="cast")``."""
    def decorate(fn):
        declare(name or fn.__name__, fn, **surface)
        return fn
    return decorate


def reflected(fn):
    """The reflected operator of a binary function: ``other <op> self`` (``__rfloordiv__``)."""
    def method(self, other):
        return fn(other, self)
    method.__name__ = f"r{fn.__name__}"
    return method


def _augmented(dunder):
    return dunder.startswith("__i") and dunder not in ("__invert__", "__iter__", "__index__", "__int__")


def method_tables():
    """(methods, inplace): {Tensor attribute: function}, and {in-place attribute: (the
    out-of-place function it applies, the name its version bump reports)}."""
    methods, inplace = {}, {}
    for entry in SURFACE.values():
        impl = entry.method_impl or entry.function
        for m in entry.methods:
            _put(methods, m, impl, entry.name)
        for m in entry.inplace:
            _put(inplace, m, (impl, m), entry.name)
        for dunder, make in entry.dunders.items():
            bound = entry.function if make is None else make(entry.function)
            if _augmented(dunder):
                if not entry.inplace:
                    raise ValueError(f"{entry.name}: the augmented operator {dunder} needs an in-place method")
                _put(inplace, dunder, (bound, entry.inplace[0]), entry.name)
            else:
                _put(methods, dunder, bound, entry.name)
    return methods, inplace


def out_policies():
    """{policy: (exported names...)}: the functions that take ``out=``, by policy."""
    policies = {p: [] for p in OUT_POLICIES}
    for entry in SURFACE.values():
        if entry.out is not None:
            policies[entry.out].extend(entry.exported_names)
    return {p: tuple(names) for p, names in policies.items()}


def exports():
    """{exported name: function} of every public op."""
    names = {}
    for entry in SURFACE.values():
        for n in entry.exported_names:
            _put(names, n, entry.function, entry.name)
    return names


def _put(table, key, value, owner):
    if key in table:
        raise ValueError(f"{key!r} is declared twice (the second time by {owner!r})")
    table[key] = value

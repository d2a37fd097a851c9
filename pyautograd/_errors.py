"""Pieces of error messages: what a tensor is, which parameter it is, where the user was.

Messages keep PyTorch's sentence first (users search for it) and add these. Everything
here runs only while an error or warning is being built, so it may take its time.
"""
import gc
import linecache
import sys

from ._sites import format_site, user_site


def describe(t):
    """'shape [2, 3], torch.float32' for a tensor."""
    return f"shape {list(t._data.shape)}, {t.dtype}"


def role(t):
    """What a tensor is in the graph, in words: parameter 'fc1.weight', a leaf, an op's output."""
    if t.grad_fn is not None:
        return f"the output of {t.grad_fn.name()}"
    name = parameter_name(t)
    if name is not None:
        return f"parameter {name!r}"
    if type(t).__name__ == "Parameter":
        return "an nn.Parameter"
    return "a leaf tensor" + (" that requires grad" if t._rg else "")


def parameter_name(t):
    """The qualified name ('fc1.weight') of Parameter `t` in a live nn.Module holding it, or None.

    A Parameter does not know its module, so the heap is searched for modules holding it
    (by exact type, never isinstance: that would run other libraries' lazy attributes); the
    outermost module (the longest name) wins.
    """
    module = sys.modules.get("pyautograd.nn.module")
    parameter = sys.modules.get("pyautograd.nn.parameter")
    if module is None or parameter is None or not isinstance(t, parameter.Parameter):
        return None
    kinds = _subclasses(module.Module)
    best = None
    for obj in gc.get_objects():
        if type(obj) in kinds:
            for name, p in obj.named_parameters():
                if p is t and (best is None or len(name) > len(best)):
                    best = name
    return best


def _subclasses(cls):
    found, stack = {cls}, [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def user_line(depth=3):
    """The user's current source site, formatted as a traceback entry (or '')."""
    site = user_site(depth)
    return "  " + format_site(site) if site is not None else ""


def source_text(depth=3):
    """The text of the user's current source line (or '')."""
    site = user_site(depth)
    if site is None:
        return ""
    lines = format_site(site).splitlines()
    return lines[1].strip() if len(lines) > 1 else ""


def definition_line(fn):
    """(code, lineno) of the line defining a Python function (its `def`, past decorators), or None;
    format it with _sites.format_line (it is a line number, not a site's instruction offset)."""
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    if code is None:
        return None
    line = code.co_firstlineno
    while linecache.getline(code.co_filename, line).lstrip().startswith("@"):
        line += 1
    return (code, line)

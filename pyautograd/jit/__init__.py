"""torch.jit, as far as it can be honoured without TorchScript: the decorators and queries that
models sprinkle through their code, so they run unchanged in eager mode.

``is_scripting()``/``is_tracing()`` are False (nothing is ever scripted or traced here);
``ignore``/``unused``/``export`` return the function; ``Final`` is typing.Final;
``script(obj)`` returns ``obj`` itself -- calling it gives the same results as PyTorch's
scripted version -- and ``trace(func, example_inputs)`` runs func once on the example, as
PyTorch's does, and returns func; there is no TorchScript program (no ``.code``, ``.graph``, nor
``torch.jit.save``, which this module does not offer). ``TracerWarning`` is the warning class
scripts filter (nothing here traces, so nothing emits it); ``torch.jit.annotations`` holds the
typing names TorchScript code imports from it.
"""
import typing
import warnings

from . import annotations  # noqa: F401  (torch.jit.annotations)

Final = typing.Final


class TracerWarning(Warning):
    """torch.jit.TracerWarning: the warning PyTorch's tracer emits (scripts filter it by class)."""


def is_scripting():
    """False: code runs eagerly, never as TorchScript."""
    return False


def is_tracing():
    """False: nothing is traced."""
    return False


def ignore(drop=False, **kwargs):
    """A decorator leaving a function to Python (as every function is here): returns it unchanged.
    ``ignore(True)`` is PyTorch's deprecated spelling of ``unused`` (it warns likewise)."""
    if callable(drop):
        return drop
    if drop:
        warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function call on "
                      "compilation. Use torch.jit.unused now. {}", FutureWarning, stacklevel=2)
    return lambda fn: fn


def unused(fn):
    """A decorator for methods TorchScript should not compile: returns `fn` unchanged."""
    return fn


def export(fn):
    """A decorator marking a method for TorchScript export: returns `fn` unchanged."""
    return fn


def annotate(the_type, the_value):
    """A type hint for TorchScript: returns `the_value`."""
    return the_value


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Returns `obj` itself (a module, function or class): it runs eagerly with the same results
    as PyTorch's scripted version (no TorchScript program is made). Deprecated in PyTorch, and it
    warns likewise."""
    warnings.warn("`torch.jit.script` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning, stacklevel=2)
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """Runs `func` (a module or function) once on `example_inputs` (a tensor or a tuple of them)
    or `example_kwarg_inputs`, as PyTorch's tracer does, and returns `func` itself: it runs
    eagerly, so data-dependent control flow follows each call's data where PyTorch's trace would
    replay the recorded path. No TorchScript program is made. Deprecated in PyTorch, and it warns
    likewise."""
    warnings.warn("`torch.jit.trace` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning, stacklevel=2)
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be specified to trace")
    if example_kwarg_inputs is not None:
        func(**example_kwarg_inputs)
    else:
        func(*(example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)))
    return func

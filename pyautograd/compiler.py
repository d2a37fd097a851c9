"""torch.compile and torch.compiler, with the eager backend only.

``torch.compile(model, ...)`` accepts PyTorch's arguments (checked as PyTorch checks them) and
returns a callable that runs the model eagerly: the same results, graph, gradients and
hooks as the uncompiled model, and no speed-up -- pyautograd has no graph compiler yet
(a later step). A module comes back wrapped as PyTorch wraps it (``OptimizedModule``, the
original in ``_orig_mod``, its state_dict keys prefixed ``_orig_mod.``); a function comes
back as a wrapper of it. Inside, ``torch.compiler.is_compiling()`` is False, as it is for
code PyTorch runs eagerly.
"""
import functools

from .nn.module import Module

MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# The backend names PyTorch accepts; every one runs eagerly here.
BACKENDS = ("inductor", "eager", "aot_eager", "aot_eager_decomp_partition", "cudagraphs", "openxla", "tvm")


class InvalidBackend(RuntimeError):
    """A backend name PyTorch does not know (its torch._dynamo.exc.InvalidBackend is a RuntimeError)."""


class OptimizedModule(Module):
    """What torch.compile returns for a Module: runs ``_orig_mod`` eagerly; other attributes are
    read from it."""

    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "_orig_mod":
                raise
            return getattr(self._orig_mod, name)


def _check(model, mode, options, backend):
    if model is not None and not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    if isinstance(backend, str) and backend not in BACKENDS:
        raise InvalidBackend(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                             f"backends.")
    if backend is not None and not isinstance(backend, str):
        raise RuntimeError("torch.compile with a custom backend callable needs a captured FX graph, which "
                           "pyautograd does not make: use a backend name (every one runs eagerly here)")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            name=None, disable=False, **kwargs):
    """The model (a Module or a function), to be run eagerly: PyTorch's arguments are accepted and
    checked, the results are those of the model itself. Without a model, a decorator."""
    _check(model, mode, options, backend)
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, name=name, disable=disable, **kwargs)
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kw):
        return model(*args, **kw)
    return compiled


def is_compiling():
    """False: code always runs eagerly here."""
    return False


is_dynamo_compiling = is_compiling


def disable(fn=None, recursive=True, *, reason=None):
    """Marks `fn` to run eagerly (everything does): returns it unchanged (or a decorator)."""
    return fn if fn is not None else (lambda f: f)


def allow_in_graph(fn):
    """Returns `fn`: there is no graph to allow it into."""
    return fn


def assume_constant_result(fn):
    """Returns `fn`: there is no trace to fold it into."""
    return fn


def reset():
    """Clears compilation caches: there are none."""


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names torch.compile accepts (each runs eagerly here)."""
    return sorted(b for b in BACKENDS if b not in ("eager", "aot_eager", "aot_eager_decomp_partition"))

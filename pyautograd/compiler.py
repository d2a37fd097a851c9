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

from .nn.compile_args import BACKENDS, MODES, InvalidBackend, check_compile_args  # noqa: F401 (PyTorch's names)
from .nn.module import Module


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


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            name=None, disable=False, **kwargs):
    """The model (a Module or a function), to be run eagerly: PyTorch's arguments are accepted and
    checked, the results are those of the model itself. Without a model, a decorator."""
    check_compile_args(model, mode, options, backend)
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
